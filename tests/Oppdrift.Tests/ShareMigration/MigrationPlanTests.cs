using System.Globalization;
using System.Security.Claims;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.ShareMigration;
using Oppdrift.Tests.Infrastructure;
using X = DocumentFormat.OpenXml.Spreadsheet;

namespace Oppdrift.Tests.ShareMigration;

public sealed class MigrationPlanTests
{
    private const string Site = "https://kommune.sharepoint.com/sites/okonomi";

    private sealed class Plan(OppdriftDb db, string folder)
    {
        public readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        public readonly MigrationStorage Storage = new(Path.Combine(folder, "migration", "scans"));
        public MigrationPlans Plans => new(db, Storage, new MigrationOptions(), Clock);
        public MigrationQueries Queries => new(db);

        public async Task<Oppdrift.Shared.Result<AttachOutcome>> AttachAsync(string inventory, int agencyId, string share = "Økonomi fellesområde", string? unc = @"\\fil01\okonomi$")
        {
            await using var content = File.OpenRead(inventory);
            return await Plans.AttachAsync(new AttachRequest
            {
                AgencyId = agencyId,
                ShareName = share,
                SourcePath = unc,
                FileName = Path.GetFileName(inventory),
                Actor = "endringsleder",
            }, content, TestContext.Current.CancellationToken);
        }
    }

    private static async Task<(int Economy, int Health)> AgenciesAsync(OppdriftDb db)
    {
        var economy = new Agency { Code = "OKO", Name = "Økonomietaten" };
        var health = new Agency { Code = "HEL", Name = "Helseetaten" };
        db.Agencies.AddRange(economy, health);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return (economy.Id, health.Id);
    }

