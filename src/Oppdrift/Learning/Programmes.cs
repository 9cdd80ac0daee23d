// Creating and changing programmes, their sessions, recordings, documents and feedback. Every change
// by a user is audited in the same transaction.
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Learning.Knowledge;
using Oppdrift.Organisation;
using Oppdrift.Shared;

namespace Oppdrift.Learning;

public sealed record ProgrammeInput(
    string Name, string Description, string OwnerName, string? OwnerAccount, int? OwnerAgencyId, ProgrammeAudience Audience,
    IReadOnlyList<int> AgencyIds, string Topics, string Tools, IReadOnlyList<string> Modules, int? CompletionSessions = null, int? CompletionRecordings = null,
    bool? ProposeNewLeaders = null);

public sealed record SessionInput(
    string Title, string Description, DateTime StartsAt, TimeSpan Length, SessionMode Mode, string? Location, string? TeamsUrl,
    int? Capacity, int WeeklyOccurrences = 1, int? ModuleId = null);

/// <summary>What an existing session's page can change; a weekly series is changed one session at a time.</summary>
/// <remarks>A follow-up field that is null is left as it is; an empty one clears it.</remarks>
public sealed record SessionUpdate(
    string Title, string Description, DateTime StartsAt, TimeSpan Length, SessionMode Mode, string? Location, string? TeamsUrl, int? Capacity,
    string? FollowUpText = null, string? FollowUpLinks = null);

public sealed record RecordingInput(string Title, string Url, TimeSpan Duration, int? SessionId, int? Views);

public sealed class Programmes(OppdriftDb db, TimeProvider clock, IOptions<LearningOptions> options, LearningStorage storage, KnowledgeSync knowledge)
{
    /// <summary>Runs a change and its knowledge bank update in one transaction (the caller's, when one is open).</summary>
    private async Task<T> InTransactionAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            return await work();
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var result = await work();
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    public static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    public async Task<Result<Programme>> CreateAsync(ProgrammeInput input, string actor, CancellationToken cancellationToken)
    {
        if (Validate(input) is { } error)
        {
            return Result<Programme>.Fail(error.Field, error.Message);
        }
        var programme = new Programme
        {
            Name = input.Name.Trim(),
            Description = input.Description.Trim(),
            OwnerName = input.OwnerName.Trim(),
            OwnerAccount = string.IsNullOrWhiteSpace(input.OwnerAccount) ? actor : input.OwnerAccount.Trim(),
            OwnerAgencyId = input.OwnerAgencyId,
            Audience = input.Audience,
            Topics = Tidy(input.Topics),
            Tools = Tidy(input.Tools),
            FeedToken = NewToken(),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            CompletionSessions = Bar(input.CompletionSessions),
            CompletionRecordings = Bar(input.CompletionRecordings),
            NewLeadersSince = input.ProposeNewLeaders == true ? clock.GetUtcNow().UtcDateTime : null,
        };
        foreach (var agency in input.AgencyIds.Distinct())
        {
            programme.Agencies.Add(new ProgrammeAgency { AgencyId = agency });
        }
        var position = 0;
        foreach (var module in input.Modules.Where(m => !string.IsNullOrWhiteSpace(m)))
        {
            programme.Modules.Add(new ProgrammeModule { Title = module.Trim(), Position = ++position });
        }
        db.Programmes.Add(programme);
        return await InTransactionAsync(async () =>
        {
            await db.SaveChangesAsync(cancellationToken);
            // Recorded once the programme has its id, so the programme's history finds its creation.
            AuditLog.Record(db, clock, actor, "learning.programme.create", ProgrammeTarget(programme.Id), after: Snapshot(programme));
            await db.SaveChangesAsync(cancellationToken);
            await knowledge.ProgrammeAsync(programme.Id, cancellationToken);
            return Result<Programme>.Ok(programme);
        }, cancellationToken);
    }

