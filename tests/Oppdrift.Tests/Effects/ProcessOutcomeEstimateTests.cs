using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Effects;
using Oppdrift.Learning;
using Oppdrift.Organisation;
using Oppdrift.Processes;
using Oppdrift.ShareMigration;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Tests.Learning;
using Oppdrift.Tests.Processes;

namespace Oppdrift.Tests.Effects;

/// <summary>A moved process judged on its minutes per case against unmoved processes measured twice, on both databases, through the queries, the API and the page.</summary>
public sealed class ProcessOutcomeEstimateTests
{
    private static readonly DateOnly MovedOn = new(2026, 6, 1);

    /// <summary>
    /// The worked example of <see cref="ProcessOutcomeTests"/> in the register: the moved process (owned by BOS) measured
    /// 40 and 50 minutes a case before its move on 1 June 2026 and 30 after; three unmoved processes measured on
    /// 1 March and again on 1 September: 20 → 22 (SYE), 10 → 9 (KUL), 60 → 60 (BYA). Returns the moved process's id.
    /// </summary>
    internal static async Task<int> SeedAsync(OppdriftDb db, IReadOnlyDictionary<string, int> agencies, params string[] codes)
    {
        codes = codes.Length == 4 ? codes : ["BOS", "SYE", "KUL", "BYA"];
        var s = new ProcessServices(db);
        async Task<int> RegisterAsync(string owner, string name, double minutes)
        {
            var input = ProcessServices.Input(agencies[owner]) with { Name = name, Before = ProcessServices.Measures(minutes), BeforeMeasuredOn = new DateOnly(2026, 3, 1) };
            return await s.CreateAsync(input);
        }
        var moved = await RegisterAsync(codes[0], "Byggesaker i felles postkasse", 40);
        Assert.True((await s.Editor.RecordAsync(moved, MeasurePhase.Before, new DateOnly(2026, 5, 1), ProcessServices.Measures(50), ProcessUsers.Central, default)).Succeeded);
        Assert.True((await s.Editor.SetStateAsync(moved, ProcessState.Moved, MovedOn, ProcessUsers.Central, default)).Succeeded);
        var after = await s.Editor.SaveAfterAsync(moved, ProcessServices.Measures(30), ProcessUsers.Central, default, new DateOnly(2026, 8, 1));
        Assert.True(after.Succeeded, after.Error);
        foreach (var (owner, before, later) in new[] { (codes[1], 20.0, 22.0), (codes[2], 10.0, 9.0), (codes[3], 60.0, 60.0) })
        {
            var id = await RegisterAsync(owner, "Timelister " + owner, before);
            var again = await s.Editor.RecordAsync(id, MeasurePhase.Before, new DateOnly(2026, 9, 1), ProcessServices.Measures(later), ProcessUsers.Central, default);
            Assert.True(again.Succeeded, again.Error);
        }
        return moved;
    }

