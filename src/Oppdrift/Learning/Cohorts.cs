// A programme's cohorts and the people enrolled in them: created, renamed, deleted, filled one by one or from the
// directory (a unit, an agency, an agency's leaders), and each participant's progress. Every change is audited on the
// programme, so its history shows it.
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Shared;

namespace Oppdrift.Learning;

/// <summary>
/// A cohort's fields: its name, first and last day (after the last it goes on as a network), and the agency whose leader
/// group it is, if it is one.
/// </summary>
public sealed record CohortInput(string Name, DateOnly? StartsOn, DateOnly? EndsOn = null, int? AgencyId = null);

/// <summary>
/// Whom to enrol: people by id, everyone active in a unit or an agency, and the leaders of an agency (people whose
/// directory title makes them leaders, the rule behind a programme for leaders). Any combination; at least one.
/// </summary>
public sealed record EnrolmentRequest(IReadOnlyList<int> PersonIds, int? UnitId = null, int? AgencyId = null, int? LeadersOfAgencyId = null);

/// <summary>What an enrolment did: who was added, who was already in this cohort, and who stayed in another cohort of the programme.</summary>
public sealed record EnrolmentOutcome(int Added, int AlreadyEnrolled, int InOtherCohort);

/// <summary>
/// A participant with their progress in the programme: sessions registered for (seated), sessions attended, recordings
/// watched in Oppdrift, and whether that completes the programme (null when the programme has no completion rule).
/// </summary>
public sealed record ParticipantProgress(int ParticipantId, PersonRow Person, DateTime JoinedAt, int Registered, int Attended, int Watched = 0, bool? Completed = null);

public sealed class Cohorts(OppdriftDb db, TimeProvider clock)
{
    /// <summary>How many people one enrolment may add: a large agency's whole staff, not the whole municipality by mistake.</summary>
    public const int MaxEnrolment = 5000;

    private OrganisationDirectory Directory => new(db);

    /// <summary>Today in Oslo, the day a cohort's end is counted by.</summary>
    public DateOnly Today => ViewCounting.Day(clock.GetUtcNow().UtcDateTime);

    /// <summary>Whether the cohort's last day is behind <paramref name="today"/>: it has ended and goes on as a network.</summary>
    public static bool HasEnded(Cohort cohort, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        return cohort.EndsOn is { } end && end < today;
    }

    public async Task<Result<Cohort>> CreateAsync(int programmeId, CohortInput input, string actor, CancellationToken cancellationToken)
    {
        if (await ValidateAsync(input, cancellationToken) is { } error)
        {
            return Result<Cohort>.Fail(error.Field, error.Message);
        }
        if (!await db.Programmes.AnyAsync(p => p.Id == programmeId, cancellationToken))
        {
            return Result<Cohort>.Fail("programme", LearningText.Get("ProgrammeNotFound"));
        }
        var cohort = new Cohort { ProgrammeId = programmeId, Name = input.Name.Trim(), StartsOn = input.StartsOn, EndsOn = input.EndsOn, AgencyId = input.AgencyId };
        db.Cohorts.Add(cohort);
        AuditLog.Record(db, clock, actor, "learning.cohort.create", Programmes.ProgrammeTarget(programmeId),
            after: new { Cohort = cohort.Name, CohortStartsOn = cohort.StartsOn, CohortEndsOn = cohort.EndsOn, CohortAgencyId = cohort.AgencyId });
        await db.SaveChangesAsync(cancellationToken);
        return Result<Cohort>.Ok(cohort);
    }

    /// <summary>
    /// Renames, re-dates or re-assigns a cohort to an agency's leader group; the audit entry names only what changed, and a
    /// save that changes nothing writes nothing.
    /// </summary>
    public async Task<Result<Cohort>> UpdateAsync(int cohortId, CohortInput input, string actor, CancellationToken cancellationToken)
    {
        if (await ValidateAsync(input, cancellationToken) is { } error)
        {
            return Result<Cohort>.Fail(error.Field, error.Message);
        }
        var cohort = await db.Cohorts.SingleOrDefaultAsync(c => c.Id == cohortId, cancellationToken);
        if (cohort is null)
        {
            return Result<Cohort>.Fail("cohort", LearningText.Get("CohortNotFound"));
        }
        var changes = new AuditChanges();
        changes.Set("Cohort", cohort.Name, input.Name.Trim(), v => cohort.Name = v);
        changes.Set("CohortStartsOn", cohort.StartsOn, input.StartsOn, v => cohort.StartsOn = v);
        changes.Set("CohortEndsOn", cohort.EndsOn, input.EndsOn, v => cohort.EndsOn = v);
        changes.Set("CohortAgencyId", cohort.AgencyId, input.AgencyId, v => cohort.AgencyId = v);
        if (changes.Any)
        {
            AuditLog.Record(db, clock, actor, "learning.cohort.update", Programmes.ProgrammeTarget(cohort.ProgrammeId), changes.Before, changes.After);
            await db.SaveChangesAsync(cancellationToken);
        }
        return Result<Cohort>.Ok(cohort);
    }

