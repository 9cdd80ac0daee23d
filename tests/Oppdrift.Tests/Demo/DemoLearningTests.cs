using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Data;
using Oppdrift.Demo;
using Oppdrift.Learning;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Tests.Learning;

namespace Oppdrift.Tests.Demo;

public sealed class DemoLearningTests
{
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_demo_has_a_hybrid_leadership_leader_group_that_has_ended_and_goes_on_as_a_network_with_two_agreements(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero));
        await new DemoLoader(db, clock).LoadAsync(DemoMunicipality.Generate(9, 4_000), Path.Combine(database.Folder, "demo"));
        await new LearningDemo(db, clock, LearningSeed.Options(), LearningSeed.Storage(database.Folder)).LoadAsync(9, default);

        var hybrid = await db.Programmes.SingleAsync(p => p.Name == "Hybrid ledelse med digitale verktøy");
        var group = await db.Cohorts.SingleAsync(c => c.ProgrammeId == hybrid.Id && c.AgencyId != null);
        Assert.True(Cohorts.HasEnded(group, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)));
        Assert.True(await db.Participants.AnyAsync(p => p.CohortId == group.Id));
        var notes = await new CohortNotes(db, clock).ListAsync(group.Id, default);
        Assert.Equal([CohortNoteTopic.DocumentLocation, CohortNoteTopic.MeetingRules], notes.Select(n => n.Note.Topic));
        Assert.All(notes, n => Assert.NotNull(n.After));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_demo_leader_group_is_a_small_agencys_leaders_and_the_leader_school_has_new_leaders_proposed_for_its_next_cohort(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero));
        await new DemoLoader(db, clock).LoadAsync(DemoMunicipality.Generate(9, 4_000), Path.Combine(database.Folder, "demo"));
        await new LearningDemo(db, clock, LearningSeed.Options(), LearningSeed.Storage(database.Folder)).LoadAsync(9, default);

        // The leader group: the agency with the fewest leaders outside this term's cohort, but at least eight of them.
        var hybrid = await db.Programmes.SingleAsync(p => p.Name == "Hybrid ledelse med digitale verktøy");
        var group = await db.Cohorts.SingleAsync(c => c.ProgrammeId == hybrid.Id && c.AgencyId != null);
        var term = await db.Cohorts.SingleAsync(c => c.ProgrammeId == hybrid.Id && c.AgencyId == null);
        var inTerm = await db.Participants.Where(p => p.CohortId == term.Id).Select(p => p.PersonId).ToListAsync();
        var leaders = (await db.People.Where(p => p.IsActive && p.IsLeader && p.AgencyId != null).Select(p => new { p.Id, Agency = p.AgencyId!.Value }).ToListAsync())
            .Where(p => !inTerm.Contains(p.Id)).GroupBy(p => p.Agency).ToDictionary(g => g.Key, g => g.Count());
        var codes = await db.Agencies.ToDictionaryAsync(a => a.Id, a => a.Code);
        var expected = leaders.Where(l => l.Value >= LearningDemo.MinLeaderGroup).OrderBy(l => l.Value).ThenBy(l => codes[l.Key], StringComparer.Ordinal).First();
        Assert.Equal(expected.Key, group.AgencyId);
        var members = await db.Participants.CountAsync(p => p.CohortId == group.Id);
        Assert.Equal(expected.Value, members);
        Assert.InRange(members, LearningDemo.MinLeaderGroup, 100);
        Assert.True(members < leaders.Values.Max(), "the group is not the agency with most leaders");

        // The leader school takes new leaders: the second directory import brought three new ones and one from another agency.
        var school = await db.Programmes.SingleAsync(p => p.Name.StartsWith("Lederskolen i "));
        Assert.NotNull(school.NewLeadersSince);
        var proposals = new LeaderProposals(db, clock);
        var next = await proposals.NextCohortAsync(school.Id, default);
        Assert.Equal("Neste kull", next?.Name);
        var pending = await proposals.PendingAsync(school.Id, default);
        Assert.Equal(DemoLoader.NewLeaders + 1, pending.Count);
        Assert.Equal(DemoLoader.NewLeaders, pending.Count(p => p.Kind == Oppdrift.Organisation.LeaderArrivalKind.New));
        var moved = Assert.Single(pending, p => p.Kind == Oppdrift.Organisation.LeaderArrivalKind.Moved);
        Assert.NotNull(moved.FromAgencyId);
        Assert.NotEqual(moved.AgencyId, moved.FromAgencyId);
        Assert.All(pending, p => Assert.Equal(school.OwnerAgencyId, p.AgencyId));
        Assert.False(await db.Participants.AnyAsync(p => p.ProgrammeId == school.Id && pending.Select(x => x.Person.Id).Contains(p.PersonId)));
        Assert.Equal(2, await db.DirectoryImports.CountAsync());
    }
}
