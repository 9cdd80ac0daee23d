using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Oppdrift.Tests.Infrastructure;

/// <summary>
/// A stand-in for Microsoft Entra ID's sign-in service, so tests run the app's real OpenID Connect handler: the handler
/// takes its metadata and signing key from here, sends the browser to the authorize address (the test, playing browser
/// and user, reads the state and nonce from it), and redeems the code at the token endpoint through its back channel,
/// which this class answers with an id token signed by its own key.
/// </summary>
public sealed class FakeEntra : HttpMessageHandler
{
    public const string HomeTenant = "5b3c8a1e-7d42-4f0e-9c61-2a8e4f1d9b07";
    public const string ClientId = "8d1f3c5e-2a4b-4c6d-9e8f-0a1b2c3d4e5f";
    private const string Instance = "https://login.microsoftonline.com/";

    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "fake-entra" };
    private readonly ConcurrentDictionary<string, string> _codes = new();

    /// <summary>The settings that turn Entra ID sign-in on for the home tenant, with <paramref name="more"/> after them.</summary>
    public static string[] Settings(params string[] more) =>
    [
        $"--Authentication:Entra:TenantId={HomeTenant}",
        $"--Authentication:Entra:ClientId={ClientId}",
        "--Authentication:Entra:ClientSecret=not-a-real-secret",
        // The directory poll would ask Microsoft Graph; the tests that drive it turn it on with recorded exchanges.
        "--Authentication:Entra:DirectoryPoll=false",
        .. more,
    ];

    /// <summary>Points the app's Entra ID scheme at this service instead of the internet.</summary>
    public void Configure(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure<OpenIdConnectOptions>("Entra", options =>
        {
            var metadata = new OpenIdConnectConfiguration
            {
                // As Entra ID's "organizations" metadata says it: a template no token matches literally.
                Issuer = Instance + "{tenantid}/v2.0",
                AuthorizationEndpoint = Instance + "organizations/oauth2/v2.0/authorize",
                TokenEndpoint = Instance + "organizations/oauth2/v2.0/token",
            };
            metadata.SigningKeys.Add(_key);
            options.Configuration = metadata;
            options.BackchannelHttpHandler = this;
        });
    }

    /// <summary>
    /// Signs <paramref name="client"/> in through the app's Entra ID sign-in as this identity, the token issued by
    /// <paramref name="issuerTenant"/> (the identity's own tenant unless given). Returns the app's answer to the callback.
    /// </summary>
    public async Task<HttpResponseMessage> SignInAsync(HttpClient client, string? tenant, string? objectId, string userName,
        string[] roles, string? issuerTenant = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var challenge = await client.GetAsync("/account/login/entra?returnUrl=%2F");
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var authorize = challenge.Headers.Location!;
        Assert.StartsWith(Instance, authorize.AbsoluteUri, StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(authorize.Query);
        Assert.Equal(ClientId, query["client_id"].ToString());
        Assert.Equal(new Uri(client.BaseAddress!, "/signin-oidc").AbsoluteUri, query["redirect_uri"].ToString());

        var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _codes[code] = IdToken(issuerTenant ?? tenant ?? HomeTenant, tenant, objectId, userName, roles, query["nonce"].ToString());
        return await client.PostAsync("/signin-oidc", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["code"] = code,
            ["state"] = query["state"].ToString(),
        }));
    }

    private string IdToken(string issuerTenant, string? tenant, string? objectId, string userName, string[] roles, string nonce)
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = objectId ?? Guid.NewGuid().ToString(),
            ["preferred_username"] = userName,
            ["name"] = userName,
            ["nonce"] = nonce,
            ["ver"] = "2.0",
        };
        if (tenant is not null)
        {
            claims["tid"] = tenant;
        }
        if (objectId is not null)
        {
            claims["oid"] = objectId;
        }
        if (roles.Length > 0)
        {
            claims["roles"] = roles;
        }
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = $"{Instance}{issuerTenant}/v2.0",
            Audience = ClientId,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now.AddMinutes(-1),
            Expires = now.AddHours(1),
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>The token endpoint: a code is redeemed once, for the id token made when it was issued.</summary>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method != HttpMethod.Post || !request.RequestUri!.AbsolutePath.EndsWith("/token", StringComparison.Ordinal))
        {
            return new HttpResponseMessage(HttpStatusCode.NotFound);
        }
        var form = QueryHelpers.ParseQuery(await request.Content!.ReadAsStringAsync(cancellationToken));
        if (form["client_id"] != ClientId || form["grant_type"] != "authorization_code"
            || !_codes.TryRemove(form["code"].ToString(), out var idToken))
        {
            return new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new StringContent("""{"error":"invalid_grant"}""") };
        }
        var body = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = 3600,
            ["access_token"] = "opaque-access-token",
            ["id_token"] = idToken,
        });
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
    }
}
