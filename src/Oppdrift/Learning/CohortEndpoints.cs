// The cohort pages' per-participant forms (move, remove) and the JSON API a script uses to set up, change and delete
// cohorts, enrol, move and remove people, keep a leader group's notes and answer the leader proposals. All for those who
// may manage the programme: the policy admits programme owners and the central team, and each handler checks the
// programme itself (a programme owner manages only their own).
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Shared;

namespace Oppdrift.Learning;

public static class CohortEndpoints
{
    /// <summary>A cohort: <c>network</c> is true once its end date has passed and it goes on as a network.</summary>
    public sealed record CohortResponse(int Id, string Name, DateOnly? StartsOn, int Participants, DateOnly? EndsOn, int? AgencyId, bool Network);

    public sealed record ParticipantResponse(int Id, int PersonId, string Name, string UserPrincipalName, int? AgencyId, DateTime JoinedAt, int Registered, int Attended,
        int Watched, bool? Completed);

    public sealed record CohortDetailResponse(int Id, string Name, DateOnly? StartsOn, int Sessions, int HeldSessions, IReadOnlyList<ParticipantResponse> Participants,
        DateOnly? EndsOn, int? AgencyId, bool Network);

    public sealed record CohortRequest(string? Name, DateOnly? StartsOn, DateOnly? EndsOn, int? AgencyId);

    /// <summary>
    /// A note of what the group agreed; <c>afterModule</c> and <c>beforeModule</c> name the modules it falls between
    /// (given, or worked out from its date and the programme's sessions).
    /// </summary>
    public sealed record NoteResponse(int Id, DateOnly On, string Topic, string Text, int? ModuleId, string? AfterModule, string? BeforeModule, string Author,
        DateTime CreatedAt, DateTime? UpdatedAt);

    /// <summary>A note to add: <c>topic</c> is one of MeetingRules, DocumentLocation, SharingPractice, Other; <c>moduleId</c> is optional.</summary>
    public sealed record NoteRequest(DateOnly? On, string? Topic, string? Text, int? ModuleId);

    /// <summary>Whom to enrol; any combination of the four, at least one.</summary>
    public sealed record EnrolRequest(int[]? PersonIds, int? UnitId, int? AgencyId, int? LeadersOf);

    public sealed record EnrolResponse(int Added, int AlreadyEnrolled, int InOtherCohort);

    /// <summary>A deleted cohort: its participants stay in the programme without a cohort.</summary>
    public sealed record CohortDeletedResponse(int Id, int ParticipantsWithoutCohort);

    /// <summary>
    /// Where to move a participant: <c>toCohortId</c> is a cohort of the same programme, or null for none; it must be given
    /// (a body without it moves no one).
    /// </summary>
    public sealed record MoveRequest(System.Text.Json.JsonElement ToCohortId);

    public sealed record MovedResponse(int ParticipantId, int PersonId, int? CohortId);

    /// <summary>The programme's next cohort, the one proposed leaders are enrolled in.</summary>
    public sealed record NextCohortResponse(int Id, string Name, DateOnly? StartsOn);

    /// <summary>
    /// A leader proposed for the programme: <c>kind</c> is New (new in the directory with a leader title) or Moved (a leader
    /// placed in another agency, <c>fromAgencyId</c> the one before, null when no rule placed them); <c>at</c> is when the
    /// directory import brought them.
    /// </summary>
    public sealed record ProposalResponse(int PersonId, string Name, string UserPrincipalName, string Mail, string Kind, int AgencyId, int? FromAgencyId, DateTime At);

    /// <summary>
    /// The proposals waiting for an answer: <c>takesNewLeaders</c> is whether the programme is switched to take new leaders
    /// (without it the list is empty), <c>nextCohort</c> the cohort accepting enrols into (null when none is dated ahead).
    /// </summary>
    public sealed record ProposalsResponse(bool TakesNewLeaders, NextCohortResponse? NextCohort, IReadOnlyList<ProposalResponse> Proposals);

