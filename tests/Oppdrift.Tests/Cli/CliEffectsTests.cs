using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;

namespace Oppdrift.Tests.Cli;

/// <summary>`oppdrift effects`: recording interventions and printing every estimate.</summary>
public sealed class CliEffectsTests : CliTests
{
    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task Effects_intervention_add_records_once_per_name_and_date_and_estimate_prints_every_estimate_as_json(DatabaseKind kind)
    {
        var database = DatabaseArguments(kind);
        Assert.Equal(0, (await RunAsync(["db", "migrate", .. database])).ExitCode);
        await using (var db = CreateDb(kind))
        {
            await Oppdrift.Tests.Effects.EffectSeed.SeedAsync(db);
        }

        var added = await RunAsync(["effects", "intervention", "add", "--name", "Teams-uke", "--date", "2026-04-06", "--agencies", "A00", "--kind", "training", .. database]);
        var again = await RunAsync(["effects", "intervention", "add", "--name", "Teams-uke", "--date", "2026-04-06", "--agencies", "A00", "--kind", "Training",
            "--metrics", "teams.active7", "--note", "For alle", .. database]);
        var badDate = await RunAsync(["effects", "intervention", "add", "--name", "X", "--date", "6.4.2026", "--agencies", "A00", .. database]);
        var badAgency = await RunAsync(["effects", "intervention", "add", "--name", "X", "--date", "2026-04-06", "--agencies", "A00,NEI", .. database]);
        var badKind = await RunAsync(["effects", "intervention", "add", "--name", "X", "--date", "2026-04-06", "--agencies", "A00", "--kind", "Kurs", .. database]);
        var badMetric = await RunAsync(["effects", "intervention", "add", "--name", "X", "--date", "2026-04-06", "--agencies", "A00", "--metrics", "teams.nei", .. database]);
        var estimate = await RunAsync(["effects", "estimate", "--json", .. database]);

        Assert.True(added.ExitCode == 0, added.Error);
        Assert.Contains("recorded", added.Output, StringComparison.Ordinal);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("updated", again.Output, StringComparison.Ordinal);
        Assert.Equal((2, 2, 2, 2), (badDate.ExitCode, badAgency.ExitCode, badKind.ExitCode, badMetric.ExitCode));
        Assert.Contains("--date", badDate.Error, StringComparison.Ordinal);
        Assert.Contains("--agencies: no agency has the code \"NEI\"", badAgency.Error, StringComparison.Ordinal);
        Assert.Contains("--kind", badKind.Error, StringComparison.Ordinal);
        Assert.Contains("--metrics", badMetric.Error, StringComparison.Ordinal);
        Assert.True(estimate.ExitCode == 0, estimate.Error);
        using var json = System.Text.Json.JsonDocument.Parse(estimate.Output);
        var row = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("Teams-uke", row.GetProperty("intervention").GetString());
        Assert.Equal("teams.active7", row.GetProperty("metric").GetString());
        Assert.Equal(["A00"], row.GetProperty("treatedAgencies").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(5, row.GetProperty("comparisonAgencies").GetArrayLength());
        Assert.Equal("effect", row.GetProperty("verdict").GetString());
        Assert.True(row.GetProperty("preTrendOk").GetBoolean());
        Assert.InRange(0.20, row.GetProperty("ciLow").GetDouble(), row.GetProperty("ciHigh").GetDouble());
        Assert.True(row.GetProperty("estimate").GetDouble() > 0);
        await using (var db = CreateDb(kind))
        {
            Assert.Equal(1, await db.Interventions.CountAsync(TestContext.Current.CancellationToken));
            Assert.Equal(["effects.intervention.create", "effects.intervention.update", "export.effects"],
                await db.AuditEntries.Where(a => a.Action.Contains("effects")).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync(TestContext.Current.CancellationToken));
        }
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task Effects_intervention_add_takes_units_by_agency_code_and_name_and_names_a_unit_it_cannot_find(DatabaseKind kind)
    {
        var database = DatabaseArguments(kind);
        Assert.Equal(0, (await RunAsync(["db", "migrate", .. database])).ExitCode);
        await using (var db = CreateDb(kind))
        {
            var ids = await Oppdrift.Tests.Effects.EffectSeed.SeedAsync(db);
            db.Units.AddRange(new Oppdrift.Organisation.Unit { AgencyId = ids["A00"], Name = "Hjemmetjenesten Nord" }, new Oppdrift.Organisation.Unit { AgencyId = ids["A01"], Name = "Skolen" });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var added = await RunAsync(["effects", "intervention", "add", "--name", "Hjelp", "--date", "2026-04-06", "--kind", "help",
            "--unit", "a00:hjemmetjenesten nord", "--unit", "A01:Skolen", .. database]);
        var noAgency = await RunAsync(["effects", "intervention", "add", "--name", "X", "--date", "2026-04-06", .. database]);
        var noUnit = await RunAsync(["effects", "intervention", "add", "--name", "X", "--date", "2026-04-06", "--unit", "A00:Finnes ikke", .. database]);
        var noCode = await RunAsync(["effects", "intervention", "add", "--name", "X", "--date", "2026-04-06", "--unit", "Skolen", .. database]);

        Assert.True(added.ExitCode == 0, added.Error);
        Assert.Equal((2, 2, 2), (noAgency.ExitCode, noUnit.ExitCode, noCode.ExitCode));
        Assert.Contains("--agencies", noAgency.Error, StringComparison.Ordinal);
        Assert.Contains("--unit: Etat A00 has no unit named \"Finnes ikke\"", noUnit.Error, StringComparison.Ordinal);
        Assert.Contains("--unit: \"Skolen\"", noCode.Error, StringComparison.Ordinal);
        await using (var db = CreateDb(kind))
        {
            var stored = await db.Interventions.Include(i => i.Agencies).Include(i => i.Units).AsSplitQuery().SingleAsync(TestContext.Current.CancellationToken);
            Assert.Equal(2, stored.Units.Count);
            Assert.Equal(2, stored.Agencies.Count);
        }
    }
}
