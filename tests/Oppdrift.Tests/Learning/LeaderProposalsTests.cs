using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Learning.Knowledge;
using Oppdrift.Organisation;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Learning;

/// <summary>New leaders from the directory import proposed for a leader school's next cohort: accepted, dismissed, never twice.</summary>
public sealed class LeaderProposalsTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));

    private DateOnly Today => DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);

    /// <summary>The agencies and rules of the hand-written directory files, and the first of them imported.</summary>
    private async Task<TestDatabase> DirectoryAsync(DatabaseKind kind)
    {
        var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var setup = new OrganisationSetup(db, _clock);
        var sye = (await setup.CreateAgencyAsync(new AgencyInput("SYE", "Sykehjemsetaten", "Helse"), "test", default)).Value!;
        var bno = (await setup.CreateAgencyAsync(new AgencyInput("BNO", "Bydel Nord", "Bydeler"), "test", default)).Value!;
        var kul = (await setup.CreateAgencyAsync(new AgencyInput("KUL", "Kulturetaten", "Kultur"), "test", default)).Value!;
        await setup.AddRuleAsync(new RuleInput(DirectoryField.CompanyName, RuleOperator.Equals, "Sykehjemsetaten", sye.Id, UnitSource.Department), "test", default);
        await setup.AddRuleAsync(new RuleInput(DirectoryField.Department, RuleOperator.StartsWith, "Bydel Nord", bno.Id, UnitSource.Department), "test", default);
        await setup.AddRuleAsync(new RuleInput(DirectoryField.CompanyName, RuleOperator.Equals, "Kulturetaten", kul.Id, UnitSource.Department), "test", default);
        await ImportAsync(database, "entra-users.csv");
        return database;
    }

    private async Task ImportAsync(TestDatabase database, string file)
    {
        await using var db = database.CreateContext();
        await using var stream = TestFiles.Open("organisation", file);
        var import = await new EntraUserImport(db, _clock).ImportAsync(stream, file, "test");
        Assert.Equal(ImportStatus.Succeeded, import.Status);
    }

    private Programmes ProgrammeService(OppdriftDb db, string folder)
    {
        var storage = LearningSeed.Storage(folder);
        return new Programmes(db, _clock, LearningSeed.Options(), storage, new KnowledgeSync(db, new KnowledgeIndex(db), storage));
    }

    private static ProgrammeInput School(bool? proposeNewLeaders, params int[] agencies) =>
        new("Lederskolen", "For nye ledere.", "HR", "eier", null, ProgrammeAudience.Leaders, agencies, "ledelse", "Teams", ["Modul 1"], ProposeNewLeaders: proposeNewLeaders);

    private static string Describe(IEnumerable<LeaderProposal> proposals, Dictionary<int, string> codes) =>
        string.Join(", ", proposals.Select(p => $"{p.Person.DisplayName}:{p.Kind}:{(p.FromAgencyId is { } from ? codes[from] : "-")}>{codes[p.AgencyId]}"));

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task New_and_moved_leaders_are_proposed_for_the_next_cohort_and_each_is_accepted_or_dismissed_once(DatabaseKind kind)
    {
        await using var database = await DirectoryAsync(kind);
        await using var db = database.CreateContext();
        var programme = (await ProgrammeService(db, database.Folder).CreateAsync(School(null), "eier", default)).Value!;
        // Switched on on the edit page: audited in the programme's history like its other fields.
        Assert.True((await ProgrammeService(db, database.Folder).UpdateAsync(programme.Id, School(true), "eier", default)).Succeeded);
        var cohorts = new Cohorts(db, _clock);
        var started = (await cohorts.CreateAsync(programme.Id, new CohortInput("Høsten", Today.AddDays(-10)), "eier", default)).Value!;
        var next = (await cohorts.CreateAsync(programme.Id, new CohortInput("Våren", Today.AddDays(20)), "eier", default)).Value!;
        await cohorts.CreateAsync(programme.Id, new CohortInput("Sommeren", Today.AddDays(90)), "eier", default);
        var proposals = new LeaderProposals(db, _clock);
        Assert.Empty(await proposals.PendingAsync(programme.Id, default));

        _clock.Advance(TimeSpan.FromDays(1));
        await ImportAsync(database, "entra-users-new-leaders.csv");

        var codes = await db.Agencies.ToDictionaryAsync(a => a.Id, a => a.Code);
        var pending = await proposals.PendingAsync(programme.Id, default);
        Assert.Equal("Marte Solberg:New:->KUL, Nina Lie:Moved:BNO>KUL", Describe(pending.OrderBy(p => p.Person.DisplayName, StringComparer.Ordinal), codes));
        Assert.Equal(next.Id, (await proposals.NextCohortAsync(programme.Id, default))?.Id);
        var marte = pending.Single(p => p.Person.DisplayName == "Marte Solberg").Person.Id;
        var nina = pending.Single(p => p.Person.DisplayName == "Nina Lie").Person.Id;

        // A cohort that has started takes nobody from the proposals.
        var refused = await proposals.AcceptAsync(started.Id, marte, "eier", default);
        Assert.False(refused.Succeeded);
        Assert.Equal(LearningText.Get("ProposalCohortStarted"), refused.Error);

        Assert.True((await proposals.AcceptAsync(next.Id, marte, "eier", default)).Succeeded);
        Assert.True((await proposals.DismissAsync(programme.Id, nina, "eier", default)).Succeeded);
        Assert.Empty(await proposals.PendingAsync(programme.Id, default));
        Assert.False((await proposals.DismissAsync(programme.Id, nina, "eier", default)).Succeeded);
        Assert.False((await proposals.AcceptAsync(next.Id, nina, "eier", default)).Succeeded);
        Assert.Equal([(marte, (int?)next.Id)], (await db.Participants.Where(p => p.ProgrammeId == programme.Id).ToListAsync()).Select(p => (p.PersonId, p.CohortId)));

        // The same import again proposes nobody; nor does Nina moving away and back: she was dismissed.
        await ImportAsync(database, "entra-users-new-leaders.csv");
        _clock.Advance(TimeSpan.FromDays(1));
        await ImportAsync(database, "entra-users.csv");
        _clock.Advance(TimeSpan.FromDays(1));
        await ImportAsync(database, "entra-users-new-leaders.csv");
        Assert.Empty(await proposals.PendingAsync(programme.Id, default));

        var history = await ProgrammeHistory.ReadAsync(db, programme.Id, default);
        Assert.Equal(["learning.proposal.dismiss", "learning.proposal.accept"],
            history.Where(h => h.Action.StartsWith("learning.proposal.", StringComparison.Ordinal)).Select(h => h.Action));
        Assert.All(history.Where(h => h.Action.StartsWith("learning.proposal.", StringComparison.Ordinal)), h => Assert.Equal("eier", h.Actor));
        Assert.Contains(history, h => h.Action == "learning.programme.update" && h.After!.Contains("\"ProposeNewLeaders\":true", StringComparison.Ordinal));
        Assert.Equal(2, await db.LeaderProposalDecisions.CountAsync(d => d.ProgrammeId == programme.Id));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Only_a_programme_taking_new_leaders_since_before_they_arrived_and_in_their_agency_proposes_them(DatabaseKind kind)
    {
        await using var database = await DirectoryAsync(kind);
        await using var db = database.CreateContext();
        var service = ProgrammeService(db, database.Folder);
        var kul = await db.Agencies.Where(a => a.Code == "KUL").Select(a => a.Id).SingleAsync();
        var sye = await db.Agencies.Where(a => a.Code == "SYE").Select(a => a.Id).SingleAsync();
        var forCulture = (await service.CreateAsync(School(true, kul), "eier", default)).Value!;
        var forHealth = (await service.CreateAsync(School(true, sye), "eier", default)).Value!;
        var notTaking = (await service.CreateAsync(School(null), "eier", default)).Value!;
        _clock.Advance(TimeSpan.FromDays(1));

        await ImportAsync(database, "entra-users-new-leaders.csv");
        _clock.Advance(TimeSpan.FromDays(1));
        var late = (await service.CreateAsync(School(true), "eier", default)).Value!;

        var proposals = new LeaderProposals(db, _clock);
        Assert.Equal(2, (await proposals.PendingAsync(forCulture.Id, default)).Count);
        Assert.Empty(await proposals.PendingAsync(forHealth.Id, default));
        Assert.Empty(await proposals.PendingAsync(notTaking.Id, default));
        Assert.Empty(await proposals.PendingAsync(late.Id, default));
        // With no cohort ahead, the proposals wait.
        Assert.Null(await proposals.NextCohortAsync(forCulture.Id, default));

        // Switching it off and on again starts afresh, from leaders who arrive after.
        var off = School(false, kul);
        Assert.True((await service.UpdateAsync(forCulture.Id, off, "eier", default)).Succeeded);
        Assert.Empty(await proposals.PendingAsync(forCulture.Id, default));
        Assert.True((await service.UpdateAsync(forCulture.Id, School(true, kul), "eier", default)).Succeeded);
        Assert.Empty(await proposals.PendingAsync(forCulture.Id, default));
    }
}
