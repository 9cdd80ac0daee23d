using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Effects;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Tests.Learning;
using Oppdrift.Tests.Processes;

namespace Oppdrift.Tests.Effects;

/// <summary>Recording, changing and deleting interventions: every field checked, nothing half-saved, every change audited.</summary>
public sealed class InterventionLogTests
{
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Bad_input_is_refused_naming_the_field_and_nothing_is_saved(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var agencies = await LearningSeed.AgenciesAsync(db, "BOS", "SYE");
        var clock = EffectSeed.Clock();
        var log = EffectSeed.Log(db, clock);
        var good = new InterventionInput { Name = "Teams-uke", Kind = InterventionKind.Training, StartsOn = new DateOnly(2026, 2, 2), AgencyIds = [agencies[0].Id] };

        (InterventionInput Input, string Field, string Message)[] cases =
        [
            (good with { Name = "  " }, "name", "Navn må fylles ut"),
            (good with { Name = new string('x', InterventionLengths.Name + 1) }, "name", "høyst 300 tegn"),
            (good with { StartsOn = null }, "date", "Startdato må fylles ut"),
            (good with { StartsOn = new DateOnly(1999, 12, 31) }, "date", "Startdatoen må ligge mellom"),
            (good with { StartsOn = new DateOnly(2027, 8, 4) }, "date", "Startdatoen må ligge mellom"),
            (good with { Kind = (InterventionKind)99 }, "kind", "Type må fylles ut"),
            (good with { AgencyIds = [] }, "agencies", "minst én virksomhet"),
            (good with { AgencyIds = [agencies[0].Id, 9999] }, "agencies", "finnes ikke"),
            (good with { Metrics = ["teams.active7", "teams.nope"] }, "metrics", "teams.nope"),
            (good with { Metrics = ["onedrive.storageBytes"] }, "metrics", "onedrive.storageBytes"),
            (good with { ProgrammeId = 4242 }, "programme", "programmet finnes ikke"),
            (good with { Note = new string('x', InterventionLengths.Note + 1) }, "note", "høyst 4000 tegn"),
        ];
        foreach (var (input, field, message) in cases)
        {
            var refused = await log.SaveAsync(null, input, ProcessUsers.Central, default);
            Assert.False(refused.Succeeded);
            Assert.Equal(field, refused.Field);
            Assert.Contains(message, refused.Error, StringComparison.Ordinal);
        }
        var (programme, _) = await LearningSeed.ProgrammeAsync(db, capacity: null);
        var wrongKind = await log.SaveAsync(null, good with { Kind = InterventionKind.Workshop, ProgrammeId = programme.Id }, ProcessUsers.Central, default);
        Assert.Equal("programme", wrongKind.Field);
        var leader = await log.SaveAsync(null, good, ProcessUsers.Leader(agencies[0].Id), default);
        Assert.Contains("Bare sentralteamet", leader.Error, StringComparison.Ordinal);

        await using var check = database.CreateContext();
        Assert.Equal(0, await check.Interventions.CountAsync());
        Assert.Equal(0, await check.AuditEntries.CountAsync(a => a.Action.StartsWith("effects.")));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Recording_changing_and_deleting_are_each_audited_with_what_changed(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var agencies = await LearningSeed.AgenciesAsync(db, "BOS", "SYE", "KUL");
        var clock = EffectSeed.Clock();
        var log = EffectSeed.Log(db, clock);

        var created = await log.SaveAsync(null, new InterventionInput
        {
            Name = " Verksted med ledergruppen ",
            Kind = InterventionKind.Workshop,
            StartsOn = new DateOnly(2026, 5, 4),
            Note = "Møteregler",
            AgencyIds = [agencies[0].Id, agencies[1].Id, agencies[0].Id],
        }, ProcessUsers.Central, default);
        Assert.True(created.Succeeded, created.Error);
        var id = created.Value!.Id;
        clock.Advance(TimeSpan.FromDays(1));
        var changed = await log.SaveAsync(id, new InterventionInput
        {
            Name = "Verksted med ledergruppen",
            Kind = InterventionKind.Agreement,
            StartsOn = new DateOnly(2026, 5, 5),
            AgencyIds = [agencies[1].Id, agencies[2].Id],
            Metrics = ["teams.meetingsOrganised"],
        }, ProcessUsers.Central, default);
        Assert.True(changed.Succeeded, changed.Error);

        await using (var check = database.CreateContext())
        {
            var stored = await check.Interventions.Include(i => i.Agencies).SingleAsync();
            Assert.Equal("Verksted med ledergruppen", stored.Name);
            Assert.Equal(InterventionKind.Agreement, stored.Kind);
            Assert.Null(stored.Note);
            Assert.Equal([agencies[1].Id, agencies[2].Id], stored.Agencies.Select(a => a.AgencyId).Order());
            Assert.Equal(["teams.meetingsOrganised"], stored.Metrics);
            Assert.Equal(["teams.meetingsOrganised"], EffectOutcomes.Of(stored));
            Assert.Equal("endringsleder", stored.UpdatedBy);
            Assert.Equal(clock.GetUtcNow().UtcDateTime, stored.UpdatedAt);
            var found = await EffectSeed.Log(check, clock).FindAsync("Verksted med ledergruppen", new DateOnly(2026, 5, 5), default);
            Assert.Equal(id, found?.Id);
        }

        Assert.Contains("Bare sentralteamet", (await log.DeleteAsync(id, ProcessUsers.SystemOwner, default)).Error, StringComparison.Ordinal);
        Assert.True((await log.DeleteAsync(id, ProcessUsers.Central, default)).Succeeded);
        Assert.Contains("finnes ikke", (await log.DeleteAsync(id, ProcessUsers.Central, default)).Error, StringComparison.Ordinal);

        await using var audit = database.CreateContext();
        var entries = await audit.AuditEntries.Where(a => a.Action.StartsWith("effects.")).OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["effects.intervention.create", "effects.intervention.update", "effects.intervention.delete"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal("endringsleder", e.Actor));
        Assert.Contains("\"Kind\":\"Workshop\"", entries[1].Before, StringComparison.Ordinal);
        Assert.Contains("\"Kind\":\"Agreement\"", entries[1].After, StringComparison.Ordinal);
        Assert.Contains("teams.meetingsOrganised", entries[1].After, StringComparison.Ordinal);
        Assert.Null(entries[2].After);
        Assert.Equal(0, await audit.Interventions.CountAsync());
        Assert.Equal(0, await audit.InterventionAgencies.CountAsync());
    }
}
