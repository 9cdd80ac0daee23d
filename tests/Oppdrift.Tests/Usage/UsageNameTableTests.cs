using System.Text;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Shared.Privacy;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Usage;

namespace Oppdrift.Tests.Usage;

public sealed class UsageNameTableTests
{
    private static async Task<UsagePeople> PeopleAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        var agency = (await new OrganisationSetup(db, TimeProvider.System).CreateAgencyAsync(new AgencyInput("SYE", "Sykehjemsetaten", "Helse"), "test", default)).Value!;
        db.People.Add(new Person
        {
            UserPrincipalName = "Kari.Nordmann@nordvik.kommune.no",
            NormalizedUserPrincipalName = "kari.nordmann@nordvik.kommune.no",
            DisplayName = "Kari Nordmann",
            AgencyId = agency.Id,
            IsActive = true,
            AccountEnabled = true,
        });
        await db.SaveChangesAsync();
        return await UsagePeople.LoadAsync(db, new Pseudonymiser(new PseudonymiserOptions { Key = Pseudonymiser.NewKey() }), default);
    }

    [Fact]
    public async Task A_name_in_any_case_is_the_same_person_as_the_shared_lookup_finds()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        var people = await PeopleAsync(database);
        var table = people.RentNames();

        var lower = table.Resolve("kari.nordmann@nordvik.kommune.no"u8);
        var upper = table.Resolve("KARI.NORDMANN@nordvik.kommune.no"u8);
        var again = table.Resolve("kari.nordmann@nordvik.kommune.no"u8);
        var stranger = table.Resolve("ola@example.org"u8);

        Assert.True(lower.Matched);
        Assert.NotEqual(UsageFigure.Unplaced, lower.AgencyId);
        Assert.Equal(lower, upper);
        Assert.Equal(lower, again);
        Assert.Equal(people.Resolve("Kari.Nordmann@nordvik.kommune.no"), lower);
        Assert.False(stranger.Matched);
        Assert.NotEqual(lower.Slot, stranger.Slot);
    }

    [Fact]
    public async Task Far_more_names_than_the_table_starts_with_each_keep_their_own_person()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        var people = await PeopleAsync(database);
        var table = people.RentNames();
        var names = Enumerable.Range(0, 150_000).Select(i => Encoding.UTF8.GetBytes($"person{i}@example.org")).ToArray();

        var first = names.Select(n => table.Resolve(n)).ToArray();
        var second = names.Select(n => table.Resolve(n)).ToArray();

        Assert.Equal(first, second);
        Assert.Equal(names.Length, first.Select(p => p.Slot).Distinct().Count());
        // A table handed back and out again still knows the names it learnt.
        people.ReturnNames(table);
        Assert.Equal(first[123], people.RentNames().Resolve(names[123]));
    }
}
