using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Oppdrift.Access;
using Oppdrift.Organisation;

namespace Oppdrift.Web;

/// <summary>
/// Sign-in: a cookie for every session, local accounts in embedded mode, and OpenID Connect against
/// Entra ID when <c>Authentication:Entra</c> is configured (see docs/operations.md).
/// </summary>
internal static class SignIn
{
    public const string EntraScheme = "Entra";

    public static void Add(IServiceCollection services, IConfiguration configuration, bool development)
    {
        var settings = configuration.GetSection(AccessSettings.Section).Get<AccessSettings>() ?? new AccessSettings();
        var auth = services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.LoginPath = "/account/login";
                options.LogoutPath = "/account/logout";
                options.AccessDeniedPath = "/account/access-denied";
                options.Cookie.Name = "oppdrift";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = SecureCookies(settings, development);
                options.ExpireTimeSpan = settings.SessionIdleTimeout;
                options.SlidingExpiration = true;
                options.Events.OnRedirectToLogin = context => ApiAware(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => ApiAware(context, StatusCodes.Status403Forbidden);
                options.Events.OnSigningIn = context =>
                {
                    var now = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
                    context.Properties.Items[SignedInAt] = now.ToString("O", CultureInfo.InvariantCulture);
                    context.Properties.Items[CheckedAt] = now.ToString("O", CultureInfo.InvariantCulture);
                    return Task.CompletedTask;
                };
                options.Events.OnValidatePrincipal = context => CheckSessionAsync(context, settings);
            });

        var entra = configuration.GetSection(EntraSettings.Section).Get<EntraSettings>() ?? new EntraSettings();
        if (entra.Configured)
        {
            if (entra.Problems() is { Count: > 0 } problems)
            {
                throw new InvalidOperationException("Entra ID sign-in is configured incompletely: " + string.Join("; ", problems) + ". See docs/operations.md.");
            }
            auth.AddOpenIdConnect(EntraScheme, "Microsoft Entra ID", options =>
            {
                options.Authority = entra.EffectiveAuthority;
                options.ClientId = entra.ClientId;
                options.ClientSecret = entra.ClientSecret;
                options.ResponseType = "code";
                options.CallbackPath = "/signin-oidc";
                options.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                options.Scope.Add("profile");
                options.Scope.Add("email");
                options.MapInboundClaims = false;
                // Only the configured tenants' issuers are valid: with other tenants allowed the authority is
                // "organizations", whose metadata names no single issuer.
                options.TokenValidationParameters.ValidIssuers = entra.Issuers;
                // The correlation and nonce cookies follow the sign-in cookie: HTTPS-only outside Development.
                options.CorrelationCookie.SecurePolicy = SecureCookies(settings, development);
                options.NonceCookie.SecurePolicy = SecureCookies(settings, development);
                options.Events.OnTokenValidated = context => MapEntraAccountAsync(context, entra);
                options.Events.OnRemoteFailure = context =>
                {
                    // A refused or failed sign-in returns to the login page with a message (the reason is in the audit log).
                    context.Response.Redirect("/account/login?entra=" + (context.Failure is EntraRefusedException refused ? refused.Key : "failed"));
                    context.HandleResponse();
                    return Task.CompletedTask;
                };
            });
        }
    }

    public static bool EntraConfigured(IConfiguration configuration) =>
        configuration.GetSection(EntraSettings.Section).Get<EntraSettings>()?.Configured == true;

    /// <summary>API callers get a status code, not a redirect to an HTML page.</summary>
    private static Task ApiAware(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>HTTPS-only cookies everywhere but in Development, unless <c>Access:SecureCookies</c> says otherwise.</summary>
    public static CookieSecurePolicy SecureCookies(AccessSettings settings, bool development) =>
        (settings.SecureCookies ?? !development) ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;

    private const string SignedInAt = ".oppdrift.signed-in";
    private const string CheckedAt = ".oppdrift.checked";

    /// <summary>
    /// The cookie holds the roles and agencies the account had at sign-in, and it slides. A session ends when it is older
    /// than <see cref="AccessSettings.SessionLifetime"/>, however much it was used; and at most every
    /// <see cref="AccessSettings.SessionRevalidation"/> its security stamp is compared with the account's: an account
    /// disabled or deleted, given other roles or agencies, or whose password was reset or changed has a new stamp (or
    /// none), and the session ends. Between checks the request costs no database query.
    /// </summary>
    private static async Task CheckSessionAsync(CookieValidatePrincipalContext context, AccessSettings settings)
    {
        var now = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        if (Read(context.Properties, SignedInAt) is not { } signedIn || now - signedIn > settings.SessionLifetime)
        {
            await EndAsync(context);
            return;
        }
        if (Read(context.Properties, CheckedAt) is { } checkedAt && checkedAt <= now && now - checkedAt < settings.SessionRevalidation)
        {
            return;
        }
        var accounts = context.HttpContext.RequestServices.GetRequiredService<AccountService>();
        var stamp = context.Principal?.GetAccountId() is { } id ? await accounts.ActiveSecurityStampAsync(id, context.HttpContext.RequestAborted) : null;
        if (stamp is null || stamp.Length == 0 || stamp != context.Principal!.FindFirstValue(OppdriftClaims.SecurityStamp))
        {
            await EndAsync(context);
            return;
        }
        context.Properties.Items[CheckedAt] = now.ToString("O", CultureInfo.InvariantCulture);
        context.ShouldRenew = true;
    }

    private static DateTimeOffset? Read(AuthenticationProperties properties, string key) =>
        properties.Items.TryGetValue(key, out var value)
        && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;

    private static async Task EndAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// Replaces the token's identity with the Oppdrift account linked to its tenant id and object id (created on first
    /// sign-in), with the token's app roles; see <see cref="AccountService.SignInWithEntraAsync"/>. The token was validated
    /// by then (signature, issuer of an allowed tenant, audience, lifetime, nonce).
    /// </summary>
    internal static async Task MapEntraAccountAsync(TokenValidatedContext context, EntraSettings settings)
    {
        var principal = context.Principal!;
        var userName = principal.FindFirstValue("preferred_username") ?? principal.FindFirstValue("upn");
        var identity = new EntraIdentity(
            principal.FindFirstValue("tid"),
            principal.FindFirstValue("oid"),
            userName,
            principal.FindFirstValue("name") ?? userName,
            [.. principal.FindAll("roles").Select(c => c.Value)]);
        var accounts = context.HttpContext.RequestServices.GetRequiredService<AccountService>();
        var result = await accounts.SignInWithEntraAsync(identity, settings, context.HttpContext.RequestAborted);
        if (result.Account is null)
        {
            context.Fail(new EntraRefusedException(result.Refusal!.Value));
            return;
        }
        context.Principal = OppdriftClaims.CreatePrincipal(result.Account, EntraScheme);
        context.Properties!.RedirectUri = await AccessModule.LandingAsync(context.Principal, context.Properties.RedirectUri,
            context.HttpContext.RequestServices.GetRequiredService<OrganisationDirectory>(), context.HttpContext.RequestAborted);
    }
}

