using Oppdrift.Access;

namespace Oppdrift.Tests.Access;

public sealed class EntraSettingsTests
{
    private const string Home = "5B3C8A1E-7D42-4F0E-9C61-2A8E4F1D9B07";
    private const string Partner = "0e6f2a4c-1b3d-4e5f-8a7b-9c0d1e2f3a4b";

    [Fact]
    public void Sign_in_is_refused_to_start_without_a_tenant_id_or_with_a_tenant_that_is_no_id()
    {
        var missing = new EntraSettings { ClientId = "client" };
        var wildcard = new EntraSettings { ClientId = "client", TenantId = Home };
        wildcard.AllowedTenants.Add("*");
        var common = new EntraSettings { ClientId = "client", TenantId = "common" };

        Assert.Contains(missing.Problems(), p => p.Contains("Authentication:Entra:TenantId", StringComparison.Ordinal));
        Assert.Contains(wildcard.Problems(), p => p.Contains("'*'", StringComparison.Ordinal));
        Assert.NotEmpty(common.Problems());
        Assert.False(wildcard.Admits("*"));
    }

    [Fact]
    public void Only_the_home_tenant_and_the_tenants_named_are_admitted_and_their_issuers_valid()
    {
        var single = new EntraSettings { ClientId = "client", TenantId = Home };
        var multi = new EntraSettings { ClientId = "client", TenantId = Home, Instance = "https://login.microsoftonline.us" };
        multi.AllowedTenants.Add(Partner.ToUpperInvariant());

        Assert.Empty(single.Problems());
        Assert.Equal("https://login.microsoftonline.com/5b3c8a1e-7d42-4f0e-9c61-2a8e4f1d9b07/v2.0", single.EffectiveAuthority);
        Assert.Equal(["https://login.microsoftonline.com/5b3c8a1e-7d42-4f0e-9c61-2a8e4f1d9b07/v2.0"], single.Issuers);
        Assert.True(single.Admits(Home.ToLowerInvariant()));
        Assert.False(single.Admits(Partner));
        Assert.False(single.Admits(null));

        Assert.Equal("https://login.microsoftonline.us/organizations/v2.0", multi.EffectiveAuthority);
        Assert.Equal(2, multi.Issuers.Count);
        Assert.Contains($"https://login.microsoftonline.us/{Partner}/v2.0", multi.Issuers);
        Assert.True(multi.Admits(Partner));
        Assert.False(multi.Admits("7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"));
    }
}
