// A session's follow-up material (text and links the owner writes on the session's edit page), sent once after the
// session to those who attended it, or to those registered while the attendance is not yet known.
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Shared;

namespace Oppdrift.Learning;

/// <summary>One link of a session's follow-up: "Title | https://…" on a line, or the address alone.</summary>
public sealed record FollowUpLink(string Title, string Url);

public static class FollowUps
{
    public const int MaxText = 4000;
    public const int MaxLinks = 20;

    /// <summary>The audit action of a follow-up being sent.</summary>
    public const string Action = "learning.session.followup";

    /// <summary>Reads the links field, one a line; the error names the line that is not a link.</summary>
    public static Result<IReadOnlyList<FollowUpLink>> ReadLinks(string? text)
    {
        var links = new List<FollowUpLink>();
        var lines = (text ?? "").Split('\n', StringSplitOptions.TrimEntries);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0)
            {
                continue;
            }
            var bar = line.LastIndexOf('|');
            var (title, address) = bar >= 0 ? (line[..bar].Trim(), line[(bar + 1)..].Trim()) : ("", line);
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                return Result<IReadOnlyList<FollowUpLink>>.Fail("FollowUpLinks", LearningText.Get("FollowUpBadLink", i + 1));
            }
            links.Add(new FollowUpLink(title.Length > 0 ? title : uri.AbsoluteUri, uri.AbsoluteUri));
        }
        if (links.Count > MaxLinks)
        {
            return Result<IReadOnlyList<FollowUpLink>>.Fail("FollowUpLinks", LearningText.Get("FollowUpTooManyLinks", MaxLinks));
        }
        return Result<IReadOnlyList<FollowUpLink>>.Ok(links);
    }

    /// <summary>The links field as stored: one "Title | address" a line, tidied.</summary>
    public static string? Tidy(IReadOnlyList<FollowUpLink> links) =>
        links.Count == 0 ? null : string.Join("\n", links.Select(l => l.Title == l.Url ? l.Url : $"{l.Title} | {l.Url}"));

    public static bool HasFollowUp(LearningSession session) =>
        !string.IsNullOrWhiteSpace(session?.FollowUpText) || !string.IsNullOrWhiteSpace(session?.FollowUpLinks);

    /// <summary>
    /// Queues the follow-up of every session that ended at least <see cref="LearningOptions.FollowUpDelayHours"/> ago, has
    /// follow-up material and has not had it sent: to the people the attendance shows when an attendance report has been
    /// imported for it, otherwise to those holding a seat. Each session is claimed by a conditional update in the same
    /// transaction as its mails and audit entry, so it is sent exactly once however many nodes run the job.
    /// </summary>
    public static async Task<int> QueueAsync(OppdriftDb db, LearningOptions options, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        var now = clock.GetUtcNow().UtcDateTime;
        var ended = now.AddHours(-Math.Max(0, options.FollowUpDelayHours));
        var due = await db.LearningSessions.AsNoTracking()
            .Where(s => s.FollowUpSentAt == null && s.CancelledAt == null && s.EndsAt <= ended && (s.FollowUpText != null || s.FollowUpLinks != null))
            .OrderBy(s => s.EndsAt).ThenBy(s => s.Id).Take(50).Select(s => s.Id).ToListAsync(cancellationToken);
        var queued = 0;
        foreach (var id in due)
        {
            queued += await QueueOneAsync(db, id, options, clock, now, cancellationToken);
        }
        return queued;
    }

    private static async Task<int> QueueOneAsync(OppdriftDb db, int sessionId, LearningOptions options, TimeProvider clock, DateTime now, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var claimed = await db.LearningSessions.Where(s => s.Id == sessionId && s.FollowUpSentAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.FollowUpSentAt, now), cancellationToken);
            if (claimed == 0)
            {
                return 0; // another sender took it
            }
            var session = await db.LearningSessions.AsNoTracking().SingleAsync(s => s.Id == sessionId, cancellationToken);
            var attendanceKnown = await db.AttendanceImports.AnyAsync(i => i.SessionId == sessionId, cancellationToken);
            var recipients = attendanceKnown
                ? await db.Attendance.Where(a => a.SessionId == sessionId && a.PersonId != null).Select(a => a.PersonId!.Value).Distinct().ToListAsync(cancellationToken)
                : await db.Registrations.Where(r => r.SessionId == sessionId && r.Status == RegistrationStatus.Registered).Select(r => r.PersonId).ToListAsync(cancellationToken);
            var people = await new OrganisationDirectory(db).PeopleAsync(recipients, cancellationToken);
            var links = ReadLinks(session.FollowUpLinks).Value ?? [];
            var sent = 0;
            var active = people.Values.Where(p => p.IsActive).OrderBy(p => p.Id).ToList();
            var languages = await AccountService.LanguagesAsync(db, active.Select(p => p.UserPrincipalName), cancellationToken);
            foreach (var person in active)
            {
                db.OutgoingMail.Add(Mail(session, person, links, options, now, languages.GetValueOrDefault(person.UserPrincipalName)));
                sent++;
            }
            AuditLog.Record(db, clock, TeamsAttendanceHarvest.SystemActor, Action, Programmes.SessionTarget(sessionId),
                after: new { Recipients = sent, Basis = attendanceKnown ? "Attendance" : "Registrations" });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return sent;
        });
    }

    /// <summary>
    /// The follow-up e-mail. A person who has signed in to Oppdrift gets it in the language they signed in with
    /// (<paramref name="language"/>); for anyone else Oppdrift does not know the language (the directory import keeps no
    /// preferred language), so the frame is written in Bokmål with an English line under it. The material is as the
    /// owner wrote it.
    /// </summary>
    public static OutgoingMail Mail(LearningSession session, PersonRow person, IReadOnlyList<FollowUpLink> links, LearningOptions options, DateTime now,
        CultureInfo? language = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(person);
        ArgumentNullException.ThrowIfNull(links);
        ArgumentNullException.ThrowIfNull(options);
        var body = new List<string>
        {
            Localized.In(language ?? Localized.Bokmal, () => LearningText.Get("MailFollowUpBody", person.DisplayName, session.Title, LearningMail.When(session))),
        };
        if (language is null)
        {
            body.Add(Localized.In(Localized.English, () => LearningText.Get("MailFollowUpBodyEnglish", session.Title, LearningMail.When(session))));
        }
        if (!string.IsNullOrWhiteSpace(session.FollowUpText))
        {
            body.Add(session.FollowUpText.Trim());
        }
        if (links.Count > 0)
        {
            body.Add(Both(language, () => LearningText.Get("MailFollowUpLinks")) + "\n"
                + string.Join("\n", links.Select(l => l.Title == l.Url ? "- " + l.Url : $"- {l.Title}: {l.Url}")));
        }
        if (LearningMail.SessionLink(session, options.PublicUrl) is { } page)
        {
            body.Add(page);
        }
        return new OutgoingMail
        {
            To = LearningPeople.MailOf(person),
            Subject = Both(language, () => LearningText.Get("MailFollowUpSubject", session.Title)),
            Body = string.Join("\n\n", body),
            CreatedAt = now,
        };
    }

    /// <summary>A text in the reader's language, or in Bokmål and English when it is not known.</summary>
    private static string Both(CultureInfo? language, Func<string> text) => language is not null
        ? Localized.In(language, text)
        : Localized.In(Localized.Bokmal, text) + " / " + Localized.In(Localized.English, text);
}