/// <summary>An Entra ID sign-in Oppdrift refused; <see cref="Key"/> picks the login page's message.</summary>
internal sealed class EntraRefusedException(EntraRefusal refusal) : Exception($"The Entra ID sign-in was refused: {refusal}.")
{
    public EntraRefusal Refusal { get; } = refusal;

    public string Key => Refusal switch
    {
        EntraRefusal.OtherTenant => "tenant",
        EntraRefusal.UserNameHeld => "not-linked",
        _ => "refused",
    };
}

/// <summary>
/// A session still on its one-time password may do no more than an anonymous caller (sign-in page, static assets, health,
/// language) besides choosing its own password and signing out: other pages redirect to the change-password page, and
/// every other request (form posts, downloads, the API) is refused with 403.
/// </summary>
internal sealed class PasswordChangeGate(RequestDelegate next)
{
    public const string ChangePasswordPath = "/account/change-password";

    public Task InvokeAsync(HttpContext context)
    {
        if (!context.User.HasClaim(OppdriftClaims.MustChangePassword, "true") || Open(context))
        {
            return next(context);
        }
        var page = (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
            && context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Components.Endpoints.ComponentTypeMetadata>() is not null;
        if (page)
        {
            context.Response.Redirect(ChangePasswordPath);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
        }
        return Task.CompletedTask;
    }

    private static bool Open(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.Equals(ChangePasswordPath, StringComparison.OrdinalIgnoreCase)
            || (path.Equals("/account/logout", StringComparison.OrdinalIgnoreCase) && HttpMethods.IsPost(context.Request.Method)))
        {
            return true;
        }
        // No endpoint: a 404 (its page is re-executed through here again). Anonymous endpoints are open to anyone anyway.
        var endpoint = context.GetEndpoint();
        return endpoint is null || endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null;
    }
}
