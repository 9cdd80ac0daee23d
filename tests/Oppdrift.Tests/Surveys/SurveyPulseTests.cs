using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Surveys;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Surveys;

public sealed partial class SurveyPulseTests
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_pulse_mails_a_link_per_person_and_a_spent_link_leaves_nothing_to_join_the_answer_to_them(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await SurveySeed.DirectoryAsync(db);
        var clock = new FakeTimeProvider(Monday);
        var (pulse, round) = await PulseAsync(db, clock, recurrence: 3);

        var sent = await pulse.SendAsync(round.Id, "test", default);

        Assert.True(sent.Succeeded, sent.Error);
        Assert.Equal(66, sent.Value);
        var mails = await db.OutgoingMail.AsNoTracking().ToListAsync();
        Assert.Equal(66, mails.Count);
        var links = mails.ToDictionary(m => m.To, m => LinkPattern().Match(m.Body).Groups[1].Value);
        Assert.All(links.Values, token => Assert.True(token.Length >= 43, token));
        Assert.Equal(66, links.Values.Distinct().Count());
        // Only hashes are stored: no token of a mail is in the invitations table.
        var hashes = await db.SurveyInvitations.AsNoTracking().Select(i => i.TokenHash).ToListAsync();
        Assert.Empty(hashes.Intersect(links.Values));
        // Mobbeombudet (4 people) is too small to be a group: its people are asked as "other".
        var groups = await db.SurveyRoundGroups.AsNoTracking().ToDictionaryAsync(g => g.AgencyId ?? 0, g => g.Invited);
        Assert.Equal(new Dictionary<int, int> { [ids["SYE"]] = 30, [ids["BNO"]] = 20, [ids["KUL"]] = 12, [0] = 4 }, groups);

        // Bydel Nord's first person answers.
        var token = links[SurveySeed.Mail("BNO", 1)];
        var (state, form) = await pulse.OpenAsync(token, default);
        Assert.Equal(LinkState.Open, state);
        var answers = form!.Questions.ToDictionary(q => q.Id, q => (IReadOnlyList<string>)(q.Kind switch
        {
            QuestionKind.FreeText => ["Færre e-poster"],
            QuestionKind.Enps => ["9"],
            _ => ["4"],
        }));
        var missing = await pulse.SubmitAsync(token, answers.Where(a => a.Key != form.Questions[0].Id).ToDictionary(), default);
        Assert.Equal(SurveyPulse.Field(form.Questions[0]), missing.Field);
        var outside = await pulse.SubmitAsync(token, answers.ToDictionary(a => a.Key, a => a.Key == form.Questions[0].Id ? (IReadOnlyList<string>)["6"] : a.Value), default);
        Assert.Equal(SurveyPulse.Field(form.Questions[0]), outside.Field);
        Assert.Equal(0, await db.SurveyResponses.CountAsync());

        var stored = await pulse.SubmitAsync(token, answers, default);
        var again = await pulse.SubmitAsync(token, answers, default);

        Assert.Null(stored.Error);
        Assert.Equal(LinkState.Used, (await pulse.OpenAsync(token, default)).State);
        Assert.Equal(LinkState.Used, again.State);
        var response = await db.SurveyResponses.AsNoTracking().SingleAsync();
        Assert.Equal((round.Id, (int?)ids["BNO"], (int?)null), (response.RoundId, response.AgencyId, response.ImportId));
        Assert.Equal(form.Questions.Count, await db.SurveyAnswers.CountAsync());

        // Nothing stored with the answer can be joined to the invitation or the person: the tables share no column but
        // the round and the agency, and the response's id is random, not a number issued in order.
        var invitation = await db.SurveyInvitations.AsNoTracking().SingleAsync(i => i.Used);
        var responseColumns = Columns(db, typeof(SurveyResponse)).Concat(Columns(db, typeof(SurveyAnswer))).ToHashSet();
        var invitationColumns = Columns(db, typeof(SurveyInvitation));
        Assert.Equal(["Id", "RoundId"], responseColumns.Intersect(invitationColumns).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(responseColumns, c => c.Contains("Person", StringComparison.Ordinal) || c.Contains("Token", StringComparison.Ordinal)
            || c.Contains("Invitation", StringComparison.Ordinal) || c.EndsWith("At", StringComparison.Ordinal));
        Assert.DoesNotContain(Columns(db, typeof(SurveyInvitation)), c => c.Contains("Response", StringComparison.Ordinal) || c == "UsedAt");
        Assert.Equal(4, response.Id.Version);
        Assert.NotEqual(invitation.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Id.ToString());
        // No foreign key leads from an answer or a response to an invitation or a person.
        var keys = db.Model.FindEntityType(typeof(SurveyResponse))!.GetForeignKeys().Concat(db.Model.FindEntityType(typeof(SurveyAnswer))!.GetForeignKeys())
            .Select(k => k.PrincipalEntityType.ClrType).ToList();
        Assert.DoesNotContain(typeof(SurveyInvitation), keys);
        Assert.DoesNotContain(typeof(Person), keys);

        // A second answer from the same agency looks exactly like the first to anyone reading the tables.
        await pulse.SubmitAsync(links[SurveySeed.Mail("BNO", 2)], answers, default);
        var both = await db.SurveyResponses.AsNoTracking().Where(r => r.AgencyId == ids["BNO"]).ToListAsync();
        Assert.Equal(2, both.Count);
        Assert.Single(both.Select(r => (r.RoundId, r.AgencyId, r.ImportId)).Distinct());

        // Mobbeombudet's people answer as "other": their agency is not stored.
        await pulse.SubmitAsync(links[SurveySeed.Mail("MOB", 1)], answers, default);
        Assert.Equal(1, await db.SurveyResponses.CountAsync(r => r.AgencyId == null));
        Assert.Equal(0, await db.SurveyResponses.CountAsync(r => r.AgencyId == ids["MOB"]));
        // The counts results read were kept with each answer, the "other" group's included.
        await SurveySeed.AssertCountsMatchAnswersAsync(db, round.SurveyId);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Reminders_replace_the_link_a_closed_round_refuses_and_a_quarterly_pulse_schedules_its_next_round(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        await SurveySeed.DirectoryAsync(db);
        var clock = new FakeTimeProvider(Monday);
        var (pulse, round) = await PulseAsync(db, clock, recurrence: 3, population: RoundPopulation.Agency, agency: "KUL");
        Assert.Equal(12, (await pulse.SendAsync(round.Id, "test", default)).Value);
        var first = (await db.OutgoingMail.AsNoTracking().ToListAsync()).ToDictionary(m => m.To, m => LinkPattern().Match(m.Body).Groups[1].Value);
        var answers = (await pulse.OpenAsync(first[SurveySeed.Mail("KUL", 1)], default)).Form!.Questions.ToDictionary(q => q.Id, q => (IReadOnlyList<string>)(q.Kind == QuestionKind.FreeText ? [] : ["5"]));
        await pulse.SubmitAsync(first[SurveySeed.Mail("KUL", 1)], answers, default);

        clock.Advance(TimeSpan.FromDays(7));
        var reminded = await pulse.RemindAsync(round.Id, "test", default);

        Assert.Equal(11, reminded);
        var reminders = (await db.OutgoingMail.AsNoTracking().Where(m => m.Subject.StartsWith("Påminnelse")).ToListAsync())
            .ToDictionary(m => m.To, m => LinkPattern().Match(m.Body).Groups[1].Value);
        Assert.DoesNotContain(SurveySeed.Mail("KUL", 1), reminders.Keys);
        Assert.Equal(LinkState.Unknown, (await pulse.OpenAsync(first[SurveySeed.Mail("KUL", 2)], default)).State);
        Assert.Equal(LinkState.Open, (await pulse.OpenAsync(reminders[SurveySeed.Mail("KUL", 2)], default)).State);

        clock.Advance(TimeSpan.FromDays(14));
        Assert.Equal(LinkState.Closed, (await pulse.OpenAsync(reminders[SurveySeed.Mail("KUL", 3)], default)).State);
        Assert.Equal(LinkState.Unknown, (await pulse.OpenAsync("not-a-token", default)).State);

        var next = await pulse.ScheduleNextAsync(round.SurveyId, "test", default);
        Assert.Equal(("2026 K2", 2, RoundPopulation.Agency), (next!.Name, next.Number, next.Population));
        Assert.Equal(round.OpensAt.AddMonths(3), next.OpensAt);
        Assert.Equal(round.ClosesAt - round.OpensAt, next.ClosesAt - next.OpensAt);
        Assert.Null(await pulse.ScheduleNextAsync(round.SurveyId, "test", default));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_job_sends_a_round_when_it_opens_reminds_three_days_before_it_closes_and_schedules_the_next_quarter(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        await SurveySeed.DirectoryAsync(db);
        var clock = new FakeTimeProvider(Monday);
        var (pulse, round) = await PulseAsync(db, clock, recurrence: 3, population: RoundPopulation.Leaders);

        await SurveysJob.RunOnceAsync(db, pulse, clock, default);

        db.ChangeTracker.Clear();
        var rounds = await db.SurveyRounds.AsNoTracking().OrderBy(r => r.Number).ToListAsync();
        Assert.NotNull(rounds[0].SentAt);
        // One leader per agency in the seed: four links, every agency too small a group to be stored by name.
        Assert.Equal(4, await db.OutgoingMail.CountAsync());
        Assert.Equal(new Dictionary<int, int> { [0] = 4 }, await db.SurveyRoundGroups.AsNoTracking().ToDictionaryAsync(g => g.AgencyId ?? 0, g => g.Invited));
        Assert.Equal(2, rounds.Count);
        Assert.Equal((round.OpensAt.AddMonths(3), (DateTime?)null), (rounds[1].OpensAt, rounds[1].SentAt));

        // Two days before the round closes: one reminder, however often the job runs.
        clock.Advance(TimeSpan.FromDays(12));
        await SurveysJob.RunOnceAsync(db, pulse, clock, default);
        await SurveysJob.RunOnceAsync(db, pulse, clock, default);

        Assert.Equal(8, await db.OutgoingMail.CountAsync());
        Assert.Equal(2, await db.SurveyRounds.CountAsync());
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Two_senders_of_one_round_at_once_send_it_once_and_the_second_is_told_it_was_sent(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        await SurveySeed.DirectoryAsync(db);
        var clock = new FakeTimeProvider(Monday);
        var (_, round) = await PulseAsync(db, clock, recurrence: null);
        await using var first = database.CreateContext();
        await using var second = database.CreateContext();
        var options = new SurveysOptions { PublicUrl = "https://oppdrift.kommune.no" };

        // The survey job and an owner's "send now", each with its own connection, started together.
        var results = await Task.WhenAll(
            Task.Run(() => new SurveyPulse(first, new OrganisationDirectory(first), options, clock).SendAsync(round.Id, "job", default)),
            Task.Run(() => new SurveyPulse(second, new OrganisationDirectory(second), options, clock).SendAsync(round.Id, "owner", default)));

        Assert.Single(results, r => r.Succeeded);
        var refused = Assert.Single(results, r => !r.Succeeded);
        Assert.Equal("round", refused.Field);
        Assert.Equal(66, await db.OutgoingMail.CountAsync());
        Assert.Equal(66, await db.SurveyInvitations.CountAsync());
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == "surveys.send"));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_round_to_a_unit_asks_its_people_alone_counted_in_their_agency(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await SurveySeed.DirectoryAsync(db);
        var unit = new Unit { AgencyId = ids["SYE"], Name = "Hjemmetjenesten" };
        db.Units.Add(unit);
        await db.SaveChangesAsync();
        // Seven of Sykehjemsetaten's 30 people work in the unit.
        await db.People.Where(p => p.AgencyId == ids["SYE"]).OrderBy(p => p.Id).Take(7).ExecuteUpdateAsync(s => s.SetProperty(p => p.UnitId, unit.Id));
        var clock = new FakeTimeProvider(Monday);
        var (pulse, round) = await PulseAsync(db, clock, recurrence: null, population: RoundPopulation.Unit, unit: unit.Id);

        var sent = await pulse.SendAsync(round.Id, "test", default);

        Assert.True(sent.Succeeded, sent.Error);
        Assert.Equal(7, sent.Value);
        var unitMails = await db.People.Where(p => p.UnitId == unit.Id).Select(p => p.Mail).ToListAsync();
        Assert.Equal(unitMails.Order(StringComparer.Ordinal), (await db.OutgoingMail.Select(m => m.To).ToListAsync()).Order(StringComparer.Ordinal));
        // Only the agency is a group: the unit is not stored with the invitations or the answers.
        Assert.Equal(new Dictionary<int, int> { [ids["SYE"]] = 7 }, await db.SurveyRoundGroups.AsNoTracking().ToDictionaryAsync(g => g.AgencyId ?? 0, g => g.Invited));
    }

    private static async Task<(SurveyPulse Pulse, SurveyRound Round)> PulseAsync(OppdriftDb db, FakeTimeProvider clock, int? recurrence,
        RoundPopulation population = RoundPopulation.Everyone, string? agency = null, int? unit = null)
    {
        var designer = new SurveyDesigner(db, clock);
        var survey = await designer.CreateAsync("Digital puls", null, SurveyLibrary.PulseKeys, recurrence, "test", default);
        Assert.True(survey.Succeeded, survey.Error);
        int? agencyId = agency is null ? null : await db.Agencies.Where(a => a.Code == agency).Select(a => a.Id).SingleAsync();
        var now = clock.GetUtcNow().UtcDateTime;
        var round = await designer.AddRoundAsync(survey.Value!.Id, SurveyPulse.RoundName(now), RoundKind.Pulse, now, now.AddDays(14), "test", default, population, agencyId, unit);
        await db.SaveChangesAsync();
        return (new SurveyPulse(db, new OrganisationDirectory(db), new SurveysOptions { PublicUrl = "https://oppdrift.kommune.no" }, clock), round);
    }

    private static IEnumerable<string> Columns(OppdriftDb db, Type entity) =>
        db.Model.FindEntityType(entity)!.GetProperties().Select(p => p.Name);

    [GeneratedRegex(@"https://oppdrift\.kommune\.no/survey/answer/([A-Za-z0-9_-]+)")]
    private static partial Regex LinkPattern();
}
