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
}
