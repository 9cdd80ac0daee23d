// Loads a folder of saved Teams attendance reports at once: each file goes to the session whose title and time its
// summary names, each file lands whole or not at all, and a second run changes nothing.
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Shared;

namespace Oppdrift.Learning;

public enum AttendanceFileOutcome
{
    Imported,
    Unchanged,

    /// <summary>The file could not be read; <see cref="AttendanceFileResult.Errors"/> says where.</summary>
    Rejected,

    /// <summary>The report's summary has no start time to match on.</summary>
    NoStartTime,

    /// <summary>No session runs at the report's start time.</summary>
    NoSessionAtThatTime,

    /// <summary>Sessions run then, but none has the report's title.</summary>
    TitleDiffers,

    /// <summary>More than one session with the title runs then.</summary>
    Ambiguous,
}

public sealed record SessionCandidate(int Id, string Title, DateTime StartsAt, DateTime EndsAt);

public sealed record AttendanceFileResult(string File, AttendanceFileOutcome Outcome, string? MeetingTitle, DateTime? StartsAt, SessionCandidate? Session,
    AttendanceImport? Import, IReadOnlyList<InputError> Errors, IReadOnlyList<SessionCandidate> Candidates);

public static partial class AttendanceFileMatch
{
    /// <summary>
    /// The session a report belongs to: one that runs at the report's start (within <see cref="TeamsAttendanceReader.Slack"/>
    /// of its own times) and whose title is the report's meeting title or stands in it ("Frokostwebinar: Bedre møter i Teams"
    /// holds "Bedre møter i Teams"), compared without regard to case or spacing.
    /// </summary>
    public static (AttendanceFileOutcome Outcome, SessionCandidate? Session, IReadOnlyList<SessionCandidate> Candidates) Match(
        string? meetingTitle, DateTime? startsAt, IEnumerable<SessionCandidate> sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        if (startsAt is not { } start)
        {
            return (AttendanceFileOutcome.NoStartTime, null, []);
        }
        var atThatTime = sessions.Where(s => start >= s.StartsAt - TeamsAttendanceReader.Slack && start <= s.EndsAt + TeamsAttendanceReader.Slack)
            .OrderBy(s => Math.Abs((s.StartsAt - start).Ticks)).ToList();
        if (atThatTime.Count == 0)
        {
            return (AttendanceFileOutcome.NoSessionAtThatTime, null, []);
        }
        var title = Normalise(meetingTitle);
        var named = atThatTime.Where(s => Normalise(s.Title) is { Length: > 0 } own && title.Contains(own, StringComparison.Ordinal)).ToList();
        // An exact title wins over one that only stands in the report's.
        var exact = named.Where(s => Normalise(s.Title) == title).ToList();
        var chosen = exact.Count > 0 ? exact : named;
        return chosen.Count switch
        {
            0 => (AttendanceFileOutcome.TitleDiffers, null, atThatTime),
            1 => (AttendanceFileOutcome.Imported, chosen[0], atThatTime),
            _ => (AttendanceFileOutcome.Ambiguous, null, chosen),
        };
    }

    private static string Normalise(string? text) => Spaces().Replace(text ?? "", " ").Trim().ToLowerInvariant();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}

/// <summary>Imports every attendance report in a folder (*.csv, *.txt) into the session each one matches.</summary>
public sealed class AttendanceFolderImport(OppdriftDb db, AttendanceImporter importer)
{
    public static readonly string[] Patterns = ["*.csv", "*.txt"];

    /// <summary>One session by id, as a file named for it is described (null when there is none).</summary>
    public async Task<SessionCandidate?> SessionAsync(int id, CancellationToken cancellationToken) =>
        await db.LearningSessions.AsNoTracking().Where(s => s.Id == id)
            .Select(s => new SessionCandidate(s.Id, s.Title, s.StartsAt, s.EndsAt)).SingleOrDefaultAsync(cancellationToken);

    public async Task<IReadOnlyList<AttendanceFileResult>> ImportAsync(string folder, string actor, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        var files = Patterns.SelectMany(p => Directory.EnumerateFiles(folder, p, SearchOption.TopDirectoryOnly))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var sessions = await db.LearningSessions.AsNoTracking().Where(s => s.CancelledAt == null)
            .Select(s => new SessionCandidate(s.Id, s.Title, s.StartsAt, s.EndsAt)).ToListAsync(cancellationToken);
        var results = new List<AttendanceFileResult>();
        for (var i = 0; i < files.Count; i++)
        {
            progress?.Report(100.0 * i / files.Count);
            results.Add(await ImportFileAsync(files[i], sessions, actor, cancellationToken));
        }
        progress?.Report(100);
        return results;
    }

    private async Task<AttendanceFileResult> ImportFileAsync(string path, IReadOnlyList<SessionCandidate> sessions, string actor, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(path);
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        var (report, errors) = AttendanceReportReader.Read(new MemoryStream(bytes), name, LearningMail.Oslo);
        if (report is null)
        {
            return new AttendanceFileResult(name, AttendanceFileOutcome.Rejected, null, null, null, null, errors, []);
        }
        var (outcome, session, candidates) = AttendanceFileMatch.Match(report.MeetingTitle, report.StartsAt, sessions);
        if (session is null)
        {
            return new AttendanceFileResult(name, outcome, report.MeetingTitle, report.StartsAt, null, null, [], candidates);
        }
        var imported = await importer.ImportAsync(session.Id, new MemoryStream(bytes), name, actor, cancellationToken);
        return imported.Succeeded
            ? new AttendanceFileResult(name, imported.Unchanged ? AttendanceFileOutcome.Unchanged : AttendanceFileOutcome.Imported, report.MeetingTitle, report.StartsAt,
                session, imported.Import, [], candidates)
            : new AttendanceFileResult(name, AttendanceFileOutcome.Rejected, report.MeetingTitle, report.StartsAt, session, null, imported.Errors, candidates);
    }
}
