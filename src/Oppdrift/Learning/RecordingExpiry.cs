// Teams meeting recordings expire: Teams moves the video to the recycle bin a number of days after it was made (120 by
// default), and a knowledge bank that links to it rots. Each recording keeps its expiry date, its owner is warned in
// time with the steps to keep it, and an expired recording is shown as expired rather than as a dead link.
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Shared;

namespace Oppdrift.Learning;

/// <summary>Where a recording stands against its expiry date.</summary>
public enum RecordingExpiryState
{
    /// <summary>No expiry date: the owner cleared it, moved the file, or the tenant's recordings do not expire.</summary>
    Kept,

    /// <summary>Expires, but not within the warning window.</summary>
    Expires,

    /// <summary>Expires within <see cref="RecordingOptions.WarningDays"/>: the owner is warned.</summary>
    ExpiresSoon,

    /// <summary>The date has passed: the video is in the recycle bin and its link no longer opens it.</summary>
    Expired,
}

/// <summary>What the owner tells Oppdrift about a recording's expiry on its page.</summary>
public enum RecordingKeep
{
    /// <summary>The expiry was cleared in Stream or OneDrive.</summary>
    Cleared,

    /// <summary>The file was moved to the programme's SharePoint library; it has a new address.</summary>
    Moved,

    /// <summary>The expiry was changed to another date in Stream or OneDrive.</summary>
    Date,

    /// <summary>Back to the tenant's policy.</summary>
    Policy,
}

public sealed record RecordingExpiryChange(RecordingKeep Keep, DateOnly? ExpiresOn, string? Url);

public static class RecordingExpiry
{
    /// <summary>The audit action of an owner's change to a recording's expiry.</summary>
    public const string Action = "learning.recording.expiry";

    /// <summary>The expiry the tenant's policy gives a recording made at <paramref name="madeAt"/>; null when recordings do not expire.</summary>
    public static DateTime? PolicyDate(DateTime madeAt, RecordingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.ExpiryDays is int days and > 0 ? madeAt.AddDays(days) : null;
    }

    /// <summary>
    /// When the video was made as far as Oppdrift knows without Graph: a Teams recording is made during its meeting, so the
    /// session's start when the recording belongs to a session that had started; otherwise when it was added here.
    /// </summary>
    public static DateTime MadeAt(DateTime createdAt, DateTime? sessionStartsAt) =>
        sessionStartsAt is { } start && start < createdAt ? start : createdAt;

