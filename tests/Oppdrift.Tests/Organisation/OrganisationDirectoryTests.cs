using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Organisation;

public sealed class OrganisationDirectoryTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));

    private async Task<Dictionary<string, int>> AgenciesAsync(OppdriftDb db, params (string Code, string Name)[] agencies)
    {
        var setup = new OrganisationSetup(db, _clock);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (code, name) in agencies)
        {
            ids[code] = (await setup.CreateAgencyAsync(new AgencyInput(code, name, null), "test", default)).Value!.Id;
        }
        return ids;
    }

    private static Person Person(string upn, int? agencyId, bool active = true, string? mail = null, bool leader = false) => new()
    {
        UserPrincipalName = upn,
        NormalizedUserPrincipalName = upn.ToLowerInvariant(),
        DisplayName = upn.Split('@')[0],
        Mail = mail,
        AgencyId = agencyId,
        IsActive = active,
        IsLeader = leader,
        AccountEnabled = active,
    };

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_agency_is_found_by_its_code_in_any_case_and_by_its_id(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await AgenciesAsync(db, ("SYE", "Sykehjemsetaten"), ("UDE", "Utdanningsetaten"));
        await using var reader = database.CreateContext();
        var directory = new OrganisationDirectory(reader);

        var byCode = await directory.AgencyAsync(" sye ", default);
        var byId = await directory.AgencyAsync(ids["UDE"], default);

        Assert.Equal(new AgencyRow { Id = ids["SYE"], Code = "SYE", Name = "Sykehjemsetaten" }, byCode);
        Assert.Equal("Utdanningsetaten", byId?.Name);
        Assert.Null(await directory.AgencyAsync("XYZ", default));
        Assert.Null(await directory.AgencyAsync(ids.Values.Max() + 1, default));
        Assert.Empty(reader.ChangeTracker.Entries());
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_agencys_detail_counts_its_active_people_and_leaders_per_unit_and_those_in_none(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await AgenciesAsync(db, ("UDE", "Utdanningsetaten"), ("SYE", "Sykehjemsetaten"));
        var school = new Unit { AgencyId = ids["UDE"], Name = "Bakken skole" };
        var office = new Unit { AgencyId = ids["UDE"], Name = "Administrasjonen" };
        var empty = new Unit { AgencyId = ids["UDE"], Name = "Nedlagt enhet" };
        var other = new Unit { AgencyId = ids["SYE"], Name = "Lia sykehjem" };
        db.Units.AddRange(school, office, empty, other);
        await db.SaveChangesAsync();
        Person In(string upn, Unit? unit, bool active = true, bool leader = false, int? agency = null)
        {
            var person = Person(upn, agency ?? ids["UDE"], active, leader: leader);
            person.UnitId = unit?.Id;
            return person;
        }
        db.People.AddRange(
            In("a@k.no", school, leader: true), In("b@k.no", school), In("c@k.no", school), In("d@k.no", school, active: false, leader: true),
            In("e@k.no", office, leader: true), In("f@k.no", office, leader: true),
            In("g@k.no", null), In("h@k.no", null, leader: true), In("i@k.no", null, active: false),
            In("j@k.no", other, agency: ids["SYE"]), In("k@k.no", empty, active: false));
        await db.SaveChangesAsync();

        var detail = await new OrganisationQueries(db).AgencyAsync(" ude ", default);

        Assert.NotNull(detail);
        Assert.Equal((7, 4, 2), (detail.Summary.People, detail.Summary.Leaders, detail.Summary.Units));
        Assert.Equal([("Administrasjonen", 2, 2), ("Bakken skole", 3, 1)], detail.Units.Select(u => (u.Name, u.People, u.Leaders)));
        Assert.Equal(2, detail.PeopleWithoutUnit);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Agencies_in_a_scope_are_only_those_named_that_exist_in_Norwegian_order(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await AgenciesAsync(db, ("ASE", "Åsen bydel"), ("OST", "Østre bydel"), ("ZET", "Zeta"), ("ABI", "Abildsø"));
        var directory = new OrganisationDirectory(db);

        var all = await directory.AgenciesAsync(null, default);
        var scoped = await directory.AgenciesAsync([ids["ASE"], ids["ZET"], ids.Values.Max() + 1], default);
        var names = await directory.AgencyNamesAsync([ids["OST"]], default);

        Assert.Equal(["Abildsø", "Zeta", "Østre bydel", "Åsen bydel"], all.Select(a => a.Name));
        Assert.Equal(["ZET", "ASE"], scoped.Select(a => a.Code));
        Assert.Equal(new Dictionary<int, string> { [ids["OST"]] = "Østre bydel" }, names);
        Assert.Empty(await directory.AgenciesAsync([], default));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task People_are_found_by_user_name_or_mail_in_any_case_the_active_one_winning_a_shared_name(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await AgenciesAsync(db, ("SYE", "Sykehjemsetaten"), ("UDE", "Utdanningsetaten"));
        var kari = Person("Kari.Nordmann@nordvik.kommune.no", ids["SYE"], mail: "Kari.N@Nordvik.no", leader: true);
        var formerOla = Person("ola@nordvik.kommune.no", ids["SYE"], active: false);
        var ola = Person("Ola@nordvik.kommune.no", ids["UDE"]);
        var gone = Person("per@nordvik.kommune.no", ids["UDE"], active: false, mail: "per.p@nordvik.no");
        db.People.AddRange(kari, formerOla, ola, gone);
        await db.SaveChangesAsync();
        var directory = new OrganisationDirectory(db);

        var found = await directory.PeopleByNameAsync(["KARI.NORDMANN@nordvik.kommune.no", "kari.n@nordvik.no", "OLA@NORDVIK.KOMMUNE.NO", "PER.P@nordvik.no", "nobody@x.no", null, " "],
            agencyId: null, activeOnly: false, default);

        Assert.Equal(kari.Id, found.ByUserPrincipalName("kari.nordmann@NORDVIK.kommune.no")?.Id);
        Assert.Equal(kari.Id, found.ByMail("KARI.N@nordvik.no")?.Id);
        Assert.Equal(kari.Id, found.Find("kari.n@nordvik.no")?.Id);
        Assert.Null(found.ByUserPrincipalName("kari.n@nordvik.no"));
        Assert.Equal(ola.Id, found.Find("ola@nordvik.kommune.no")?.Id);
        Assert.Equal(gone.Id, found.Find("per.p@nordvik.no")?.Id);
        Assert.Null(found.Find("nobody@x.no"));
        Assert.True(found.Find("Kari.Nordmann@nordvik.kommune.no") is { IsLeader: true, IsActive: true, Mail: "Kari.N@Nordvik.no", DisplayName: "Kari.Nordmann" });

        var active = await directory.PeopleByNameAsync(["per@nordvik.kommune.no", "kari.nordmann@nordvik.kommune.no", "ola@nordvik.kommune.no"], ids["SYE"], activeOnly: true, default);
        Assert.Null(active.Find("per@nordvik.kommune.no"));
        Assert.Null(active.Find("ola@nordvik.kommune.no")); // the active Ola is in UDE, the one in SYE is deactivated
        Assert.Equal(kari.Id, active.Find("kari.nordmann@nordvik.kommune.no")?.Id);

        Assert.Equal(ola.Id, (await directory.ActivePersonAsync(" OLA@nordvik.kommune.no", default))?.Id);
        Assert.Null(await directory.ActivePersonAsync("per@nordvik.kommune.no", default));
        Assert.Equal("per@nordvik.kommune.no", (await directory.PersonAsync(gone.Id, default))?.UserPrincipalName);
        Assert.Equal([kari.Id, gone.Id], (await directory.PeopleAsync([gone.Id, kari.Id, gone.Id], default)).Keys.Order());
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Head_counts_are_the_active_people_of_each_agency(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await AgenciesAsync(db, ("SYE", "Sykehjemsetaten"), ("UDE", "Utdanningsetaten"), ("KUL", "Kulturetaten"));
        db.People.AddRange(
            Person("a@n.no", ids["SYE"]), Person("b@n.no", ids["SYE"]), Person("c@n.no", ids["SYE"], active: false),
            Person("d@n.no", ids["UDE"]), Person("e@n.no", null), Person("f@n.no", null, active: false));
        await db.SaveChangesAsync();
        var directory = new OrganisationDirectory(db);

        var all = await directory.HeadCountsAsync(null, default);
        var one = await directory.HeadCountsAsync([ids["UDE"], ids["KUL"]], default);

        Assert.Equal(new Dictionary<int, int> { [ids["SYE"]] = 2, [ids["UDE"]] = 1 }, all);
        Assert.Equal(new Dictionary<int, int> { [ids["UDE"]] = 1 }, one);
        Assert.True(await directory.AnyPeopleAsync(default));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Every_user_name_ever_held_maps_to_the_agency_of_its_active_holder(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await AgenciesAsync(db, ("SYE", "Sykehjemsetaten"), ("UDE", "Utdanningsetaten"));
        Assert.False(await new OrganisationDirectory(db).AnyPeopleAsync(default));
        // The active holder is added before and after a deactivated one, so insert order cannot decide.
        db.People.AddRange(Person("ola@n.no", ids["UDE"]), Person("ola@n.no", ids["SYE"], active: false),
            Person("kari@n.no", ids["SYE"], active: false), Person("kari@n.no", null), Person("gone@n.no", ids["SYE"], active: false));
        await db.SaveChangesAsync();

        var byName = await new OrganisationDirectory(db).AgencyByUserPrincipalNameAsync(default);

        Assert.Equal(3, byName.Count);
        Assert.Equal(ids["UDE"], byName["OLA@n.no"]);
        Assert.True(byName.TryGetValue("kari@n.no", out var kari) && kari is null);
        Assert.Equal(ids["SYE"], byName["gone@n.no"]);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_projections_join_inside_another_query_in_the_database(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await AgenciesAsync(db, ("SYE", "Sykehjemsetaten"), ("UDE", "Utdanningsetaten"));
        db.People.AddRange(Person("a@n.no", ids["SYE"]), Person("b@n.no", ids["SYE"]), Person("c@n.no", ids["UDE"], active: false));
        await db.SaveChangesAsync();
        var directory = new OrganisationDirectory(db);

        var query = directory.PersonRows.Where(p => p.IsActive)
            .Join(directory.AgencyRows, p => p.AgencyId, a => a.Id, (p, a) => new { a.Code, p.Id })
            .GroupBy(x => x.Code).Select(g => new { Code = g.Key, People = g.Count() });
        var rows = await query.ToListAsync();

        Assert.Contains("JOIN", query.ToQueryString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal([("SYE", 2)], rows.Select(r => (r.Code, r.People)));
    }
}
