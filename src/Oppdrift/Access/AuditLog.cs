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
        object? before = null, object? after = null)
    {
        db.AuditEntries.Add(new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime,
            Actor = actor,
            Action = action,
            Target = target,
            Before = before is null ? null : JsonSerializer.Serialize(before, Json),
            After = after is null ? null : JsonSerializer.Serialize(after, Json),
        });
    }

    /// <summary>
    /// The id of the newest entry whose action starts with <paramref name="actionPrefix"/> (such as "migration."), 0 when
    /// there is none: it changes whenever what those entries record does, so another module can tell when to recompute.
    /// </summary>
    public static async Task<long> LatestAsync(OppdriftDb db, string actionPrefix, CancellationToken cancellationToken) =>
        await db.AuditEntries.Where(a => a.Action.StartsWith(actionPrefix)).MaxAsync(a => (long?)a.Id, cancellationToken) ?? 0;
}