    /// <summary>
    /// Deletes a cohort. Its participants stay in the programme without a cohort (their registrations and attendance
    /// belong to the programme, not the cohort), and can be moved to another cohort afterwards.
    /// </summary>
    public async Task<Result<int>> DeleteAsync(int cohortId, string actor, CancellationToken cancellationToken)
    {
        var cohort = await db.Cohorts.SingleOrDefaultAsync(c => c.Id == cohortId, cancellationToken);
        if (cohort is null)
        {
            return Result<int>.Fail("cohort", LearningText.Get("CohortNotFound"));
        }
        var participants = await db.Participants.Where(p => p.CohortId == cohortId).ToListAsync(cancellationToken);
        foreach (var participant in participants)
        {
            participant.CohortId = null;
        }
        // The cohort's notes go with it (the database cascades); the entry counts them.
        var notes = await db.CohortNotes.CountAsync(n => n.CohortId == cohortId, cancellationToken);
        AuditLog.Record(db, clock, actor, "learning.cohort.delete", Programmes.ProgrammeTarget(cohort.ProgrammeId),
            before: new { Cohort = cohort.Name, CohortStartsOn = cohort.StartsOn, Participants = participants.Count, Notes = notes });
        db.Cohorts.Remove(cohort);
        await db.SaveChangesAsync(cancellationToken);
        return Result<int>.Ok(participants.Count);
    }

