// Composes the module's e-mails (into the outbox, inside the caller's transaction) and sends the outbox
// through the configured SMTP server.
using System.Globalization;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Shared;

namespace Oppdrift.Learning;

public static class LearningMail
{
    public static readonly TimeZoneInfo Oslo = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");

    public static string When(LearningSession session)
    {
        var start = TimeZoneInfo.ConvertTimeFromUtc(session.StartsAt, Oslo);
        var end = TimeZoneInfo.ConvertTimeFromUtc(session.EndsAt, Oslo);
        var culture = CultureInfo.CurrentCulture;
        return $"{start.ToString("dddd d. MMMM yyyy HH:mm", culture)}–{end.ToString("HH:mm", culture)}";
    }

    public static string Where(LearningSession session) => session.Mode switch
    {
        SessionMode.Online => "Microsoft Teams" + (session.TeamsUrl is { Length: > 0 } url ? " " + url : ""),
        SessionMode.OnSite => session.Location ?? "",
        _ => (session.Location ?? "") + " / Microsoft Teams" + (session.TeamsUrl is { Length: > 0 } link ? " " + link : ""),
    };

    public static CalendarEvent Event(LearningSession session, string? publicUrl) => new()
    {
        Uid = session.CalendarUid,
        Sequence = session.CalendarSequence,
        Summary = session.Title,
        Description = string.Join("\n\n", new[] { session.Description, session.TeamsUrl is { Length: > 0 } t ? "Teams: " + t : "", SessionLink(session, publicUrl) ?? "" }
            .Where(s => s.Length > 0)),
        StartsAt = session.StartsAt,
        EndsAt = session.EndsAt,
        Location = session.Mode == SessionMode.Online ? "Microsoft Teams" : session.Location,
        Url = SessionLink(session, publicUrl),
        Cancelled = session.CancelledAt is not null,
    };

    public static string? SessionLink(LearningSession session, string? publicUrl) =>
        publicUrl is { Length: > 0 } ? publicUrl.TrimEnd('/') + "/learning/sessions/" + session.Id.ToString(CultureInfo.InvariantCulture) : null;

    /// <summary>The invitation file for one person: what the confirmation e-mail carries and the session page offers.</summary>
    public static string Invitation(LearningSession session, PersonRow person, LearningOptions options, DateTime now, CalendarMethod method = CalendarMethod.Request) =>
        CalendarFile.Write(session.Title, [Event(session, options.PublicUrl)], now, method,
            new CalendarPerson(options.Smtp.FromName, options.Smtp.From), new CalendarPerson(person.DisplayName, LearningPeople.MailOf(person)));

    public static OutgoingMail ForRegistration(LearningSession session, PersonRow person, RegistrationStatus status, LearningOptions options, DateTime now) =>
        status == RegistrationStatus.Registered
            ? Mail(person, LearningText.Get("MailRegisteredSubject", session.Title), LearningText.Get("MailRegisteredBody", person.DisplayName, session.Title, When(session), Where(session)),
                session, options, now, Invitation(session, person, options, now))
            : Mail(person, LearningText.Get("MailWaitingSubject", session.Title), LearningText.Get("MailWaitingBody", person.DisplayName, session.Title, When(session)),
                session, options, now, null);

    public static OutgoingMail ForPromotion(LearningSession session, PersonRow person, LearningOptions options, DateTime now) =>
        Mail(person, LearningText.Get("MailPromotedSubject", session.Title), LearningText.Get("MailPromotedBody", person.DisplayName, session.Title, When(session), Where(session)),
            session, options, now, Invitation(session, person, options, now));

    public static OutgoingMail ForCancellation(LearningSession session, PersonRow person, LearningOptions options, DateTime now) =>
        Mail(person, LearningText.Get("MailCancelledSubject", session.Title), LearningText.Get("MailCancelledBody", person.DisplayName, session.Title, When(session)),
            session, options, now, Invitation(session, person, options, now, CalendarMethod.Cancel));

