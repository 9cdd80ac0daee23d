using Ical.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Learning;

public sealed class LearningMailTests
{
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_registration_confirmation_reaches_the_SMTP_server_with_an_invitation_calendars_can_read(DatabaseKind kind)
    {
        await using var smtp = new SmtpListener();
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var agency = (await LearningSeed.AgenciesAsync(db, "SYE"))[0];
        var person = LearningSeed.Person("åse.østby@nordvik.kommune.no", "Åse Østby", agency.Id);
        person.Mail = "ase.ostby@nordvik.kommune.no";
        db.People.Add(person);
        await db.SaveChangesAsync();
        var session = (await LearningSeed.ProgrammeAsync(db, capacity: 10)).Session;
        await new Registrations(db, LearningSeed.Clock(), LearningSeed.Options()).RegisterAsync(session.Id, person.Id, "ase", default);

        var options = LearningSeed.Options(o => o.Smtp = new SmtpOptions { Host = "127.0.0.1", Port = smtp.Port, Security = "None", From = "kurs@nordvik.kommune.no" });
        var sent = await LearningMailJob.SendPendingAsync(db, options.Value.Smtp, LearningSeed.Clock(), NullLogger.Instance, default);

        Assert.Equal(1, sent);
        Assert.NotNull((await db.OutgoingMail.AsNoTracking().SingleAsync()).SentAt);
        var (from, to, data) = Assert.Single(smtp.Messages);
        Assert.Equal("kurs@nordvik.kommune.no", from);
        Assert.Equal(["ase.ostby@nordvik.kommune.no"], to);
        var message = await MimeMessage.LoadAsync(new MemoryStream(data));
        Assert.Equal("Påmeldt: Bedre møter i Teams", message.Subject);
        Assert.Contains("Åse Østby", message.TextBody, StringComparison.Ordinal);
        var attachment = Assert.Single(message.Attachments.OfType<MimePart>());
        Assert.Equal("invite.ics", attachment.FileName);
        using var content = new MemoryStream();
        await attachment.Content!.DecodeToAsync(content);
        var calendar = Calendar.Load(System.Text.Encoding.UTF8.GetString(content.ToArray()))!;
        Assert.Equal("REQUEST", calendar.Method);
        var invitation = Assert.Single(calendar.Events);
        Assert.Equal(session.CalendarUid, invitation.Uid);
        Assert.Equal(session.StartsAt, invitation.DtStart!.AsUtc);
        Assert.Equal("mailto:ase.ostby@nordvik.kommune.no", invitation.Attendees.Single().Value!.ToString());

        // Sent mail is not sent again.
        Assert.Equal(0, await LearningMailJob.SendPendingAsync(db, options.Value.Smtp, LearningSeed.Clock(), NullLogger.Instance, default));
        Assert.Single(smtp.Messages);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Mail_stays_in_the_outbox_when_the_server_cannot_be_reached(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var agency = (await LearningSeed.AgenciesAsync(db, "SYE"))[0];
        var person = (await LearningSeed.PeopleAsync(db, 1, agency.Id))[0];
        var session = (await LearningSeed.ProgrammeAsync(db, capacity: 10)).Session;
        await new Registrations(db, LearningSeed.Clock(), LearningSeed.Options()).RegisterAsync(session.Id, person.Id, "x", default);
        int closedPort;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            closedPort = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        var sent = await LearningMailJob.SendPendingAsync(db, new SmtpOptions { Host = "127.0.0.1", Port = closedPort, Security = "None" }, LearningSeed.Clock(), NullLogger.Instance, default);

        Assert.Equal(0, sent);
        Assert.Null((await db.OutgoingMail.AsNoTracking().SingleAsync()).SentAt);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Two_senders_draining_one_outbox_at_once_send_every_mail_exactly_once(DatabaseKind kind)
    {
        const int mails = 300;
        await using var smtp = new SmtpListener();
        await using var database = await TestDatabase.CreateAsync(kind);
        var clock = LearningSeed.Clock();
        await using (var db = database.CreateContext())
        {
            for (var i = 0; i < mails; i++)
            {
                MailOutbox.Queue(db, $"person{i}@nordvik.kommune.no", $"Melding {i}", "Hei", clock.GetUtcNow().UtcDateTime);
            }
            await db.SaveChangesAsync();
        }
        var options = new SmtpOptions { Host = "127.0.0.1", Port = smtp.Port, Security = "None", From = "kurs@nordvik.kommune.no" };

        using var start = new ManualResetEventSlim();
        var senders = new[] { "node-a", "node-b" }.Select(sender => Task.Run(async () =>
        {
            await using var db = database.CreateContext();
            start.Wait();
            return await LearningMailJob.SendPendingAsync(db, options, clock, NullLogger.Instance, sender, default);
        })).ToArray();
        start.Set();
        var sent = await Task.WhenAll(senders);

        Assert.Equal(mails, sent.Sum());
        var received = smtp.Messages.SelectMany(m => m.To).ToList();
        Assert.Equal(mails, received.Count);
        Assert.Equal(mails, received.Distinct(StringComparer.Ordinal).Count());
        await using (var db = database.CreateContext())
        {
            Assert.Equal(0, await db.OutgoingMail.CountAsync(m => m.SentAt == null));
            // Both senders took their share: the test is of two at once, not of one after the other.
            Assert.Equal(["node-a", "node-b"], await db.OutgoingMail.Select(m => m.ClaimedBy!).Distinct().OrderBy(c => c).ToListAsync());
        }
    }
}
