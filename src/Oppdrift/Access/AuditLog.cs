using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;

namespace Oppdrift.Access;

/// <summary>
/// Adds audit entries to the same unit of work as the change they describe, so an entry exists
/// exactly when the change does.
/// </summary>
public static class AuditLog
{
    // The log is read by people: Norwegian letters stay as they are rather than \u00e6 escapes. The audit page encodes
    // what it shows, and the encoder still escapes HTML's own characters.
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false, Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    public static void Record(OppdriftDb db, TimeProvider clock, string actor, string action, string? target,
        object? before = null, object? after = null) =>
        db.AuditEntries.Add(Entry(clock, actor, action, target, before, after));

    /// <summary>The entry <see cref="Record"/> adds, for a write that goes past the change tracker in the same transaction.</summary>
    public static AuditEntry Entry(TimeProvider clock, string actor, string action, string? target, object? before = null, object? after = null) =>
        new()
        {
            At = clock.GetUtcNow().UtcDateTime,
            Actor = actor,
            Action = action,
            Target = target,
            Before = before is null ? null : JsonSerializer.Serialize(before, Json),
            After = after is null ? null : JsonSerializer.Serialize(after, Json),
        };

    /// <summary>The start of the action of a read: <c>export.</c> or <c>view.</c>; changes have none of these.</summary>
    public static string Prefix(AuditKind kind) => kind switch
    {
        AuditKind.Export => "export.",
        AuditKind.View => "view.",
        _ => "",
    };

    public static AuditKind KindOf(string action) =>
        action.StartsWith(Prefix(AuditKind.Export), StringComparison.Ordinal) ? AuditKind.Export
        : action.StartsWith(Prefix(AuditKind.View), StringComparison.Ordinal) ? AuditKind.View
        : AuditKind.Change;

    /// <summary>
    /// The audit page's filter: a kind (changes, exports or views), an action prefix, a user (the user name or its beginning) and
    /// dates from and to (inclusive, UTC days). Null leaves that part open.
    /// </summary>
    public static IQueryable<AuditEntry> Filter(IQueryable<AuditEntry> entries, AuditKind? kind, string? action, string? actor, DateOnly? from, DateOnly? to)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var export = Prefix(AuditKind.Export);
        var view = Prefix(AuditKind.View);
        entries = kind switch
        {
            AuditKind.Export => entries.Where(e => e.Action.StartsWith(export)),
            AuditKind.View => entries.Where(e => e.Action.StartsWith(view)),
            AuditKind.Change => entries.Where(e => !e.Action.StartsWith(export) && !e.Action.StartsWith(view)),
            _ => entries,
        };
        if (!string.IsNullOrWhiteSpace(action))
        {
            var prefix = action.Trim();
            entries = entries.Where(e => e.Action.StartsWith(prefix));
        }
        if (!string.IsNullOrWhiteSpace(actor))
        {
            var name = actor.Trim();
            entries = entries.Where(e => e.Actor.StartsWith(name));
        }
        if (from is { } start)
        {
            var at = start.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            entries = entries.Where(e => e.At >= at);
        }
        if (to is { } end)
        {
            var before = end.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            entries = entries.Where(e => e.At < before);
        }
        return entries;
    }

    /// <summary>
    /// The id of the newest entry whose action starts with <paramref name="actionPrefix"/> (such as "migration."), 0 when
    /// there is none: it changes whenever what those entries record does, so another module can tell when to recompute.
    /// </summary>
    public static async Task<long> LatestAsync(OppdriftDb db, string actionPrefix, CancellationToken cancellationToken) =>
        await db.AuditEntries.Where(a => a.Action.StartsWith(actionPrefix)).MaxAsync(a => (long?)a.Id, cancellationToken) ?? 0;

    /// <summary>
    /// The change history of one object for its page: the entries naming one of <paramref name="targets"/> with one of
    /// <paramref name="actions"/> (so reads, and entries about people, stay on the audit page), newest first.
    /// </summary>
    public static async Task<IReadOnlyList<AuditEntry>> HistoryAsync(OppdriftDb db, IReadOnlyCollection<string> targets, IReadOnlyCollection<string> actions,
        CancellationToken cancellationToken, int take = 100)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.AuditEntries.AsNoTracking()
            .Where(a => a.Target != null && targets.Contains(a.Target) && actions.Contains(a.Action))
            .OrderByDescending(a => a.Id).Take(take).ToListAsync(cancellationToken);
    }

    /// <summary>The target of the newest entry with exactly this action, or null when there is none.</summary>
    public static async Task<string?> LatestTargetAsync(OppdriftDb db, string action, CancellationToken cancellationToken) =>
        await db.AuditEntries.AsNoTracking().Where(a => a.Action == action).OrderByDescending(a => a.Id).Select(a => a.Target).FirstOrDefaultAsync(cancellationToken);
}