    /// <summary>
    /// Changes a programme: what the new-programme form sets, its modules included (matched by position: a line renames the
    /// module in its place, new lines add modules, and a module whose line is gone is removed, its sessions keeping no module).
    /// The audit entry names only the fields that changed; a save that changes nothing writes nothing.
    /// </summary>
    public async Task<Result<Programme>> UpdateAsync(int id, ProgrammeInput input, string actor, CancellationToken cancellationToken)
    {
        if (Validate(input) is { } error)
        {
            return Result<Programme>.Fail(error.Field, error.Message);
        }
        var programme = await db.Programmes.Include(p => p.Agencies).Include(p => p.Modules).AsSplitQuery().SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (programme is null)
        {
            return Result<Programme>.Fail("programme", LearningText.Get("ProgrammeNotFound"));
        }
        var changes = new AuditChanges();
        changes.Set("Name", programme.Name, input.Name.Trim(), v => programme.Name = v);
        changes.Set("Description", programme.Description, input.Description.Trim(), v => programme.Description = v);
        changes.Set("OwnerName", programme.OwnerName, input.OwnerName.Trim(), v => programme.OwnerName = v);
        if (!string.IsNullOrWhiteSpace(input.OwnerAccount))
        {
            changes.Set("OwnerAccount", programme.OwnerAccount, input.OwnerAccount.Trim(), v => programme.OwnerAccount = v);
        }
        changes.Set("OwnerAgencyId", programme.OwnerAgencyId, input.OwnerAgencyId, v => programme.OwnerAgencyId = v);
        changes.Set("Audience", programme.Audience.ToString(), input.Audience.ToString(), _ => programme.Audience = input.Audience);
        changes.Set("Topics", programme.Topics, Tidy(input.Topics), v => programme.Topics = v);
        changes.Set("Tools", programme.Tools, Tidy(input.Tools), v => programme.Tools = v);
        changes.Set("CompletionSessions", programme.CompletionSessions, Bar(input.CompletionSessions), v => programme.CompletionSessions = v);
        changes.Set("CompletionRecordings", programme.CompletionRecordings, Bar(input.CompletionRecordings), v => programme.CompletionRecordings = v);
        if (input.ProposeNewLeaders is { } propose)
        {
            // Switched on, it takes the leaders who arrive from now on; switched off and on again, it starts afresh.
            var now = clock.GetUtcNow().UtcDateTime;
            changes.Set("ProposeNewLeaders", programme.NewLeadersSince is not null, propose, _ => programme.NewLeadersSince = propose ? now : null);
        }

        int[] agencies = [.. input.AgencyIds.Distinct().Order()];
        if (changes.SetList("Agencies", [.. programme.Agencies.Select(a => a.AgencyId).Order()], agencies))
        {
            programme.Agencies.RemoveAll(a => !agencies.Contains(a.AgencyId));
            foreach (var agency in agencies.Where(a => programme.Agencies.All(x => x.AgencyId != a)))
            {
                programme.Agencies.Add(new ProgrammeAgency { ProgrammeId = id, AgencyId = agency });
            }
        }

        string[] titles = [.. input.Modules.Where(m => !string.IsNullOrWhiteSpace(m)).Select(m => m.Trim())];
        var modules = programme.Modules.OrderBy(m => m.Position).ToList();
        if (changes.SetList("Modules", [.. modules.Select(m => m.Title)], titles))
        {
            for (var i = 0; i < titles.Length; i++)
            {
                if (i < modules.Count)
                {
                    modules[i].Title = titles[i];
                    modules[i].Position = i + 1;
                }
                else
                {
                    programme.Modules.Add(new ProgrammeModule { ProgrammeId = id, Title = titles[i], Position = i + 1 });
                }
            }
            foreach (var gone in modules.Skip(titles.Length))
            {
                programme.Modules.Remove(gone);
                db.Remove(gone);
            }
        }
        if (!changes.Any)
        {
            return Result<Programme>.Ok(programme);
        }
        AuditLog.Record(db, clock, actor, "learning.programme.update", ProgrammeTarget(id), changes.Before, changes.After);
        return await InTransactionAsync(async () =>
        {
            await db.SaveChangesAsync(cancellationToken);
            await knowledge.ProgrammeAsync(id, cancellationToken);
            return Result<Programme>.Ok(programme);
        }, cancellationToken);
    }

