using System.Reflection;
using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Localization;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Shared;

namespace Oppdrift.Web;

/// <summary>The shell's own endpoints: language choice and health.</summary>
internal static class ShellApi
{
    public sealed record Health(string Status,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Version = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Database = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? ElapsedMs = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<JobState>? Jobs = null);

    /// <summary>A scheduled job's lease as administrators see it: which node holds it (or held it last) and its last pass.</summary>
    public sealed record JobState(string Name, string Owner, bool Held, DateTime ExpiresAt, DateTime? LastStartedAt, DateTime? LastFinishedAt, long Runs,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? LastError);

    public static void MapShellApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/culture", SetCulture).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/health", CheckHealthAsync).AllowAnonymous().WithTags("Shell");
        // For a load balancer: live while the process answers; ready while the database answers with its schema up to date.
        app.MapGet("/health/live", () => TypedResults.Ok(new Health("live"))).AllowAnonymous().WithTags("Shell");
        app.MapGet("/health/ready", CheckReadyAsync).AllowAnonymous().WithTags("Shell");
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
    /// Whether the app and its database answer. Only administrators see the version, the database, the time taken and the
    /// scheduled jobs' leases (which node runs each, and its last pass): for anyone else they would describe the
    /// installation to an attacker.
    /// </summary>
    private static async Task<Results<Ok<Health>, JsonHttpResult<Health>>> CheckHealthAsync(ClaimsPrincipal user, OppdriftDb db, DatabaseProvider provider,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var version = typeof(ShellApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var ok = await CanConnectAsync(db, cancellationToken);
        var status = ok ? "healthy" : "unhealthy";
        if (!user.GetRoles().HasFlag(Roles.Administrator))
        {
            return ok ? TypedResults.Ok(new Health(status)) : TypedResults.Json(new Health(status), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var jobs = ok
            ? [.. (await JobLeases.ListAsync(db, cancellationToken)).Select(l => new JobState(l.Name, l.Owner, l.ExpiresAt > now, l.ExpiresAt, l.LastStartedAt,
                l.LastFinishedAt, l.Runs, l.LastError))]
            : (IReadOnlyList<JobState>?)null;
        var health = new Health(status, version, provider.Describe(), watch.ElapsedMilliseconds, jobs);
        return ok ? TypedResults.Ok(health) : TypedResults.Json(health, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>
    /// Whether this node may take requests: the database answers and has every migration this build knows. A node started
    /// before `oppdrift db migrate` has run (or while another node migrates) is not ready, and the load balancer waits.
    /// </summary>
    private static async Task<Results<Ok<Health>, JsonHttpResult<Health>>> CheckReadyAsync(OppdriftDb db, CancellationToken cancellationToken)
    {
        var ready = await CanConnectAsync(db, cancellationToken);
        if (ready)
        {
            try
            {
                ready = !(await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any();
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.Data.Common.DbException)
            {
                ready = false;
            }
        }
        return ready ? TypedResults.Ok(new Health("ready")) : TypedResults.Json(new Health("unready"), statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<bool> CanConnectAsync(OppdriftDb db, CancellationToken cancellationToken)
    {
        try
        {
            return await db.Database.CanConnectAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.Data.Common.DbException)
        {
            return false;
        }
    }
}
