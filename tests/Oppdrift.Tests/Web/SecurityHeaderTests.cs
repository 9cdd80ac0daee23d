using System.Net;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Web;

namespace Oppdrift.Tests.Web;

/// <summary>What every response says about itself, what /health tells a stranger, and how large a request may be.</summary>
public sealed class SecurityHeaderTests
{
    private static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        var csp = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("same-origin", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task Pages_errors_assets_and_the_api_carry_the_security_headers_and_health_tells_strangers_only_whether_it_is_up()
    {
        await using var app = await RunningApp.StartAsync(DatabaseKind.Sqlite, 200);
        using var anonymous = app.Anonymous();
        using var administrator = await app.SignInAsync(Roles.Administrator);

        foreach (var path in new[] { "/account/login", "/no-such-page", "/favicon.svg", "/api/agencies", "/health" })
        {
            using var response = await anonymous.GetAsync(path);
            AssertSecurityHeaders(response);
        }
        using (var page = await administrator.GetAsync("/usage"))
        {
            AssertSecurityHeaders(page);
            // The pages load their scripts from this site and have no inline script the policy would block.
            var html = await page.Content.ReadAsStringAsync();
            Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)[^>]*>", html);
            Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        }

        var stranger = await anonymous.GetStringAsync("/health");
        Assert.Equal("{\"status\":\"healthy\"}", stranger);
        var admin = await administrator.GetStringAsync("/health");
        Assert.Contains("\"database\":", admin, StringComparison.Ordinal);
        Assert.Contains("\"version\":", admin, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/\\evil.example")]
    [InlineData("//evil.example")]
    [InlineData("/\t/evil.example")]
    [InlineData("https://evil.example/")]
    public async Task The_language_switch_sends_a_bad_return_address_home_rather_than_failing(string returnUrl)
    {
        await using var app = await RunningApp.StartAsync(DatabaseKind.Sqlite, 200);
        using var response = await app.Anonymous().GetAsync("/culture?c=en&returnUrl=" + Uri.EscapeDataString(returnUrl));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Outside_Development_cookies_are_https_only_and_https_requests_get_HSTS()
    {
        // RunningApp turns secure cookies off for its plain-HTTP tests; here they keep their default.
        await using var app = await RunningApp.StartAsync(DatabaseKind.Sqlite, 200, "--Access:SecureCookies=", "--Oppdrift:BehindProxy=true");
        using var client = app.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/account/login");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Host = "oppdrift.nordvik.kommune.no";
        using var response = await client.SendAsync(request);

        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        Assert.NotEmpty(cookies);
        Assert.All(cookies, cookie => Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase));
        Assert.Contains("max-age=31536000", response.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        Assert.Equal(CookieSecurePolicyAlways, SignIn.SecureCookies(new AccessSettings(), development: false));
        Assert.Equal(Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest, SignIn.SecureCookies(new AccessSettings(), development: true));
    }

    private const Microsoft.AspNetCore.Http.CookieSecurePolicy CookieSecurePolicyAlways = Microsoft.AspNetCore.Http.CookieSecurePolicy.Always;

    [Fact]
    public async Task A_body_over_the_default_limit_is_refused_and_no_endpoint_takes_unlimited_bodies()
    {
        await using var app = await RunningApp.StartAsync(DatabaseKind.Sqlite, 200);
        using var client = app.Anonymous();
        var token = RunningApp.AntiforgeryToken(await client.GetStringAsync("/account/login"));

        var big = new byte[UploadLimits.DefaultBytes + 1024];
        using var content = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent("login"), "_handler" },
            { new ByteArrayContent(big), "Input.UserName" },
        };
        // The client waits for the server's go-ahead before sending the body, so the refusal arrives before a byte of it.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/login") { Content = content };
        request.Headers.ExpectContinue = true;
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);

        var endpoints = app.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.NotEmpty(endpoints);
        foreach (var endpoint in endpoints)
        {
            var limit = endpoint.Metadata.GetMetadata<IRequestSizeLimitMetadata>();
            Assert.True(limit is null || (limit.MaxRequestBodySize is { } bytes && bytes <= 5L << 30),
                $"{endpoint.RoutePattern.RawText} accepts {limit?.MaxRequestBodySize?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unlimited"} bytes");
        }
    }
}
