using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Data;
using Oppdrift.Effects;
using Oppdrift.Learning;
using Oppdrift.Processes;
using Oppdrift.ShareMigration;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Tests.Learning;
using Oppdrift.Tests.Processes;

namespace Oppdrift.Tests.Effects;

/// <summary>Interventions derived from process moves, share migrations and programmes: created, followed and removed with their source, never edited by hand.</summary>
public sealed class InterventionSourcesTests
{
    private static InterventionSources Sources(OppdriftDb db, TimeProvider clock) =>
        new(db, new LearningQueries(db, EffectSeed.Suppression), new ProcessQueries(db, new Oppdrift.Benefits.BenefitsOptions()), new MigrationQueries(db), clock);

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_moved_process_becomes_a_process_move_that_follows_it_and_goes_when_it_is_no_longer_moved(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var agencies = await LearningSeed.AgenciesAsync(db, "BOS", "SYE", "KUL");
        var processes = new ProcessServices(db);
        var id = await processes.CreateAsync(ProcessServices.Input(agencies[0].Id, agencies[1].Id));
        var sources = Sources(db, processes.Clock);

        Assert.Equal(0, await sources.SyncAsync(default)); // registered, not moved: nothing done yet
        Assert.True((await processes.Editor.SetStateAsync(id, ProcessState.Moved, new DateOnly(2026, 9, 14), ProcessUsers.Central, default)).Succeeded);
        Assert.Equal(1, await sources.SyncAsync(default));
        Assert.Equal(0, await sources.SyncAsync(default)); // nothing changed: nothing written

        await using (var check = database.CreateContext())
        {
            var derived = await check.Interventions.Include(i => i.Agencies).SingleAsync();
            Assert.Equal((InterventionSource.Process, id), (derived.SourceKind!.Value, derived.SourceId!.Value));
            Assert.Equal(InterventionKind.ProcessMove, derived.Kind);
            Assert.Equal(new DateOnly(2026, 9, 14), derived.StartsOn);
            Assert.Equal("Saksbehandling mellom etater på e-post", derived.Name);
            Assert.Equal(new[] { agencies[0].Id, agencies[1].Id }.Order(), derived.Agencies.Select(a => a.AgencyId).Order());
            Assert.Equal("/processes/" + id, InterventionSources.SourceUrl(derived));
            Assert.Equal(1, await check.AuditEntries.CountAsync(a => a.Action == "effects.intervention.derive" && a.Actor == InterventionSources.Actor));
        }

        // The move date and the agencies change in the register: the intervention follows.
        var input = ProcessServices.Input(agencies[0].Id, agencies[2].Id);
        Assert.True((await processes.Editor.SaveAsync(id, input, ProcessUsers.Central, default)).Succeeded);
        Assert.True((await processes.Editor.SetStateAsync(id, ProcessState.Moved, new DateOnly(2026, 9, 21), ProcessUsers.Central, default)).Succeeded);
        Assert.Equal(1, await sources.SyncAsync(default));
        await using (var check = database.CreateContext())
        {
            var derived = await check.Interventions.Include(i => i.Agencies).SingleAsync();
            Assert.Equal(new DateOnly(2026, 9, 21), derived.StartsOn);
            Assert.Equal(new[] { agencies[0].Id, agencies[2].Id }.Order(), derived.Agencies.Select(a => a.AgencyId).Order());
            Assert.Equal(InterventionSources.Actor, derived.UpdatedBy);

            // Not edited or deleted by hand: it is changed where it comes from.
            var log = EffectSeed.Log(check, processes.Clock);
            var edit = await log.SaveAsync(derived.Id, new InterventionInput { Name = "Annet", Kind = InterventionKind.Other, StartsOn = derived.StartsOn, AgencyIds = [agencies[0].Id] },
                ProcessUsers.Central, default);
            Assert.False(edit.Succeeded);
            Assert.Contains("følger kilden", edit.Error, StringComparison.Ordinal);
            Assert.False((await log.DeleteAsync(derived.Id, ProcessUsers.Central, default)).Succeeded);
        }

        // Back to planned: no longer moved, and the intervention goes.
        Assert.True((await processes.Editor.SetStateAsync(id, ProcessState.Planned, null, ProcessUsers.Central, default)).Succeeded);
        Assert.Equal(1, await sources.SyncAsync(default));
        await using (var check = database.CreateContext())
        {
            Assert.Equal(0, await check.Interventions.CountAsync());
            Assert.Equal(1, await check.AuditEntries.CountAsync(a => a.Action == "effects.intervention.underive"));
            Assert.Equal(1, await check.AuditEntries.CountAsync(a => a.Action == "effects.intervention.rederive"));
        }
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_share_becomes_a_migration_when_its_last_mapping_is_migrated_and_stops_being_one_when_a_mapping_is_not(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var agencies = await LearningSeed.AgenciesAsync(db, "BOS", "SYE");
        var clock = EffectSeed.Clock();
        var share = new SourceShare { AgencyId = agencies[1].Id, Name = @"\\fil01\helse$", CreatedAt = new DateTime(2026, 1, 5, 0, 0, 0, DateTimeKind.Utc), CreatedBy = "test" };
        db.SourceShares.Add(share);
        await db.SaveChangesAsync();
        ShareMapping Mapping(string folder, MappingState state, params (MappingState State, DateTime At)[] history)
        {
            var mapping = new ShareMapping
            {
                ShareId = share.Id,
                SourceFolder = folder,
                SiteUrl = "https://kommune.sharepoint.com/sites/helse",
                Library = "Shared Documents",
                TargetFolder = folder,
                State = state,
                StateChangedAt = history.Length == 0 ? new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc) : history[^1].At,
                StateChangedBy = "test",
            };
            mapping.History.AddRange(history.Select(h => new ShareMappingChange { State = h.State, At = h.At, By = "test" }));
            return mapping;
        }
        static DateTime Day(int month, int day) => new(2026, month, day, 10, 0, 0, DateTimeKind.Utc);
        // Migrated on 4 May and verified later; the other migrated on 11 May: the share was migrated on 11 May.
        db.ShareMappings.AddRange(
            Mapping("Arkiv", MappingState.Verified, (MappingState.Planned, Day(3, 1)), (MappingState.Migrated, Day(5, 4)), (MappingState.Verified, Day(6, 1))),
            Mapping("Felles", MappingState.Planned, (MappingState.Planned, Day(3, 1))));
        await db.SaveChangesAsync();
        var sources = Sources(db, clock);

        Assert.Equal(0, await sources.SyncAsync(default)); // one mapping still planned
        var felles = await db.ShareMappings.Include(m => m.History).SingleAsync(m => m.SourceFolder == "Felles");
        felles.State = MappingState.Migrated;
        felles.StateChangedAt = Day(5, 11);
        felles.History.Add(new ShareMappingChange { State = MappingState.Migrated, At = Day(5, 11), By = "test" });
        await db.SaveChangesAsync();
        Assert.Equal(1, await sources.SyncAsync(default));
        Assert.Equal(0, await sources.SyncAsync(default));
        await using (var check = database.CreateContext())
        {
            var derived = await check.Interventions.Include(i => i.Agencies).SingleAsync();
            Assert.Equal((InterventionSource.Share, share.Id, InterventionKind.ShareMigration), (derived.SourceKind!.Value, derived.SourceId!.Value, derived.Kind));
            Assert.Equal(new DateOnly(2026, 5, 11), derived.StartsOn);
            Assert.Equal([agencies[1].Id], derived.Agencies.Select(a => a.AgencyId));
            // The agency page lists it like any other intervention.
            Assert.Single(await EffectSeed.Queries(check).ListAsync(null, agencies[1].Id, default));
        }

        felles.State = MappingState.Cleaned;
        felles.History.Add(new ShareMappingChange { State = MappingState.Cleaned, At = Day(5, 12), By = "test" });
        await db.SaveChangesAsync();
        Assert.Equal(1, await sources.SyncAsync(default));
        await using (var check = database.CreateContext())
        {
            Assert.Equal(0, await check.Interventions.CountAsync());
        }
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_programme_with_a_session_held_is_a_training_from_its_first_session_unless_the_team_linked_it_by_hand(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var (programme, session) = await LearningSeed.ProgrammeAsync(db, capacity: null); // its session is four days after LearningSeed.Now
        var clock = new FakeTimeProvider(LearningSeed.Now);
        var sources = Sources(db, clock);

        Assert.Equal(0, await sources.SyncAsync(default)); // no session held yet
        clock.Advance(TimeSpan.FromDays(5));
        Assert.Equal(1, await sources.SyncAsync(default));
        await using (var check = database.CreateContext())
        {
            var derived = await check.Interventions.SingleAsync();
            Assert.Equal((InterventionSource.Programme, programme.Id, programme.Id), (derived.SourceKind!.Value, derived.SourceId!.Value, derived.ProgrammeId!.Value));
            Assert.Equal(InterventionKind.Training, derived.Kind);
            Assert.Equal(DateOnly.FromDateTime(session.StartsAt), derived.StartsOn);
        }

        // The team links the programme to an intervention of its own: that one judges it, and the derived one goes, so
        // the same training is never shown twice.
        var log = EffectSeed.Log(db, clock);
        var byHand = await log.SaveAsync(null, new InterventionInput
        {
            Name = "Teams-uke",
            Kind = InterventionKind.Training,
            StartsOn = DateOnly.FromDateTime(session.StartsAt),
            ProgrammeId = programme.Id
        }, ProcessUsers.Central, default);
        Assert.True(byHand.Succeeded, byHand.Error);
        Assert.Equal(1, await sources.SyncAsync(default));
        await using (var check = database.CreateContext())
        {
            var only = await check.Interventions.SingleAsync();
            Assert.Null(only.SourceKind);
            Assert.Equal("Teams-uke", only.Name);
        }
    }
}
