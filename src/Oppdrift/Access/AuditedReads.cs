// Reads of personal or per-agency data are recorded like changes (ASVS V7, and the municipality's DPIA): who downloaded
// an export or looked at one agency's figures, what and when. An endpoint or page declares it with AuditedReadAttribute;
// one middleware records it, so no export carries its own copy of the call.
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Data;

namespace Oppdrift.Access;

/// <summary>What an audit entry records: a change, a download (export) or a view of one agency's figures.</summary>
public enum AuditKind
{
    Change,
    Export,
    View,
}

/// <summary>
/// Marks a page or endpoint whose successful GET is recorded in the audit log as <c>export.{What}</c> or <c>view.{What}</c>,
/// with the signed-in user and the address read (path and query, which name the agency, date and filter).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class AuditedReadAttribute(AuditKind kind, string what) : Attribute
{
    public AuditKind Kind { get; } = kind is AuditKind.Export or AuditKind.View ? kind : throw new ArgumentOutOfRangeException(nameof(kind));

    public string What { get; } = what;

    public string Action => AuditLog.Prefix(Kind) + What;
}

public static class AuditedReads
{
    /// <summary>Records a successful download of this endpoint as <c>export.{what}</c>.</summary>
    public static TBuilder AuditsExport<TBuilder>(this TBuilder builder, string what) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AuditedReadAttribute(AuditKind.Export, what));

    /// <summary>Records a successful read of this endpoint as <c>view.{what}</c>.</summary>
    public static TBuilder AuditsView<TBuilder>(this TBuilder builder, string what) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AuditedReadAttribute(AuditKind.View, what));

    /// <summary>
    /// After authorisation: records every successful (2xx) signed-in read of an endpoint marked <see cref="AuditedReadAttribute"/>.
    /// The entry is saved as the response starts, before any of the read leaves the server: a client that has its file has
    /// always been recorded, and one that went away after the headers cannot stop it.
    /// </summary>
    public static IApplicationBuilder UseAuditedReads(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<AuditedReadAttribute>() is { } audited)
        {
            context.Response.OnStarting(() => RecordAsync(context, audited));
        }
        await next(context);
    });

    private static async Task RecordAsync(HttpContext context, AuditedReadAttribute audited)
    {
        if (context.Response.StatusCode is < 200 or >= 300 || context.User.Identity?.IsAuthenticated != true)
        {
            return;
        }
        // Its own scope and unit of work: whatever the page's context still tracks is not saved with the entry.
        await using var scope = context.RequestServices.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
        var target = context.Request.Path.Value + context.Request.QueryString.Value;
        AuditLog.Record(db, scope.ServiceProvider.GetRequiredService<TimeProvider>(), context.User.ActorName(), audited.Action,
            target.Length > 1000 ? target[..1000] : target);
        await db.SaveChangesAsync(CancellationToken.None);
    }
}
