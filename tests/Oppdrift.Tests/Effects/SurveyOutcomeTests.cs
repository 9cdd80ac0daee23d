using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearRegression;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Data;
using Oppdrift.Effects;
using Oppdrift.Organisation;
using Oppdrift.Surveys;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Tests.Processes;
using Oppdrift.Tests.Surveys;

namespace Oppdrift.Tests.Effects;

/// <summary>A survey measure as an outcome: the plain difference in differences over rounds, and the estimator on real survey rounds.</summary>
public sealed class SurveyOutcomeTests
{
    private static AgencyPanel Agency(int id, params double[] rounds) => new(id, 100, [.. rounds.Select(w => (double?)w)]);

    /// <summary>Two treated and three comparison agencies, two rounds before and one after, in per cent favourable.</summary>
    private static readonly AgencyPanel[] Worked =
    [
        Agency(1, 60, 62, 70),
        Agency(2, 50, 50, 58),
        Agency(3, 55, 55, 56),
        Agency(4, 40, 42, 42),
        Agency(5, 65, 65, 67),
    ];

    private static readonly EffectDesign Rounds = new() { TrendLine = false, MinimumPreWeeks = 1, MinimumPostWeeks = 1 };

    [Fact]
    public void The_estimate_of_a_worked_example_is_the_treated_change_less_the_comparison_change()
    {
        // Treated means by round: 55, 56, 64; the comparison's: 53⅓, 54, 55. The treated changed 64 − 55.5 = 8.5 from the
        // rounds before to the round after, the comparison 55 − 53⅔ = 1⅓: the effect is 7⅙. The gap (1⅔, 2, 9) rose ⅓ a
        // round before: the pre-trend.
        var estimate = DifferenceInDifferences.Estimate(Worked, new HashSet<int> { 1, 2 }, new EffectWindow(0, 2, 2, 3),
            Rounds with { NeighboursPerTreated = 3, MinimumComparisonAgencies = 1 });

        Assert.Equal(7 + (1 / 6.0), estimate.Estimate!.Value, 9);
        Assert.Equal(55.5, estimate.TreatedBefore!.Value, 9);
        Assert.Equal(64, estimate.TreatedAfter!.Value, 9);
        Assert.Equal(1 / 3.0, estimate.PreTrend!.Value, 9);
        Assert.Null(estimate.Drift);
        Assert.Equal([Math.Round(-1 / 6.0, 9), Math.Round(1 / 6.0, 9), Math.Round(7 + (1 / 6.0), 9)], estimate.EventStudy.Select(w => Math.Round(w.Difference, 9)));
        Assert.Equal(CannotTellReason.TooFewComparisonAgencies, estimate.Reason);
    }

    [Fact]
    public void The_estimate_equals_the_two_way_fixed_effects_regression()
    {
        // The textbook form: every agency's figure on a constant for each agency, one for each round but the first, and an
        // indicator of treated-after, by least squares (Math.NET's QR solver). With every comparison agency matched, the
        // indicator's coefficient is the estimate.
        var rows = new List<double[]>();
        var values = new List<double>();
        foreach (var agency in Worked)
        {
            for (var round = 0; round < 3; round++)
            {
                var row = new double[5 + 2 + 1];
                row[agency.AgencyId - 1] = 1;
                if (round > 0)
                {
                    row[5 + round - 1] = 1;
                }
                row[7] = agency.AgencyId <= 2 && round == 2 ? 1 : 0;
                rows.Add(row);
                values.Add(agency.Weeks[round]!.Value);
            }
        }
        var coefficients = MultipleRegression.QR([.. rows], [.. values]);

        var estimate = DifferenceInDifferences.Estimate(Worked, new HashSet<int> { 1, 2 }, new EffectWindow(0, 2, 2, 3),
            Rounds with { NeighboursPerTreated = 3, MinimumComparisonAgencies = 1 });

        Assert.Equal(coefficients[7], estimate.Estimate!.Value, 9);
    }

