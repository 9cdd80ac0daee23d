// Counts the recordings people open and the documents they download through Oppdrift: the per-person fact completion
// needs ("has watched"), and the totals a programme's owner sees. A GET that writes must not be abusable, so a count is
// one row a person, item and day (a reload, a second tab or a forged link adds nothing), and only a signed-in directory
// person who opens the link themself counts: no prefetch, no link preview, no page embedding it.
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;

namespace Oppdrift.Learning;

/// <summary>How often an item was opened in Oppdrift: person-days (a person opening it on a day counts once) and distinct people.</summary>
public sealed record ItemViews(int Views, int People);

public static class ViewCounting
{
    /// <summary>The day in Oslo, the municipality's day, that "once a day" counts by.</summary>
    public static DateOnly Day(DateTime utc) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), LearningMail.Oslo));

    // Link previewers (Teams, Slack, Outlook), search engines and other robots that may follow a link on someone's behalf.
    private static readonly string[] Robots = ["bot", "crawl", "spider", "slurp", "preview", "facebookexternalhit", "embedly", "python-requests", "curl/", "wget/"];

    /// <summary>
    /// Whether the request is a person opening the link in their browser: a GET (not HEAD), not a prefetch or prerender,
    /// a top-level navigation where the browser says so (an image or frame another page embeds is not), from a browser
    /// (a user agent that names itself as one and no robot).
    /// </summary>
    public static bool IsPersonOpening(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!HttpMethods.IsGet(request.Method))
        {
            return false;
        }
        var headers = request.Headers;
        if (headers["Purpose"].ToString().Contains("prefetch", StringComparison.OrdinalIgnoreCase)
            || headers["Sec-Purpose"].ToString().Contains("prefetch", StringComparison.OrdinalIgnoreCase)
            || headers["X-Moz"].ToString().Contains("prefetch", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (headers["Sec-Fetch-Mode"] is { Count: > 0 } mode && !string.Equals(mode, "navigate", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (headers["Sec-Fetch-Dest"] is { Count: > 0 } destination && !string.Equals(destination, "document", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var agent = headers.UserAgent.ToString();
        return agent.Contains("Mozilla/", StringComparison.Ordinal) && !Robots.Any(r => agent.Contains(r, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Counts that <paramref name="personId"/> opened the recording on <paramref name="day"/>; false when that was already counted.</summary>
    public static async Task<bool> RecordingAsync(OppdriftDb db, int recordingId, int personId, DateOnly day, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        // One statement on both databases: two tabs opening at once cannot both insert, and neither gets an error.
        return await db.Database.ExecuteSqlAsync($"""
            INSERT INTO learning_recording_views ("RecordingId", "PersonId", "Day") VALUES ({recordingId}, {personId}, {day}) ON CONFLICT DO NOTHING
            """, cancellationToken) == 1;
    }

    /// <summary>Counts that <paramref name="personId"/> downloaded the document on <paramref name="day"/>; false when that was already counted.</summary>
    public static async Task<bool> DocumentAsync(OppdriftDb db, int documentId, int personId, DateOnly day, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.Database.ExecuteSqlAsync($"""
            INSERT INTO learning_document_downloads ("DocumentId", "PersonId", "Day") VALUES ({documentId}, {personId}, {day}) ON CONFLICT DO NOTHING
            """, cancellationToken) == 1;
    }

    /// <summary>The in-app views of the programme's recordings, by recording; a recording never opened is left out.</summary>
    public static async Task<IReadOnlyDictionary<int, ItemViews>> RecordingTotalsAsync(OppdriftDb db, int programmeId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var recordings = db.Recordings.Where(r => r.ProgrammeId == programmeId).Select(r => r.Id);
        var rows = await db.RecordingViews.Where(v => recordings.Contains(v.RecordingId))
            .GroupBy(v => v.RecordingId)
            .Select(g => new { g.Key, Views = g.Count(), People = g.Select(v => v.PersonId).Distinct().Count() })
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.Key, r => new ItemViews(r.Views, r.People));
    }

    /// <summary>
    /// The in-app views of the programme's recordings, by the session they are the recording of (a person opening two
    /// recordings of one session on a day counts twice in the views, once in the people); a session never watched is left out.
    /// </summary>
    public static async Task<IReadOnlyDictionary<int, ItemViews>> SessionRecordingTotalsAsync(OppdriftDb db, int programmeId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await db.RecordingViews
            .Join(db.Recordings.Where(r => r.ProgrammeId == programmeId && r.SessionId != null), v => v.RecordingId, r => r.Id, (v, r) => new { SessionId = r.SessionId!.Value, v.PersonId })
            .GroupBy(x => x.SessionId)
            .Select(g => new { g.Key, Views = g.Count(), People = g.Select(x => x.PersonId).Distinct().Count() })
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.Key, r => new ItemViews(r.Views, r.People));
    }

    /// <summary>The in-app downloads of the programme's documents, by document; a document never downloaded is left out.</summary>
    public static async Task<IReadOnlyDictionary<int, ItemViews>> DocumentTotalsAsync(OppdriftDb db, int programmeId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var documents = db.LearningDocuments.Where(d => d.ProgrammeId == programmeId).Select(d => d.Id);
        var rows = await db.DocumentDownloads.Where(v => documents.Contains(v.DocumentId))
            .GroupBy(v => v.DocumentId)
            .Select(g => new { g.Key, Views = g.Count(), People = g.Select(v => v.PersonId).Distinct().Count() })
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.Key, r => new ItemViews(r.Views, r.People));
    }
}
