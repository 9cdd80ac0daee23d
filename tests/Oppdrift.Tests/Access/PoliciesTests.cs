using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;

namespace Oppdrift.Tests.Access;

/// <summary>The named policies as ASP.NET Core evaluates them, and the agency scope every overview checks.</summary>
public sealed class PoliciesTests
{
    private static ClaimsPrincipal User(Roles roles, int[] agencies, bool signedIn = true) =>
        new(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, "someone"),
                .. Enum.GetValues<Roles>().Where(r => r != Roles.None && roles.HasFlag(r)).Select(r => new Claim(ClaimTypes.Role, r.ToString())),
                .. agencies.Select(a => new Claim(OppdriftClaims.Agency, a.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            ],
            signedIn ? "test" : null, ClaimTypes.Name, ClaimTypes.Role));

    private static async Task<bool> AdmitsAsync(string policy, ClaimsPrincipal user)
    {
        await using var services = new ServiceCollection().AddLogging().AddAuthorization(Policies.Add).BuildServiceProvider();
        var result = await services.GetRequiredService<IAuthorizationService>().AuthorizeAsync(user, policy);
        return result.Succeeded;
    }

    // The table in docs/architecture.md, written out: a change there must show up here.
    [Theory]
    [InlineData(Policies.Administrator, Roles.Administrator)]
    [InlineData(Policies.CentralTeam, Roles.Administrator | Roles.ChangeLeader)]
    [InlineData(Policies.Insight, Roles.Administrator | Roles.ChangeLeader | Roles.SystemOwner | Roles.AgencyLeader)]
    [InlineData(Policies.ProgrammeOwner, Roles.Administrator | Roles.ChangeLeader | Roles.ProgrammeOwner)]
    [InlineData(Policies.Planning, Roles.Administrator | Roles.ChangeLeader | Roles.AgencyLeader)]
    [InlineData(Policies.SignedIn, Roles.Employee | Roles.ProgrammeOwner | Roles.AgencyLeader | Roles.ChangeLeader | Roles.SystemOwner | Roles.Administrator)]
    public async Task A_policy_admits_exactly_its_roles_and_nobody_who_is_not_signed_in(string policy, Roles admitted)
    {
        foreach (var role in Enum.GetValues<Roles>().Where(r => r != Roles.None))
        {
            Assert.True(admitted.HasFlag(role) == await AdmitsAsync(policy, User(role, [])), $"{policy} and {role}");
            Assert.False(await AdmitsAsync(policy, User(role, [], signedIn: false)), $"{policy} and {role}, not signed in");
        }
        Assert.False(await AdmitsAsync(policy, User(Roles.None, [])));
        Assert.Equal(admitted, Policies.Admits[policy]);
    }

    [Theory]
    // roles, agencies on the account, the agency asked for, may see it
    [InlineData(Roles.Employee | Roles.AgencyLeader, new[] { 3 }, 3, true)]
    [InlineData(Roles.Employee | Roles.AgencyLeader, new[] { 3 }, 4, false)]
    [InlineData(Roles.Employee | Roles.AgencyLeader, new[] { 3, 4 }, 4, true)]
    [InlineData(Roles.Employee | Roles.AgencyLeader, new int[0], 3, false)]
    // Agencies without the leader role give nothing: the scope is the leader's.
    [InlineData(Roles.Employee, new[] { 3 }, 3, false)]
    [InlineData(Roles.Employee | Roles.ProgrammeOwner, new[] { 3 }, 3, false)]
    // The central team and the system owner read the whole municipality.
    [InlineData(Roles.Employee | Roles.ChangeLeader, new int[0], 3, true)]
    [InlineData(Roles.Employee | Roles.Administrator, new int[0], 3, true)]
    [InlineData(Roles.Employee | Roles.SystemOwner, new int[0], 3, true)]
    [InlineData(Roles.Employee | Roles.SystemOwner | Roles.AgencyLeader, new[] { 4 }, 3, true)]
    public void An_agency_is_seen_by_the_municipality_wide_roles_and_by_its_own_leaders_only(Roles roles, int[] agencies, int agency, bool sees)
    {
        var user = User(roles, agencies);

        Assert.Equal(sees, user.CanSeeAgency(agency));
        Assert.Equal((roles & (Roles.Administrator | Roles.ChangeLeader | Roles.SystemOwner)) != 0, user.SeesAllAgencies());
    }

    [Fact]
    public void Agency_claims_that_are_not_agency_ids_widen_nothing()
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Role, nameof(Roles.AgencyLeader)),
            new Claim(OppdriftClaims.Agency, "5"),
            new Claim(OppdriftClaims.Agency, "all"),
            new Claim(OppdriftClaims.Agency, "-1"),
            new Claim(OppdriftClaims.Agency, "0"),
            new Claim(OppdriftClaims.Agency, ""),
            new Claim(ClaimTypes.Role, "Everything"),
        ], "test"));

        Assert.Equal([5], user.ScopedAgencies());
        Assert.Equal(Roles.AgencyLeader, user.GetRoles());
        Assert.False(user.SeesAllAgencies());
        Assert.False(user.CanSeeAgency(0));
        Assert.False(user.CanSeeAgency(-1));
    }

    [Fact]
    public void A_principal_made_from_an_account_carries_its_identity_roles_agencies_and_the_password_change_flag()
    {
        var account = new Account
        {
            Id = 12,
            UserName = "kari@k.no",
            NormalizedUserName = "kari@k.no",
            DisplayName = "Kari",
            Roles = Roles.Employee | Roles.AgencyLeader | Roles.ProgrammeOwner,
            MustChangePassword = true,
        };
        account.Agencies.AddRange([new AccountAgency { AccountId = 12, AgencyId = 3 }, new AccountAgency { AccountId = 12, AgencyId = 9 }]);

        var user = OppdriftClaims.CreatePrincipal(account);
        account.MustChangePassword = false;
        var changed = OppdriftClaims.CreatePrincipal(account);

        Assert.True(user.Identity!.IsAuthenticated);
        Assert.Equal("kari@k.no", user.ActorName());
        Assert.Equal(12, user.GetAccountId());
        Assert.Equal("Kari", user.FindFirstValue(ClaimTypes.GivenName));
        Assert.Equal(Roles.Employee | Roles.AgencyLeader | Roles.ProgrammeOwner, user.GetRoles());
        Assert.Equal([3, 9], user.ScopedAgencies().Order());
        Assert.True(user.IsInRole(nameof(Roles.AgencyLeader)));
        Assert.True(user.HasClaim(OppdriftClaims.MustChangePassword, "true"));
        Assert.False(changed.HasClaim(c => c.Type == OppdriftClaims.MustChangePassword));
    }

    [Fact]
    public void Someone_not_signed_in_acts_as_anonymous_and_has_no_account()
    {
        var nobody = new ClaimsPrincipal(new ClaimsIdentity());

        Assert.Equal("anonymous", nobody.ActorName());
        Assert.Null(nobody.GetAccountId());
        Assert.Equal(Roles.None, nobody.GetRoles());
        Assert.Empty(nobody.ScopedAgencies());
    }
}