    [Fact]
    public void With_one_round_before_the_pre_trend_is_not_checked_and_said_so()
    {
        var panel = Simulated(new Random(5), agencies: 40, rounds: 2, treated: [1, 2, 3], effect: 10, preClimb: 0);

        var estimate = DifferenceInDifferences.Estimate(panel, new HashSet<int> { 1, 2, 3 }, new EffectWindow(0, 1, 1, 2), Rounds);

        Assert.NotNull(estimate.Estimate);
        Assert.Null(estimate.PreTrend);
        Assert.Null(estimate.PreTrendOk);
        Assert.NotEqual(EffectVerdict.CannotTell, estimate.Verdict);
    }

    [Fact]
    public void A_planted_rise_in_a_theme_is_found_within_its_interval_and_placebo_rounds_find_none_in_at_least_95_percent_of_draws()
    {
        const int Draws = 200;
        var covered = 0;
        var found = 0;
        var placeboEffects = 0;
        for (var draw = 0; draw < Draws; draw++)
        {
            var random = new Random(100 + draw);
            var planted = Simulated(random, agencies: 45, rounds: 4, treated: [1, 2, 3], effect: 10, preClimb: 0);
            var estimate = DifferenceInDifferences.Estimate(planted, new HashSet<int> { 1, 2, 3 }, new EffectWindow(0, 2, 2, 4), Rounds with { PlaceboDraws = 300 });
            covered += estimate.Low <= 10 && estimate.High >= 10 ? 1 : 0;
            found += estimate.Verdict == EffectVerdict.Effect ? 1 : 0;

            var quiet = Simulated(random, agencies: 45, rounds: 4, treated: [], effect: 0, preClimb: 0);
            HashSet<int> chosen = [.. Enumerable.Range(1, 45).OrderBy(_ => random.Next()).Take(1 + random.Next(3))];
            var placebo = DifferenceInDifferences.Estimate(quiet, chosen, new EffectWindow(0, 2, 2, 4), Rounds with { PlaceboDraws = 300 });
            placeboEffects += placebo.Verdict == EffectVerdict.Effect ? 1 : 0;
        }

        Assert.True(covered >= Draws * 90 / 100, $"the planted rise lay within its interval in {covered} of {Draws} draws");
        Assert.True(found >= Draws * 80 / 100, $"the planted rise was found in {found} of {Draws} draws");
        Assert.True(placeboEffects <= Draws * 5 / 100, $"{placeboEffects} of {Draws} placebo interventions were called an effect");
    }

    [Fact]
    public void Treated_agencies_already_climbing_in_the_rounds_before_cannot_tell()
    {
        // Three rounds before: the treated agencies climbed ten points a round faster than the rest before anything was done.
        var panel = Simulated(new Random(9), agencies: 45, rounds: 5, treated: [1, 2, 3], effect: 0, preClimb: 10);

        var estimate = DifferenceInDifferences.Estimate(panel, new HashSet<int> { 1, 2, 3 }, new EffectWindow(0, 3, 3, 5), Rounds);

        Assert.Equal(EffectVerdict.CannotTell, estimate.Verdict);
        Assert.Equal(CannotTellReason.PreTrendsDiffer, estimate.Reason);
        Assert.False(estimate.PreTrendOk);
    }

    /// <summary>
    /// Per cent favourable per agency and round: a level of its own, a change common to all in each round, and the noise of
    /// a sample of 120 answers (binomial, as a survey's share is); treated agencies rise by <paramref name="effect"/> in the
    /// rounds after the first half, and climb <paramref name="preClimb"/> a round faster than the rest before.
    /// </summary>
    private static List<AgencyPanel> Simulated(Random random, int agencies, int rounds, int[] treated, double effect, double preClimb)
    {
        var common = Enumerable.Range(0, rounds).Select(_ => Normal.Sample(random, 0, 2)).ToArray();
        var half = rounds / 2 + (rounds % 2);
        var panel = new List<AgencyPanel>();
        for (var id = 1; id <= agencies; id++)
        {
            var level = 45 + (random.NextDouble() * 25);
            var values = new double?[rounds];
            for (var r = 0; r < rounds; r++)
            {
                var truth = level + common[r] + (treated.Contains(id) ? (r >= half ? effect : 0) + (preClimb * Math.Min(r, half - 1)) : 0);
                var p = Math.Clamp(truth / 100, 0.01, 0.99);
                values[r] = 100.0 * Binomial.Sample(random, p, 120) / 120;
            }
            panel.Add(new AgencyPanel(id, 100 + (10 * id), values));
        }
        return panel;
    }

