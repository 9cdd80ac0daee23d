using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Data;
using Oppdrift.Demo;
using Oppdrift.Learning;
using Oppdrift.Organisation;
using Oppdrift.Shared.Privacy;
using Oppdrift.Surveys;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Surveys;

public sealed class DemoSurveysTests
{
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_demo_has_three_quarterly_rounds_with_realistic_response_rates_and_small_agencies_hidden(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero));
        await new DemoLoader(db, clock).LoadAsync(DemoMunicipality.Generate(9, 3_000), Path.Combine(database.Folder, "demo"));
        var options = new SurveysOptions();
        var demo = new DemoSurveys(db, clock, options, new LearningQueries(db, new SuppressionOptions()));

        var watch = Stopwatch.StartNew();
        var result = await demo.LoadAsync(9, Path.Combine(database.Folder, "demo"), default);
        watch.Stop();

        Assert.Equal(3, result.Rounds);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"{watch.Elapsed}");
        var queries = new SurveyQueries(db, new OrganisationDirectory(db), options);
        var survey = (await queries.ListAsync(default)).Single();
        Assert.Equal((3, result.Responses), (survey.Rounds, survey.Responses));
        var view = (await queries.ResultsAsync(survey.Id, null, false, default))!;
        Assert.Equal(["2026 K1", "2026 K2", "2026 K3"], view.Rounds.Select(r => r.Name));
        var municipality = view.Groups[0].Rounds;
        Assert.All(municipality, p => Assert.InRange(p.Rate!.Value, 25, 75));
        // Some agencies are too small to be shown in some round; the municipality always is.
        var statement = view.Questions[0];
        Assert.Contains(statement.Groups.SelectMany(g => g.Rounds), c => c.Suppressed == Hidden.SmallGroup);
        Assert.All(statement.Groups[0].Rounds, c => Assert.Null(c.Suppressed));
        Assert.Equal(6, view.Themes.Count);
        Assert.All(view.Themes, t => Assert.All(t.Groups[0].Rounds, c => Assert.NotNull(c.Favourable)));
        // Loading again adds nothing.
        Assert.Equal(0, (await demo.LoadAsync(9, Path.Combine(database.Folder, "demo"), default)).Rounds);
    }
}
