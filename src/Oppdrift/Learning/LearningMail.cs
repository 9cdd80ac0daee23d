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

/// <summary>Sends what the outbox holds and queues reminders for tomorrow's sessions; runs every minute.</summary>
public sealed partial class LearningMailJob(IServiceScopeFactory scopes, IOptions<LearningOptions> options, TimeProvider clock, ILogger<LearningMailJob> logger) : BackgroundService
{
    public const int MaxAttempts = 5;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Learning e-mails wait in the outbox: no SMTP server is configured (Learning:Smtp:Host).")]
    private static partial void LogNoServer(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending e-mail {Id} failed (attempt {Attempt}): {Error}")]
    private static partial void LogFailed(ILogger logger, long id, int attempt, string error);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var warned = false;
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), clock);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
                await QueueRemindersAsync(db, options.Value, clock, stoppingToken);
                if (options.Value.Smtp.Host.Length == 0)
                {
                    if (!warned)
                    {
                        LogNoServer(logger);
                        warned = true;
                    }
                    continue;
                }
                await SendPendingAsync(db, options.Value.Smtp, clock, logger, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, 0, 0, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
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

    /// <summary>Sends unsent mail oldest first over one SMTP connection; a failure is counted and tried again later.</summary>
    public static async Task<int> SendPendingAsync(OppdriftDb db, SmtpOptions smtp, TimeProvider clock, ILogger logger, CancellationToken cancellationToken)
    {
        var pending = await db.OutgoingMail.Where(m => m.SentAt == null && m.Attempts < MaxAttempts).OrderBy(m => m.Id).Take(200).ToListAsync(cancellationToken);
        if (pending.Count == 0)
        {
            return 0;
        }
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
            return 0;
        }
        foreach (var mail in pending)
        {
            mail.Attempts++;
            try
            {
                await client.SendAsync(LearningMail.ToMime(mail, smtp), cancellationToken);
                mail.SentAt = clock.GetUtcNow().UtcDateTime;
                mail.LastError = null;
                sent++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                mail.LastError = e.Message;
                LogFailed(logger, mail.Id, mail.Attempts, e.Message);
            }
            await db.SaveChangesAsync(cancellationToken);
        }
        await client.DisconnectAsync(quit: true, cancellationToken);
        return sent;
    }
}