    private const string AgencyQuestion = "Hvilken virksomhet jobber du i?";

    private static readonly string[] Questions =
    [
        AgencyQuestion,
        "Hvor enig er du?.Jeg finner raskt informasjonen jeg trenger.",
        "Hvor enig er du?.Møtene mine i Teams er effektive.",
    ];

    private static readonly DateTime[] RoundDays =
    [
        new(2026, 2, 10, 9, 0, 0, DateTimeKind.Utc),
        new(2026, 5, 12, 9, 0, 0, DateTimeKind.Utc),
        new(2026, 8, 11, 9, 0, 0, DateTimeKind.Utc),
    ];

    /// <summary>
    /// Favourable answers of eight from each agency in each round: a level of its own (3 to 5) that moves up and down by one
    /// answer from round to round; the treated agencies E00 to E02 three more in the round after.
    /// </summary>
    private static int Favourable(int agency, int round) =>
        3 + (agency % 3) + ((agency + round) % 2) + (agency <= 2 && round == 2 ? 3 : 0);

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_survey_theme_is_an_outcome_judged_on_its_rounds_before_and_after_with_its_suppression(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 9, 1, 8, 0, 0, TimeSpan.Zero));
        var ids = await DirectoryAsync(db);
        var importer = new FormsImporter(db, new OrganisationDirectory(db), new SurveysOptions(), clock);
        string[] likert = ["Helt uenig", "Uenig", "Verken enig eller uenig", "Enig", "Helt enig"];
        for (var round = 0; round < RoundDays.Length; round++)
        {
            var responses = new List<FormsWorkbook.Response>();
            for (var agency = 0; agency < 16; agency++)
            {
                // Eight answers from each agency, the first k of them favourable; three from E15, too few to show, and six from
                // E14, the smallest group shown otherwise, which is hidden beside it so that E15 cannot be worked out from
                // the municipality's figure.
                var answers = agency switch { 15 => 3, 14 => 6, _ => 8 };
                for (var n = 0; n < answers; n++)
                {
                    var favourable = n < Favourable(agency, round);
                    var answer = favourable ? likert[3 + (n % 2)] : likert[n % 3];
                    responses.Add(new FormsWorkbook.Response("anonymous", RoundDays[round].AddMinutes(responses.Count), [$"Etat E{agency:00}", answer, answer]));
                }
            }
            var imported = await importer.ImportAsync(FormsWorkbook.Write(Questions, responses), $"runde-{round + 1}.xlsx",
                new FormsImportRequest { SurveyName = "Puls", Actor = "test", RoundName = $"Runde {round + 1}" }, default);
            Assert.True(imported.Status == FormsImportStatus.Imported, string.Join("\n", imported.Errors));
        }
        var survey = await db.Surveys.AsNoTracking().SingleAsync();
        var theme = await db.SurveyThemes.AsNoTracking().SingleAsync(t => t.SurveyId == survey.Id);
        var metric = EffectOutcomes.Survey(survey.Id, "theme:" + theme.Key);

        var log = EffectSeed.Log(db, clock);
        async Task<int> AddAsync(string name, DateOnly date, params string[] codes)
        {
            var saved = await log.SaveAsync(null, new InterventionInput
            {
                Name = name,
                Kind = InterventionKind.Workshop,
                StartsOn = date,
                AgencyIds = [.. codes.Select(c => ids[c])],
                Metrics = [metric],
            }, ProcessUsers.Central, default);
            Assert.True(saved.Succeeded, saved.Error);
            return saved.Value!.Id;
        }
        var workshop = await AddAsync("Verksted med ledergruppene", new DateOnly(2026, 6, 15), "E00", "E01", "E02");
        var tooEarly = await AddAsync("Verksted før første runde", new DateOnly(2026, 1, 15), "E05");
        var tiny = await AddAsync("Hjelp til E15", new DateOnly(2026, 6, 16), "E15");
        var unknown = await log.SaveAsync(null, new InterventionInput
        {
            Name = "Feil mål",
            Kind = InterventionKind.Workshop,
            StartsOn = new DateOnly(2026, 6, 15),
            AgencyIds = [ids["E03"]],
            Metrics = ["survey:999:theme:x"],
        }, ProcessUsers.Central, default);
        Assert.False(unknown.Succeeded);
        Assert.Equal("metrics", unknown.Field);

        await EffectSeed.Estimator(db, clock).EstimateAllAsync(default);

        var rows = (await EffectSeed.Queries(db).ListAsync(null, null, default)).ToDictionary(r => r.Intervention.Id);
        var effect = rows[workshop].Effects.Single();
        Assert.Equal(EffectUnit.Percent, effect.Metric.Unit);
        Assert.Equal("Puls: " + SurveysText.Get("MeasureTheme", theme.NameNb), effect.Metric.Name);
        // Planted: three more favourable answers of eight in both questions, +37.5 points, against agencies that move up and
        // down by one answer (12.5 points) from round to round.
        Assert.True(effect.Result.Verdict == EffectVerdict.Effect, $"{effect.Result.Verdict} {effect.Result.Reason} {effect.Result.Estimate} {effect.Result.Low} {effect.Result.High} {effect.Result.PreTrendOk} {effect.Result.PlaceboSets} {string.Join(",", effect.Result.Comparison)}");
        Assert.InRange(effect.Result.Estimate!.Value, 25, 50);
        Assert.InRange(37.5, effect.Result.Low!.Value, effect.Result.High!.Value);
        Assert.True(effect.Result.Low > 0);
        Assert.Equal([ids["E00"], ids["E01"], ids["E02"]], effect.Result.Treated.Order());
        Assert.DoesNotContain(ids["E15"], effect.Result.Comparison);
        Assert.DoesNotContain(ids["E14"], effect.Result.Comparison);
        // The treated agencies' own change: 2.5, 3.5 and 2.5 answers of eight.
        Assert.Equal(8.5 / 3 * 12.5, effect.Result.TreatedAfter!.Value - effect.Result.TreatedBefore!.Value, 9);
        Assert.True(effect.Result.PreTrendOk);
        Assert.Equal([(-2, "Runde 1"), (-1, "Runde 2"), (1, "Runde 3")], effect.EventStudy.Select(e => (e.Week, e.Round!)));
        Assert.Equal(DateOnly.FromDateTime(RoundDays[2]), effect.EventStudy[^1].Closes);

        Assert.Equal((EffectVerdict.CannotTell, CannotTellReason.WindowTooShort), (rows[tooEarly].Effects.Single().Result.Verdict, rows[tooEarly].Effects.Single().Result.Reason));
        var hidden = rows[tiny].Effects.Single().Result;
        Assert.Equal((EffectVerdict.CannotTell, CannotTellReason.TreatedGroupTooSmall), (hidden.Verdict, hidden.Reason));
        Assert.Null(hidden.Estimate);
        Assert.Null(hidden.TreatedBefore);

        // The API names the unit.
        var response = EffectsModule.Response(rows[workshop], effect);
        Assert.Equal(("percent", metric), (response.Unit, response.Metric));
    }

    private static async Task<Dictionary<string, int>> DirectoryAsync(OppdriftDb db)
    {
        var at = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < 16; i++)
        {
            var agency = new Agency { Code = $"E{i:00}", Name = $"Etat E{i:00}", CreatedAt = at };
            db.Agencies.Add(agency);
            await db.SaveChangesAsync();
            var people = i == 15 ? 6 : 20 + i;
            for (var n = 1; n <= people; n++)
            {
                var mail = $"e{i:00}-{n}@kommune.no";
                db.People.Add(new Person
                {
                    UserPrincipalName = mail,
                    NormalizedUserPrincipalName = mail,
                    DisplayName = $"E{i:00} {n}",
                    Mail = mail,
                    AgencyId = agency.Id,
                    IsActive = true,
                    AccountEnabled = true,
                    FirstSeenAt = at,
                });
            }
        }
        await db.SaveChangesAsync();
        return await db.Agencies.ToDictionaryAsync(a => a.Code, a => a.Id);
    }
}
