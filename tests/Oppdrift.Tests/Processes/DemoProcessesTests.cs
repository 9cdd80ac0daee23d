using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Demo;
using Oppdrift.Effects;
using Oppdrift.Learning;
using Oppdrift.Organisation;
using Oppdrift.Processes;
using Oppdrift.Shared.Privacy;
using Oppdrift.ShareMigration;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Processes;

/// <summary>The demo's fifteen processes land through the real editor, in every state, and the moved ones link to the template's benefit.</summary>
public sealed class DemoProcessesTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_demo_registers_fifteen_processes_in_every_state_and_links_the_moved_ones_to_the_efficiency_benefit(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        await new DemoLoader(db, TimeProvider.System).LoadAsync(DemoMunicipality.Generate(9, 2_000), Path.Combine(database.Folder, "demo"));
        var s = new ProcessServices(db);
        var user = BenefitsTemplate.System(DemoLoader.Actor);
        var demo = new DemoProcesses(db, s.Editor, s.Clock);

        Assert.Equal(15, await demo.LoadAsync(user, default));
        Assert.Equal(0, await demo.LoadAsync(user, default)); // once only

        var rows = await s.Queries.ListAsync(new ProcessFilter(), null, default);
        Assert.Equal(15, rows.Count);
        Assert.Equal(Enum.GetValues<ProcessState>(), rows.Select(r => r.State).Distinct().Order());
        Assert.All(rows.Where(r => r.State >= ProcessState.Moved), r =>
        {
            Assert.NotNull(r.MovedOn);
            Assert.True(r.MovedOn >= r.RegisteredOn);
            Assert.True(r.Gain.HoursSavedPerYear > 0, r.Name);
        });
        Assert.All(rows.Where(r => r.State < ProcessState.Moved), r => Assert.Null(r.Gain.HoursSavedPerYear));
        Assert.Contains(rows, r => r.Name == "Saksbehandling mellom etater på e-post" && r.Involved.Count == 2);
        Assert.Contains(rows, r => r.Gain.Confidence == GainConfidence.Low);
        Assert.Contains(rows, r => r.Gain.Confidence == GainConfidence.High);

        // The template's benefit, as the demo's usage load creates it; then the link.
        var goal = (await s.BenefitsEditor.SaveGoalAsync(null, new GoalInput("Arbeide mer effektivt", null), user, default)).Value!.Id;
        var benefit = (await s.BenefitsEditor.SaveBenefitAsync(null, new BenefitInput(goal, DemoProcesses.EfficiencyBenefit, null, "Endringsleder, UKE",
            s.Today.AddDays(-365), s.Today.AddYears(1), false, true, null, null, []), user, default)).Value!.Id;
        var services = new ServiceCollection()
            .AddSingleton(db).AddSingleton<TimeProvider>(s.Clock).AddSingleton(new BenefitsOptions())
            .AddScoped<OrganisationDirectory>().AddScoped<BenefitsQueries>().AddScoped<ProcessQueries>().AddScoped<ProcessEditor>()
            .BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();

        Assert.Equal(6, await DemoProcesses.LinkToBenefitsAsync(scope.ServiceProvider, user, default));
        var linked = await s.Queries.LinkedAsync([benefit], default);
        Assert.Equal(6, linked.Count);
        Assert.All(linked, l => Assert.True(l.State >= ProcessState.Moved));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_demo_shows_a_process_measure_estimate_against_unmoved_processes_measured_twice(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        await new DemoLoader(db, TimeProvider.System).LoadAsync(DemoMunicipality.Generate(9, 2_000), Path.Combine(database.Folder, "demo"));
        var s = new ProcessServices(db);
        var user = BenefitsTemplate.System(DemoLoader.Actor);
        await new DemoProcesses(db, s.Editor, s.Clock).LoadAsync(user, default);
        await new InterventionSources(db, new LearningQueries(db, new SuppressionOptions()), s.Queries, new MigrationQueries(db), s.Clock).SyncAsync(default);
        await Oppdrift.Tests.Effects.EffectSeed.Estimator(db, s.Clock).EstimateAllAsync(default);

        var rows = await Oppdrift.Tests.Effects.EffectSeed.Queries(db).ListAsync(null, null, default);
        var estimates = rows.SelectMany(r => r.Effects.Where(e => e.Metric.ByProcess).Select(e => (r.Intervention.Name, e))).ToList();
        foreach (var (name, e) in estimates)
        {
            output.WriteLine(FormattableString.Invariant(
                $"{name} | {e.Result.Metric} | {e.Result.Verdict} {e.Result.Reason} | {e.Result.Estimate:P1} ({e.Result.Low:P1} to {e.Result.High:P1}) | {e.TreatedProcesses} moved, {e.ComparisonProcesses} compared | pre-trend {e.Result.PreTrendOk}"));
        }
        var cases = estimates.Single(x => x.Name == "Saksbehandling mellom etater på e-post" && x.e.Result.Metric == "process:MinutesPerCase").e;
        Assert.Equal(EffectVerdict.Effect, cases.Result.Verdict);
        Assert.InRange(cases.Result.Estimate!.Value, cases.Result.Low!.Value, cases.Result.High!.Value);
        Assert.True(cases.ComparisonProcesses >= ProcessDifferenceInDifferences.MinimumComparisonProcesses);
    }
}