    public static RecordingExpiryState State(Recording recording, DateTime now, RecordingOptions options)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(options);
        return recording.ExpiresAt is not { } at ? RecordingExpiryState.Kept
            : at <= now ? RecordingExpiryState.Expired
            : at <= now.AddDays(Math.Max(0, options.WarningDays)) ? RecordingExpiryState.ExpiresSoon
            : RecordingExpiryState.Expires;
    }

    public static bool IsExpired(Recording recording, DateTime now) => recording?.ExpiresAt is { } at && at <= now;

    /// <summary>The day a recording expires, in Oslo and the reader's language: Stream shows the expiry as a date.</summary>
    public static string Day(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(utc, LearningMail.Oslo).ToString("d. MMMM yyyy", CultureInfo.CurrentCulture);

    /// <summary>The start of <paramref name="day"/> in Oslo, in UTC: Stream moves the video to the recycle bin on that day.</summary>
    public static DateTime StartOf(DateOnly day) =>
        TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), LearningMail.Oslo);

    /// <summary>
    /// Which of the knowledge bank's <paramref name="sourceKeys"/> are recordings that have expired, so a hit on one is
    /// marked as expired: its transcript stays searchable, but the video it names is gone.
    /// </summary>
    public static async Task<IReadOnlySet<string>> ExpiredKeysAsync(OppdriftDb db, IEnumerable<string> sourceKeys, DateTime now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var ids = sourceKeys.Where(k => k.StartsWith("recording:", StringComparison.Ordinal))
            .Select(k => int.TryParse(k.AsSpan("recording:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0)
            .Where(id => id > 0).Distinct().ToList();
        if (ids.Count == 0)
        {
            return new HashSet<string>();
        }
        var expired = await db.Recordings.AsNoTracking().Where(r => ids.Contains(r.Id) && r.ExpiresAt != null && r.ExpiresAt <= now)
            .Select(r => r.Id).ToListAsync(cancellationToken);
        return expired.Select(KnowledgeSync.RecordingKey).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Adds to the outbox one warning for each recording that expires within the warning window and has not been warned
    /// of: to the programme's owner, with the steps to keep it. A recording is warned of once; a new date warns again.
    /// </summary>
    public static async Task<int> QueueWarningsAsync(OppdriftDb db, LearningOptions options, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        var now = clock.GetUtcNow().UtcDateTime;
        var horizon = now.AddDays(Math.Max(0, options.Recordings.WarningDays));
        var due = await db.Recordings
            .Where(r => r.ExpiresAt != null && r.ExpiresAt > now && r.ExpiresAt <= horizon && r.ExpiryWarnedAt == null)
            .OrderBy(r => r.ExpiresAt).Take(500).ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }
        var programmeIds = due.Select(r => r.ProgrammeId).Distinct().ToList();
        var owners = await db.Programmes.AsNoTracking().Where(p => programmeIds.Contains(p.Id))
            .Select(p => new { p.Id, p.Name, p.OwnerAccount }).ToDictionaryAsync(p => p.Id, cancellationToken);
        var directory = new OrganisationDirectory(db);
        // Each owner is written to in the language they last signed in with; Bokmål when Oppdrift does not know it.
        var languages = await AccountService.LanguagesAsync(db, owners.Values.Select(p => p.OwnerAccount ?? ""), cancellationToken);
        var addresses = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var queued = 0;
        foreach (var recording in due)
        {
            var programme = owners[recording.ProgrammeId];
            if (programme.OwnerAccount is not { Length: > 0 } account)
            {
                continue; // no one to write to; the programme page still shows the warning
            }
            if (!addresses.TryGetValue(account, out var to))
            {
                var person = await directory.ActivePersonAsync(account, cancellationToken);
                to = person is not null ? LearningPeople.MailOf(person) : account.Contains('@', StringComparison.Ordinal) ? account : null;
                addresses[account] = to;
            }
            if (to is null)
            {
                continue;
            }
            recording.ExpiryWarnedAt = now;
            var link = options.PublicUrl is { Length: > 0 } url
                ? "\n\n" + url.TrimEnd('/') + "/learning/recordings/" + recording.Id.ToString(CultureInfo.InvariantCulture)
                : "";
            var language = languages.GetValueOrDefault(account) ?? Localized.Bokmal;
            MailOutbox.Queue(db, to, Localized.In(language, () => LearningText.Get("MailRecordingExpiresSubject", recording.Title, Day(recording.ExpiresAt!.Value))),
                Localized.In(language, () => LearningText.Get("MailRecordingExpiresBody", recording.Title, programme.Name, Day(recording.ExpiresAt!.Value))) + link, now);
            queued++;
        }
        await db.SaveChangesAsync(cancellationToken);
        return queued;
    }
}

/// <summary>The owner's changes to a recording's expiry: cleared in Stream, moved to the programme's library, another date, or the policy again.</summary>
public sealed class RecordingKeeping(OppdriftDb db, TimeProvider clock, IOptions<LearningOptions> options)
{
    public async Task<Result<Recording>> ChangeAsync(int id, RecordingExpiryChange change, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var recording = await db.Recordings.SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (recording is null)
        {
            return Result<Recording>.Fail("recording", LearningText.Get("RecordingNotFound"));
        }
        var before = new { recording.Url, recording.ExpiresAt, ExpirySource = recording.ExpirySource.ToString() };
        switch (change.Keep)
        {
            case RecordingKeep.Cleared:
                (recording.ExpiresAt, recording.ExpirySource) = (null, RecordingExpirySource.Owner);
                break;
            case RecordingKeep.Moved:
                if (!Uri.TryCreate(change.Url?.Trim(), UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
                {
                    return Result<Recording>.Fail("url", LearningText.Get("RecordingMovedUrl"));
                }
                (recording.Url, recording.ExpiresAt, recording.ExpirySource) = (uri.AbsoluteUri, null, RecordingExpirySource.Owner);
                break;
            case RecordingKeep.Date:
                if (change.ExpiresOn is not { } day)
                {
                    return Result<Recording>.Fail("expiresOn", LearningText.Get("RecordingExpiryDateRequired"));
                }
                (recording.ExpiresAt, recording.ExpirySource) = (RecordingExpiry.StartOf(day), RecordingExpirySource.Owner);
                break;
            case RecordingKeep.Policy:
                var started = recording.SessionId is { } sid
                    ? await db.LearningSessions.Where(s => s.Id == sid).Select(s => (DateTime?)s.StartsAt).SingleOrDefaultAsync(cancellationToken)
                    : null;
                (recording.ExpiresAt, recording.ExpirySource) =
                    (RecordingExpiry.PolicyDate(RecordingExpiry.MadeAt(recording.CreatedAt, started), options.Value.Recordings), RecordingExpirySource.Policy);
                break;
            default:
                return Result<Recording>.Fail("keep", LearningText.Get("RecordingExpiryDateRequired"));
        }
        if (before.ExpiresAt != recording.ExpiresAt)
        {
            recording.ExpiryWarnedAt = null; // a new date is warned of again
        }
        AuditLog.Record(db, clock, actor, RecordingExpiry.Action, $"recording:{id.ToString(CultureInfo.InvariantCulture)}", before: before,
            after: new { recording.Url, recording.ExpiresAt, ExpirySource = recording.ExpirySource.ToString() });
        await db.SaveChangesAsync(cancellationToken);
        return Result<Recording>.Ok(recording);
    }
}
