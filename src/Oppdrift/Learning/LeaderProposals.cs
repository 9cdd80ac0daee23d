// New leaders proposed for a leader school (issue 18 item 6): a programme that takes new leaders
// (Programme.NewLeadersSince) is offered everyone the directory imports have since brought in as a leader (new with a
// leader title, or a leader placed in another agency), for its next cohort. The proposals are worked out when read, from
// the Organisation module's leader arrivals; only the manager's decision on each is stored, so a proposal is never made
// twice, and the same import run again brings nobody new.
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Shared;

namespace Oppdrift.Learning;

/// <summary>A leader proposed for a programme: who, how they arrived (new, or moved from another agency), where and when.</summary>
public sealed record LeaderProposal(PersonRow Person, LeaderArrivalKind Kind, int AgencyId, int? FromAgencyId, DateTime At);

public sealed class LeaderProposals(OppdriftDb db, TimeProvider clock)
{
    public const string AcceptAction = "learning.proposal.accept";
    public const string DismissAction = "learning.proposal.dismiss";

    private OrganisationDirectory Directory => new(db);

    /// <summary>Today in Oslo: a cohort starting today has started.</summary>
    private DateOnly Today => ViewCounting.Day(clock.GetUtcNow().UtcDateTime);

    /// <summary>The programme's next cohort: the first one dated after today; null when none is.</summary>
    public async Task<Cohort?> NextCohortAsync(int programmeId, CancellationToken cancellationToken)
    {
        var today = Today;
        return await db.Cohorts.AsNoTracking().Where(c => c.ProgrammeId == programmeId && c.StartsOn > today)
            .OrderBy(c => c.StartsOn).ThenBy(c => c.Id).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// The leaders proposed for the programme and not yet decided on, oldest arrival first: those who arrived since it
    /// began taking new leaders, in one of its agencies when it names any, who are still active leaders there and not
    /// already in the programme. Empty for a programme that takes no new leaders. Names people: for its managers only.
    /// </summary>
    public async Task<IReadOnlyList<LeaderProposal>> PendingAsync(int programmeId, CancellationToken cancellationToken)
    {
        var programme = await db.Programmes.AsNoTracking().Include(p => p.Agencies).SingleOrDefaultAsync(p => p.Id == programmeId, cancellationToken);
        if (programme?.NewLeadersSince is not { } since)
        {
            return [];
        }
        var arrivals = await Directory.LeaderArrivalsAsync(since, cancellationToken);
        var agencies = programme.Agencies.Select(a => a.AgencyId).ToHashSet();
        if (agencies.Count > 0)
        {
            arrivals = [.. arrivals.Where(a => agencies.Contains(a.AgencyId))];
        }
        if (arrivals.Count == 0)
        {
            return [];
        }
        var personIds = arrivals.Select(a => a.PersonId).ToList();
        var enrolled = await db.Participants.Where(p => p.ProgrammeId == programmeId && personIds.Contains(p.PersonId)).Select(p => p.PersonId).ToListAsync(cancellationToken);
        var decided = await db.LeaderProposalDecisions.Where(d => d.ProgrammeId == programmeId && personIds.Contains(d.PersonId)).Select(d => d.PersonId).ToListAsync(cancellationToken);
        var skip = enrolled.Concat(decided).ToHashSet();
        var open = arrivals.Where(a => !skip.Contains(a.PersonId)).ToList();
        var people = await Directory.PeopleAsync([.. open.Select(a => a.PersonId)], cancellationToken);
        return [.. open.Where(a => people.ContainsKey(a.PersonId)).Select(a => new LeaderProposal(people[a.PersonId], a.Kind, a.AgencyId, a.FromAgencyId, a.At))];
    }

    /// <summary>
    /// Enrols a proposed leader in a cohort of the programme that has not started yet, and records the decision, in one
    /// save with its audit entry. Someone not (or no longer) proposed is refused.
    /// </summary>
    public async Task<Result<Participant>> AcceptAsync(int cohortId, int personId, string actor, CancellationToken cancellationToken)
    {
        var cohort = await db.Cohorts.AsNoTracking().SingleOrDefaultAsync(c => c.Id == cohortId, cancellationToken);
        if (cohort is null)
        {
            return Result<Participant>.Fail("cohort", LearningText.Get("CohortNotFound"));
        }
        if (cohort.StartsOn is not { } startsOn || startsOn <= Today)
        {
            return Result<Participant>.Fail("cohort", LearningText.Get("ProposalCohortStarted"));
        }
        var proposal = (await PendingAsync(cohort.ProgrammeId, cancellationToken)).FirstOrDefault(p => p.Person.Id == personId);
        if (proposal is null)
        {
            return Result<Participant>.Fail("person", LearningText.Get("ProposalNotFound"));
        }
        // A participant without a cohort is not proposed (they are in the programme), so this is always a new one.
        var participant = new Participant { ProgrammeId = cohort.ProgrammeId, PersonId = personId, CohortId = cohortId, JoinedAt = clock.GetUtcNow().UtcDateTime };
        db.Participants.Add(participant);
        Decide(cohort.ProgrammeId, proposal, accepted: true, actor, cohort.Name);
        return await SaveAsync(participant, cancellationToken);
    }

    /// <summary>Declines a proposed leader for the programme: they are not proposed to it again.</summary>
    public async Task<Result<bool>> DismissAsync(int programmeId, int personId, string actor, CancellationToken cancellationToken)
    {
        var proposal = (await PendingAsync(programmeId, cancellationToken)).FirstOrDefault(p => p.Person.Id == personId);
        if (proposal is null)
        {
            return Result<bool>.Fail("person", LearningText.Get("ProposalNotFound"));
        }
        Decide(programmeId, proposal, accepted: false, actor, cohort: null);
        return await SaveAsync(true, cancellationToken);
    }

    private void Decide(int programmeId, LeaderProposal proposal, bool accepted, string actor, string? cohort)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        db.LeaderProposalDecisions.Add(new LeaderProposalDecision { ProgrammeId = programmeId, PersonId = proposal.Person.Id, Accepted = accepted, DecidedBy = actor, DecidedAt = now });
        AuditLog.Record(db, clock, actor, accepted ? AcceptAction : DismissAction, Programmes.ProgrammeTarget(programmeId),
            after: new { Person = proposal.Person.UserPrincipalName, Cohort = cohort, Arrived = proposal.Kind.ToString() });
    }

    private async Task<Result<T>> SaveAsync<T>(T value, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return Result<T>.Ok(value);
        }
        catch (DbUpdateException)
        {
            // Another manager decided on the same person at the same moment; the unique keys kept one decision.
            db.ChangeTracker.Clear();
            return Result<T>.Fail("person", LearningText.Get("ProposalNotFound"));
        }
    }
}
