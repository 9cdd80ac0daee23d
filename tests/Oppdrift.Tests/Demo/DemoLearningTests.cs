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
}
