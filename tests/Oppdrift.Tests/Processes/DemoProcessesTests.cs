using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Demo;
using Oppdrift.Organisation;
using Oppdrift.Processes;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Processes;

/// <summary>The demo's twelve processes land through the real editor, in every state, and the moved ones link to the template's benefit.</summary>
public sealed class DemoProcessesTests
{
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_demo_registers_twelve_processes_in_every_state_and_links_the_moved_ones_to_the_efficiency_benefit(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        await new DemoLoader(db, TimeProvider.System).LoadAsync(DemoMunicipality.Generate(9, 2_000), Path.Combine(database.Folder, "demo"));
        var s = new ProcessServices(db);
        var user = BenefitsTemplate.System(DemoLoader.Actor);
        var demo = new DemoProcesses(db, s.Editor, s.Clock);

        Assert.Equal(12, await demo.LoadAsync(user, default));
        Assert.Equal(0, await demo.LoadAsync(user, default)); // once only

        var rows = await s.Queries.ListAsync(new ProcessFilter(), null, default);
        Assert.Equal(12, rows.Count);
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
}
