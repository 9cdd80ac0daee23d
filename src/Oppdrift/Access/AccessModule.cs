using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Oppdrift.Access;

public static class AccessModule
{
    public static IServiceCollection AddAccess(this IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        services.Configure<AccessSettings>(configuration.GetSection(AccessSettings.Section));
        return services.AddScoped<AccountService>();
    }

    public static void MapAccessApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.LocalRedirect("/account/login");
        }).RequireAuthorization(Policies.SignedIn).WithMetadata(new RequireAntiforgeryTokenAttribute()).ExcludeFromDescription();

        app.MapGet("/account/login/entra", (string? returnUrl) =>
            TypedResults.Challenge(new AuthenticationProperties { RedirectUri = SafeReturnUrl(returnUrl) }, ["Entra"]))
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
}
