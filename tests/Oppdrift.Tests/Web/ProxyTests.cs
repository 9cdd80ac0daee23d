using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Web;

/// <summary>Behind a TLS-terminating proxy, cookies must be marked secure; but only a configured proxy is trusted.</summary>
public sealed class ProxyTests
{
    private static async Task<string> LanguageCookieAsync(RunningApp app)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/culture?c=en");
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await app.Anonymous().SendAsync(request);
        return string.Join('\n', response.Headers.GetValues("Set-Cookie"));
    }

    [Fact]
    public async Task Behind_a_configured_proxy_the_forwarded_scheme_is_trusted()
    {
        await using var app = await RunningApp.StartAsync(DatabaseKind.Sqlite, 200, "--Oppdrift:BehindProxy=true");

        Assert.Contains("secure", await LanguageCookieAsync(app), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Without_the_setting_forwarded_headers_are_ignored()
    {
        await using var app = await RunningApp.StartAsync(DatabaseKind.Sqlite, 200);

        Assert.DoesNotContain("secure", await LanguageCookieAsync(app), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Forwarded_headers_from_an_address_not_listed_as_a_proxy_are_ignored()
    {
        await using var app = await RunningApp.StartAsync(DatabaseKind.Sqlite, 200, "--Oppdrift:BehindProxy=true", "--Oppdrift:TrustedProxies=10.20.30.40,10.1.0.0/16");

        Assert.DoesNotContain("secure", await LanguageCookieAsync(app), StringComparison.OrdinalIgnoreCase);
    }
}
