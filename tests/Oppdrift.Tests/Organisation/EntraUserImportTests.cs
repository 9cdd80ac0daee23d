using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Organisation;

public sealed class EntraUserImportTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));

    /// <summary>The agencies and rules the hand-written test files are made for.</summary>
    private async Task SetUpAgenciesAsync(OppdriftDb db)
    {
        var setup = new OrganisationSetup(db, _clock);
        var sye = (await setup.CreateAgencyAsync(new AgencyInput("SYE", "Sykehjemsetaten", "Helse"), "test", default)).Value!;
        var bno = (await setup.CreateAgencyAsync(new AgencyInput("BNO", "Bydel Nord", "Bydeler"), "test", default)).Value!;
        var kul = (await setup.CreateAgencyAsync(new AgencyInput("KUL", "Kulturetaten", "Kultur"), "test", default)).Value!;
        await setup.AddRuleAsync(new RuleInput(DirectoryField.CompanyName, RuleOperator.Equals, "Sykehjemsetaten", sye.Id, UnitSource.Department), "test", default);
        await setup.AddRuleAsync(new RuleInput(DirectoryField.Department, RuleOperator.StartsWith, "Bydel Nord", bno.Id, UnitSource.Department), "test", default);
        await setup.AddRuleAsync(new RuleInput(DirectoryField.CompanyName, RuleOperator.Equals, "Kulturetaten", kul.Id, UnitSource.Department), "test", default);
    }

    private async Task<TestDatabase> WithAgenciesAsync(DatabaseKind kind)
    {
        var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        await SetUpAgenciesAsync(db);
        return database;
    }

    private async Task<DirectoryImport> ImportAsync(TestDatabase database, string file)
    {
        await using var db = database.CreateContext();
        await using var stream = TestFiles.Open("organisation", file);
        return await new EntraUserImport(db, _clock).ImportAsync(stream, file, "test");
    }

    private static async Task<string> IdsAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        var people = await db.People.OrderBy(p => p.Id).Select(p => $"{p.Id}:{p.ObjectId}:{p.UnitId}").ToListAsync();
        var units = await db.Units.OrderBy(u => u.Id).Select(u => $"{u.Id}:{u.Name}").ToListAsync();
        return string.Join(',', people.Concat(units));
    }

    /// <summary>Everything an import may change, as text, to compare before and after (ids left out: insert order is EF's).</summary>
    private static async Task<string> SnapshotAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        var people = await db.People.AsNoTracking().Include(p => p.Agency).Include(p => p.Unit).ToListAsync();
        var units = await db.Units.AsNoTracking().Include(u => u.Agency).ToListAsync();
        return string.Join('\n', people
            .Select(p => $"{p.ObjectId}|{p.UserPrincipalName}|{p.NormalizedUserPrincipalName}|{p.DisplayName}|{p.JobTitle}|{p.Department}|{p.CompanyName}|{p.OfficeLocation}|{p.Agency?.Code}|{p.Unit?.Name}|{p.IsActive}|{p.IsLeader}|{p.AccountEnabled}|{p.DeactivatedAt:O}|{p.FirstSeenAt:O}")
            .Concat(units.Select(u => $"unit {u.Agency!.Code}|{u.Name}"))
            .Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Importing_places_people_in_agencies_and_units_by_the_rules(DatabaseKind kind)
    {
        await using var database = await WithAgenciesAsync(kind);

        var import = await ImportAsync(database, "entra-users.csv");

        Assert.Equal(ImportStatus.Succeeded, import.Status);
        Assert.Equal(9, import.Rows);
        Assert.Equal(9, import.Added);
        Assert.Equal(1, import.Unassigned);
        await using var check = database.CreateContext();
        var people = await check.People.Include(p => p.Agency).Include(p => p.Unit).ToDictionaryAsync(p => p.GivenName!);
        Assert.Equal(("SYE", "Lindeberg sykehjem"), (people["Åse"].Agency!.Code, people["Åse"].Unit!.Name));
        Assert.True(people["Åse"].IsLeader);
        Assert.Equal(("BNO", "Hjemmetjenesten"), (people["Jonas"].Agency!.Code, people["Jonas"].Unit!.Name));
        Assert.Equal("Økonomi, plan og analyse", people["Fatima"].Unit!.Name);
        Assert.False(people["Per"].IsActive);
        Assert.Null(people["Tjeneste"].AgencyId);
        Assert.DoesNotContain("Lars", people.Keys);
        Assert.Equal(8, await check.People.CountAsync(p => p.IsActive));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task What_no_rule_places_is_counted_with_its_commonest_values(DatabaseKind kind)
    {
        await using var database = await WithAgenciesAsync(kind);
        await ImportAsync(database, "entra-users.csv");
        await using (var db = database.CreateContext())
        {
            var rule = await db.MappingRules.SingleAsync(r => r.Value == "Kulturetaten");
            await new OrganisationSetup(db, _clock).DeleteRuleAsync(rule.Id, "test", default);
            await new OrganisationSetup(db, _clock).ReapplyRulesAsync("test", default);
        }

        await using var check = database.CreateContext();
        var unassigned = await new OrganisationQueries(check).UnassignedAsync(10, default);

        Assert.Equal(2, unassigned.Total);
        Assert.Equal(1, unassigned.WithoutCompanyOrDepartment);
        Assert.Contains(new UnassignedValue(DirectoryField.CompanyName, "Kulturetaten", 1), unassigned.Values);
        Assert.Contains(new UnassignedValue(DirectoryField.Department, "Formidling", 1), unassigned.Values);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Writing_in_small_slices_gives_the_same_result_as_one_write(DatabaseKind kind)
    {
        await using var whole = await WithAgenciesAsync(kind);
        await using var sliced = await WithAgenciesAsync(kind);
        foreach (var file in new[] { "entra-users.csv", "entra-users-newer-export.csv" })
        {
            await ImportAsync(whole, file);
            await using var db = sliced.CreateContext();
            await using var stream = TestFiles.Open("organisation", file);
            var import = await new EntraUserImport(db, _clock) { SaveEvery = 2 }.ImportAsync(stream, file, "test");
            Assert.Equal(ImportStatus.Succeeded, import.Status);
        }

        Assert.Equal(await SnapshotAsync(whole), await SnapshotAsync(sliced));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task New_people_written_in_bulk_read_back_as_written_and_take_ids_after_the_highest_ever_given(DatabaseKind kind)
    {
        await using var database = await WithAgenciesAsync(kind);
        int removedId;
        await using (var db = database.CreateContext())
        {
            // Someone written and removed again before the import: the table's sequence has passed their id.
            var earlier = new Person { UserPrincipalName = "tidligere@nordvik.kommune.no", NormalizedUserPrincipalName = "tidligere@nordvik.kommune.no", DisplayName = "Tidligere" };
            db.People.Add(earlier);
            await db.SaveChangesAsync();
            removedId = earlier.Id;
            db.People.Remove(earlier);
            await db.SaveChangesAsync();
        }
        var now = _clock.GetUtcNow().UtcDateTime;
        const string file = "userPrincipalName,displayName,givenName,surname,objectId,jobTitle,department,companyName,accountEnabled,city\n"
            + "\"Åse.Øren@Nordvik.kommune.no\",\"Øren, Åse \"\"Lillemor\"\"\",Åse,Øren,0a000000-0000-0000-0000-000000000001,Avdelingsleder,Lindeberg sykehjem,Sykehjemsetaten,True,Tromsø\n"
            + "per.berg@nordvik.kommune.no,Per Berg,Per,Berg,0a000000-0000-0000-0000-000000000002,Sykepleier,,,False,\n";
        await using (var db = database.CreateContext())
        await using (var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(file)))
        {
            var import = await new EntraUserImport(db, _clock).ImportAsync(stream, "bulk.csv", "test");
            Assert.Equal((ImportStatus.Succeeded, 2), (import.Status, import.Added));
        }

        await using (var db = database.CreateContext())
        {
            var people = await db.People.AsNoTracking().Include(p => p.Agency).Include(p => p.Unit).OrderBy(p => p.Id).ToListAsync();
            Assert.Equal(2, people.Count);
            Assert.All(people, p => Assert.True(p.Id > removedId));
            var ase = people[0];
            Assert.Equal(("Åse.Øren@Nordvik.kommune.no", "åse.øren@nordvik.kommune.no", "Øren, Åse \"Lillemor\"", "Åse", "Øren", "Tromsø"),
                (ase.UserPrincipalName, ase.NormalizedUserPrincipalName, ase.DisplayName, ase.GivenName, ase.Surname, ase.City));
            Assert.Equal(("0a000000-0000-0000-0000-000000000001", "Avdelingsleder", "SYE", "Lindeberg sykehjem"), (ase.ObjectId, ase.JobTitle, ase.Agency?.Code, ase.Unit?.Name));
            Assert.Equal((true, true, true, (DateTime?)null, now), (ase.AccountEnabled, ase.IsActive, ase.IsLeader, ase.DeactivatedAt, ase.FirstSeenAt));
            var per = people[1];
            Assert.Equal((false, false, false, (DateTime?)now, (string?)null, (int?)null, (int?)null), (per.AccountEnabled, per.IsActive, per.IsLeader, per.DeactivatedAt, per.Department, per.AgencyId, per.UnitId));
            // The times are stored as EF stores them, so a query compares them in the database.
            Assert.Equal(2, await db.People.CountAsync(p => p.FirstSeenAt == now));
            Assert.Equal(1, await db.People.CountAsync(p => p.DeactivatedAt != null && p.DeactivatedAt <= now && p.DeactivatedAt > now.AddSeconds(-1)));
            // And EF's own inserts go on after them.
            var later = new Person { UserPrincipalName = "senere@nordvik.kommune.no", NormalizedUserPrincipalName = "senere@nordvik.kommune.no", DisplayName = "Senere" };
            db.People.Add(later);
            await db.SaveChangesAsync();
            Assert.True(later.Id > people[^1].Id);

            // The import reads everyone back past EF Core on SQLite: the same people, every field and time kind, as EF reads them.
            var byEf = await db.People.AsNoTracking().OrderBy(p => p.Id).ToListAsync();
            var byStore = await PeopleStore.ReadAllAsync(db, CancellationToken.None);
            Assert.Equal(3, byEf.Count);
            Assert.Equal(byEf.Select(Fields), byStore.OrderBy(p => p.Id).Select(Fields));
        }

        static string Fields(Person p) => string.Join('|', p.Id, p.ObjectId, p.UserPrincipalName, p.NormalizedUserPrincipalName, p.DisplayName,
            p.GivenName, p.Surname, p.Mail, p.JobTitle, p.Department, p.CompanyName, p.OfficeLocation, p.City, p.Country, p.UsageLocation,
            p.UserType, p.AccountEnabled, p.IsLeader, p.AgencyId, p.UnitId, p.IsActive, p.FirstSeenAt.ToString("O"), p.FirstSeenAt.Kind,
            p.DeactivatedAt?.ToString("O"), p.DeactivatedAt?.Kind);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Reimporting_the_same_file_changes_nothing(DatabaseKind kind)
    {
        await using var database = await WithAgenciesAsync(kind);
        await ImportAsync(database, "entra-users.csv");
        var before = await SnapshotAsync(database);
        var ids = await IdsAsync(database);
        _clock.Advance(TimeSpan.FromDays(1));

        var again = await ImportAsync(database, "entra-users.csv");

        Assert.Equal(ImportStatus.Succeeded, again.Status);
        Assert.Equal((0, 0, 0, 0, 0, 9), (again.Added, again.Updated, again.Moved, again.Deactivated, again.Reactivated, again.Unchanged));
        Assert.Equal(before, await SnapshotAsync(database));
        Assert.Equal(ids, await IdsAsync(database));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Leaders_who_are_new_or_move_to_another_agency_are_recorded_as_arrivals_once(DatabaseKind kind)
    {
        await using var database = await WithAgenciesAsync(kind);
        await ImportAsync(database, "entra-users.csv");
        await using (var db = database.CreateContext())
        {
            // The first import fills an empty directory: its leaders are not news.
            Assert.Empty(await db.LeaderArrivals.ToListAsync());
        }
        _clock.Advance(TimeSpan.FromDays(10));

        var import = await ImportAsync(database, "entra-users-new-leaders.csv");

        Assert.Equal(ImportStatus.Succeeded, import.Status);
        await using (var db = database.CreateContext())
        {
            var agencies = await db.Agencies.ToDictionaryAsync(a => a.Id, a => a.Code);
            var arrivals = (await db.LeaderArrivals.Include(a => a.Person).ToListAsync())
                .Select(a => $"{a.Person!.GivenName}:{a.Kind}:{(a.FromAgencyId is { } from ? agencies[from] : "-")}>{agencies[a.AgencyId]}:{a.DirectoryImportId == import.Id}:{a.At == _clock.GetUtcNow().UtcDateTime}")
                .Order(StringComparer.Ordinal);
            // Marte is new with a leader title; Nina, a leader, moved from Bydel Nord. Ola was promoted where he is, Erik is
            // new but no leader, Siri is a new leader whose account is disabled: none of them arrived as a leader.
            Assert.Equal(["Marte:New:->KUL:True:True", "Nina:Moved:BNO>KUL:True:True"], arrivals);
            var audit = await db.AuditEntries.Where(a => a.Action == "organisation.import").OrderBy(a => a.Id).Select(a => a.After!).ToListAsync();
            Assert.Equal(2, JsonDocument.Parse(audit[^1]).RootElement.GetProperty("LeadersArrived").GetInt32());
        }

        // The same file again brings nobody.
        _clock.Advance(TimeSpan.FromDays(1));
        await ImportAsync(database, "entra-users-new-leaders.csv");
        await using (var db = database.CreateContext())
        {
            Assert.Equal(2, await db.LeaderArrivals.CountAsync());
        }
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_newer_file_updates_moves_renames_reactivates_and_deactivates_people(DatabaseKind kind)
    {
        await using var database = await WithAgenciesAsync(kind);
        await ImportAsync(database, "entra-users.csv");
        int jonasId;
        await using (var db = database.CreateContext())
        {
            jonasId = (await db.People.SingleAsync(p => p.GivenName == "Jonas")).Id;
        }
        _clock.Advance(TimeSpan.FromDays(30));

        var import = await ImportAsync(database, "entra-users-newer-export.csv");

        Assert.Equal(ImportStatus.Succeeded, import.Status);
        Assert.Equal(1, import.Added);         // Emma
        Assert.Equal(1, import.Moved);         // Ola to Tåsen sykehjem
        Assert.Equal(1, import.Reactivated);   // Per enabled again
        Assert.Equal(1, import.Deactivated);   // Ingrid left
        Assert.Equal(2, import.Updated);       // Jonas renamed, Fatima's new title
        await using var check = database.CreateContext();
        var people = await check.People.Include(p => p.Unit).ToDictionaryAsync(p => p.GivenName!);
        Assert.Equal("Tåsen sykehjem", people["Ola"].Unit!.Name);
        Assert.True(people["Per"].IsActive);
        Assert.Null(people["Per"].DeactivatedAt);
        Assert.False(people["Ingrid"].IsActive);
        Assert.Equal(_clock.GetUtcNow().UtcDateTime, people["Ingrid"].DeactivatedAt);
        Assert.Equal(jonasId, people["Jonas"].Id);
        Assert.Equal("jonas.dahl.berg@nordvik.kommune.no", people["Jonas"].UserPrincipalName);
        Assert.Equal("Seniorrådgiver", people["Fatima"].JobTitle);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Going_back_to_an_older_file_restores_it_and_can_be_repeated(DatabaseKind kind)
    {
        await using var database = await WithAgenciesAsync(kind);
        await ImportAsync(database, "entra-users.csv");
        var original = await SnapshotAsync(database);

        await ImportAsync(database, "entra-users-newer-export.csv");
        var back = await ImportAsync(database, "entra-users.csv");
        var again = await ImportAsync(database, "entra-users-newer-export.csv");

        Assert.Equal(ImportStatus.Succeeded, back.Status);
        Assert.Equal(ImportStatus.Succeeded, again.Status);
        await using var check = database.CreateContext();
        Assert.Equal("jonas.dahl.berg@nordvik.kommune.no", (await check.People.SingleAsync(p => p.GivenName == "Jonas")).UserPrincipalName);
        Assert.NotEqual(original, await SnapshotAsync(database));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_user_name_that_returns_on_a_new_object_is_a_new_person_and_the_old_one_keeps_history(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        const string header = "userPrincipalName,objectId,displayName,companyName\r\n";
        async Task<DirectoryImport> ImportTextAsync(string body)
        {
            await using var db = database.CreateContext();
            return await new EntraUserImport(db, _clock).ImportAsync(TestFiles.Text(header + body), "users.csv", "test");
        }

        await ImportTextAsync("kari@k.no,11111111-1111-4111-8111-111111111111,Kari Old,X\r\n");
        var replaced = await ImportTextAsync("kari@k.no,22222222-2222-4222-8222-222222222222,Kari New,X\r\n");
        var restored = await ImportTextAsync("kari@k.no,11111111-1111-4111-8111-111111111111,Kari Old,X\r\n");

        Assert.Equal((1, 1), (replaced.Added, replaced.Deactivated));
        Assert.Equal((1, 1, ImportStatus.Succeeded), (restored.Reactivated, restored.Deactivated, restored.Status));
        await using var check = database.CreateContext();
        var karis = await check.People.OrderBy(p => p.Id).ToListAsync();
        Assert.Equal(2, karis.Count);
        Assert.True(karis[0].IsActive);
        Assert.False(karis[1].IsActive);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_bad_file_writes_nothing_but_the_record_of_the_attempt(DatabaseKind kind)
    {
        await using var database = await WithAgenciesAsync(kind);
        await ImportAsync(database, "entra-users.csv");
        var before = await SnapshotAsync(database);

        foreach (var bad in new[] { "bad-missing-upn-column.csv", "bad-too-few-fields.csv", "bad-duplicate-upn.csv", "bad-invalid-utf8.csv", "bad-empty.csv", "bad-header-only.csv" })
        {
            var import = await ImportAsync(database, bad);

            Assert.Equal(ImportStatus.Failed, import.Status);
            Assert.StartsWith(bad + ":", import.Errors, StringComparison.Ordinal);
        }

        Assert.Equal(before, await SnapshotAsync(database));
        await using var check = database.CreateContext();
        Assert.Equal(6, await check.DirectoryImports.CountAsync(i => i.Status == ImportStatus.Failed));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_file_that_would_deactivate_many_is_refused_unless_asked_to(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        static string Users(int count) => "userPrincipalName,displayName\r\n" + string.Concat(Enumerable.Range(1, count).Select(i => $"person{i}@k.no,Person {i}\r\n"));
        async Task<DirectoryImport> ImportTextAsync(string text, bool allow)
        {
            await using var db = database.CreateContext();
            return await new EntraUserImport(db, _clock).ImportAsync(TestFiles.Text(text), "users.csv", "test", new DirectoryImportOptions(allow));
        }
        await ImportTextAsync(Users(100), allow: false);

        var tenLeft = await ImportTextAsync(Users(89), allow: false);   // 11 missing: within the tenth
        var filtered = await ImportTextAsync(Users(30), allow: false);  // 59 more missing
        await using (var db = database.CreateContext())
        {
            Assert.Equal(89, await db.People.CountAsync(p => p.IsActive));
        }
        var confirmed = await ImportTextAsync(Users(30), allow: true);

        Assert.Equal((ImportStatus.Succeeded, 11), (tenLeft.Status, tenLeft.Deactivated));
        Assert.Equal(ImportStatus.Failed, filtered.Status);
        Assert.StartsWith("users.csv: ", filtered.Errors, StringComparison.Ordinal);
        Assert.Contains("59", filtered.Errors, StringComparison.Ordinal);
        Assert.Equal((ImportStatus.Succeeded, 59), (confirmed.Status, confirmed.Deactivated));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Changed_rules_are_applied_again_without_a_new_file(DatabaseKind kind)
    {
        await using var database = await WithAgenciesAsync(kind);
        await ImportAsync(database, "entra-users.csv");
        await using (var db = database.CreateContext())
        {
            var setup = new OrganisationSetup(db, _clock);
            var ops = (await setup.CreateAgencyAsync(new AgencyInput("DRIFT", "Drift", null), "test", default)).Value!;
            await setup.AddRuleAsync(new RuleInput(DirectoryField.UserPrincipalName, RuleOperator.StartsWith, "svc-", ops.Id, UnitSource.None), "test", default);

            var result = await setup.ReapplyRulesAsync("test", default);

            Assert.Equal(1, result.Moved);
            Assert.Equal(0, result.Unassigned);
        }
        await using var check = database.CreateContext();
        Assert.Equal("DRIFT", (await check.People.Include(p => p.Agency).SingleAsync(p => p.UserPrincipalName.StartsWith("svc-"))).Agency!.Code);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Every_import_and_rule_change_is_in_the_audit_log(DatabaseKind kind)
    {
        await using var database = await WithAgenciesAsync(kind);

        await ImportAsync(database, "entra-users.csv");
        await ImportAsync(database, "bad-empty.csv");

        await using var check = database.CreateContext();
        var actions = await check.AuditEntries.OrderBy(a => a.Id).Select(a => a.Action).ToListAsync();
        Assert.Equal(
            ["organisation.agency.create", "organisation.agency.create", "organisation.agency.create",
             "organisation.rule.create", "organisation.rule.create", "organisation.rule.create",
             "organisation.import", "organisation.import.failed"],
            actions);
    }
}