    public sealed record AcceptedResponse(int ParticipantId, int PersonId, int CohortId, string Cohort);

    public static void MapCohortEndpoints(this IEndpointRouteBuilder app)
    {
        var forms = app.MapGroup("/learning").ExcludeFromDescription().WithMetadata(new RequireAntiforgeryTokenAttribute());
        forms.MapPost("/participants/{id:int}/move", MoveFromFormAsync).RequireAuthorization(Policies.ProgrammeOwner);
        forms.MapPost("/participants/{id:int}/remove", RemoveFromFormAsync).RequireAuthorization(Policies.ProgrammeOwner);

        var api = app.MapGroup("/api/learning/programmes/{id:int}/cohorts").WithTags("Learning");
        api.MapGet("/", ListAsync).RequireAuthorization(Policies.ProgrammeOwner)
            .WithDescription("The programme's cohorts with their participant counts.");
        api.MapPost("/", CreateAsync).RequireAuthorization(Policies.ProgrammeOwner)
            .WithDescription("Creates a cohort in the programme from a JSON body: { \"name\": \"…\", \"startsOn\": \"2026-03-01\" }.");
        api.MapGet("/{cohortId:int}", DetailAsync).RequireAuthorization(Policies.ProgrammeOwner)
            .WithDescription("A cohort's participants by name, each with the programme's sessions they are registered for and attended.");
        api.MapPost("/{cohortId:int}/participants", EnrolAsync).RequireAuthorization(Policies.ProgrammeOwner)
            .WithDescription("Enrols people from a JSON body { \"personIds\": [..], \"unitId\": n, \"agencyId\": n, \"leadersOf\": n } (any of them): by id, a unit, "
                + "an agency or an agency's leaders; enrolling someone again changes nothing.");
        api.MapGet("/{cohortId:int}/notes", NotesAsync).RequireAuthorization(Policies.ProgrammeOwner)
            .WithDescription("What the cohort (a leader group) agreed, newest first, each with its date, topic, text, author and the modules it falls between.");
        api.MapPost("/{cohortId:int}/notes", AddNoteAsync).RequireAuthorization(Policies.ProgrammeOwner)
            .WithDescription("Writes down an agreement of the cohort from a JSON body: { \"on\": \"2026-03-01\", \"topic\": \"MeetingRules\" (or DocumentLocation, "
                + "SharingPractice, Other), \"text\": \"…\", \"moduleId\": n (optional) }. Also after the cohort has ended.");
        api.MapPut("/{cohortId:int}", UpdateAsync).RequireAuthorization(Policies.ProgrammeOwner)
            .WithDescription("Changes a cohort from a JSON body with all its fields, as creating it: { \"name\": \"…\", \"startsOn\", \"endsOn\", \"agencyId\" }; "
                + "a field left out is cleared. Audited with what changed.");
        api.MapDelete("/{cohortId:int}", DeleteAsync).RequireAuthorization(Policies.ProgrammeOwner)
            .WithDescription("Deletes a cohort and its notes. Its participants stay in the programme without a cohort, with their registrations and attendance.");
        api.MapPost("/{cohortId:int}/participants/{participantId:int}/move", MoveAsync).RequireAuthorization(Policies.ProgrammeOwner)
            .WithDescription("Moves a participant of the cohort to another cohort of the programme, or to none: { \"toCohortId\": n } or { \"toCohortId\": null }.");
        api.MapDelete("/{cohortId:int}/participants/{participantId:int}", RemoveAsync).RequireAuthorization(Policies.ProgrammeOwner)
            .WithDescription("Takes a participant of the cohort out of the programme; their registrations and attendance stay, as they happened.");
        api.MapPut("/{cohortId:int}/notes/{noteId:int}", UpdateNoteAsync).RequireAuthorization(Policies.ProgrammeOwner)
            .WithDescription("Changes an agreement of the cohort from a JSON body with all its fields, as adding it: { \"on\", \"topic\", \"text\", \"moduleId\" }.");
        api.MapDelete("/{cohortId:int}/notes/{noteId:int}", DeleteNoteAsync).RequireAuthorization(Policies.ProgrammeOwner)
            .WithDescription("Deletes an agreement of the cohort.");

        var proposals = app.MapGroup("/api/learning/programmes/{id:int}").WithTags("Learning");
        proposals.MapGet("/proposals", ProposalsAsync).RequireAuthorization(Policies.ProgrammeOwner)
            .WithDescription("The new leaders proposed for the programme and not yet answered (name, user name, e-mail, new or moved, agency, agency before, "
                + "when the directory import brought them), oldest first, and the next cohort, the one accepting enrols into.");
        proposals.MapPost("/proposals/{personId:int}/accept", AcceptAsync).RequireAuthorization(Policies.ProgrammeOwner)
            .WithDescription("Enrols a proposed leader in the programme's next cohort (the first dated after today); no body.");
        proposals.MapPost("/proposals/{personId:int}/dismiss", DismissAsync).RequireAuthorization(Policies.ProgrammeOwner)
            .WithDescription("Declines a proposed leader: they are not proposed to the programme again; no body.");
    }

