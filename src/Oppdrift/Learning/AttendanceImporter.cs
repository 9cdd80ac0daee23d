using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Shared;

namespace Oppdrift.Learning;

public sealed record AttendanceImportResult(AttendanceImport? Import, IReadOnlyList<InputError> Errors)
{
    public bool Succeeded => Import is not null;

    /// <summary>The session already held exactly this attendance from the same source: nothing was written.</summary>
    public bool Unchanged { get; init; }
}

/// <summary>Attendance from one source (a report file, or the reports Microsoft Graph holds for a meeting), ready to record.</summary>
public sealed record AttendanceSource(string Name, string? MeetingTitle, IReadOnlyList<AttendanceParticipant> Participants);

/// <summary>
/// Imports a Teams attendance report for a session: the whole file or nothing, and importing again
/// replaces what the last import of that session wrote, so it can be run as often as wanted. Attendance equal to what the
/// session holds from the same source writes nothing at all.
/// </summary>
public sealed class AttendanceImporter(OppdriftDb db, TimeProvider clock)
{
    public async Task<AttendanceImportResult> ImportAsync(int sessionId, Stream content, string fileName, string actor, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        buffer.Position = 0;
        var session = await db.LearningSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sessionId, cancellationToken);
        if (session is null)
        {
            return new AttendanceImportResult(null, [new InputError(fileName, 0, null, null, LearningText.Get("SessionNotFound"))]);
        }
        var (report, errors) = AttendanceReportReader.Read(buffer, fileName, LearningMail.Oslo);
        if (report is null)
        {
            return new AttendanceImportResult(null, errors);
        }

        return await RecordAsync(sessionId, new AttendanceSource(Path.GetFileName(fileName), report.MeetingTitle, report.Participants), actor,
            "learning.attendance.import", auditUnchanged: false, cancellationToken);
    }

    /// <summary>
    /// Records <paramref name="source"/> as the session's attendance in one transaction, replacing the last import. People
    /// are matched through the directory by participant id (UPN) or e-mail; anyone else is kept as a guest by name.
    /// </summary>
    /// <param name="auditUnchanged">Whether a run that changes nothing is still written to the audit log (a person asked for it).</param>
    public async Task<AttendanceImportResult> RecordAsync(int sessionId, AttendanceSource source, string actor, string action, bool auditUnchanged,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        // Match on the user principal name first (it is what Teams calls the participant id), then e-mail.
        var people = await new OrganisationDirectory(db).PeopleByNameAsync(source.Participants.SelectMany(p => new[] { p.ParticipantId, p.Email }),
            agencyId: null, activeOnly: false, cancellationToken);

        int? Match(AttendanceParticipant p) =>
            (people.ByUserPrincipalName(p.ParticipantId) ?? people.ByMail(p.Email) ?? people.ByUserPrincipalName(p.Email))?.Id;

        // A person who rejoined appears on one line in section 2 already; a person matched twice (by two lines, or in two
        // reports of a restarted meeting) is merged.
        var rows = new Dictionary<string, Attendance>(StringComparer.Ordinal);
        foreach (var p in source.Participants)
        {
            var personId = Match(p);
            var key = personId is { } id ? "p:" + id : "g:" + (p.Email ?? p.ParticipantId ?? p.Name).ToLowerInvariant();
            if (rows.TryGetValue(key, out var existing))
            {
                existing.DurationSeconds += (int)p.Duration.TotalSeconds;
                existing.FirstJoin = Min(existing.FirstJoin, p.FirstJoin);
                existing.LastLeave = Max(existing.LastLeave, p.LastLeave);
                continue;
            }
            rows[key] = new Attendance
            {
                SessionId = sessionId,
                PersonId = personId,
                Name = p.Name,
                Email = p.Email,
                ParticipantId = p.ParticipantId,
                Role = p.Role,
                FirstJoin = p.FirstJoin,
                LastLeave = p.LastLeave,
                DurationSeconds = (int)p.Duration.TotalSeconds,
            };
        }

        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var last = await db.AttendanceImports.AsNoTracking().Where(i => i.SessionId == sessionId).OrderByDescending(i => i.Id).FirstOrDefaultAsync(cancellationToken);
            if (last is not null && last.FileName == source.Name && last.MeetingTitle == source.MeetingTitle)
            {
                var held = await db.Attendance.AsNoTracking().Where(a => a.SessionId == sessionId).ToListAsync(cancellationToken);
                if (SameRows(held, rows.Values))
                {
                    if (auditUnchanged)
                    {
                        AuditLog.Record(db, clock, actor, action, $"session:{sessionId}", before: null,
                            after: new { source = source.Name, attendees = last.Attendees, unchanged = true });
                        await db.SaveChangesAsync(cancellationToken);
                        await transaction.CommitAsync(cancellationToken);
                    }
                    return new AttendanceImportResult(last, []) { Unchanged = true };
                }
            }
            var previous = await db.Attendance.Where(a => a.SessionId == sessionId).ExecuteDeleteAsync(cancellationToken);
            await db.AttendanceImports.Where(i => i.SessionId == sessionId).ExecuteDeleteAsync(cancellationToken);
            var import = new AttendanceImport
            {
                SessionId = sessionId,
                FileName = source.Name,
                MeetingTitle = source.MeetingTitle,
                ImportedAt = clock.GetUtcNow().UtcDateTime,
                ImportedBy = actor,
            };
            db.AttendanceImports.Add(import);
            await db.SaveChangesAsync(cancellationToken);
            foreach (var row in rows.Values)
            {
                row.ImportId = import.Id;
            }
            db.Attendance.AddRange(rows.Values);
            import.Attendees = rows.Count;
            import.Matched = rows.Values.Count(r => r.PersonId is not null);
            import.Guests = import.Attendees - import.Matched;
            AuditLog.Record(db, clock, actor, action, $"session:{sessionId}",
                before: previous > 0 ? new { attendees = previous } : null,
                after: new { file = import.FileName, attendees = import.Attendees, matched = import.Matched, guests = import.Guests });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new AttendanceImportResult(import, []);
        });
    }

    private static bool SameRows(List<Attendance> held, Dictionary<string, Attendance>.ValueCollection fresh)
    {
        if (held.Count != fresh.Count)
        {
            return false;
        }
        static string Key(Attendance a) => string.Join("\u001f", a.PersonId?.ToString(CultureInfo.InvariantCulture), a.Name, a.Email, a.ParticipantId, a.Role,
            a.FirstJoin?.Ticks.ToString(CultureInfo.InvariantCulture), a.LastLeave?.Ticks.ToString(CultureInfo.InvariantCulture),
            a.DurationSeconds.ToString(CultureInfo.InvariantCulture));
        return held.Select(Key).Order(StringComparer.Ordinal).SequenceEqual(fresh.Select(Key).Order(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    private static DateTime? Min(DateTime? a, DateTime? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private static DateTime? Max(DateTime? a, DateTime? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
