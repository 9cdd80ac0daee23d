using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Oppdrift.Organisation;

namespace Oppdrift.Access;

public sealed record AntiforgeryTokenResponse(string HeaderName, string Token);

public static class AccessModule
{
    public static IServiceCollection AddAccess(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AccessSettings>(configuration.GetSection(AccessSettings.Section));
        services.AddScoped<AccountService>();
        return services.AddEntraDirectoryPoll(configuration);
    }

    /// <summary>
    /// Adds the poll of the home tenant's users in Microsoft Graph as a hosted service, configured from
    /// <c>Authentication:Entra</c>; it does nothing unless Entra ID sign-in and a credential are configured. A keyed
    /// <see cref="HttpMessageHandler"/> under <see cref="EntraDirectoryPollJob.Key"/>, if registered, replaces the network
    /// under the SDK's middleware (a proxy handler; recorded exchanges in tests).
    /// </summary>
    public static IServiceCollection AddEntraDirectoryPoll(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(EntraSettings.Section).Get<EntraSettings>() ?? new EntraSettings();
        services.AddSingleton(provider => new EntraDirectoryPollJob(
            settings,
            settings.DirectoryPollConfigured
                ? EntraDirectoryReader.Create(settings, provider.GetKeyedService<HttpMessageHandler>(EntraDirectoryPollJob.Key))
                : null,
            provider.GetRequiredService<IServiceScopeFactory>(),
            provider.GetRequiredService<Shared.JobLeases>(),
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetRequiredService<ILogger<EntraDirectoryPollJob>>()));
        services.AddHostedService(provider => provider.GetRequiredService<EntraDirectoryPollJob>());
        return services;
    }

    public static void MapAccessApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.LocalRedirect("/account/login");
        }).RequireAuthorization(Policies.SignedIn).WithMetadata(new RequireAntiforgeryTokenAttribute()).ExcludeFromDescription();

        // The JSON API's POST, PUT and DELETE take the antiforgery token in a header when the sign-in cookie authenticates
        // them (see AntiforgeryRefusal in the host): a script signed in with the cookie asks for it here first.
        app.MapGet("/api/antiforgery", (HttpContext context, IAntiforgery antiforgery) =>
        {
            var tokens = antiforgery.GetAndStoreTokens(context);
            context.Response.Headers.CacheControl = "no-store";
            return TypedResults.Ok(new AntiforgeryTokenResponse(tokens.HeaderName!, tokens.RequestToken!));
        }).RequireAuthorization(Policies.SignedIn).WithTags("Access")
            .WithDescription("The antiforgery token to send in the named header with every POST, PUT and DELETE under /api made with the sign-in cookie.");

        // Without Entra ID configured there is no one to ask: back to the login form rather than a server error.
        app.MapGet("/account/login/entra", async Task<IResult> (string? returnUrl, IAuthenticationSchemeProvider schemes) =>
            await schemes.GetSchemeAsync("Entra") is null
                ? TypedResults.LocalRedirect("/account/login?returnUrl=" + Uri.EscapeDataString(SafeReturnUrl(returnUrl)))
                : TypedResults.Challenge(new AuthenticationProperties { RedirectUri = SafeReturnUrl(returnUrl) }, ["Entra"]))
            .AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>
    /// Only local paths: a login link must not send anyone to another site. Control characters are refused too, since
    /// browsers drop tabs and line breaks from an address before reading it ("/\t/evil" is "//evil" to them).
    /// </summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            && !returnUrl.Any(char.IsControl)
            ? returnUrl
            : "/";

    /// <summary>
    /// Where sign-in leads when no page was asked for: an agency leader of exactly one agency (who does not see the whole
    /// municipality) to that agency's page; everyone else, and a leader of several agencies, to the start page, which lists
    /// their agencies. A page asked for is always kept.
    /// </summary>
    public static async Task<string> LandingAsync(ClaimsPrincipal user, string? returnUrl, OrganisationDirectory directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(directory);
        var safe = SafeReturnUrl(returnUrl);
        if (safe != "/" || user.SeesAllAgencies() || !user.GetRoles().HasFlag(Roles.AgencyLeader) || user.ScopedAgencies() is not { Count: 1 } agencies)
        {
            return safe;
        }
        return await directory.AgencyAsync(agencies.Single(), cancellationToken) is { } agency ? "/agencies/" + Uri.EscapeDataString(agency.Code) : safe;
    }
}