    private static MappingInput Map(string folder, string targetFolder = "") =>
        new() { SourceFolder = folder, SiteUrl = Site, Library = "Shared Documents", TargetFolder = targetFolder };

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_attached_scan_keeps_its_profile_and_the_same_inventory_twice_changes_nothing(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        using var share = await PlanShare.CreateAsync();
        var (economy, _) = await AgenciesAsync(db);
        var plan = new Plan(db, database.Folder);

        var first = await plan.AttachAsync(share.Inventory, economy);
        var second = await plan.AttachAsync(share.Inventory, economy);

        Assert.True(first.Succeeded, first.Error);
        Assert.False(first.Value!.AlreadyAttached);
        Assert.True(second.Value!.AlreadyAttached);
        Assert.Equal(first.Value.ScanId, second.Value.ScanId);
        var scan = await db.ShareScans.AsNoTracking().SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal((7L, 2367L, 1L), (scan.Files, scan.Bytes, scan.Blockers));
        Assert.Equal(new DateTime(2026, 11, 26, 12, 0, 0, DateTimeKind.Utc), scan.ScannedAt);
        Assert.True(File.Exists(plan.Storage.PathOf(scan.StoredName)));
        Assert.Single(Directory.GetFiles(plan.Storage.Folder)); // nothing left of the second upload
        var folders = await db.ShareScanFolders.AsNoTracking().Where(f => f.ScanId == scan.Id).Select(f => f.Path).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Contains("Økonomi", folders);
        Assert.Contains($"Prosjekt/{PlanShare.LongFolder}", folders);
        var audit = await db.AuditEntries.SingleAsync(a => a.Action == "migration.scan.attach", TestContext.Current.CancellationToken);
        Assert.Equal("Økonomi fellesområde", System.Text.Json.JsonDocument.Parse(audit.After!).RootElement.GetProperty("Share").GetString());
        var share1 = await db.SourceShares.AsNoTracking().SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal((@"\\fil01\okonomi$", ShareKind.Department), (share1.SourcePath, share1.Kind));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_file_that_is_not_an_inventory_is_refused_by_name_and_nothing_is_kept(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var (economy, _) = await AgenciesAsync(db);
        var plan = new Plan(db, database.Folder);
        var notes = Path.Combine(database.Folder, "notater.scan.sqlite");
        await File.WriteAllTextAsync(notes, "dette er ikke en database", TestContext.Current.CancellationToken);
        var otherDb = Path.Combine(database.Folder, "annen.sqlite");
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={otherDb};Pooling=false"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE t(x); INSERT INTO t VALUES(1);";
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var garbage = await plan.AttachAsync(notes, economy);
        var wrong = await plan.AttachAsync(otherDb, economy);
        var badUnc = await plan.AttachAsync(notes, economy, unc: "fil01/okonomi");

        Assert.False(garbage.Succeeded);
        Assert.Equal("file", garbage.Field);
        Assert.StartsWith("notater.scan.sqlite: ", garbage.Error, StringComparison.Ordinal);
        Assert.False(wrong.Succeeded);
        Assert.StartsWith("annen.sqlite: ", wrong.Error, StringComparison.Ordinal);
        Assert.Equal(nameof(AttachRequest.SourcePath), badUnc.Field);
        Assert.Equal(0, await db.SourceShares.CountAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, await db.AuditEntries.CountAsync(TestContext.Current.CancellationToken));
        Assert.Empty(Directory.Exists(plan.Storage.Folder) ? Directory.GetFiles(plan.Storage.Folder) : []);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_mapping_is_refused_with_the_field_named_and_nothing_saved(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        using var share = await PlanShare.CreateAsync();
        var (economy, _) = await AgenciesAsync(db);
        var plan = new Plan(db, database.Folder);
        var shareId = (await plan.AttachAsync(share.Inventory, economy)).Value!.ShareId;
        var saved = await plan.Plans.SaveMappingAsync(shareId, null, Map("Økonomi"), "endringsleder", TestContext.Current.CancellationToken);
        Assert.True(saved.Succeeded, saved.Error);

        var cases = new (MappingInput Input, string Field)[]
        {
            (Map("Finnes ikke"), nameof(MappingInput.SourceFolder)),
            (Map("Økonomi/2019"), nameof(MappingInput.SourceFolder)), // inside the mapping of Økonomi
            (Map(""), nameof(MappingInput.SourceFolder)), // the whole share contains Økonomi
            (Map("Skjema") with { SiteUrl = "http://kommune.sharepoint.com/sites/x" }, nameof(MappingInput.SiteUrl)),
            (Map("Skjema") with { SiteUrl = "sites/x" }, nameof(MappingInput.SiteUrl)),
            (Map("Skjema") with { Library = "Shared/Documents" }, nameof(MappingInput.Library)),
            (Map("Skjema") with { Library = "" }, nameof(MappingInput.Library)),
            (Map("Skjema", "Arkiv/ulovlig?"), nameof(MappingInput.TargetFolder)),
            (Map("Skjema", new string('x', 200) + "/" + new string('y', 100)), nameof(MappingInput.TargetFolder)),
        };
        foreach (var (input, field) in cases)
        {
            var result = await plan.Plans.SaveMappingAsync(shareId, null, input, "endringsleder", TestContext.Current.CancellationToken);
            Assert.False(result.Succeeded, $"{input} was accepted");
            Assert.Equal(field, result.Field);
            Assert.False(string.IsNullOrWhiteSpace(result.Error));
        }
        db.ChangeTracker.Clear();
        Assert.Equal(1, await db.ShareMappings.CountAsync(TestContext.Current.CancellationToken));
        Assert.Single(await db.AuditEntries.Where(a => a.Action.StartsWith("migration.mapping")).ToListAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Progress_counts_bytes_in_migrated_mappings_and_agencies_whose_shares_are_all_moved(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        using var share = await PlanShare.CreateAsync();
        var (economy, health) = await AgenciesAsync(db);
        var plan = new Plan(db, database.Folder);
        var economyShare = (await plan.AttachAsync(share.Inventory, economy)).Value!.ShareId;
        var healthShare = (await plan.AttachAsync(share.Inventory, health, "Helse")).Value!.ShareId;
        var day1 = DateOnly.FromDateTime(plan.Clock.GetUtcNow().UtcDateTime);
        var money = (await plan.Plans.SaveMappingAsync(economyShare, null, Map("Økonomi", "Økonomi"), "leder", TestContext.Current.CancellationToken)).Value!.Id;
        var rest = new List<int>();
        foreach (var folder in new[] { "Skjema", "Prosjekt" })
        {
            rest.Add((await plan.Plans.SaveMappingAsync(economyShare, null, Map(folder, folder), "leder", TestContext.Current.CancellationToken)).Value!.Id);
        }
        var whole = (await plan.Plans.SaveMappingAsync(healthShare, null, Map("") with { SiteUrl = "https://kommune.sharepoint.com/sites/helse" }, "leder",
            TestContext.Current.CancellationToken)).Value!.Id;

        plan.Clock.Advance(TimeSpan.FromDays(2));
        Assert.True((await plan.Plans.SetStateAsync(money, MappingState.Cleaned, "leder", TestContext.Current.CancellationToken)).Succeeded);
        plan.Clock.Advance(TimeSpan.FromDays(2));
        await plan.Plans.SetStateAsync(money, MappingState.Migrated, "leder", TestContext.Current.CancellationToken);
        await plan.Plans.SetStateAsync(whole, MappingState.Verified, "leder", TestContext.Current.CancellationToken);
        var day5 = day1.AddDays(4);

        var before = await plan.Queries.ProgressAsync(day1, TestContext.Current.CancellationToken);
        var after = await plan.Queries.ProgressAsync(day5, TestContext.Current.CancellationToken);

        Assert.Equal((2 * 2367L, 0L, 0), (before.Bytes, before.MovedBytes, before.AgenciesMoved));
        // Økonomi (2,310 bytes) of the first share, all of the second; the root file "les meg.txt" is in no mapping of the first.
        Assert.Equal(2310L + 2367L, after.MovedBytes);
        Assert.Equal((2, 1), (after.AgenciesWithShares, after.AgenciesMoved));
        Assert.Equal(50.0, after.AgenciesMovedPercent);
        Assert.Equal(100.0 * (2310 + 2367) / (2 * 2367), after.BytesMovedPercent!.Value, 6);
        var history = await db.ShareMappingChanges.Where(h => h.MappingId == money).OrderBy(h => h.At).Select(h => h.State).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal([MappingState.Planned, MappingState.Cleaned, MappingState.Migrated], history);
        Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.Action == "migration.mapping.state" && a.Target!.StartsWith("Økonomi"), TestContext.Current.CancellationToken));

        // The first share is moved once everything in it is: map the root file's share by moving the other folders and
        // replacing the three mappings by one of the whole share.
        foreach (var id in rest.Append(money))
        {
            await plan.Plans.DeleteMappingAsync(id, "leder", TestContext.Current.CancellationToken);
        }
        var all = (await plan.Plans.SaveMappingAsync(economyShare, null, Map(""), "leder", TestContext.Current.CancellationToken)).Value!.Id;
        await plan.Plans.SetStateAsync(all, MappingState.Migrated, "leder", TestContext.Current.CancellationToken);
        var done = await plan.Queries.ProgressAsync(day5.AddDays(1), TestContext.Current.CancellationToken);
        Assert.Equal((2, 100.0), (done.AgenciesMoved, done.BytesMovedPercent));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_exports_carry_the_mappings_for_the_migration_tools_and_every_finding_for_Excel(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        using var share = await PlanShare.CreateAsync();
        var (economy, health) = await AgenciesAsync(db);
        var plan = new Plan(db, database.Folder);
        var shareId = (await plan.AttachAsync(share.Inventory, economy)).Value!.ShareId;
        var noUnc = (await plan.AttachAsync(share.Inventory, health, "Helse", unc: null)).Value!.ShareId;
        await plan.Plans.SaveMappingAsync(shareId, null, Map("Økonomi", "Arkiv/Økonomi"), "leder", TestContext.Current.CancellationToken);
        await plan.Plans.SaveMappingAsync(shareId, null, Map("Skjema") with { TargetKind = TargetKind.OneDrive, SiteUrl = "https://kommune-my.sharepoint.com/personal/kari", Library = "Documents" },
            "leder", TestContext.Current.CancellationToken);
        await plan.Plans.SaveMappingAsync(noUnc, null, Map(""), "leder", TestContext.Current.CancellationToken);

        var shares = await plan.Queries.SharesAsync(null, null, TestContext.Current.CancellationToken);
        var rows = MigrationExports.SpmtRows(shares.Where(s => s.Share.Id == shareId));
        var refused = MigrationExports.SpmtRows(shares);

        Assert.Equal(
            "\\\\fil01\\okonomi$\\Skjema,,,https://kommune-my.sharepoint.com/personal/kari,Documents,\r\n"
            + "\\\\fil01\\okonomi$\\Økonomi,,,https://kommune.sharepoint.com/sites/okonomi,Shared Documents,Arkiv/Økonomi\r\n",
            MigrationCsv.Write(rows.Value!));
        Assert.Equal(nameof(SourceShare.SourcePath), refused.Field);
        Assert.Contains("Helse", refused.Error, StringComparison.Ordinal);

        var picture = shares.Single(s => s.Share.Id == shareId);
        using var inventory = ScanInventory.OpenForReading(share.Inventory, "x", out _);
        var report = ScanReport.Read(inventory.Connection, new ReportOptions { Clock = PlanShare.Clock });
        using var output = new MemoryStream();
        MigrationExports.Workbook(output, picture, await plan.Queries.TalliesAsync(picture.Scan!.Id, TestContext.Current.CancellationToken), report, 5);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        output.Position = 0;
        using var workbook = SpreadsheetDocument.Open(output, false);
        var part = workbook.WorkbookPart!;
        var sheets = part.Workbook.Sheets!.Elements<X.Sheet>().ToList();
        Assert.Equal(4, sheets.Count);
        string[][] Rows(int index) => [.. ((WorksheetPart)part.GetPartById(sheets[index].Id!)).Worksheet.Descendants<X.Row>()
            .Select(r => r.Elements<X.Cell>().Select(c => c.InlineString?.InnerText ?? c.CellValue?.Text ?? "").ToArray())];
        var mappingRows = Rows(1);
        Assert.Equal(3, mappingRows.Length);
        Assert.Contains(mappingRows, r => r[0] == "Økonomi" && r[5] == "/sites/okonomi/Shared Documents/Arkiv/Økonomi" && r[6] == "4" && r[7] == "2310");
        var findingRows = Rows(2);
        Assert.Contains(findingRows, r => r[0] == "Økonomi/hva?.txt" && r[5] == "hva_.txt");
        var cleanupRows = Rows(3);
        Assert.Contains(cleanupRows, r => r[0] == "Økonomi/kopi av budsjett.xlsx" && r[2] == "1000");
        Assert.Contains(cleanupRows, r => r[0] == "Økonomi/2019/gammel.docx" && r[2] == "300");
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_benefit_indicator_wired_to_the_plan_is_measured_from_its_history(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        using var share = await PlanShare.CreateAsync();
        var (economy, _) = await AgenciesAsync(db);
        var plan = new Plan(db, database.Folder);
        var shareId = (await plan.AttachAsync(share.Inventory, economy)).Value!.ShareId;
        var mapping = (await plan.Plans.SaveMappingAsync(shareId, null, Map(""), "leder", TestContext.Current.CancellationToken)).Value!.Id;
        var day0 = DateOnly.FromDateTime(plan.Clock.GetUtcNow().UtcDateTime);
        var usage = new Oppdrift.Usage.UsageIndicatorQuery(db, new Oppdrift.Usage.UsageQueries(db, new Oppdrift.Shared.Privacy.SuppressionOptions(), plan.Clock,
            new Oppdrift.Usage.UsageFigureCache()));
        var editor = new Oppdrift.Benefits.BenefitsEditor(db, plan.Clock, usage);
        var central = Oppdrift.Benefits.BenefitsTemplate.System("endringsleder");
        var goal = await editor.SaveGoalAsync(null, new Oppdrift.Benefits.GoalInput("Ut av filserverne", null), central, TestContext.Current.CancellationToken);
        var benefit = await editor.SaveBenefitAsync(null, new Oppdrift.Benefits.BenefitInput(goal.Value!.Id, "Filserverne fases ut", null, "Systemeier", day0,
            day0.AddYears(1), false, true, null, null, []), central, TestContext.Current.CancellationToken);
        var indicator = await editor.SaveIndicatorAsync(null, new Oppdrift.Benefits.IndicatorInput(benefit.Value!.Id, "Volum flyttet", null, null, true,
            Oppdrift.Benefits.IndicatorSource.Migration, Oppdrift.Benefits.MigrationMeasures.BytesMoved, day0, null, Oppdrift.Benefits.MeasurementSchedule.Weekly,
            null, null, null, [new Oppdrift.Benefits.TargetInput(day0.AddMonths(6), 100)]), central, TestContext.Current.CancellationToken);
        Assert.True(indicator.Succeeded, indicator.Error);
        Assert.Equal((0.0, "%", 0.0, 100.0), (indicator.Value!.BaselineValue, indicator.Value.Unit, indicator.Value.MinValue, indicator.Value.MaxValue));

        plan.Clock.Advance(TimeSpan.FromDays(10));
        await plan.Plans.SetStateAsync(mapping, MappingState.Migrated, "leder", TestContext.Current.CancellationToken);
        plan.Clock.Advance(TimeSpan.FromDays(5));
        var measurer = new Oppdrift.Benefits.BenefitsMeasurer(db, usage, plan.Clock);
        var written = await measurer.MeasureAllAsync(TestContext.Current.CancellationToken);
        var again = await measurer.MeasureAllAsync(TestContext.Current.CancellationToken);

        var measured = await db.Measurements.AsNoTracking().Where(m => m.IndicatorId == indicator.Value.Id).OrderBy(m => m.Date).ThenBy(m => m.AgencyId)
            .Select(m => new { m.Date, m.AgencyId, m.Value }).ToListAsync(TestContext.Current.CancellationToken);
        // Weekly from the baseline up to today (day 15): days 0, 7 and 14, for the municipality and the one agency with a share.
        Assert.Equal((6, 0), (written, again));
        Assert.Equal([0.0, 0.0, 0.0, 0.0, 100.0, 100.0], measured.Select(m => m.Value));
        Assert.Equal([day0, day0, day0.AddDays(7), day0.AddDays(7), day0.AddDays(14), day0.AddDays(14)], measured.Select(m => m.Date));
        Assert.Equal(3, measured.Count(m => m.AgencyId == economy));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Changing_a_mapping_keeps_its_state_and_is_audited_with_before_and_after(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        using var share = await PlanShare.CreateAsync();
        var (economy, _) = await AgenciesAsync(db);
        var plan = new Plan(db, database.Folder);
        var shareId = (await plan.AttachAsync(share.Inventory, economy)).Value!.ShareId;
        var id = (await plan.Plans.SaveMappingAsync(shareId, null, Map("Økonomi"), "leder", TestContext.Current.CancellationToken)).Value!.Id;
        await plan.Plans.SetStateAsync(id, MappingState.Cleaned, "leder", TestContext.Current.CancellationToken);

        var changed = await plan.Plans.SaveMappingAsync(shareId, id, Map("Økonomi", "Arkiv"), "leder", TestContext.Current.CancellationToken);

        Assert.True(changed.Succeeded, changed.Error);
        db.ChangeTracker.Clear();
        var mapping = await db.ShareMappings.AsNoTracking().SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal(("Arkiv", MappingState.Cleaned), (mapping.TargetFolder, mapping.State));
        var audit = await db.AuditEntries.SingleAsync(a => a.Action == "migration.mapping.update", TestContext.Current.CancellationToken);
        Assert.Equal("", System.Text.Json.JsonDocument.Parse(audit.Before!).RootElement.GetProperty("TargetFolder").GetString());
        Assert.Equal("Arkiv", System.Text.Json.JsonDocument.Parse(audit.After!).RootElement.GetProperty("TargetFolder").GetString());
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Removing_the_latest_scan_makes_the_previous_one_count_again_and_removes_its_file(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        using var first = await PlanShare.CreateAsync();
        using var second = await PlanShare.CreateAsync(f => f.File("Økonomi/ny.xlsx", "ny"));
        var (economy, _) = await AgenciesAsync(db);
        var plan = new Plan(db, database.Folder);
        var shareId = (await plan.AttachAsync(first.Inventory, economy)).Value!.ShareId;
        var latest = (await plan.AttachAsync(second.Inventory, economy)).Value!;
        Assert.Equal(8, (await plan.Queries.SharesAsync(null, null, TestContext.Current.CancellationToken)).Single().Files);
        var stored = await db.ShareScans.AsNoTracking().Where(s => s.Id == latest.ScanId).Select(s => s.StoredName).SingleAsync(TestContext.Current.CancellationToken);

        var removed = await plan.Plans.DeleteScanAsync(latest.ScanId, "leder", TestContext.Current.CancellationToken);

        Assert.True(removed.Succeeded, removed.Error);
        Assert.Equal(shareId, removed.Value);
        db.ChangeTracker.Clear();
        Assert.Equal(7, (await plan.Queries.SharesAsync(null, null, TestContext.Current.CancellationToken)).Single().Files);
        Assert.False(File.Exists(plan.Storage.PathOf(stored)));
        Assert.Equal(0, await db.ShareScanFolders.CountAsync(f => f.ScanId == latest.ScanId, TestContext.Current.CancellationToken));
        Assert.Single(await db.AuditEntries.Where(a => a.Action == "migration.scan.delete").ToListAsync(TestContext.Current.CancellationToken));
        Assert.False((await plan.Plans.DeleteScanAsync(latest.ScanId, "leder", TestContext.Current.CancellationToken)).Succeeded);
    }

    [Fact]
    public void The_central_team_plans_every_agency_and_a_leader_only_their_own()
    {
        static ClaimsPrincipal User(Roles role, params int[] agencies) => new(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "u"), new Claim(ClaimTypes.Role, role.ToString()),
                .. agencies.Select(a => new Claim(OppdriftClaims.Agency, a.ToString(CultureInfo.InvariantCulture)))], "test", ClaimTypes.Name, ClaimTypes.Role));

        Assert.True(MigrationAccess.CanEdit(User(Roles.ChangeLeader), 7));
        Assert.True(MigrationAccess.CanEdit(User(Roles.Administrator), 7));
        Assert.True(MigrationAccess.CanEdit(User(Roles.AgencyLeader, 7), 7));
        Assert.False(MigrationAccess.CanEdit(User(Roles.AgencyLeader, 7), 8));
        Assert.False(MigrationAccess.CanEdit(User(Roles.SystemOwner), 7));
        Assert.False(MigrationAccess.CanEdit(User(Roles.Employee), 7));
    }
}
