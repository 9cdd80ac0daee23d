using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Localization;
using Oppdrift.Data;

namespace Oppdrift.Web;

/// <summary>The shell's own endpoints: language choice and health.</summary>
internal static class ShellApi
{
    public sealed record Health(string Status, string Version, string Database, long ElapsedMs);

    public static void MapShellApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/culture", SetCulture).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/health", CheckHealthAsync).AllowAnonymous().WithTags("Shell");
    }

    /// <summary>Remembers the chosen language in a cookie for a year and returns to the page.</summary>
    private static RedirectHttpResult SetCulture(HttpContext context, string? c, string? returnUrl)
    {
        var culture = OppdriftWebApp.Cultures.FirstOrDefault(x => x.TwoLetterISOLanguageName == c || x.Name == c) ?? OppdriftWebApp.Cultures[0];
        context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { Expires = DateTimeOffset.UnixEpoch.AddYears(100), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true, Secure = context.Request.IsHttps });
        var target = returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) ? returnUrl : "/";
        return TypedResults.LocalRedirect(target);
    }

    private static async Task<Results<Ok<Health>, JsonHttpResult<Health>>> CheckHealthAsync(OppdriftDb db, DatabaseProvider provider, CancellationToken cancellationToken)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var version = typeof(ShellApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        bool ok;
        try
        {
            ok = await db.Database.CanConnectAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.Data.Common.DbException)
        {
            ok = false;
        }
        var health = new Health(ok ? "healthy" : "unhealthy", version, provider.Describe(), watch.ElapsedMilliseconds);
        return ok ? TypedResults.Ok(health) : TypedResults.Json(health, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
