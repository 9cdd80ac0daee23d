using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Surveys;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Surveys;

public sealed class SurveyEditorTests
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 3, 2);
    private static readonly System.Security.Claims.ClaimsPrincipal Central = BenefitsTemplate.System("endringsleder");

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Before_the_first_round_is_sent_everything_changes_and_the_audit_entry_names_each_field_with_old_and_new(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await SurveySeed.DirectoryAsync(db);
        var clock = new FakeTimeProvider(Monday);
        var (surveyId, roundId) = await SurveyAsync(db, clock);
        var editor = new SurveyEditor(db, new OrganisationDirectory(db), clock);

        var view = await editor.FindAsync(surveyId, default);
        Assert.False(view!.Locked);
        Assert.Equal([roundId], view.PlannedRounds);
        var edit = view.Edit();
        var questions = edit.Questions.ToDictionary(q => q.LibraryKey!);
        var changed = edit with
        {
            Name = "Digital puls 2026",
            Description = "Om arbeidshverdagen med Microsoft 365.",
            RecurrenceMonths = 6,
            Questions =
            [
                questions["comment"],
                questions["info-find"] with { TextNb = "Jeg finner det jeg trenger.", TextEn = "I find what I need." },
                .. edit.Questions.Where(q => q.LibraryKey is not ("comment" or "info-find" or "enps" or "rating-overall" or "share-links")),
                questions["share-links"] with { ThemeKey = "meetings" },
                questions["rating-overall"] with { Kind = QuestionKind.SingleChoice, OptionsNb = "Lite\r\nMye\n\n", OptionsEn = "Little\nMuch" },
                QuestionEdit.From(SurveyLibrary.Find("tools-used")!),
            ],
            Rounds = [edit.Rounds[0] with { Closes = Today.AddDays(20), Population = RoundPopulation.Agency, AgencyId = ids["KUL"] }],
        };

        var saved = await editor.SaveAsync(surveyId, changed, Central, default);

        Assert.True(saved.Succeeded, saved.Error);
        db.ChangeTracker.Clear();
        var survey = await db.Surveys.AsNoTracking().Include(s => s.Questions).Include(s => s.Themes).AsSplitQuery().SingleAsync();
        Assert.Equal(("Digital puls 2026", "Om arbeidshverdagen med Microsoft 365.", (int?)6), (survey.Name, survey.Description, survey.RecurrenceMonths));
        var order = survey.Questions.OrderBy(q => q.SortOrder).ToList();
        Assert.Equal(["comment", "info-find", "meet-effective", "lead-included", "conf-tools", "time-saved", "share-links", "rating-overall", "tools-used"],
            order.Select(q => q.LibraryKey));
        Assert.Equal(Enumerable.Range(0, 9), order.Select(q => q.SortOrder));
        Assert.Equal(("Jeg finner det jeg trenger.", "I find what I need."), (order[1].TextNb, order[1].TextEn));
        var rating = order[7];
        Assert.Equal((QuestionKind.SingleChoice, "Lite\nMye", "Little\nMuch"), (rating.Kind, rating.OptionsNb, rating.OptionsEn));
        var themes = survey.Themes.ToDictionary(t => t.Id, t => t.Key);
        Assert.Equal("meetings", themes[order[6].ThemeId!.Value]);
        // "sharing" has no statement left: the theme goes with it. The added question has no theme, as in the library.
        Assert.DoesNotContain("sharing", themes.Values);
        Assert.Null(order[8].ThemeId);
        var round = await db.SurveyRounds.AsNoTracking().SingleAsync();
        Assert.Equal((RoundPopulation.Agency, (int?)ids["KUL"]), (round.Population, round.PopulationAgencyId));
        Assert.Equal(SurveyEditor.StartOfDay(Today.AddDays(21)), round.ClosesAt);
        // The open date was left as it was, with its time of day.
        Assert.Equal(Monday.UtcDateTime, round.OpensAt);

        var entry = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "surveys.edit");
        Assert.Equal(("endringsleder", "Digital puls"), (entry.Actor, entry.Target));
        var before = JsonDocument.Parse(entry.Before!).RootElement;
        var after = JsonDocument.Parse(entry.After!).RootElement;
        Assert.Equal("Digital puls", before.GetProperty("name").GetString());
        Assert.Equal("Digital puls 2026", after.GetProperty("name").GetString());
        Assert.Equal(6, after.GetProperty("recurrenceMonths").GetInt32());
        Assert.Equal("Hvor sannsynlig er det at du vil anbefale kommunen som en digital arbeidsplass til en venn?",
            before.GetProperty("questions.removed")[0].GetString());
        Assert.Equal("Hvilke verktøy bruker du hver uke?", after.GetProperty("questions.added")[0].GetString());
        Assert.True(after.TryGetProperty("questions.order", out _));
        var infoField = $"questions[q{order[1].Id}].textNb";
        Assert.Equal(("Jeg finner raskt informasjonen jeg trenger for å gjøre jobben min.", "Jeg finner det jeg trenger."),
            (before.GetProperty(infoField).GetString(), after.GetProperty(infoField).GetString()));
        Assert.Equal(("sharing", "meetings"), (before.GetProperty($"questions[q{order[6].Id}].theme").GetString(), after.GetProperty($"questions[q{order[6].Id}].theme").GetString()));
        Assert.Equal(("Everyone", "Agency"), (before.GetProperty("rounds[2026 K1].population").GetString(), after.GetProperty("rounds[2026 K1].population").GetString()));
        // Fields that did not change are not in the entry.
        Assert.False(after.TryGetProperty($"questions[q{order[2].Id}].textNb", out _));

        // Saving the same again changes nothing and records nothing.
        var again = await editor.SaveAsync(surveyId, (await editor.FindAsync(surveyId, default))!.Edit(), Central, default);
        Assert.True(again.Succeeded, again.Error);
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == "surveys.edit"));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Bad_input_gets_a_message_naming_the_field_and_nothing_is_saved(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        await SurveySeed.DirectoryAsync(db);
        db.Agencies.Add(new Agency { Code = "TOM", Name = "Tomme etaten", CreatedAt = Monday.UtcDateTime });
        await db.SaveChangesAsync();
        var empty = await db.Agencies.Where(a => a.Code == "TOM").Select(a => a.Id).SingleAsync();
        var clock = new FakeTimeProvider(Monday);
        var (surveyId, _) = await SurveyAsync(db, clock);
        await new SurveyDesigner(db, clock).CreateAsync("Annen puls", null, SurveyLibrary.PulseKeys, null, "test", default);
        var editor = new SurveyEditor(db, new OrganisationDirectory(db), clock);
        var edit = (await editor.FindAsync(surveyId, default))!.Edit();
        var round = edit.Rounds[0];
        IReadOnlyList<QuestionEdit> With(int index, QuestionEdit question) => [.. edit.Questions.Select((q, i) => i == index ? question : q)];

        (SurveyEdit Edit, string Field, string Message)[] cases =
        [
            (edit with { Name = "  " }, "name", "Undersøkelsen må ha et navn."),
            (edit with { Name = "Annen puls" }, "name", "Det finnes allerede en undersøkelse som heter «Annen puls»."),
            (edit with { Questions = With(1, edit.Questions[1] with { TextNb = " ", TextEn = "Only English" }) }, "questions[1].textNb",
                "Spørsmål 2: Spørsmålet må ha en tekst på bokmål."),
            (edit with { Questions = With(2, edit.Questions[2] with { Kind = QuestionKind.MultipleChoice, OptionsNb = "Bare ett" }) }, "questions[2].optionsNb",
                "Spørsmål 3: Et flervalgsspørsmål må ha minst to svaralternativer, ett per linje."),
            (edit with { Questions = [] }, "questions", "Undersøkelsen må ha minst ett spørsmål."),
            (edit with { Rounds = [round with { Closes = Today.AddDays(-1) }] }, "rounds[0].closes",
                "Stengedatoen for runden «2026 K1» er passert. Velg i dag eller en senere dag."),
            (edit with { Rounds = [round with { Population = RoundPopulation.Agency, AgencyId = empty }] }, "rounds[0].population",
                "«Hvem som spørres» for runden «2026 K1» treffer ingen: ingen aktive personer med e-postadresse er i utvalget."),
            (edit with { Rounds = [round with { Population = RoundPopulation.Agency, AgencyId = null }] }, "rounds[0].agency", "Runden «2026 K1»: Velg virksomheten runden skal til."),
            (edit with { RecurrenceMonths = 0 }, "recurrence", "Gjentakelsen må være mellom 1 og 24 måneder."),
        ];
        var before = await SnapshotAsync(db, surveyId);
        foreach (var (bad, field, message) in cases)
        {
            // A good change beside the bad one is not saved either.
            var result = await editor.SaveAsync(surveyId, bad with { Description = bad.Description + " endret" }, Central, default);

            Assert.False(result.Succeeded, field);
            Assert.Equal((field, message), (result.Field, result.Error));
            db.ChangeTracker.Clear();
            Assert.Equal(before, await SnapshotAsync(db, surveyId));
        }
        Assert.False(await db.AuditEntries.AnyAsync(a => a.Action == "surveys.edit"));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Once_a_round_has_answers_only_the_name_themes_recurrence_and_planned_dates_change(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await SurveySeed.DirectoryAsync(db);
        var clock = new FakeTimeProvider(Monday);
        var (surveyId, firstId) = await SurveyAsync(db, clock);
        var pulse = new SurveyPulse(db, new OrganisationDirectory(db), new SurveysOptions(), clock);
        Assert.True((await pulse.SendAsync(firstId, "test", default)).Succeeded);
        var token = Regex.Match((await db.OutgoingMail.AsNoTracking().OrderBy(m => m.Id).FirstAsync()).Body, "/survey/answer/([A-Za-z0-9_-]+)").Groups[1].Value;
        var form = (await pulse.OpenAsync(token, default)).Form!;
        await pulse.SubmitAsync(token, form.Questions.ToDictionary(q => q.Id, q => (IReadOnlyList<string>)(q.Kind == QuestionKind.FreeText ? ["Bra"] : ["4"])), default);
        Assert.Equal(1, await db.SurveyResponses.CountAsync());
        var next = await pulse.ScheduleNextAsync(surveyId, "test", default);
        var editor = new SurveyEditor(db, new OrganisationDirectory(db), clock);

        var view = (await editor.FindAsync(surveyId, default))!;
        Assert.True(view.Locked);
        Assert.Equal([next!.Id], view.PlannedRounds);
        var edit = view.Edit();
        var planned = edit.Rounds.Single();
        IReadOnlyList<QuestionEdit> With(int index, QuestionEdit question) => [.. edit.Questions.Select((q, i) => i == index ? question : q)];
        const string Why = "kan ikke endres etter at en runde er sendt eller har fått svar: da ville svarene som er gitt, bety noe annet. Ingenting er lagret.";
        (SurveyEdit Edit, string Field, string Message)[] refused =
        [
            (edit with { Questions = With(0, edit.Questions[0] with { TextNb = "Jeg finner alt." }) }, "questions[0].textNb", "Spørsmålsteksten i spørsmål 1 " + Why),
            (edit with { Questions = With(0, edit.Questions[0] with { TextEn = "I find everything." }) }, "questions[0].textNb", "Spørsmålsteksten i spørsmål 1 " + Why),
            (edit with { Questions = With(6, edit.Questions[6] with { Kind = QuestionKind.Likert }) }, "questions[6].kind", "Spørsmålstypen i spørsmål 7 " + Why),
            (edit with { Questions = With(6, edit.Questions[6] with { ScaleMax = 10 }) }, "questions[6].kind", "Spørsmålstypen i spørsmål 7 " + Why),
            (edit with { Questions = With(0, edit.Questions[0] with { Required = false }) }, "questions[0].required", "Om spørsmålet må besvares i spørsmål 1 " + Why),
            (edit with { Questions = [.. edit.Questions.Skip(1)] }, "questions", "Hvilke spørsmål undersøkelsen har " + Why),
            (edit with { Questions = [.. edit.Questions, QuestionEdit.From(SurveyLibrary.Find("tools-used")!)] }, "questions", "Hvilke spørsmål undersøkelsen har " + Why),
            (edit with { Questions = [.. edit.Questions.Reverse()] }, "questions", "Rekkefølgen på spørsmålene " + Why),
            (edit with { Description = "Ny innledning" }, "description", "Beskrivelse " + Why),
            (edit with { Rounds = [planned with { Population = RoundPopulation.Agency, AgencyId = ids["SYE"] }] }, "rounds[0].population",
                "Hvem som spørres for runden «2026 K2» " + Why),
            (edit with { Rounds = [planned with { Id = firstId }] }, "rounds[0]", "Runden «2026 K1» er allerede sendt."),
        ];
        var before = await SnapshotAsync(db, surveyId);
        foreach (var (bad, field, message) in refused)
        {
            var result = await editor.SaveAsync(surveyId, bad with { Name = "Skal ikke lagres" }, Central, default);

            Assert.Equal((field, message), (result.Field, result.Error));
            db.ChangeTracker.Clear();
            Assert.Equal(before, await SnapshotAsync(db, surveyId));
        }

        // What leaves the answers' meaning alone still changes.
        var allowed = edit with
        {
            Name = "Digital puls (kvartal)",
            RecurrenceMonths = 12,
            Questions = With(0, edit.Questions[0] with { ThemeKey = "confidence" }),
            Rounds = [planned with { Closes = planned.Closes!.Value.AddDays(7) }],
        };
        var saved = await editor.SaveAsync(surveyId, allowed, Central, default);

        Assert.True(saved.Succeeded, saved.Error);
        db.ChangeTracker.Clear();
        var survey = await db.Surveys.AsNoTracking().Include(s => s.Questions).ThenInclude(q => q.Theme).SingleAsync();
        Assert.Equal(("Digital puls (kvartal)", (int?)12), (survey.Name, survey.RecurrenceMonths));
        Assert.Equal("confidence", survey.Questions.Single(q => q.LibraryKey == "info-find").Theme!.Key);
        Assert.Equal(SurveyEditor.StartOfDay(planned.Closes.Value.AddDays(8)), (await db.SurveyRounds.AsNoTracking().SingleAsync(r => r.Id == next.Id)).ClosesAt);
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == "surveys.edit"));
        // The answer and its counts are where they were.
        Assert.Equal(form.Questions.Count, await db.SurveyAnswers.CountAsync());
        await SurveySeed.AssertCountsMatchAnswersAsync(db, surveyId);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_survey_without_rounds_is_deleted_and_one_with_rounds_is_kept(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        await SurveySeed.DirectoryAsync(db);
        var clock = new FakeTimeProvider(Monday);
        var (withRounds, _) = await SurveyAsync(db, clock);
        var bare = (await new SurveyDesigner(db, clock).CreateAsync("Uten runder", null, SurveyLibrary.PulseKeys, null, "test", default)).Value!.Id;
        var editor = new SurveyEditor(db, new OrganisationDirectory(db), clock);

        var kept = await editor.DeleteAsync(withRounds, Central, default);
        var deleted = await editor.DeleteAsync(bare, Central, default);

        Assert.Equal(("delete", "«Digital puls» har runder og kan ikke slettes: runder og svar skal bevares."), (kept.Field, kept.Error));
        Assert.True(deleted.Succeeded, deleted.Error);
        db.ChangeTracker.Clear();
        Assert.Equal(["Digital puls"], await db.Surveys.Select(s => s.Name).ToListAsync());
        Assert.Equal(SurveyLibrary.PulseKeys.Count, await db.SurveyQuestions.CountAsync());
        var entry = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "surveys.delete");
        Assert.Equal(("endringsleder", "Uten runder"), (entry.Actor, entry.Target));
        Assert.Contains("Hvor sannsynlig er det", entry.Before, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_renamed_survey_takes_the_indicators_that_follow_it_along_and_a_name_too_long_for_them_is_refused(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        await SurveySeed.DirectoryAsync(db);
        var clock = new FakeTimeProvider(Monday);
        var (surveyId, _) = await SurveyAsync(db, clock);
        var benefits = new Oppdrift.Tests.Benefits.BenefitsServices(db);
        var (_, benefit) = await benefits.BenefitAsync("Økt medarbeidertilfredshet", benefits.Today);
        var manual = Oppdrift.Tests.Benefits.BenefitsServices.Survey(benefit, benefits.Today);
        var following = await benefits.Editor.SaveIndicatorAsync(null,
            manual with { Source = IndicatorSource.Survey, UsageMeasure = SurveyMeasures.Key("Digital puls", "mean:rating-overall") }, Central, default);
        var other = await benefits.Editor.SaveIndicatorAsync(null,
            manual with { Name = "Annen puls", Source = IndicatorSource.Survey, UsageMeasure = SurveyMeasures.Key("Digital puls 2", "mean:rating-overall") }, Central, default);
        Assert.True(following.Succeeded && other.Succeeded, following.Error ?? other.Error);
        var editor = new SurveyEditor(db, new OrganisationDirectory(db), clock);
        var edit = (await editor.FindAsync(surveyId, default))!.Edit();

        var tooLong = await editor.SaveAsync(surveyId, edit with { Name = new string('x', 40) }, Central, default);

        Assert.Equal("name", tooLong.Field);
        Assert.Contains("64 tegn", tooLong.Error, StringComparison.Ordinal);
        db.ChangeTracker.Clear();
        Assert.Equal("Digital puls", await db.Surveys.Select(s => s.Name).SingleAsync());
        Assert.Equal(SurveyMeasures.Key("Digital puls", "mean:rating-overall"), await db.Indicators.Where(i => i.Id == following.Value!.Id).Select(i => i.UsageMeasure).SingleAsync());

        var renamed = await editor.SaveAsync(surveyId, edit with { Name = "Digital puls 2026" }, Central, default);

        Assert.True(renamed.Succeeded, renamed.Error);
        db.ChangeTracker.Clear();
        var measures = await db.Indicators.AsNoTracking().OrderBy(i => i.Id).Select(i => i.UsageMeasure).ToListAsync();
        // Only the indicator following this survey moves; one following "Digital puls 2" stays.
        Assert.Equal([SurveyMeasures.Key("Digital puls 2026", "mean:rating-overall"), SurveyMeasures.Key("Digital puls 2", "mean:rating-overall")], measures);
        var entry = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "surveys.edit");
        Assert.Contains("\"indicators\":[\"Tilfredshet med digitale verktøy\"]", entry.After, StringComparison.Ordinal);
    }

    /// <summary>A pulse of the starter questions with one planned round to everyone, opening Monday and closing two weeks later.</summary>
    private static async Task<(int Survey, int Round)> SurveyAsync(OppdriftDb db, FakeTimeProvider clock)
    {
        var designer = new SurveyDesigner(db, clock);
        var survey = await designer.CreateAsync("Digital puls", null, SurveyLibrary.PulseKeys, 3, "test", default);
        Assert.True(survey.Succeeded, survey.Error);
        var now = clock.GetUtcNow().UtcDateTime;
        var round = await designer.AddRoundAsync(survey.Value!.Id, SurveyPulse.RoundName(now), RoundKind.Pulse, now, now.AddDays(14), "test", default);
        await db.SaveChangesAsync();
        return (survey.Value.Id, round.Id);
    }

    /// <summary>Everything an edit could touch, as text to compare.</summary>
    private static async Task<string> SnapshotAsync(OppdriftDb db, int surveyId)
    {
        var survey = await db.Surveys.AsNoTracking().Include(s => s.Questions).Include(s => s.Themes).Include(s => s.Rounds).AsSplitQuery().SingleAsync(s => s.Id == surveyId);
        return JsonSerializer.Serialize(new
        {
            survey.Name,
            survey.Description,
            survey.RecurrenceMonths,
            Questions = survey.Questions.OrderBy(q => q.Id).Select(q => new { q.Id, q.SortOrder, Kind = q.Kind.ToString(), q.TextNb, q.TextEn, q.OptionsNb, q.OptionsEn, q.ScaleMax, q.Required, q.ThemeId }),
            Themes = survey.Themes.OrderBy(t => t.Id).Select(t => new { t.Id, t.Key }),
            Rounds = survey.Rounds.OrderBy(r => r.Id).Select(r => new { r.Id, r.OpensAt, r.ClosesAt, Population = r.Population.ToString(), r.PopulationAgencyId, r.PopulationUnitId }),
        });
    }
}