    private static InterventionSources Sources(OppdriftDb db, TimeProvider clock) =>
        new(db, new LearningQueries(db, EffectSeed.Suppression), new ProcessQueries(db, new Oppdrift.Benefits.BenefitsOptions()), new MigrationQueries(db), clock);

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_moved_process_is_judged_on_its_minutes_per_case_against_unmoved_processes_and_only_its_agencies_see_it(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var agencies = (await LearningSeed.AgenciesAsync(db, "BOS", "SYE", "KUL", "BYA")).ToDictionary(a => a.Code, a => a.Id);
        var moved = await SeedAsync(db, agencies);
        var clock = new ProcessServices(db).Clock;

        Assert.Equal(1, await Sources(db, clock).SyncAsync(default));
        var derived = await db.Interventions.AsNoTracking().SingleAsync();
        Assert.Equal(["sharepoint.fileUsers", "exchange.sent", "process:MinutesPerCase"], derived.Metrics);
        // A hand-made process move on a day no process moved: no treated process.
        var log = EffectSeed.Log(db, clock);
        var hand = await log.SaveAsync(null, new InterventionInput
        {
            Name = "Flytting av postmottak",
            Kind = InterventionKind.ProcessMove,
            StartsOn = new DateOnly(2026, 7, 1),
            AgencyIds = [agencies["BOS"]],
            Metrics = ["process:MinutesPerCase"],
        }, ProcessUsers.Central, default);
        Assert.True(hand.Succeeded, hand.Error);
        Assert.False((await log.SaveAsync(null, new InterventionInput
        {
            Name = "Ukjent",
            Kind = InterventionKind.ProcessMove,
            StartsOn = new DateOnly(2026, 7, 1),
            AgencyIds = [agencies["BOS"]],
            Metrics = ["process:MinutesPerMeeting"],
        }, ProcessUsers.Central, default)).Succeeded);

        await EffectSeed.Estimator(db, clock).EstimateAllAsync(default);

        var queries = EffectSeed.Queries(db);
        var row = (await queries.FindAsync(derived.Id, null, default))!;
        var effect = row.Effects.Single(e => e.Result.Metric == "process:MinutesPerCase");
        Assert.Equal(EffectUnit.PercentChange, effect.Metric.Unit);
        Assert.Equal(EffectsText.Get("ProcessOutcomeName", ProcessesText.Measure(ProcessMeasureKind.MinutesPerCase)), effect.Metric.Name);
        Assert.Equal(EffectVerdict.NoEffect, effect.Result.Verdict);
        Assert.Equal(-0.3310961801013429, effect.Result.Estimate!.Value, 9);
        Assert.Equal(-0.5937623706944516, effect.Result.Low!.Value, 6);
        Assert.Equal(0.10140540412242927, effect.Result.High!.Value, 6);
        Assert.Null(effect.Result.PreTrendOk); // one measure before each comparison process
        Assert.Equal((1, 3), (effect.TreatedProcesses, effect.ComparisonProcesses));
        Assert.Equal(["BOS"], effect.Treated.Select(a => a.Code));
        Assert.Empty(effect.Comparison); // comparison processes are counted, not named

        var response = EffectsModule.Response(row, effect);
        Assert.Equal(("percentChange", "noEffect", 1, 3), (response.Unit, response.Verdict, response.TreatedProcesses, response.ComparisonProcesses));
        Assert.Equal(["BOS"], response.TreatedAgencies);
        Assert.Empty(response.ComparisonAgencies);
        Assert.Equal(45, response.Before);

        var handRow = (await queries.FindAsync(hand.Value!.Id, null, default))!;
        Assert.Equal(CannotTellReason.NoTreatedProcess, handRow.Effects.Single().Result.Reason);

        // The moved process's agency reads it; a comparison process's agency does not see the intervention at all.
        Assert.NotNull(await queries.FindAsync(derived.Id, new HashSet<int> { agencies["BOS"] }, default));
        Assert.Null(await queries.FindAsync(derived.Id, new HashSet<int> { agencies["KUL"] }, default));
        Assert.DoesNotContain(await queries.ListAsync(new HashSet<int> { agencies["KUL"] }, null, default), r => r.Intervention.Id == derived.Id);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_page_and_the_api_show_the_process_outcome_and_a_leader_of_another_agency_is_refused(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 100);
        int interventionId;
        await using (var db = app.Database.CreateContext())
        {
            string[] codes = ["XP1", "XP2", "XP3", "XP4"];
            var agencies = (await LearningSeed.AgenciesAsync(db, codes)).ToDictionary(a => a.Code, a => a.Id);
            await SeedAsync(db, agencies, codes);
        }
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<InterventionSources>().SyncAsync(default);
            await scope.ServiceProvider.GetRequiredService<EffectEstimator>().EstimateAllAsync(default);
        }
        await using (var db = app.Database.CreateContext())
        {
            interventionId = (await db.Interventions.SingleAsync(i => i.SourceKind == InterventionSource.Process)).Id;
        }
        using var central = await app.SignInAsync(Roles.ChangeLeader);
        using var leader = await app.SignInAsync(Roles.AgencyLeader, "XP1");
        using var otherLeader = await app.SignInAsync(Roles.AgencyLeader, "XP3");

        var page = WebUtility.HtmlDecode(await leader.GetStringAsync($"/effects/{interventionId}"));
        Assert.Contains("Prosessmåling: ", page, StringComparison.Ordinal);
        Assert.Contains("−33,1 %", page, StringComparison.Ordinal);
        Assert.Contains("Sammenligningsprosesser", page, StringComparison.Ordinal);
        Assert.Contains("Før og etter", page, StringComparison.Ordinal);
        Assert.Contains("Kan ikke sjekkes: bare én måling før", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Timelister XP", page, StringComparison.Ordinal); // comparison processes are not named
        Assert.Equal(HttpStatusCode.NotFound, (await otherLeader.GetAsync($"/effects/{interventionId}")).StatusCode);

        var json = await central.GetStringAsync("/api/effects");
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var estimate = document.RootElement.EnumerateArray().Single(e => e.GetProperty("metric").GetString() == "process:MinutesPerCase");
        Assert.Equal("percentChange", estimate.GetProperty("unit").GetString());
        Assert.Equal("noEffect", estimate.GetProperty("verdict").GetString());
        Assert.Equal(3, estimate.GetProperty("comparisonProcesses").GetInt32());
        Assert.Equal(-0.331096, estimate.GetProperty("estimate").GetDouble(), 6);
        Assert.DoesNotContain(System.Text.Json.JsonDocument.Parse(await otherLeader.GetStringAsync("/api/effects")).RootElement.EnumerateArray(),
            e => e.GetProperty("interventionId").GetInt32() == interventionId);
    }
}
