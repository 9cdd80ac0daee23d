using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Oppdrift.Access;

namespace Oppdrift.Web;

/// <summary>
/// Sign-in: a cookie for every session, local accounts in embedded mode, and OpenID Connect against
/// Entra ID when <c>Authentication:Entra</c> is configured (see docs/operations.md).
/// </summary>
internal static class SignIn
{
    public const string EntraScheme = "Entra";

    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        var auth = services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.LoginPath = "/account/login";
                options.LogoutPath = "/account/logout";
                options.AccessDeniedPath = "/account/access-denied";
                options.Cookie.Name = "oppdrift";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = TimeSpan.FromHours(10);
                options.SlidingExpiration = true;
                options.Events.OnRedirectToLogin = context => ApiAware(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => ApiAware(context, StatusCodes.Status403Forbidden);
                options.Events.OnValidatePrincipal = RefreshFromAccountAsync;
            });

        var entra = configuration.GetSection("Authentication:Entra");
        if (!string.IsNullOrEmpty(entra["ClientId"]))
        {
            auth.AddOpenIdConnect(EntraScheme, "Microsoft Entra ID", options =>
            {
                options.Authority = entra["Authority"] ?? $"https://login.microsoftonline.com/{entra["TenantId"]}/v2.0";
                options.ClientId = entra["ClientId"];
                options.ClientSecret = entra["ClientSecret"];
                options.ResponseType = "code";
                options.CallbackPath = "/signin-oidc";
                options.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                options.Scope.Add("profile");
                options.Scope.Add("email");
                options.MapInboundClaims = false;
                options.Events.OnTokenValidated = MapEntraAccountAsync;
            });
        }
    }

    public static bool EntraConfigured(IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration["Authentication:Entra:ClientId"]);

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

    /// <summary>
    /// The cookie holds the roles and agencies the account had at sign-in, and it slides: without this check an account
    /// an administrator disabled, or a role taken away, would keep working in an open session. A disabled or deleted
    /// account's session ends; a changed one continues with the account as it is now.
    /// </summary>
    private static async Task RefreshFromAccountAsync(CookieValidatePrincipalContext context)
    {
        var accounts = context.HttpContext.RequestServices.GetRequiredService<AccountService>();
        var account = context.Principal?.GetAccountId() is { } id ? await accounts.FindActiveAsync(id, context.HttpContext.RequestAborted) : null;
        if (account is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }
        var current = OppdriftClaims.CreatePrincipal(account, context.Principal!.Identity?.AuthenticationType ?? OppdriftClaims.AuthenticationType);
        if (!OppdriftClaims.SameAccess(context.Principal, current))
        {
            context.ReplacePrincipal(current);
            context.ShouldRenew = true;
        }
    }

    /// <summary>Replaces the token's identity with the Oppdrift account it belongs to (created on first sign-in).</summary>
    private static async Task MapEntraAccountAsync(TokenValidatedContext context)
    {
        var principal = context.Principal!;
        var objectId = principal.FindFirstValue("oid") ?? principal.FindFirstValue("sub")!;
        var userName = principal.FindFirstValue("preferred_username") ?? principal.FindFirstValue("upn") ?? objectId;
        var name = principal.FindFirstValue("name") ?? userName;
        var roles = principal.FindAll("roles").Select(c => c.Value).ToArray();
        var accounts = context.HttpContext.RequestServices.GetRequiredService<AccountService>();
        var account = await accounts.FindOrCreateExternalAsync(objectId, userName, name, roles, context.HttpContext.RequestAborted);
        if (account is null)
        {
            context.Fail("The account is disabled in Oppdrift, or its user name belongs to another Entra ID identity.");
            return;
        }
        context.Principal = OppdriftClaims.CreatePrincipal(account, EntraScheme);
    }
}

/// <summary>Sends a user who signed in with a one-time password to choose their own before anything else.</summary>
internal sealed class PasswordChangeGate(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.User.HasClaim(OppdriftClaims.MustChangePassword, "true")
            && HttpMethods.IsGet(context.Request.Method)
            && !Path.HasExtension(context.Request.Path.Value)
            && !context.Request.Path.StartsWithSegments("/account", StringComparison.OrdinalIgnoreCase)
            && !context.Request.Path.StartsWithSegments("/_framework", StringComparison.OrdinalIgnoreCase)
            && !context.Request.Path.StartsWithSegments("/lib", StringComparison.OrdinalIgnoreCase)
            && !context.Request.Path.StartsWithSegments("/css", StringComparison.OrdinalIgnoreCase)
            && !context.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
            && !context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Redirect("/account/change-password");
            return Task.CompletedTask;
        }
        return next(context);
    }
}
