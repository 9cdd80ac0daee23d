using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Data;
using Oppdrift.Demo;
using Oppdrift.Organisation;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Demo;

public sealed class DemoLoaderTests
{
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Loading_the_demo_places_every_employee_and_loading_it_again_changes_nothing(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 7, 0, 0, TimeSpan.Zero));
        var municipality = DemoMunicipality.Generate(5, 4_000);

        await using (var db = database.CreateContext())
        {
            var result = await new DemoLoader(db, clock).LoadAsync(municipality, database.Folder);

            Assert.Equal(ImportStatus.Succeeded, result.DirectoryImport.Status);
            Assert.Equal(municipality.Agencies.Count, result.AgenciesCreated);
            Assert.True(File.Exists(Path.Combine(database.Folder, EntraUsersWriter.FileName)));
        }

        await using (var db = database.CreateContext())
        {
            var placed = await db.People.Where(p => p.IsActive && p.AgencyId != null).Include(p => p.Agency).Include(p => p.Unit).ToListAsync();
            var expected = municipality.People.Where(p => p.Agency is not null && p.AccountEnabled).ToDictionary(p => p.UserPrincipalName.ToLowerInvariant());
            Assert.Equal(expected.Count, placed.Count);
            Assert.All(placed, person =>
            {
                var source = expected[person.NormalizedUserPrincipalName];
                Assert.Equal(source.Agency!.Code, person.Agency!.Code);
                Assert.Equal(source.Unit, person.Unit?.Name);
            });
            var unassigned = await db.People.CountAsync(p => p.IsActive && p.AgencyId == null);
            Assert.Equal(municipality.People.Count(p => p.UserType == "Member" && p.Agency is null), unassigned);
        }

        await using (var db = database.CreateContext())
        {
            var again = await new DemoLoader(db, clock).LoadAsync(municipality, database.Folder);

            Assert.Equal(0, again.AgenciesCreated);
            Assert.Equal(0, again.RulesCreated);
            Assert.Equal(again.DirectoryImport.Rows, again.DirectoryImport.Unchanged);
        }
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Several_municipalities_load_side_by_side_each_person_in_their_own_copy(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 7, 0, 0, TimeSpan.Zero));
        var one = DemoMunicipality.Generate(5, 2_000);
        var three = DemoMunicipality.Several(3, 5, 2_000);

        Assert.Equal(3 * one.Agencies.Count, three.Agencies.Count);
        Assert.Equal(three.Agencies.Count, three.Agencies.Select(a => a.Code).Distinct().Count());
        Assert.Equal(three.People.Count, three.People.Select(p => p.UserPrincipalName.ToLowerInvariant()).Distinct().Count());
        Assert.Equal(one.People.Select(p => p.UserPrincipalName), three.People.Take(one.People.Count).Select(p => p.UserPrincipalName));
        Assert.Contains(three.People, p => p.UserPrincipalName.EndsWith("@k3.nordvik.kommune.no", StringComparison.Ordinal) && p.Agency!.Code.EndsWith("-K3", StringComparison.Ordinal));

        await using (var db = database.CreateContext())
        {
            var result = await new DemoLoader(db, clock).LoadAsync(three, database.Folder);
            Assert.Equal(ImportStatus.Succeeded, result.DirectoryImport.Status);
            Assert.Equal(three.Agencies.Count, result.AgenciesCreated);
        }

        await using (var db = database.CreateContext())
        {
            var placed = await db.People.Where(p => p.IsActive && p.AgencyId != null).Include(p => p.Agency).ToListAsync();
            var expected = three.People.Where(p => p.Agency is not null && p.AccountEnabled).ToDictionary(p => p.UserPrincipalName.ToLowerInvariant());
            Assert.Equal(expected.Count, placed.Count);
            Assert.All(placed, person => Assert.Equal(expected[person.NormalizedUserPrincipalName].Agency!.Code, person.Agency!.Code));
        }
    }
}
