using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Shared;

namespace Oppdrift.Learning;

public sealed record AttendanceImportResult(AttendanceImport? Import, IReadOnlyList<InputError> Errors)
{
    public bool Succeeded => Import is not null;
}

/// <summary>
/// Imports a Teams attendance report for a session: the whole file or nothing, and importing again
/// replaces what the last import of that session wrote, so it can be run as often as wanted.
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

        // Match on the user principal name first (it is what Teams calls the participant id), then e-mail.
        var people = await new OrganisationDirectory(db).PeopleByNameAsync(report.Participants.SelectMany(p => new[] { p.ParticipantId, p.Email }),
            agencyId: null, activeOnly: false, cancellationToken);

        int? Match(AttendanceParticipant p) =>
            (people.ByUserPrincipalName(p.ParticipantId) ?? people.ByMail(p.Email) ?? people.ByUserPrincipalName(p.Email))?.Id;

        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var previous = await db.Attendance.Where(a => a.SessionId == sessionId).ExecuteDeleteAsync(cancellationToken);
            await db.AttendanceImports.Where(i => i.SessionId == sessionId).ExecuteDeleteAsync(cancellationToken);
            var import = new AttendanceImport
            {
                SessionId = sessionId,
                FileName = Path.GetFileName(fileName),
                MeetingTitle = report.MeetingTitle,
                ImportedAt = clock.GetUtcNow().UtcDateTime,
                ImportedBy = actor,
            };
            db.AttendanceImports.Add(import);
            await db.SaveChangesAsync(cancellationToken);

            // A person who rejoined appears on one line in section 2 already; a person matched twice (by two lines) is merged.
            var rows = new Dictionary<string, Attendance>(StringComparer.Ordinal);
            foreach (var p in report.Participants)
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
                    ImportId = import.Id,
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
            db.Attendance.AddRange(rows.Values);
            import.Attendees = rows.Count;
            import.Matched = rows.Values.Count(r => r.PersonId is not null);
            import.Guests = import.Attendees - import.Matched;
            AuditLog.Record(db, clock, actor, "learning.attendance.import", $"session:{sessionId}",
                before: previous > 0 ? new { attendees = previous } : null,
                after: new { file = import.FileName, attendees = import.Attendees, matched = import.Matched, guests = import.Guests });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new AttendanceImportResult(import, []);
        });
    }

    private static DateTime? Min(DateTime? a, DateTime? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private static DateTime? Max(DateTime? a, DateTime? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
