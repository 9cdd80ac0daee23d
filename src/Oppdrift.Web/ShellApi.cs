using System.Reflection;
using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Localization;
using Oppdrift.Access;
using Oppdrift.Data;

namespace Oppdrift.Web;

/// <summary>The shell's own endpoints: language choice and health.</summary>
internal static class ShellApi
{
    public sealed record Health(string Status,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Version = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Database = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? ElapsedMs = null);

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
        return TypedResults.LocalRedirect(AccessModule.SafeReturnUrl(returnUrl));
    }

    /// <summary>
    /// Whether the app and its database answer. Only administrators see the version, the database and the time taken:
    /// for anyone else they would describe the installation to an attacker.
    /// </summary>
    private static async Task<Results<Ok<Health>, JsonHttpResult<Health>>> CheckHealthAsync(ClaimsPrincipal user, OppdriftDb db, DatabaseProvider provider,
        CancellationToken cancellationToken)
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
        var status = ok ? "healthy" : "unhealthy";
        var health = user.GetRoles().HasFlag(Roles.Administrator)
            ? new Health(status, version, provider.Describe(), watch.ElapsedMilliseconds)
            : new Health(status);
        return ok ? TypedResults.Ok(health) : TypedResults.Json(health, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