    private static async Task<Programme?> ManagedAsync(OppdriftDb db, int programmeId, CancellationToken cancellationToken) =>
        await db.Programmes.AsNoTracking().SingleOrDefaultAsync(p => p.Id == programmeId, cancellationToken);

    private static async Task<Results<Ok<IReadOnlyList<CohortResponse>>, NotFound, ForbidHttpResult>> ListAsync(int id, ClaimsPrincipal user, OppdriftDb db,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var programme = await ManagedAsync(db, id, cancellationToken);
        if (programme is null)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanManage(programme))
        {
            return TypedResults.Forbid();
        }
        var counts = await db.Participants.Where(p => p.ProgrammeId == id && p.CohortId != null).GroupBy(p => p.CohortId!.Value)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken);
        var cohorts = await db.Cohorts.AsNoTracking().Where(c => c.ProgrammeId == id).OrderBy(c => c.StartsOn).ThenBy(c => c.Name).ToListAsync(cancellationToken);
        var today = ViewCounting.Day(clock.GetUtcNow().UtcDateTime);
        return TypedResults.Ok<IReadOnlyList<CohortResponse>>([.. cohorts.Select(c => new CohortResponse(c.Id, c.Name, c.StartsOn, counts.GetValueOrDefault(c.Id), c.EndsOn,
            c.AgencyId, Cohorts.HasEnded(c, today)))]);
    }

    private static async Task<Results<Created<CohortResponse>, BadRequest<ProblemDetails>, NotFound, ForbidHttpResult>> CreateAsync(int id, HttpRequest request,
        ClaimsPrincipal user, OppdriftDb db, Cohorts cohorts, CancellationToken cancellationToken)
    {
        var programme = await ManagedAsync(db, id, cancellationToken);
        if (programme is null)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanManage(programme))
        {
            return TypedResults.Forbid();
        }
        var (body, refusal) = await ReadAsync<CohortRequest>(request, cancellationToken);
        if (body is null)
        {
            return refusal!;
        }
        var result = await cohorts.CreateAsync(id, new CohortInput(body.Name ?? "", body.StartsOn, body.EndsOn, body.AgencyId), user.ActorName(), cancellationToken);
        if (!result.Succeeded)
        {
            return Problem(JsonField(result.Field), result.Error!);
        }
        var cohort = result.Value!;
        return TypedResults.Created($"/api/learning/programmes/{id}/cohorts/{cohort.Id}", new CohortResponse(cohort.Id, cohort.Name, cohort.StartsOn, 0, cohort.EndsOn,
            cohort.AgencyId, Cohorts.HasEnded(cohort, cohorts.Today)));
    }

    private static async Task<Results<Ok<CohortDetailResponse>, NotFound, ForbidHttpResult>> DetailAsync(int id, int cohortId, ClaimsPrincipal user, OppdriftDb db,
        Cohorts cohorts, TimeProvider clock, CancellationToken cancellationToken)
    {
        var programme = await ManagedAsync(db, id, cancellationToken);
        var cohort = programme is null ? null : await db.Cohorts.AsNoTracking().SingleOrDefaultAsync(c => c.Id == cohortId && c.ProgrammeId == id, cancellationToken);
        if (programme is null || cohort is null)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanManage(programme))
        {
            return TypedResults.Forbid();
        }
        var rows = await cohorts.ProgressAsync(id, cohortId, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var sessions = db.LearningSessions.Where(s => s.ProgrammeId == id && s.CancelledAt == null);
        return TypedResults.Ok(new CohortDetailResponse(cohort.Id, cohort.Name, cohort.StartsOn, await sessions.CountAsync(cancellationToken),
            await sessions.CountAsync(s => s.StartsAt <= now, cancellationToken),
            [.. rows.Select(r => new ParticipantResponse(r.ParticipantId, r.Person.Id, r.Person.DisplayName, r.Person.UserPrincipalName, r.Person.AgencyId, r.JoinedAt,
                r.Registered, r.Attended, r.Watched, r.Completed))], cohort.EndsOn, cohort.AgencyId, Cohorts.HasEnded(cohort, cohorts.Today)));
    }

    private static async Task<Results<Ok<IReadOnlyList<NoteResponse>>, NotFound, ForbidHttpResult>> NotesAsync(int id, int cohortId, ClaimsPrincipal user, OppdriftDb db,
        CohortNotes notes, CancellationToken cancellationToken)
    {
        var programme = await ManagedAsync(db, id, cancellationToken);
        var exists = programme is not null && await db.Cohorts.AnyAsync(c => c.Id == cohortId && c.ProgrammeId == id, cancellationToken);
        if (programme is null || !exists)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanManage(programme))
        {
            return TypedResults.Forbid();
        }
        return TypedResults.Ok<IReadOnlyList<NoteResponse>>([.. (await notes.ListAsync(cohortId, cancellationToken)).Select(Note)]);
    }

    private static async Task<Results<Created<NoteResponse>, BadRequest<ProblemDetails>, NotFound, ForbidHttpResult>> AddNoteAsync(int id, int cohortId,
        HttpRequest request, ClaimsPrincipal user, OppdriftDb db, CohortNotes notes, CancellationToken cancellationToken)
    {
        var programme = await ManagedAsync(db, id, cancellationToken);
        var exists = programme is not null && await db.Cohorts.AnyAsync(c => c.Id == cohortId && c.ProgrammeId == id, cancellationToken);
        if (programme is null || !exists)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanManage(programme))
        {
            return TypedResults.Forbid();
        }
        var (body, refusal) = await ReadAsync<NoteRequest>(request, cancellationToken);
        if (body is null)
        {
            return refusal!;
        }
        CohortNoteTopic? topic = null;
        if (body.Topic is not null)
        {
            if (CohortNotes.ParseTopic(body.Topic) is not { } parsed)
            {
                return Problem("topic", LearningText.Get("NoteTopicRequired"));
            }
            topic = parsed;
        }
        var result = await notes.AddAsync(cohortId, new CohortNoteInput(body.On, topic, body.Text, body.ModuleId), user.ActorName(), cancellationToken);
        if (!result.Succeeded)
        {
            return Problem(JsonField(result.Field), result.Error!);
        }
        var added = (await notes.ListAsync(cohortId, cancellationToken)).Single(n => n.Note.Id == result.Value!.Id);
        return TypedResults.Created($"/api/learning/programmes/{id}/cohorts/{cohortId}/notes", Note(added));
    }

    private static NoteResponse Note(CohortNoteView view) =>
        new(view.Note.Id, view.Note.On, view.Note.Topic.ToString(), view.Note.Text, view.Note.ModuleId, view.After?.Title, view.Before?.Title, view.Note.Author,
            view.Note.CreatedAt, view.Note.UpdatedAt);

    /// <summary>A field the service names (as the form does, "ModuleId") as the JSON body spells it ("moduleId").</summary>
    private static string? JsonField(string? field) =>
        string.IsNullOrEmpty(field) ? field : System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(field);

    private static async Task<Results<Ok<EnrolResponse>, BadRequest<ProblemDetails>, NotFound, ForbidHttpResult>> EnrolAsync(int id, int cohortId, HttpRequest request,
        ClaimsPrincipal user, OppdriftDb db, Cohorts cohorts, CancellationToken cancellationToken)
    {
        var programme = await ManagedAsync(db, id, cancellationToken);
        var exists = programme is not null && await db.Cohorts.AnyAsync(c => c.Id == cohortId && c.ProgrammeId == id, cancellationToken);
        if (programme is null || !exists)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanManage(programme))
        {
            return TypedResults.Forbid();
        }
        var (body, refusal) = await ReadAsync<EnrolRequest>(request, cancellationToken);
        if (body is null)
        {
            return refusal!;
        }
        var result = await cohorts.EnrolAsync(cohortId, new EnrolmentRequest(body.PersonIds ?? [], body.UnitId, body.AgencyId, body.LeadersOf),
            user.ActorName(), cancellationToken);
        if (!result.Succeeded)
        {
            return Problem(result.Field, result.Error!);
        }
        var outcome = result.Value!;
        return TypedResults.Ok(new EnrolResponse(outcome.Added, outcome.AlreadyEnrolled, outcome.InOtherCohort));
    }

    /// <summary>The programme and its cohort; either null when there is no such programme, or no such cohort of it.</summary>
    private static async Task<(Programme? Programme, Cohort? Cohort)> CohortOfAsync(OppdriftDb db, int programmeId, int cohortId, CancellationToken cancellationToken)
    {
        var programme = await ManagedAsync(db, programmeId, cancellationToken);
        var cohort = programme is null ? null
            : await db.Cohorts.AsNoTracking().SingleOrDefaultAsync(c => c.Id == cohortId && c.ProgrammeId == programmeId, cancellationToken);
        return (programme, cohort);
    }

    private static async Task<Results<Ok<CohortResponse>, BadRequest<ProblemDetails>, NotFound, ForbidHttpResult>> UpdateAsync(int id, int cohortId,
        HttpRequest request, ClaimsPrincipal user, OppdriftDb db, Cohorts cohorts, CancellationToken cancellationToken)
    {
        var (programme, cohort) = await CohortOfAsync(db, id, cohortId, cancellationToken);
        if (programme is null || cohort is null)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanManage(programme))
        {
            return TypedResults.Forbid();
        }
        var (body, refusal) = await ReadAsync<CohortRequest>(request, cancellationToken);
        if (body is null)
        {
            return refusal!;
        }
        var result = await cohorts.UpdateAsync(cohortId, new CohortInput(body.Name ?? "", body.StartsOn, body.EndsOn, body.AgencyId), user.ActorName(), cancellationToken);
        if (!result.Succeeded)
        {
            return Problem(JsonField(result.Field), result.Error!);
        }
        var saved = result.Value!;
        var participants = await db.Participants.CountAsync(p => p.CohortId == cohortId, cancellationToken);
        return TypedResults.Ok(new CohortResponse(saved.Id, saved.Name, saved.StartsOn, participants, saved.EndsOn, saved.AgencyId, Cohorts.HasEnded(saved, cohorts.Today)));
    }

    private static async Task<Results<Ok<CohortDeletedResponse>, NotFound, ForbidHttpResult>> DeleteAsync(int id, int cohortId, ClaimsPrincipal user, OppdriftDb db,
        Cohorts cohorts, CancellationToken cancellationToken)
    {
        var (programme, cohort) = await CohortOfAsync(db, id, cohortId, cancellationToken);
        if (programme is null || cohort is null)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanManage(programme))
        {
            return TypedResults.Forbid();
        }
        // As the page's delete button: the participants stay in the programme without a cohort; the notes go with it.
        var result = await cohorts.DeleteAsync(cohortId, user.ActorName(), cancellationToken);
        return result.Succeeded ? TypedResults.Ok(new CohortDeletedResponse(cohortId, result.Value)) : TypedResults.NotFound();
    }

    /// <summary>The participant, when they are in this cohort of this programme.</summary>
    private static async Task<Participant?> ParticipantOfAsync(OppdriftDb db, int programmeId, int cohortId, int participantId, CancellationToken cancellationToken) =>
        await db.Participants.AsNoTracking()
            .SingleOrDefaultAsync(p => p.Id == participantId && p.ProgrammeId == programmeId && p.CohortId == cohortId, cancellationToken);

    private static async Task<Results<Ok<MovedResponse>, BadRequest<ProblemDetails>, NotFound, ForbidHttpResult>> MoveAsync(int id, int cohortId, int participantId,
        HttpRequest request, ClaimsPrincipal user, OppdriftDb db, Cohorts cohorts, CancellationToken cancellationToken)
    {
        var (programme, cohort) = await CohortOfAsync(db, id, cohortId, cancellationToken);
        var participant = cohort is null ? null : await ParticipantOfAsync(db, id, cohortId, participantId, cancellationToken);
        if (programme is null || participant is null)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanManage(programme))
        {
            return TypedResults.Forbid();
        }
        var (body, refusal) = await ReadAsync<MoveRequest>(request, cancellationToken);
        if (body is null)
        {
            return refusal!;
        }
        // Null is a choice (no cohort); a body without the field, or with something else in it, moves no one.
        int? target;
        switch (body.ToCohortId.ValueKind)
        {
            case System.Text.Json.JsonValueKind.Null:
                target = null;
                break;
            case System.Text.Json.JsonValueKind.Number when body.ToCohortId.TryGetInt32(out var given):
                target = given;
                break;
            default:
                return Problem("toCohortId", LearningText.Get("ApiMoveTarget"));
        }
        var result = await cohorts.MoveAsync(participantId, target, user.ActorName(), cancellationToken);
        if (!result.Succeeded)
        {
            return Problem(result.Field == "cohortId" ? "toCohortId" : JsonField(result.Field), result.Error!);
        }
        return TypedResults.Ok(new MovedResponse(participantId, participant.PersonId, target));
    }

    private static async Task<Results<NoContent, NotFound, ForbidHttpResult>> RemoveAsync(int id, int cohortId, int participantId, ClaimsPrincipal user, OppdriftDb db,
        Cohorts cohorts, CancellationToken cancellationToken)
    {
        var (programme, cohort) = await CohortOfAsync(db, id, cohortId, cancellationToken);
        var participant = cohort is null ? null : await ParticipantOfAsync(db, id, cohortId, participantId, cancellationToken);
        if (programme is null || participant is null)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanManage(programme))
        {
            return TypedResults.Forbid();
        }
        var result = await cohorts.RemoveAsync(participantId, user.ActorName(), cancellationToken);
        return result.Succeeded ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    private static async Task<Results<Ok<NoteResponse>, BadRequest<ProblemDetails>, NotFound, ForbidHttpResult>> UpdateNoteAsync(int id, int cohortId, int noteId,
        HttpRequest request, ClaimsPrincipal user, OppdriftDb db, CohortNotes notes, CancellationToken cancellationToken)
    {
        var (programme, cohort) = await CohortOfAsync(db, id, cohortId, cancellationToken);
        var exists = cohort is not null && await db.CohortNotes.AnyAsync(n => n.Id == noteId && n.CohortId == cohortId, cancellationToken);
        if (programme is null || !exists)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanManage(programme))
        {
            return TypedResults.Forbid();
        }
        var (body, refusal) = await ReadAsync<NoteRequest>(request, cancellationToken);
        if (body is null)
        {
            return refusal!;
        }
        CohortNoteTopic? topic = null;
        if (body.Topic is not null)
        {
            if (CohortNotes.ParseTopic(body.Topic) is not { } parsed)
            {
                return Problem("topic", LearningText.Get("NoteTopicRequired"));
            }
            topic = parsed;
        }
        var result = await notes.UpdateAsync(cohortId, noteId, new CohortNoteInput(body.On, topic, body.Text, body.ModuleId), user.ActorName(), cancellationToken);
        if (!result.Succeeded)
        {
            return Problem(JsonField(result.Field), result.Error!);
        }
        return TypedResults.Ok(Note((await notes.ListAsync(cohortId, cancellationToken)).Single(n => n.Note.Id == noteId)));
    }

    private static async Task<Results<NoContent, NotFound, ForbidHttpResult>> DeleteNoteAsync(int id, int cohortId, int noteId, ClaimsPrincipal user, OppdriftDb db,
        CohortNotes notes, CancellationToken cancellationToken)
    {
        var (programme, cohort) = await CohortOfAsync(db, id, cohortId, cancellationToken);
        var exists = cohort is not null && await db.CohortNotes.AnyAsync(n => n.Id == noteId && n.CohortId == cohortId, cancellationToken);
        if (programme is null || !exists)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanManage(programme))
        {
            return TypedResults.Forbid();
        }
        var result = await notes.DeleteAsync(cohortId, noteId, user.ActorName(), cancellationToken);
        return result.Succeeded ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    private static async Task<Results<Ok<ProposalsResponse>, NotFound, ForbidHttpResult>> ProposalsAsync(int id, ClaimsPrincipal user, OppdriftDb db,
        LeaderProposals proposals, CancellationToken cancellationToken)
    {
        var programme = await ManagedAsync(db, id, cancellationToken);
        if (programme is null)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanManage(programme))
        {
            return TypedResults.Forbid();
        }
        var next = await proposals.NextCohortAsync(id, cancellationToken);
        var pending = await proposals.PendingAsync(id, cancellationToken);
        return TypedResults.Ok(new ProposalsResponse(programme.NewLeadersSince is not null, next is null ? null : new NextCohortResponse(next.Id, next.Name, next.StartsOn),
            [.. pending.Select(p => new ProposalResponse(p.Person.Id, p.Person.DisplayName, p.Person.UserPrincipalName, LearningPeople.MailOf(p.Person), p.Kind.ToString(),
                p.AgencyId, p.FromAgencyId, p.At))]));
    }

    private static async Task<Results<Ok<AcceptedResponse>, BadRequest<ProblemDetails>, NotFound, ForbidHttpResult>> AcceptAsync(int id, int personId, ClaimsPrincipal user,
        OppdriftDb db, LeaderProposals proposals, CancellationToken cancellationToken)
    {
        var programme = await ManagedAsync(db, id, cancellationToken);
        if (programme is null)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanManage(programme))
        {
            return TypedResults.Forbid();
        }
        if (await proposals.NextCohortAsync(id, cancellationToken) is not { } next)
        {
            return Problem("cohort", LearningText.Get("ProposalNoNextCohort"));
        }
        var result = await proposals.AcceptAsync(next.Id, personId, user.ActorName(), cancellationToken);
        if (!result.Succeeded)
        {
            return Problem(result.Field == "person" ? "personId" : JsonField(result.Field), result.Error!);
        }
        return TypedResults.Ok(new AcceptedResponse(result.Value!.Id, personId, next.Id, next.Name));
    }

    private static async Task<Results<NoContent, BadRequest<ProblemDetails>, NotFound, ForbidHttpResult>> DismissAsync(int id, int personId, ClaimsPrincipal user,
        OppdriftDb db, LeaderProposals proposals, CancellationToken cancellationToken)
    {
        var programme = await ManagedAsync(db, id, cancellationToken);
        if (programme is null)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanManage(programme))
        {
            return TypedResults.Forbid();
        }
        var result = await proposals.DismissAsync(id, personId, user.ActorName(), cancellationToken);
        return result.Succeeded ? TypedResults.NoContent() : Problem(result.Field == "person" ? "personId" : JsonField(result.Field), result.Error!);
    }

    private static async Task<Results<RedirectHttpResult, NotFound, ForbidHttpResult>> MoveFromFormAsync(int id, [FromForm] string? cohortId, ClaimsPrincipal user,
        PageMessages messages, OppdriftDb db, Cohorts cohorts, CancellationToken cancellationToken)
    {
        var participant = await db.Participants.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        var programme = participant is null ? null : await ManagedAsync(db, participant.ProgrammeId, cancellationToken);
        if (participant is null || programme is null)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanManage(programme))
        {
            return TypedResults.Forbid();
        }
        var back = BackTo(programme.Id, participant.CohortId);
        // The list's "no cohort" choice posts an empty value.
        int? target = null;
        if (!string.IsNullOrWhiteSpace(cohortId))
        {
            if (!int.TryParse(cohortId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                return TypedResults.LocalRedirect($"{back}?error={Uri.EscapeDataString(messages.Protect(LearningText.Get("CohortNotInProgramme")))}");
            }
            target = parsed;
        }
        var result = await cohorts.MoveAsync(id, target, user.ActorName(), cancellationToken);
        return result.Succeeded
            ? TypedResults.LocalRedirect($"{back}?done=Moved")
            : TypedResults.LocalRedirect($"{back}?error={Uri.EscapeDataString(messages.Protect(result.Error!))}");
    }

    private static async Task<Results<RedirectHttpResult, NotFound, ForbidHttpResult>> RemoveFromFormAsync(int id, ClaimsPrincipal user, OppdriftDb db, Cohorts cohorts,
        CancellationToken cancellationToken)
    {
        var participant = await db.Participants.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        var programme = participant is null ? null : await ManagedAsync(db, participant.ProgrammeId, cancellationToken);
        if (participant is null || programme is null)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanManage(programme))
        {
            return TypedResults.Forbid();
        }
        await cohorts.RemoveAsync(id, user.ActorName(), cancellationToken);
        return TypedResults.LocalRedirect($"{BackTo(programme.Id, participant.CohortId)}?done=Removed");
    }

    /// <summary>The page the participant was shown on: their cohort's, or the cohort list (which shows those without one).</summary>
    private static string BackTo(int programmeId, int? cohortId) =>
        cohortId is { } cohort ? $"/learning/programmes/{programmeId}/cohorts/{cohort}" : $"/learning/programmes/{programmeId}/cohorts";

    /// <summary>
    /// The JSON body, read only once the caller is known to manage the programme: a body bound by the framework is
    /// checked for its content type while routing, before authorisation, and would answer a caller without access 415, not 403.
    /// A body that is not JSON of the right shape is refused naming the field (its JSON path) and the line and position.
    /// </summary>
    private static async Task<(T? Body, BadRequest<ProblemDetails>? Refusal)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, Problem("body", LearningText.Get("ApiBadBody")));
        }
        try
        {
            return await request.ReadFromJsonAsync<T>(cancellationToken) is { } body ? (body, null) : (null, Problem("body", LearningText.Get("ApiBadBody")));
        }
        catch (System.Text.Json.JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.');
            return (null, Problem(field, LearningText.Get("ApiBadJson", field, (e.LineNumber ?? 0) + 1, (e.BytePositionInLine ?? 0) + 1)));
        }
    }

    private static BadRequest<ProblemDetails> Problem(string? field, string message) =>
        TypedResults.BadRequest(new ProblemDetails
        {
            Title = message,
            Status = StatusCodes.Status400BadRequest,
            Extensions = { ["field"] = field },
        });
}