    /// <summary>
    /// Enrols people in a cohort. Enrolling someone twice changes nothing; someone already in another cohort of the
    /// programme stays there (moving is a separate, deliberate step) and is counted. An unknown person, unit or agency
    /// is refused by field before anything is written.
    /// </summary>
    public async Task<Result<EnrolmentOutcome>> EnrolAsync(int cohortId, EnrolmentRequest request, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cohort = await db.Cohorts.AsNoTracking().SingleOrDefaultAsync(c => c.Id == cohortId, cancellationToken);
        if (cohort is null)
        {
            return Result<EnrolmentOutcome>.Fail("cohort", LearningText.Get("CohortNotFound"));
        }
        var ids = request.PersonIds.Distinct().ToList();
        if (ids.Count == 0 && request.UnitId is null && request.AgencyId is null && request.LeadersOfAgencyId is null)
        {
            return Result<EnrolmentOutcome>.Fail("personIds", LearningText.Get("EnrolNobody"));
        }
        var people = Directory.PersonRows.Where(p => p.IsActive);
        var chosen = new HashSet<int>();
        var described = new List<string>();
        if (ids.Count > 0)
        {
            var found = await people.Where(p => ids.Contains(p.Id)).Select(p => new { p.Id, p.UserPrincipalName }).ToListAsync(cancellationToken);
            var missing = ids.Where(id => found.All(f => f.Id != id)).ToList();
            if (missing.Count > 0)
            {
                return Result<EnrolmentOutcome>.Fail("personIds", LearningText.Get("EnrolUnknownPerson", string.Join(", ", missing)));
            }
            chosen.UnionWith(found.Select(f => f.Id));
            described.AddRange(found.Select(f => f.UserPrincipalName).Order(StringComparer.Ordinal));
        }
        if (request.UnitId is { } unitId)
        {
            var unit = await Directory.UnitAsync(unitId, cancellationToken);
            if (unit is null)
            {
                return Result<EnrolmentOutcome>.Fail("unit", LearningText.Get("EnrolUnknownUnit", unitId));
            }
            chosen.UnionWith(await people.Where(p => p.UnitId == unitId).Select(p => p.Id).ToListAsync(cancellationToken));
            described.Add(LearningText.Get("EnrolByUnit", unit.Name));
        }
        foreach (var (agencyId, field, leaders) in new[] { (request.AgencyId, "agency", false), (request.LeadersOfAgencyId, "leadersOf", true) })
        {
            if (agencyId is not { } id)
            {
                continue;
            }
            var agency = await Directory.AgencyAsync(id, cancellationToken);
            if (agency is null)
            {
                return Result<EnrolmentOutcome>.Fail(field, LearningText.Get("EnrolUnknownAgency", id));
            }
            var query = people.Where(p => p.AgencyId == id);
            if (leaders)
            {
                query = query.Where(p => p.IsLeader);
            }
            chosen.UnionWith(await query.Select(p => p.Id).ToListAsync(cancellationToken));
            described.Add(LearningText.Get(leaders ? "EnrolByLeaders" : "EnrolByAgency", agency.Name));
        }
        if (chosen.Count > MaxEnrolment)
        {
            return Result<EnrolmentOutcome>.Fail("personIds", LearningText.Get("EnrolTooMany", chosen.Count, MaxEnrolment));
        }

        var existing = await db.Participants.Where(p => p.ProgrammeId == cohort.ProgrammeId).ToListAsync(cancellationToken);
        var byPerson = existing.ToDictionary(p => p.PersonId);
        int added = 0, already = 0, elsewhere = 0;
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var personId in chosen.Order())
        {
            if (!byPerson.TryGetValue(personId, out var participant))
            {
                db.Participants.Add(new Participant { ProgrammeId = cohort.ProgrammeId, PersonId = personId, CohortId = cohortId, JoinedAt = now });
                added++;
            }
            else if (participant.CohortId == cohortId)
            {
                already++;
            }
            else if (participant.CohortId is null)
            {
                // In the programme but in no cohort (their cohort was deleted): this places them.
                participant.CohortId = cohortId;
                added++;
            }
            else
            {
                elsewhere++;
            }
        }
        if (added > 0)
        {
            AuditLog.Record(db, clock, actor, "learning.cohort.enrol", Programmes.ProgrammeTarget(cohort.ProgrammeId),
                after: new { Cohort = cohort.Name, Enrolled = added, EnrolledFrom = string.Join(", ", described) });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Someone else enrolled one of them at the same moment; the unique key kept them single.
                db.ChangeTracker.Clear();
                return Result<EnrolmentOutcome>.Fail("personIds", LearningText.Get("EnrolConflict"));
            }
        }
        return Result<EnrolmentOutcome>.Ok(new EnrolmentOutcome(added, already, elsewhere));
    }

    /// <summary>
    /// Enrols a leader group's members: the active leaders of the cohort's agency, as "all leaders of agency X" does.
    /// A cohort that is no agency's leader group is refused.
    /// </summary>
    public async Task<Result<EnrolmentOutcome>> EnrolLeaderGroupAsync(int cohortId, string actor, CancellationToken cancellationToken)
    {
        var cohort = await db.Cohorts.AsNoTracking().SingleOrDefaultAsync(c => c.Id == cohortId, cancellationToken);
        if (cohort is null)
        {
            return Result<EnrolmentOutcome>.Fail("cohort", LearningText.Get("CohortNotFound"));
        }
        if (cohort.AgencyId is not { } agency)
        {
            return Result<EnrolmentOutcome>.Fail("AgencyId", LearningText.Get("CohortNoLeaderGroup"));
        }
        return await EnrolAsync(cohortId, new EnrolmentRequest([], LeadersOfAgencyId: agency), actor, cancellationToken);
    }

    /// <summary>Moves a participant to another cohort of the same programme, or to none (null).</summary>
    public async Task<Result<Participant>> MoveAsync(int participantId, int? cohortId, string actor, CancellationToken cancellationToken)
    {
        var participant = await db.Participants.SingleOrDefaultAsync(p => p.Id == participantId, cancellationToken);
        if (participant is null)
        {
            return Result<Participant>.Fail("participant", LearningText.Get("ParticipantNotFound"));
        }
        var cohorts = await db.Cohorts.AsNoTracking().Where(c => c.ProgrammeId == participant.ProgrammeId).ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
        if (cohortId is { } target && !cohorts.ContainsKey(target))
        {
            return Result<Participant>.Fail("cohortId", LearningText.Get("CohortNotInProgramme"));
        }
        if (participant.CohortId == cohortId)
        {
            return Result<Participant>.Ok(participant);
        }
        var person = await Directory.PersonAsync(participant.PersonId, cancellationToken);
        string? Name(int? id) => id is { } key ? cohorts.GetValueOrDefault(key) : null;
        AuditLog.Record(db, clock, actor, "learning.participant.move", Programmes.ProgrammeTarget(participant.ProgrammeId),
            before: new { Person = person?.UserPrincipalName, Cohort = Name(participant.CohortId) }, after: new { Person = person?.UserPrincipalName, Cohort = Name(cohortId) });
        participant.CohortId = cohortId;
        await db.SaveChangesAsync(cancellationToken);
        return Result<Participant>.Ok(participant);
    }

    /// <summary>Takes a person out of the programme; their registrations and attendance stay, as they happened.</summary>
    public async Task<Result<Participant>> RemoveAsync(int participantId, string actor, CancellationToken cancellationToken)
    {
        var participant = await db.Participants.SingleOrDefaultAsync(p => p.Id == participantId, cancellationToken);
        if (participant is null)
        {
            return Result<Participant>.Fail("participant", LearningText.Get("ParticipantNotFound"));
        }
        var person = await Directory.PersonAsync(participant.PersonId, cancellationToken);
        var cohort = participant.CohortId is { } id ? await db.Cohorts.AsNoTracking().Where(c => c.Id == id).Select(c => c.Name).SingleOrDefaultAsync(cancellationToken) : null;
        AuditLog.Record(db, clock, actor, "learning.participant.remove", Programmes.ProgrammeTarget(participant.ProgrammeId),
            before: new { Person = person?.UserPrincipalName, Cohort = cohort });
        db.Participants.Remove(participant);
        await db.SaveChangesAsync(cancellationToken);
        return Result<Participant>.Ok(participant);
    }

    /// <summary>
    /// The participants of a cohort (or of the programme with no cohort, when <paramref name="cohortId"/> is null), by
    /// name, each with the sessions of the programme they hold a seat in and those they attended. For the programme's
    /// managers only: it names people.
    /// </summary>
    public async Task<IReadOnlyList<ParticipantProgress>> ProgressAsync(int programmeId, int? cohortId, CancellationToken cancellationToken)
    {
        var participants = await db.Participants.AsNoTracking().Where(p => p.ProgrammeId == programmeId && p.CohortId == cohortId)
            .Select(p => new { p.Id, p.PersonId, p.JoinedAt }).ToListAsync(cancellationToken);
        if (participants.Count == 0)
        {
            return [];
        }
        var personIds = participants.Select(p => p.PersonId).ToList();
        var sessions = db.LearningSessions.Where(s => s.ProgrammeId == programmeId && s.CancelledAt == null).Select(s => s.Id);
        var registered = await db.Registrations.Where(r => sessions.Contains(r.SessionId) && r.Status == RegistrationStatus.Registered && personIds.Contains(r.PersonId))
            .GroupBy(r => r.PersonId).Select(g => new { PersonId = g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.PersonId, x => x.Count, cancellationToken);
        var counts = await Completion.CountsAsync(db, programmeId, personIds, cancellationToken);
        var programme = await db.Programmes.AsNoTracking().SingleAsync(p => p.Id == programmeId, cancellationToken);
        var rule = CompletionRule.Of(programme);
        var people = await Directory.PeopleAsync(personIds, cancellationToken);
        ParticipantProgress Row(int id, int personId, DateTime joinedAt)
        {
            var (attended, watched) = counts.GetValueOrDefault(personId);
            return new ParticipantProgress(id, people[personId], joinedAt, registered.GetValueOrDefault(personId), attended, watched,
                rule.Defined ? rule.Meets(attended, watched) : null);
        }
        return [.. participants.Where(p => people.ContainsKey(p.PersonId))
            .Select(p => Row(p.Id, p.PersonId, p.JoinedAt))
            .OrderBy(p => p.Person.DisplayName, OrganisationQueries.NorwegianOrder)];
    }

    /// <summary>Active people whose name, user name or e-mail address holds <paramref name="text"/>, for choosing whom to enrol.</summary>
    public async Task<IReadOnlyList<PersonRow>> SearchPeopleAsync(string text, int limit, CancellationToken cancellationToken) =>
        await Directory.SearchPeopleAsync(text, limit, cancellationToken);

    private async Task<(string Field, string Message)?> ValidateAsync(CohortInput input, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(input.Name))
        {
            return ("Name", LearningText.Get("FieldRequired", LearningText.Get("CohortName")));
        }
        if (input.Name.Trim().Length > 200)
        {
            return ("Name", LearningText.Get("FieldTooLong", LearningText.Get("CohortName"), 200));
        }
        if (input.EndsOn is { } end && input.StartsOn is { } start && end < start)
        {
            return ("EndsOn", LearningText.Get("CohortEndsBeforeStart"));
        }
        if (input.AgencyId is { } agencyId && await Directory.AgencyAsync(agencyId, cancellationToken) is null)
        {
            return ("AgencyId", LearningText.Get("EnrolUnknownAgency", agencyId));
        }
        return null;
    }

    public static string Describe(EnrolmentOutcome outcome) =>
        LearningText.Get("EnrolDone", outcome.Added.ToString(CultureInfo.CurrentCulture), outcome.AlreadyEnrolled.ToString(CultureInfo.CurrentCulture),
            outcome.InOtherCohort.ToString(CultureInfo.CurrentCulture));
}
