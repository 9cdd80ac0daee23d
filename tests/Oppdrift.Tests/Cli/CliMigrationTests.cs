using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;

namespace Oppdrift.Tests.Cli;

/// <summary>`oppdrift migration` and `surveys`: attaching a scan to an agency, and a survey from a Forms export.</summary>
public sealed class CliMigrationTests : CliTests
{
    /// <summary>SQLite in the test's data directory, or a new PostgreSQL database the CLI creates when it migrates.</summary>
    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task A_scan_is_attached_to_an_agency_once_and_a_file_that_is_no_inventory_is_refused_by_name(DatabaseKind kind)
    {
        var database = DatabaseArguments(kind);
        Assert.Equal(0, (await RunAsync(["db", "migrate", .. database])).ExitCode);
        await using (var db = CreateDb(kind))
        {
            db.Agencies.Add(new Oppdrift.Organisation.Agency { Code = "OKO", Name = "Økonomietaten" });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }
        var share = Path.Combine(Folder, "share");
        Directory.CreateDirectory(Path.Combine(share, "Økonomi"));
        await File.WriteAllTextAsync(Path.Combine(share, "Økonomi", "budsjett.xlsx"), "tall", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(share, "Økonomi", "hva?.txt"), "spørsmål", TestContext.Current.CancellationToken);
        var inventories = Path.Combine(Folder, "scans");

        var scan = await RunAsync(["scan", share, "--inventory-dir", inventories, "--attach-to", "OKO", "--share", "Økonomi fellesområde",
            "--source-unc", @"\\fil01\okonomi$", .. database]);
        var inventory = Directory.GetFiles(inventories, "*.scan.sqlite").Single();
        var again = await RunAsync(["migration", "attach", inventory, "--agency", "OKO", "--share", "Økonomi fellesområde", .. database]);
        var notes = Path.Combine(Folder, "notater.scan.sqlite");
        await File.WriteAllTextAsync(notes, "ikke en inventarfil", TestContext.Current.CancellationToken);
        var garbage = await RunAsync(["migration", "attach", notes, "--agency", "OKO", "--share", "Annet", .. database]);
        var unknown = await RunAsync(["migration", "attach", inventory, "--agency", "NEI", "--share", "Annet", .. database]);

        Assert.True(scan.ExitCode == 0, scan.Error);
        Assert.Contains("Skanningen er lagt til.", scan.Output, StringComparison.Ordinal);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("var allerede lagt til", again.Output, StringComparison.Ordinal);
        Assert.Equal(2, garbage.ExitCode);
        Assert.Contains("notater.scan.sqlite: ", garbage.Error, StringComparison.Ordinal);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--agency NEI", unknown.Error, StringComparison.Ordinal);
        await using (var db = CreateDb(kind))
        {
            var stored = await db.SourceShares.Include(s => s.Scans).SingleAsync(TestContext.Current.CancellationToken);
            Assert.Equal(("Økonomi fellesområde", @"\\fil01\okonomi$"), (stored.Name, stored.SourcePath));
            Assert.Equal((2L, 1L), (stored.Scans.Single().Files, stored.Scans.Single().Blockers));
        }
    }

    [Fact]
    public async Task Surveys_import_creates_the_survey_from_a_Forms_export_and_results_print_hidden_figures_as_null_with_the_reason()
    {
        var file = Path.Combine(Folder, "puls.xlsx");
        string[] questions = ["Hvilken virksomhet jobber du i?", "Hvor enig er du?.Møtene mine i Teams er effektive."];
        // Twelve answers from Bydel Nord, three from Kulturetaten: too few to be stored as Kulturetaten's, they count as
        // "other", which is hidden, and Bydel Nord with it (or the municipality minus Bydel Nord would give them).
        await File.WriteAllBytesAsync(file, Oppdrift.Tests.Surveys.FormsWorkbook.Write(questions,
            [.. Enumerable.Range(0, 15).Select(i => new Oppdrift.Tests.Surveys.FormsWorkbook.Response("anonymous", new DateTime(2026, 3, 2, 9, i, 0), [i < 12 ? "BNO" : "KUL", "Enig"]))]),
            TestContext.Current.CancellationToken);
        Assert.Equal(0, (await RunAsync("db", "migrate", "--data", Data)).ExitCode);
        await using (var db = CreateDb(DatabaseKind.Sqlite))
        {
            db.Agencies.AddRange(new Oppdrift.Organisation.Agency { Code = "BNO", Name = "Bydel Nord" }, new Oppdrift.Organisation.Agency { Code = "KUL", Name = "Kulturetaten" });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var imported = await RunAsync("surveys", "import", file, "--survey", "Puls", "--data", Data);
        var again = await RunAsync("surveys", "import", file, "--survey", "Puls", "--data", Data);
        var results = await RunAsync("surveys", "results", "Puls", "--json", "--data", Data);
        var missing = await RunAsync("surveys", "results", "Ingen slik", "--data", Data);

        Assert.True(imported.ExitCode == 0, imported.ToString());
        Assert.Contains("15 responses imported", imported.Output, StringComparison.Ordinal);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("puls.xlsx: ", again.Error, StringComparison.Ordinal);
        Assert.True(results.ExitCode == 0, results.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(results.Output);
        var groups = json.RootElement.GetProperty("questions")[0].GetProperty("groups").EnumerateArray()
            .ToDictionary(g => g.GetProperty("group").GetString()!, g => g.GetProperty("rounds")[0]);
        Assert.Equal(15, groups["municipality"].GetProperty("respondents").GetInt32());
        Assert.Equal(100.0, groups["municipality"].GetProperty("favourable").GetDouble());
        Assert.False(groups.ContainsKey("KUL"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, groups["other"].GetProperty("mean").ValueKind);
        Assert.Equal("SmallGroup", groups["other"].GetProperty("suppressed").GetString());
        Assert.Equal("Complementary", groups["BNO"].GetProperty("suppressed").GetString());
        Assert.Equal(2, missing.ExitCode);
    }
}
