// The cohort pages' per-participant forms (move, remove) and the JSON API a script uses to set up cohorts and enrol
// people. All for those who may manage the programme: the policy admits programme owners and the central team, and
// each handler checks the programme itself (a programme owner manages only their own).
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
            return Problem(result.Field, result.Error!);
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
