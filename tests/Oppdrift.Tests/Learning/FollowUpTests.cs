using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Learning;

/// <summary>A session's follow-up: set on the session with its history, sent once after the session to those who attended, or to those registered.</summary>
public sealed class FollowUpTests
{
    private static Programmes Programmes(OppdriftDb db)
    {
        var storage = LearningSeed.Storage(Path.GetTempPath());
        return new Programmes(db, LearningSeed.Clock(), LearningSeed.Options(), storage, new KnowledgeSync(db, new Oppdrift.Learning.Knowledge.KnowledgeIndex(db), storage));
    }

    private static SessionUpdate Update(LearningSession s, string? text, string? links) =>
        new(s.Title, s.Description, s.StartsAt, s.EndsAt - s.StartsAt, s.Mode, s.Location, s.TeamsUrl, s.Capacity, text, links);

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_follow_up_goes_once_after_the_session_to_those_who_attended_or_while_attendance_is_unknown_to_those_registered(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var (programme, session) = await LearningSeed.ProgrammeAsync(db, capacity: null);
        var people = await LearningSeed.PeopleAsync(db, 3, null);
        var second = new LearningSession
        {
            ProgrammeId = programme.Id,
            Title = "Andre økt",
            StartsAt = session.StartsAt.AddDays(7),
            EndsAt = session.EndsAt.AddDays(7),
            CalendarUid = "andre@test",
        };
        db.LearningSessions.Add(second);
        await db.SaveChangesAsync();
        foreach (var person in people)
        {
            db.Registrations.Add(new Registration { SessionId = session.Id, PersonId = person.Id, RegisteredBy = "test", RegisteredAt = LearningSeed.Now.UtcDateTime });
            db.Registrations.Add(new Registration { SessionId = second.Id, PersonId = person.Id, RegisteredBy = "test", RegisteredAt = LearningSeed.Now.UtcDateTime });
        }
        await db.SaveChangesAsync();

        // A link that is not one is refused by its line; good ones are tidied, and the change is in the session's history.
        var bad = await Programmes(db).UpdateSessionAsync(session.Id, Update(session, "Takk!", "https://ok.no\nikke en lenke"), "eier", default);
        Assert.Equal("FollowUpLinks", bad.Field);
        Assert.Contains("2", bad.Error, StringComparison.Ordinal);
        foreach (var target in new[] { session, second })
        {
            var saved = await Programmes(db).UpdateSessionAsync(target.Id, Update(target, "  Takk for sist! Her er lysarkene.  ",
                "Lysarkene |  https://nordvik.sharepoint.com/lysark.pptx \n\nhttps://learn.microsoft.com/teams"), "eier", default);
            Assert.True(saved.Succeeded, saved.Error);
        }
        db.ChangeTracker.Clear();
        var stored = await db.LearningSessions.SingleAsync(s => s.Id == session.Id);
        Assert.Equal("Takk for sist! Her er lysarkene.", stored.FollowUpText);
        Assert.Equal("Lysarkene | https://nordvik.sharepoint.com/lysark.pptx\nhttps://learn.microsoft.com/teams", stored.FollowUpLinks);
        var history = await ProgrammeHistory.ReadAsync(db, programme.Id, default);
        using (var after = JsonDocument.Parse(history[0].After!))
        {
            Assert.Equal(["FollowUpLinks", "FollowUpText"], after.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        }
        // Left out of an update (null), the follow-up stays.
        Assert.True((await Programmes(db).UpdateSessionAsync(session.Id, Update(stored, null, null) with { Title = "Bedre møter" }, "eier", default)).Succeeded);
        db.ChangeTracker.Clear();
        Assert.NotNull((await db.LearningSessions.SingleAsync(s => s.Id == session.Id)).FollowUpText);

        // Attendance is known for the first session: only the one who attended gets it.
        var import = new AttendanceImport { SessionId = session.Id, FileName = "oppmote.csv", ImportedAt = LearningSeed.Now.UtcDateTime, ImportedBy = "test" };
        db.AttendanceImports.Add(import);
        await db.SaveChangesAsync();
        db.Attendance.Add(new Attendance { SessionId = session.Id, ImportId = import.Id, PersonId = people[1].Id, Name = people[1].DisplayName });
        db.Attendance.Add(new Attendance { SessionId = session.Id, ImportId = import.Id, Name = "Gjest Utenfra" });
        await db.SaveChangesAsync();

        // The third person has signed in to Oppdrift in English: theirs is written in English only.
        db.Accounts.Add(new Oppdrift.Access.Account
        {
            UserName = people[2].UserPrincipalName,
            NormalizedUserName = Oppdrift.Access.AccountService.Normalize(people[2].UserPrincipalName),
            DisplayName = people[2].DisplayName,
            Language = "en-GB",
        });
        await db.SaveChangesAsync();

        var options = LearningSeed.Options().Value;
        var clock = LearningSeed.Clock();
        // Before the session has ended (and the delay after it), nothing goes.
        Assert.Equal(0, await FollowUps.QueueAsync(db, options, clock, default));
        clock.SetUtcNow(new DateTimeOffset(DateTime.SpecifyKind(second.EndsAt, DateTimeKind.Utc).AddHours(options.FollowUpDelayHours).AddMinutes(1)));
        var before = await db.OutgoingMail.Select(m => m.Id).ToListAsync();
        Assert.Equal(4, await FollowUps.QueueAsync(db, options, clock, default));
        // Again, and from another sender: nothing more.
        Assert.Equal(0, await FollowUps.QueueAsync(db, options, clock, default));
        await using (var other = database.CreateContext())
        {
            Assert.Equal(0, await FollowUps.QueueAsync(other, options, clock, default));
        }

        var mails = await db.OutgoingMail.Where(m => !before.Contains(m.Id)).OrderBy(m => m.Id).ToListAsync();
        Assert.Equal(4, mails.Count);
        Assert.Single(mails, m => m.To == people[1].Mail && m.Subject == "Oppfølging: Bedre møter / Follow-up: Bedre møter");
        Assert.Equal(3, mails.Count(m => m.Subject.Contains("Andre økt", StringComparison.Ordinal)));
        var mail = mails.Single(m => m.Subject.Contains("Bedre møter", StringComparison.Ordinal));
        Assert.Contains($"Hei {people[1].DisplayName}", mail.Body, StringComparison.Ordinal);
        Assert.Contains("(English: here is the follow-up from “Bedre møter”", mail.Body, StringComparison.Ordinal);
        Assert.Contains("Takk for sist! Her er lysarkene.", mail.Body, StringComparison.Ordinal);
        Assert.Contains("- Lysarkene: https://nordvik.sharepoint.com/lysark.pptx", mail.Body, StringComparison.Ordinal);
        Assert.Contains("- https://learn.microsoft.com/teams", mail.Body, StringComparison.Ordinal);
        Assert.Contains($"https://oppdrift.nordvik.kommune.no/learning/sessions/{session.Id}", mail.Body, StringComparison.Ordinal);
        var english = mails.Single(m => m.To == people[2].Mail);
        Assert.Equal("Follow-up: Andre økt", english.Subject);
        Assert.StartsWith($"Hi {people[2].DisplayName},", english.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("Hei ", english.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("(English:", english.Body, StringComparison.Ordinal);
        Assert.Contains("Links\n- Lysarkene: https://nordvik.sharepoint.com/lysark.pptx", english.Body, StringComparison.Ordinal);
        Assert.Contains("Takk for sist! Her er lysarkene.", english.Body, StringComparison.Ordinal); // the owner's own words, as written

        var audit = await db.AuditEntries.Where(e => e.Action == FollowUps.Action).OrderBy(e => e.Id).ToListAsync();
        Assert.Equal([$"session:{session.Id}", $"session:{second.Id}"], audit.Select(e => e.Target).Order(StringComparer.Ordinal));
        Assert.Contains("\"Basis\":\"Attendance\"", audit.Single(e => e.Target == $"session:{session.Id}").After, StringComparison.Ordinal);
        Assert.Contains("\"Basis\":\"Registrations\"", audit.Single(e => e.Target == $"session:{second.Id}").After, StringComparison.Ordinal);
        Assert.All(audit, e => Assert.Equal("system", e.Actor));
        Assert.Contains(FollowUps.Action, ProgrammeHistory.ActionKeys.Keys);
        Assert.All(await db.LearningSessions.Where(s => s.ProgrammeId == programme.Id).ToListAsync(), s => Assert.NotNull(s.FollowUpSentAt));
    }
}