    /// <summary>
    /// A session's time, place or link changed: a seat holder gets the invitation again (its SEQUENCE raised, so the
    /// calendar updates the meeting it holds); someone waiting gets the news alone, as they hold no invitation.
    /// </summary>
    public static OutgoingMail ForChange(LearningSession session, PersonRow person, RegistrationStatus status, LearningOptions options, DateTime now) =>
        status == RegistrationStatus.Registered
            ? Mail(person, LearningText.Get("MailChangedSubject", session.Title), LearningText.Get("MailChangedBody", person.DisplayName, session.Title, When(session), Where(session)),
                session, options, now, Invitation(session, person, options, now))
            : Mail(person, LearningText.Get("MailChangedSubject", session.Title), LearningText.Get("MailChangedWaitingBody", person.DisplayName, session.Title, When(session), Where(session)),
                session, options, now, null);

    public static OutgoingMail ForReminder(LearningSession session, PersonRow person, LearningOptions options, DateTime now) =>
        Mail(person, LearningText.Get("MailReminderSubject", session.Title), LearningText.Get("MailReminderBody", person.DisplayName, session.Title, When(session), Where(session)),
            session, options, now, Invitation(session, person, options, now));

    private static OutgoingMail Mail(PersonRow person, string subject, string body, LearningSession session, LearningOptions options, DateTime now, string? calendar)
    {
        var link = SessionLink(session, options.PublicUrl);
        return new OutgoingMail
        {
            To = LearningPeople.MailOf(person),
            Subject = subject,
            Body = link is null ? body : body + "\n\n" + link,
            Calendar = calendar,
            CreatedAt = now,
        };
    }

    public static MimeMessage ToMime(OutgoingMail mail, SmtpOptions smtp)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(smtp.FromName, smtp.From));
        message.To.Add(MailboxAddress.Parse(mail.To));
        message.Subject = mail.Subject;
        var text = new TextPart("plain") { Text = mail.Body };
        if (mail.Calendar is null)
        {
            message.Body = text;
            return message;
        }
        // Outlook shows Accept/Decline from the text/calendar part; the attachment is for everyone else.
        var method = mail.Calendar.Contains("METHOD:CANCEL", StringComparison.Ordinal) ? "CANCEL" : "REQUEST";
        var inline = new TextPart("calendar") { Text = mail.Calendar };
        inline.ContentType.Parameters.Add("method", method);
        inline.ContentType.Charset = "utf-8";
        var attachment = new MimePart("text", "calendar")
        {
            Content = new MimeContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(mail.Calendar))),
            ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
            ContentTransferEncoding = ContentEncoding.Base64,
            FileName = "invite.ics",
        };
        attachment.ContentType.Parameters.Add("method", method);
        attachment.ContentType.Charset = "utf-8";
        var alternative = new MultipartAlternative { text, inline };
        message.Body = new Multipart("mixed") { alternative, attachment };
        return message;
    }
}