    /// <summary>
    /// Deletes a programme that has not yet been held: one with a session that took place (not cancelled, started) or with
    /// attendance is refused, as its figures belong to the municipality's history. People registered for its coming
    /// sessions are told, with a cancellation that takes the session out of their calendar.
    /// </summary>
    public async Task<Result<string>> DeleteAsync(int id, string actor, CancellationToken cancellationToken)
    {
        var programme = await db.Programmes.Include(p => p.Agencies).SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (programme is null)
        {
            return Result<string>.Fail("programme", LearningText.Get("ProgrammeNotFound"));
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var sessions = await db.LearningSessions.Where(x => x.ProgrammeId == id).ToListAsync(cancellationToken);
        var sessionIds = sessions.Select(x => x.Id).ToList();
        var held = sessions.Count(x => x.CancelledAt is null && x.StartsAt <= now);
        if (held > 0 || await db.Attendance.AnyAsync(a => sessionIds.Contains(a.SessionId), cancellationToken))
        {
            return Result<string>.Fail("delete", LearningText.Get("ProgrammeDeleteHeld", programme.Name));
        }
        var documents = await db.LearningDocuments.Where(d => d.ProgrammeId == id).Select(d => new { d.Id, d.StoredName }).ToListAsync(cancellationToken);
        var files = documents.Select(d => d.StoredName).ToList();
        var keys = documents.Select(d => KnowledgeSync.DocumentKey(d.Id))
            .Concat(sessionIds.Select(KnowledgeSync.SessionKey))
            .Concat((await db.Recordings.Where(x => x.ProgrammeId == id).Select(x => x.Id).ToListAsync(cancellationToken)).Select(KnowledgeSync.RecordingKey))
            .Append(KnowledgeSync.ProgrammeKey(id))
            .ToList();
        foreach (var session in sessions.Where(x => x.CancelledAt is null))
        {
            session.CancelledAt = now;
            session.CalendarSequence++;
            foreach (var person in await SeatedAndWaitingAsync(session.Id, cancellationToken))
            {
                db.OutgoingMail.Add(LearningMail.ForCancellation(session, person, options.Value, now));
            }
        }
        AuditLog.Record(db, clock, actor, "learning.programme.delete", ProgrammeTarget(id), before: Snapshot(programme));
        db.LearningSessions.RemoveRange(sessions);
        db.Programmes.Remove(programme);
        await InTransactionAsync(async () =>
        {
            await db.SaveChangesAsync(cancellationToken);
            foreach (var key in keys)
            {
                await knowledge.RemoveAsync(key, cancellationToken);
            }
            return true;
        }, cancellationToken);
        foreach (var file in files)
        {
            storage.Delete(file);
        }
        return Result<string>.Ok(programme.Name);
    }

    public static string ProgrammeTarget(int id) => "programme:" + id.ToString(CultureInfo.InvariantCulture);

    public static string SessionTarget(int id) => "session:" + id.ToString(CultureInfo.InvariantCulture);

    /// <summary>The people holding a seat or a place on the waiting list, read through Organisation's surface.</summary>
    private async Task<List<PersonRow>> SeatedAndWaitingAsync(int sessionId, CancellationToken cancellationToken) =>
        await db.Registrations.Where(r => r.SessionId == sessionId && r.Status != RegistrationStatus.Cancelled)
            .Join(new OrganisationDirectory(db).PersonRows, r => r.PersonId, p => p.Id, (r, p) => p).ToListAsync(cancellationToken);

    /// <summary>Adds one session, or a weekly series of them (same weekday and time of day in Oslo, across summer time).</summary>
    public async Task<Result<IReadOnlyList<LearningSession>>> AddSessionsAsync(int programmeId, SessionInput input, string actor, CancellationToken cancellationToken)
    {
        if (!await db.Programmes.AnyAsync(p => p.Id == programmeId, cancellationToken))
        {
            return Result<IReadOnlyList<LearningSession>>.Fail("programme", LearningText.Get("ProgrammeNotFound"));
        }
        if (ValidateSession(input.Title, input.Length, input.Capacity, input.Mode, input.Location, input.TeamsUrl) is { } error)
        {
            return Result<IReadOnlyList<LearningSession>>.Fail(error.Field, error.Message);
        }
        if (input.WeeklyOccurrences is < 1 or > 104)
        {
            return Result<IReadOnlyList<LearningSession>>.Fail("Weeks", LearningText.Get("SessionBadWeeks", 104));
        }
        var localStart = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(input.StartsAt, DateTimeKind.Utc), LearningMail.Oslo);
        var series = input.WeeklyOccurrences > 1 ? NewToken()[..16] : null;
        var sessions = new List<LearningSession>();
        for (var week = 0; week < input.WeeklyOccurrences; week++)
        {
            var start = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(localStart.AddDays(7 * week), DateTimeKind.Unspecified), LearningMail.Oslo);
            sessions.Add(new LearningSession
            {
                ProgrammeId = programmeId,
                ModuleId = input.ModuleId,
                SeriesKey = series,
                Title = input.Title.Trim(),
                Description = input.Description.Trim(),
                StartsAt = start,
                EndsAt = start + input.Length,
                Mode = input.Mode,
                Location = string.IsNullOrWhiteSpace(input.Location) ? null : input.Location.Trim(),
                TeamsUrl = string.IsNullOrWhiteSpace(input.TeamsUrl) ? null : input.TeamsUrl.Trim(),
                Capacity = input.Capacity,
                CalendarUid = $"{Guid.NewGuid():N}@oppdrift",
            });
        }
        db.LearningSessions.AddRange(sessions);
        AuditLog.Record(db, clock, actor, "learning.session.create", $"programme:{programmeId}",
            after: new { input.Title, StartsAt = sessions[0].StartsAt, Count = sessions.Count, Mode = input.Mode.ToString(), input.Capacity });
        return await InTransactionAsync(async () =>
        {
            await db.SaveChangesAsync(cancellationToken);
            foreach (var session in sessions)
            {
                await knowledge.SessionAsync(session.Id, cancellationToken);
            }
            return Result<IReadOnlyList<LearningSession>>.Ok(sessions);
        }, cancellationToken);
    }

    /// <summary>Cancels a session: everyone holding a seat or waiting gets a cancellation that removes it from their calendar.</summary>
    public async Task<bool> CancelSessionAsync(int sessionId, string actor, CancellationToken cancellationToken)
    {
        var session = await db.LearningSessions.SingleOrDefaultAsync(s => s.Id == sessionId, cancellationToken);
        if (session is null || session.CancelledAt is not null)
        {
            return false;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        session.CancelledAt = now;
        session.CalendarSequence++;
        var people = await db.Registrations.Where(r => r.SessionId == sessionId && r.Status != RegistrationStatus.Cancelled)
            .Join(new OrganisationDirectory(db).PersonRows, r => r.PersonId, p => p.Id, (r, p) => p).ToListAsync(cancellationToken);
        foreach (var person in people)
        {
            db.OutgoingMail.Add(LearningMail.ForCancellation(session, person, options.Value, now));
        }
        AuditLog.Record(db, clock, actor, "learning.session.cancel", $"session:{sessionId}", before: new { session.Title, Cancelled = false }, after: new { session.Title, Cancelled = true });
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Changes a session. When its time, place or Teams link changes, everyone holding a seat gets an e-mail with the
    /// invitation again (same UID, higher SEQUENCE, so their calendar moves the meeting) and those waiting get the news
    /// without one. A session that has started keeps its time; a capacity below the seats taken is refused, and a higher
    /// one gives the freed seats to the waiting list in its order, as a cancellation does.
    /// </summary>
    /// <remarks>Takes the session's registration lock first (see <see cref="Registrations"/>), so no registration takes a seat beside it; promotions from the waiting list raise the session's seat counter.</remarks>
    public async Task<Result<LearningSession>> UpdateSessionAsync(int sessionId, SessionUpdate input, string actor, CancellationToken cancellationToken)
    {
        if (ValidateSession(input.Title, input.Length, input.Capacity, input.Mode, input.Location, input.TeamsUrl) is { } error)
        {
            return Result<LearningSession>.Fail(error.Field, error.Message);
        }
        if (input.FollowUpText is { } followUp && followUp.Trim().Length > FollowUps.MaxText)
        {
            return Result<LearningSession>.Fail("FollowUpText", LearningText.Get("FieldTooLong", LearningText.Get("FollowUpText"), FollowUps.MaxText));
        }
        var links = FollowUps.ReadLinks(input.FollowUpLinks);
        if (!links.Succeeded)
        {
            return Result<LearningSession>.Fail(links.Field!, links.Error!);
        }
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var locked = await db.LearningSessions.Where(s => s.Id == sessionId)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RegistrationVersion, x => x.RegistrationVersion + 1), cancellationToken);
            var session = locked == 0 ? null : await db.LearningSessions.SingleAsync(s => s.Id == sessionId, cancellationToken);
            if (session is null)
            {
                return Result<LearningSession>.Fail("session", LearningText.Get("SessionNotFound"));
            }
            if (session.CancelledAt is not null)
            {
                return Result<LearningSession>.Fail("session", LearningText.Get("SessionIsCancelled"));
            }
            var now = clock.GetUtcNow().UtcDateTime;
            var startsAt = DateTime.SpecifyKind(input.StartsAt, DateTimeKind.Utc);
            var endsAt = startsAt + input.Length;
            if (session.StartsAt <= now && (startsAt != session.StartsAt || endsAt != session.EndsAt))
            {
                return Result<LearningSession>.Fail("Date", LearningText.Get("SessionHeldTimeFixed"));
            }
            var seated = session.SeatsTaken;
            if (input.Capacity is { } capacity && capacity < seated)
            {
                return Result<LearningSession>.Fail("Capacity", LearningText.Get("SessionCapacityBelowSeated", capacity, seated));
            }

            var changes = new AuditChanges();
            changes.Set("Title", session.Title, input.Title.Trim(), v => session.Title = v);
            changes.Set("Description", session.Description, input.Description.Trim(), v => session.Description = v);
            changes.Set("StartsAt", session.StartsAt, startsAt, v => session.StartsAt = v);
            changes.Set("EndsAt", session.EndsAt, endsAt, v => session.EndsAt = v);
            changes.Set("Mode", session.Mode.ToString(), input.Mode.ToString(), _ => session.Mode = input.Mode);
            changes.Set("Location", session.Location, string.IsNullOrWhiteSpace(input.Location) ? null : input.Location.Trim(), v => session.Location = v);
            changes.Set("TeamsUrl", session.TeamsUrl, string.IsNullOrWhiteSpace(input.TeamsUrl) ? null : input.TeamsUrl.Trim(), v => session.TeamsUrl = v);
            var oldCapacity = session.Capacity;
            changes.Set("Capacity", session.Capacity, input.Capacity, v => session.Capacity = v);
            if (input.FollowUpText is not null)
            {
                changes.Set("FollowUpText", session.FollowUpText, string.IsNullOrWhiteSpace(input.FollowUpText) ? null : input.FollowUpText.Trim(), v => session.FollowUpText = v);
            }
            if (input.FollowUpLinks is not null)
            {
                changes.Set("FollowUpLinks", session.FollowUpLinks, FollowUps.Tidy(links.Value!), v => session.FollowUpLinks = v);
            }
            if (!changes.Any)
            {
                await transaction.CommitAsync(cancellationToken);
                return Result<LearningSession>.Ok(session);
            }

            AuditLog.Record(db, clock, actor, "learning.session.update", SessionTarget(sessionId), changes.Before, changes.After);
            var moved = changes.After.Keys.Any(k => k is "StartsAt" or "EndsAt" or "Mode" or "Location" or "TeamsUrl");
            if (moved)
            {
                // A higher SEQUENCE with the same UID tells calendars this replaces the invitation they hold (RFC 5545 3.8.7.4).
                session.CalendarSequence++;
            }

            // More seats than before: the first on the waiting list take them, as when someone gives up a seat.
            var promoted = new HashSet<int>();
            var free = session.Capacity is null ? int.MaxValue : session.Capacity.Value - seated;
            if (session.EndsAt > now && free > 0 && (oldCapacity is null || session.Capacity is null || session.Capacity > oldCapacity))
            {
                var next = await db.Registrations.Where(r => r.SessionId == sessionId && r.Status == RegistrationStatus.Waiting)
                    .OrderBy(r => r.Position).ThenBy(r => r.Id).Take(free).ToListAsync(cancellationToken);
                var directory = new OrganisationDirectory(db);
                foreach (var registration in next)
                {
                    registration.Status = RegistrationStatus.Registered;
                    session.SeatsTaken++;
                    var person = await directory.PersonAsync(registration.PersonId, cancellationToken)
                        ?? throw new InvalidOperationException($"Registration for person {registration.PersonId}, who is not in the directory.");
                    promoted.Add(person.Id);
                    db.OutgoingMail.Add(LearningMail.ForPromotion(session, person, options.Value, now));
                    AuditLog.Record(db, clock, actor, "learning.promote", SessionTarget(sessionId),
                        before: new { person = person.UserPrincipalName, status = "Waiting" }, after: new { person = person.UserPrincipalName, status = "Registered" });
                }
            }

            if (moved && session.EndsAt > now)
            {
                // The promoted already have the new invitation in their promotion e-mail; a session that is over needs no news.
                foreach (var (person, status) in await SeatedAndWaitingWithStatusAsync(sessionId, cancellationToken))
                {
                    if (!promoted.Contains(person.Id))
                    {
                        db.OutgoingMail.Add(LearningMail.ForChange(session, person, status, options.Value, now));
                    }
                }
            }
            await db.SaveChangesAsync(cancellationToken);
            await knowledge.SessionAsync(sessionId, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return Result<LearningSession>.Ok(session);
        });
    }

    /// <summary>
    /// Deletes a session made by mistake: one anybody holds a seat or waits for, that has been held, or has attendance or
    /// feedback, is refused (cancel it instead, which tells those registered).
    /// </summary>
    public async Task<Result<int>> DeleteSessionAsync(int sessionId, string actor, CancellationToken cancellationToken)
    {
        var session = await db.LearningSessions.SingleOrDefaultAsync(s => s.Id == sessionId, cancellationToken);
        if (session is null)
        {
            return Result<int>.Fail("session", LearningText.Get("SessionNotFound"));
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if ((session.CancelledAt is null && session.StartsAt <= now)
            || await db.Attendance.AnyAsync(a => a.SessionId == sessionId, cancellationToken)
            || await db.FeedbackGiven.AnyAsync(f => f.SessionId == sessionId, cancellationToken))
        {
            return Result<int>.Fail("delete", LearningText.Get("SessionDeleteHeld"));
        }
        if (await db.Registrations.AnyAsync(r => r.SessionId == sessionId && r.Status != RegistrationStatus.Cancelled, cancellationToken))
        {
            return Result<int>.Fail("delete", LearningText.Get("SessionDeleteRegistered"));
        }
        AuditLog.Record(db, clock, actor, "learning.session.delete", ProgrammeTarget(session.ProgrammeId),
            before: new { session.Id, session.Title, session.StartsAt, session.EndsAt, Mode = session.Mode.ToString(), session.Location, session.TeamsUrl, session.Capacity });
        db.LearningSessions.Remove(session);
        await InTransactionAsync(async () =>
        {
            await db.SaveChangesAsync(cancellationToken);
            await knowledge.RemoveAsync(KnowledgeSync.SessionKey(sessionId), cancellationToken);
            return true;
        }, cancellationToken);
        return Result<int>.Ok(session.ProgrammeId);
    }

    private async Task<List<(PersonRow Person, RegistrationStatus Status)>> SeatedAndWaitingWithStatusAsync(int sessionId, CancellationToken cancellationToken) =>
        [.. (await db.Registrations.Where(r => r.SessionId == sessionId && r.Status != RegistrationStatus.Cancelled)
            .Join(new OrganisationDirectory(db).PersonRows, r => r.PersonId, p => p.Id, (r, p) => new { Person = p, r.Status }).ToListAsync(cancellationToken))
            .Select(x => (x.Person, x.Status))];

    public async Task<Result<Recording>> AddRecordingAsync(int programmeId, RecordingInput input, Stream? transcript, string? transcriptName, string actor, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(input.Title))
        {
            return Result<Recording>.Fail("Title", LearningText.Get("FieldRequired", LearningText.Get("RecordingTitle")));
        }
        if (!Uri.TryCreate(input.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return Result<Recording>.Fail("Url", LearningText.Get("BadUrl"));
        }
        if (input.Duration < TimeSpan.Zero)
        {
            return Result<Recording>.Fail("Duration", LearningText.Get("RecordingBadDuration"));
        }
        if (input.SessionId is { } sid && !await db.LearningSessions.AnyAsync(s => s.Id == sid && s.ProgrammeId == programmeId, cancellationToken))
        {
            return Result<Recording>.Fail("SessionId", LearningText.Get("SessionNotFound"));
        }
        string? vtt = null;
        if (transcript is not null)
        {
            var read = await TranscriptFile.ReadAsync(transcript, transcriptName ?? "transcript.vtt", options.Value.TranscriptMaxBytes, cancellationToken);
            if (!read.Succeeded)
            {
                return Result<Recording>.Fail("Transcript", read.Error!);
            }
            // The knowledge bank's reader decides whether the transcript is well-formed, so what is stored can be indexed.
            var cues = WebVtt.Read(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(read.Value!)), Path.GetFileName(transcriptName) ?? "transcript.vtt");
            if (!cues.Succeeded)
            {
                return Result<Recording>.Fail("Transcript", cues.Error!);
            }
            vtt = read.Value;
        }
        var recording = new Recording
        {
            ProgrammeId = programmeId,
            SessionId = input.SessionId,
            Title = input.Title.Trim(),
            Url = input.Url.Trim(),
            DurationSeconds = (int)input.Duration.TotalSeconds,
            Views = input.Views,
            Transcript = vtt,
            TranscriptFileName = vtt is null ? null : Path.GetFileName(transcriptName),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        var sessionStart = input.SessionId is { } session
            ? await db.LearningSessions.Where(s => s.Id == session).Select(s => (DateTime?)s.StartsAt).SingleOrDefaultAsync(cancellationToken)
            : null;
        recording.ExpiresAt = RecordingExpiry.PolicyDate(RecordingExpiry.MadeAt(recording.CreatedAt, sessionStart), options.Value.Recordings);
        db.Recordings.Add(recording);
        AuditLog.Record(db, clock, actor, "learning.recording.create", $"programme:{programmeId}",
            after: new { recording.Title, recording.Url, recording.DurationSeconds, recording.TranscriptFileName });
        return await InTransactionAsync(async () =>
        {
            await db.SaveChangesAsync(cancellationToken);
            await knowledge.RecordingAsync(recording.Id, cancellationToken);
            return Result<Recording>.Ok(recording);
        }, cancellationToken);
    }

    public async Task<bool> DeleteRecordingAsync(int id, string actor, CancellationToken cancellationToken)
    {
        var recording = await db.Recordings.SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (recording is null)
        {
            return false;
        }
        AuditLog.Record(db, clock, actor, "learning.recording.delete", $"recording:{id}", before: new { recording.Title, recording.Url });
        db.Recordings.Remove(recording);
        return await InTransactionAsync(async () =>
        {
            await db.SaveChangesAsync(cancellationToken);
            await knowledge.RemoveAsync(KnowledgeSync.RecordingKey(id), cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <summary>Stores an uploaded document after checking its type and size; nothing is written when either is wrong.</summary>
    public async Task<Result<LearningDocument>> AddDocumentAsync(int programmeId, int? sessionId, string? title, Stream content, string fileName, long length,
        string? contentType, string actor, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(fileName);
        var extension = Path.GetExtension(name).ToLowerInvariant();
        if (!options.Value.DocumentTypes.Contains(extension, StringComparer.OrdinalIgnoreCase))
        {
            return Result<LearningDocument>.Fail("File", LearningText.Get("DocumentForbiddenType", name, string.Join(", ", options.Value.DocumentTypes)));
        }
        if (length > options.Value.DocumentMaxBytes)
        {
            return Result<LearningDocument>.Fail("File", LearningText.Get("DocumentTooLarge", name, Megabytes(options.Value.DocumentMaxBytes)));
        }
        if (length == 0)
        {
            return Result<LearningDocument>.Fail("File", LearningText.Get("DocumentEmpty", name));
        }
        if (!await db.Programmes.AnyAsync(p => p.Id == programmeId, cancellationToken))
        {
            return Result<LearningDocument>.Fail("programme", LearningText.Get("ProgrammeNotFound"));
        }
        if (sessionId is { } sid && !await db.LearningSessions.AnyAsync(s => s.Id == sid && s.ProgrammeId == programmeId, cancellationToken))
        {
            return Result<LearningDocument>.Fail("SessionId", LearningText.Get("SessionNotFound"));
        }
        var stored = await storage.SaveAsync(content, extension, options.Value.DocumentMaxBytes, cancellationToken);
        if (stored is null)
        {
            return Result<LearningDocument>.Fail("File", LearningText.Get("DocumentTooLarge", name, Megabytes(options.Value.DocumentMaxBytes)));
        }
        var text = knowledge.ReadDocument(stored.Value.Name, name);
        if (!text.Succeeded)
        {
            storage.Delete(stored.Value.Name);
            return Result<LearningDocument>.Fail("File", text.Error!);
        }
        var document = new LearningDocument
        {
            ProgrammeId = programmeId,
            SessionId = sessionId,
            Title = string.IsNullOrWhiteSpace(title) ? Path.GetFileNameWithoutExtension(name) : title.Trim(),
            FileName = name,
            ContentType = LearningStorage.ContentTypeOf(extension),
            Bytes = stored.Value.Bytes,
            StoredName = stored.Value.Name,
            UploadedAt = clock.GetUtcNow().UtcDateTime,
            UploadedBy = actor,
        };
        db.LearningDocuments.Add(document);
        AuditLog.Record(db, clock, actor, "learning.document.create", $"programme:{programmeId}", after: new { document.Title, document.FileName, document.Bytes });
        try
        {
            return await InTransactionAsync(async () =>
            {
                await db.SaveChangesAsync(cancellationToken);
                await knowledge.DocumentAsync(document.Id, text.Value, cancellationToken);
                return Result<LearningDocument>.Ok(document);
            }, cancellationToken);
        }
        catch
        {
            storage.Delete(stored.Value.Name);
            throw;
        }
    }

    public async Task<bool> DeleteDocumentAsync(int id, string actor, CancellationToken cancellationToken)
    {
        var document = await db.LearningDocuments.SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (document is null)
        {
            return false;
        }
        AuditLog.Record(db, clock, actor, "learning.document.delete", $"document:{id}", before: new { document.Title, document.FileName, document.Bytes });
        db.LearningDocuments.Remove(document);
        await InTransactionAsync(async () =>
        {
            await db.SaveChangesAsync(cancellationToken);
            await knowledge.RemoveAsync(KnowledgeSync.DocumentKey(id), cancellationToken);
            return true;
        }, cancellationToken);
        storage.Delete(document.StoredName);
        return true;
    }

    /// <summary>
    /// Records a person's rating (1–5) and comment on a session they could attend, once. The answer is stored without the
    /// person; a separate marker says only that they have answered, so a second answer is refused rather than replacing
    /// the first (which could not be found again).
    /// </summary>
    public async Task<Result<Feedback>> GiveFeedbackAsync(int sessionId, int personId, int rating, string? comment, CancellationToken cancellationToken)
    {
        if (rating is < 1 or > 5)
        {
            return Result<Feedback>.Fail("Rating", LearningText.Get("FeedbackBadRating"));
        }
        if (comment is { Length: > 2000 })
        {
            return Result<Feedback>.Fail("Comment", LearningText.Get("FeedbackTooLong", 2000));
        }
        var session = await db.LearningSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sessionId, cancellationToken);
        if (session is null)
        {
            return Result<Feedback>.Fail("session", LearningText.Get("SessionNotFound"));
        }
        if (session.StartsAt > clock.GetUtcNow().UtcDateTime)
        {
            return Result<Feedback>.Fail("session", LearningText.Get("FeedbackTooEarly"));
        }
        if (await db.FeedbackGiven.AnyAsync(f => f.SessionId == sessionId && f.PersonId == personId, cancellationToken))
        {
            return Result<Feedback>.Fail("session", LearningText.Get("FeedbackAlreadyGiven"));
        }
        var feedback = new Feedback
        {
            SessionId = sessionId,
            Rating = rating,
            Comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim(),
            GivenAt = clock.GetUtcNow().UtcDateTime.Date,
        };
        db.Feedback.Add(feedback);
        db.FeedbackGiven.Add(new FeedbackGiven { SessionId = sessionId, PersonId = personId });
        // The audit entry records that feedback was given, never by whom: feedback is anonymous.
        AuditLog.Record(db, clock, "anonymous", "learning.feedback", $"session:{sessionId}");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two answers from the same person at once: the marker's key lets one in.
            db.ChangeTracker.Clear();
            return Result<Feedback>.Fail("session", LearningText.Get("FeedbackAlreadyGiven"));
        }
        return Result<Feedback>.Ok(feedback);
    }

    /// <summary>The person's calendar feed token, created on first use.</summary>
    public async Task<string> FeedTokenAsync(int personId, CancellationToken cancellationToken)
    {
        var feed = await db.CalendarFeeds.SingleOrDefaultAsync(f => f.PersonId == personId, cancellationToken);
        if (feed is null)
        {
            feed = new CalendarFeed { PersonId = personId, Token = NewToken(), CreatedAt = clock.GetUtcNow().UtcDateTime };
            db.CalendarFeeds.Add(feed);
            await db.SaveChangesAsync(cancellationToken);
        }
        return feed.Token;
    }

    /// <summary>Gives the person a new feed address; the old one stops working at once.</summary>
    public async Task<string> RenewFeedTokenAsync(int personId, string actor, CancellationToken cancellationToken)
    {
        var feed = await db.CalendarFeeds.SingleOrDefaultAsync(f => f.PersonId == personId, cancellationToken);
        if (feed is null)
        {
            return await FeedTokenAsync(personId, cancellationToken);
        }
        feed.Token = NewToken();
        feed.CreatedAt = clock.GetUtcNow().UtcDateTime;
        AuditLog.Record(db, clock, actor, "learning.feed.renew", $"person:{personId}");
        await db.SaveChangesAsync(cancellationToken);
        return feed.Token;
    }

    private static (string Field, string Message)? Validate(ProgrammeInput input)
    {
        if (string.IsNullOrWhiteSpace(input.Name))
        {
            return ("Name", LearningText.Get("FieldRequired", LearningText.Get("ProgrammeName")));
        }
        if (input.Name.Trim().Length > 200)
        {
            return ("Name", LearningText.Get("FieldTooLong", LearningText.Get("ProgrammeName"), 200));
        }
        if (string.IsNullOrWhiteSpace(input.OwnerName))
        {
            return ("OwnerName", LearningText.Get("FieldRequired", LearningText.Get("ProgrammeOwner")));
        }
        if (input.CompletionSessions is < 0 or > MaxBar)
        {
            return ("CompletionSessions", LearningText.Get("CompletionBadBar", LearningText.Get("CompletionSessions"), MaxBar));
        }
        if (input.CompletionRecordings is < 0 or > MaxBar)
        {
            return ("CompletionRecordings", LearningText.Get("CompletionBadBar", LearningText.Get("CompletionRecordings"), MaxBar));
        }
        return null;
    }

    private static (string Field, string Message)? ValidateSession(string title, TimeSpan length, int? capacity, SessionMode mode, string? location, string? teamsUrl)
    {
        if (string.IsNullOrWhiteSpace(title))
        {
            return ("Title", LearningText.Get("FieldRequired", LearningText.Get("SessionTitle")));
        }
        if (length <= TimeSpan.Zero || length > TimeSpan.FromHours(12))
        {
            return ("Minutes", LearningText.Get("SessionBadLength"));
        }
        if (capacity is < 1)
        {
            return ("Capacity", LearningText.Get("SessionBadCapacity"));
        }
        if (mode != SessionMode.OnSite && teamsUrl is { Length: > 0 } url && !Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            return ("TeamsUrl", LearningText.Get("BadUrl"));
        }
        if (mode != SessionMode.Online && string.IsNullOrWhiteSpace(location))
        {
            return ("Location", LearningText.Get("FieldRequired", LearningText.Get("SessionLocation")));
        }
        return null;
    }

    /// <summary>The highest bar a completion rule may set: more than any programme's sessions or recordings.</summary>
    public const int MaxBar = 500;

    /// <summary>A bar of 0 asks nothing: stored as no bar, so "no rule" has one form.</summary>
    private static int? Bar(int? value) => value is > 0 ? value : null;

    private static string Tidy(string list) =>
        string.Join(", ", list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.OrdinalIgnoreCase));

    private static string Megabytes(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.CurrentCulture) + " MB";

    private static object Snapshot(Programme p) => new
    {
        p.Name,
        p.Description,
        p.OwnerName,
        p.OwnerAccount,
        p.OwnerAgencyId,
        Audience = p.Audience.ToString(),
        p.Topics,
        p.Tools,
        p.CompletionSessions,
        p.CompletionRecordings,
        ProposeNewLeaders = p.NewLeadersSince is not null,
        Agencies = p.Agencies.Select(a => a.AgencyId).Order().ToArray(),
    };
}