/// <summary>
/// Sends what the outbox holds, queues reminders for tomorrow's sessions, follow-ups of sessions that have ended and
/// warnings of recordings about to expire; runs every <see cref="LearningOptions.MailIntervalSeconds"/> (a minute), once the
/// learning data loading in the background (<see cref="BackgroundLoadStatus"/>) are all there.
/// </summary>
public sealed partial class LearningMailJob(IServiceScopeFactory scopes, IOptions<LearningOptions> options, JobLeases leases,
    BackgroundLoadStatus loads, TimeProvider clock, ILogger<LearningMailJob> logger) : BackgroundService
{
    /// <summary>The job's key, as its lease is named.</summary>
    public const string Key = "LearningMail";

    public const int MaxAttempts = 5;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Learning e-mails wait in the outbox: no SMTP server is configured (Learning:Smtp:Host).")]
    private static partial void LogNoServer(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending e-mail {Id} failed (attempt {Attempt}): {Error}")]
    private static partial void LogFailed(ILogger logger, long id, int attempt, string error);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var warned = false;
        // Programmes loading in the background (the demo's, after a first start) would get reminders and follow-ups
        // queued from half their sessions and attendance; the first pass waits for all of it.
        await loads.WaitAsync(LearningModule.BackgroundLoad, stoppingToken);
        // One node an interval queues the reminders and drains the outbox; the claims keep any other sender off its mails.
        await leases.RunEveryAsync(Key, TimeSpan.FromSeconds(Math.Max(1, options.Value.MailIntervalSeconds)), clock, async cancellationToken =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
            await QueueRemindersAsync(db, options.Value, clock, cancellationToken);
            await FollowUps.QueueAsync(db, options.Value, clock, cancellationToken);
            await RecordingExpiry.QueueWarningsAsync(db, options.Value, clock, cancellationToken);
            if (options.Value.Smtp.Host.Length == 0)
            {
                if (!warned)
                {
                    LogNoServer(logger);
                    warned = true;
                }
                return;
            }
            await SendPendingAsync(db, options.Value.Smtp, clock, logger, leases.Owner, cancellationToken);
        }, e => LogFailed(logger, 0, 0, e.Message), stoppingToken);
    }

    /// <summary>Adds a reminder to the outbox for every seat in a session that starts within the reminder window.</summary>
    public static async Task<int> QueueRemindersAsync(OppdriftDb db, LearningOptions options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var horizon = now.AddHours(options.ReminderHours);
        var due = await db.Registrations
            .Join(db.LearningSessions, r => r.SessionId, s => s.Id, (r, s) => new { Registration = r, Session = s })
            .Where(x => x.Registration.Status == RegistrationStatus.Registered && x.Registration.ReminderSentAt == null
                && x.Session.CancelledAt == null && x.Session.StartsAt > now && x.Session.StartsAt <= horizon)
            .OrderBy(x => x.Session.StartsAt).ThenBy(x => x.Registration.Id)
            .Take(1000)
            .ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }
        var personIds = due.Select(x => x.Registration.PersonId).Distinct().ToList();
        var people = await new OrganisationDirectory(db).PeopleAsync(personIds, cancellationToken);
        foreach (var item in due)
        {
            item.Registration.ReminderSentAt = now;
            db.OutgoingMail.Add(LearningMail.ForReminder(item.Session, people[item.Registration.PersonId], options, now));
        }
        await db.SaveChangesAsync(cancellationToken);
        return due.Count;
    }

    /// <summary>How long a sender's claim on a mail lasts: after that, should it have died, another sender takes the mail.</summary>
    public static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(10);

    /// <summary>A mail the server refused is tried again after this long.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(1);

    /// <summary>How many mails one sender claims at a time.</summary>
    public const int ClaimBatch = 50;

    /// <summary>
    /// Claims up to <paramref name="batch"/> unsent mails, oldest first, for <paramref name="sender"/> in one statement, and
    /// returns their ids. On PostgreSQL the rows are picked with <c>FOR UPDATE SKIP LOCKED</c>, so concurrent senders take
    /// different mails without waiting for each other; on SQLite the one statement is atomic, as SQLite writes one at a time.
    /// </summary>
    public static async Task<List<long>> ClaimAsync(OppdriftDb db, string sender, TimeProvider clock, int batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var now = clock.GetUtcNow().UtcDateTime;
        var until = now + ClaimFor;
        var query = db.Database.IsNpgsql()
            ? db.Database.SqlQuery<long>($"""
                UPDATE learning_outgoing_mail SET "ClaimedUntil" = {until}, "ClaimedBy" = {sender}
                WHERE "Id" IN (SELECT "Id" FROM learning_outgoing_mail
                    WHERE "SentAt" IS NULL AND "Attempts" < {MaxAttempts} AND ("ClaimedUntil" IS NULL OR "ClaimedUntil" <= {now})
                    ORDER BY "Id" LIMIT {batch} FOR UPDATE SKIP LOCKED)
                RETURNING "Id" AS "Value"
                """)
            : db.Database.SqlQuery<long>($"""
                UPDATE learning_outgoing_mail SET "ClaimedUntil" = {until}, "ClaimedBy" = {sender}
                WHERE "Id" IN (SELECT "Id" FROM learning_outgoing_mail
                    WHERE "SentAt" IS NULL AND "Attempts" < {MaxAttempts} AND ("ClaimedUntil" IS NULL OR "ClaimedUntil" <= {now})
                    ORDER BY "Id" LIMIT {batch})
                RETURNING "Id" AS "Value"
                """);
        var ids = await query.ToListAsync(cancellationToken);
        ids.Sort();
        return ids;
    }

    /// <summary>Sends unsent mail oldest first over one SMTP connection; a failure is counted and tried again later.</summary>
    public static Task<int> SendPendingAsync(OppdriftDb db, SmtpOptions smtp, TimeProvider clock, ILogger logger, CancellationToken cancellationToken) =>
        SendPendingAsync(db, smtp, clock, logger, "sender-" + Guid.NewGuid().ToString("N"), cancellationToken);

    /// <summary>
    /// Sends the mails <paramref name="sender"/> claims (<see cref="ClaimAsync"/>), a batch at a time over one SMTP
    /// connection, until none is left; a failure is counted and the mail tried again later. Several senders (web nodes)
    /// may drain the same outbox at once: each mail is claimed by one of them.
    /// </summary>
    public static async Task<int> SendPendingAsync(OppdriftDb db, SmtpOptions smtp, TimeProvider clock, ILogger logger, string sender,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(smtp);
        var sent = 0;
        while (true)
        {
            var ids = await ClaimAsync(db, sender, clock, ClaimBatch, cancellationToken);
            if (ids.Count == 0)
            {
                return sent;
            }
            var pending = await db.OutgoingMail.Where(m => ids.Contains(m.Id)).OrderBy(m => m.Id).ToListAsync(cancellationToken);
            var batch = await SendAsync(db, pending, smtp, clock, logger, cancellationToken);
            if (batch is null)
            {
                return sent; // the server cannot be reached; the claims are given back and the next run tries again
            }
            sent += batch.Value;
        }
    }

    private static async Task<int?> SendAsync(OppdriftDb db, List<OutgoingMail> pending, SmtpOptions smtp, TimeProvider clock, ILogger logger,
        CancellationToken cancellationToken)
    {
        var sent = 0;
        using var client = new SmtpClient();
        try
        {
            var security = smtp.Security.ToUpperInvariant() switch
            {
                "NONE" => SecureSocketOptions.None,
                "STARTTLS" => SecureSocketOptions.StartTls,
                "TLS" => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.StartTlsWhenAvailable,
            };
            await client.ConnectAsync(smtp.Host, smtp.Port, security, cancellationToken);
            if (smtp.UserName.Length > 0)
            {
                await client.AuthenticateAsync(smtp.UserName, smtp.Password, cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, pending[0].Id, pending[0].Attempts + 1, e.Message);
            foreach (var mail in pending)
            {
                mail.ClaimedUntil = null;
            }
            await db.SaveChangesAsync(cancellationToken);
            foreach (var mail in pending)
            {
                db.Entry(mail).State = EntityState.Detached;
            }
            return null;
        }
        foreach (var mail in pending)
        {
            mail.Attempts++;
            try
            {
                await client.SendAsync(LearningMail.ToMime(mail, smtp), cancellationToken);
                mail.SentAt = clock.GetUtcNow().UtcDateTime;
                mail.LastError = null;
                mail.ClaimedUntil = null;
                sent++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                mail.LastError = e.Message;
                // Kept claimed a while, so this run does not take it again at once: it is tried again at a later run.
                mail.ClaimedUntil = clock.GetUtcNow().UtcDateTime + RetryAfter;
                LogFailed(logger, mail.Id, mail.Attempts, e.Message);
            }
            await db.SaveChangesAsync(cancellationToken);
            // Claimed again later, the row is read afresh rather than from this context's memory.
            db.Entry(mail).State = EntityState.Detached;
        }
        await client.DisconnectAsync(quit: true, cancellationToken);
        return sent;
    }
}
