using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Shared;
using Oppdrift.Usage.Graph;

namespace Oppdrift.Learning;

/// <summary>The Learning module's services, form endpoints, calendar feeds and JSON API.</summary>
public static class LearningModule
{
    /// <summary>This module's part in <see cref="Shared.BackgroundLoadStatus"/>: its learning programmes, sessions and attendance loading in the background.</summary>
    public const string BackgroundLoad = "Learning";

    public static IServiceCollection AddLearning(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<Shared.BackgroundLoadStatus>();
        services.Configure<LearningOptions>(configuration.GetSection("Learning"));
        services.AddSingleton(LearningStorage.FromConfiguration(configuration));
        services.AddScoped<Registrations>();
        services.AddScoped<Programmes>();
        services.AddScoped<Cohorts>();
        services.AddScoped<CohortNotes>();
        services.AddScoped<LeaderProposals>();
        services.AddScoped<Completion>();
        services.AddScoped<KnowledgeSync>();
        services.AddScoped<AttendanceImporter>();
        var graph = new UsageGraphOptions();
        configuration.GetSection(UsageGraphOptions.Section).Bind(graph);
        var teams = new TeamsAttendanceOptions();
        configuration.GetSection(TeamsAttendanceOptions.Section).Bind(teams);
        // A keyed handler under the job's key, if registered, replaces the network under the SDK's middleware (a proxy; tests).
        services.AddSingleton(provider => new TeamsAttendanceConnection(teams, graph, provider.GetKeyedService<HttpMessageHandler>(TeamsAttendanceJob.Key)));
        services.AddScoped<TeamsAttendanceHarvest>();
        services.AddSingleton<TeamsAttendanceJob>();
        services.AddHostedService(provider => provider.GetRequiredService<TeamsAttendanceJob>());
        services.AddSingleton<AttendanceByAgencyCache>();
        services.AddScoped<LearningQueries>();
        services.AddScoped<RecordingKeeping>();
        var transcripts = new TeamsTranscriptOptions();
        configuration.GetSection(TeamsTranscriptOptions.Section).Bind(transcripts);
        services.AddSingleton(provider => new TeamsTranscriptConnection(transcripts, graph, provider.GetKeyedService<HttpMessageHandler>(TeamsTranscriptJob.Key)));
        services.AddScoped<TeamsTranscriptHarvest>();
        services.AddSingleton<TeamsTranscriptJob>();
        services.AddHostedService(provider => provider.GetRequiredService<TeamsTranscriptJob>());
        var streamViews = new StreamViewsOptions();
        configuration.GetSection(StreamViewsOptions.Section).Bind(streamViews);
        services.AddSingleton(provider => new StreamViewsConnection(streamViews, graph, provider.GetKeyedService<HttpMessageHandler>(StreamViewsJob.Key)));
        services.AddScoped<StreamViewsHarvest>();
        services.AddSingleton<StreamViewsJob>();
        services.AddHostedService(provider => provider.GetRequiredService<StreamViewsJob>());
        services.TryAddSingleton<PageMessages>();
        services.AddHostedService<LearningMailJob>();
        return services;
    }

    /// <summary>Central team members manage every programme; a programme owner manages the programmes they own.</summary>
    public static bool CanManage(this ClaimsPrincipal user, Programme programme) =>
        (user.GetRoles() & (Roles.Administrator | Roles.ChangeLeader)) != 0
        || (user.GetRoles().HasFlag(Roles.ProgrammeOwner) && string.Equals(programme.OwnerAccount, user.Identity?.Name, StringComparison.OrdinalIgnoreCase));

    public sealed record RegistrationResponse(int SessionId, string Status, int? WaitingPosition);

    public sealed record ProgrammeResponse(int Id, string Name, string Owner, string Audience, string[] Topics, string[] Tools, int Sessions, DateTime? NextSession);

    public static void MapLearningApi(this IEndpointRouteBuilder app)
    {
        var forms = app.MapGroup("/learning").ExcludeFromDescription()
            // Posts from the pages carry the antiforgery token; handlers that bind no form field would not check it by themselves.
            .WithMetadata(new RequireAntiforgeryTokenAttribute());
        forms.MapPost("/sessions/{id:int}/register", RegisterFromFormAsync).RequireAuthorization(Policies.SignedIn);
        forms.MapPost("/sessions/{id:int}/cancel", CancelFromFormAsync).RequireAuthorization(Policies.SignedIn);
        forms.MapPost("/sessions/{id:int}/feedback", FeedbackFromFormAsync).RequireAuthorization(Policies.SignedIn);
        forms.MapGet("/sessions/{id:int}/invitation.ics", InvitationAsync).RequireAuthorization(Policies.SignedIn).AuditsExport("learning.invitation");
        forms.MapPost("/sessions/{id:int}/attendance", AttendanceFromFormAsync).RequireAuthorization(Policies.ProgrammeOwner);
        forms.MapPost("/sessions/{id:int}/attendance/teams", AttendanceFromTeamsAsync).RequireAuthorization(Policies.ProgrammeOwner);
        forms.MapPost("/sessions/{id:int}/cancel-session", CancelSessionFromFormAsync).RequireAuthorization(Policies.ProgrammeOwner);
        forms.MapPost("/programmes/{id:int}/documents", DocumentFromFormAsync).RequireAuthorization(Policies.ProgrammeOwner);
        forms.MapPost("/programmes/{id:int}/recordings", RecordingFromFormAsync).RequireAuthorization(Policies.ProgrammeOwner);
        forms.MapPost("/documents/{id:int}/delete", DeleteDocumentFromFormAsync).RequireAuthorization(Policies.ProgrammeOwner);
        forms.MapPost("/recordings/{id:int}/delete", DeleteRecordingFromFormAsync).RequireAuthorization(Policies.ProgrammeOwner);
        forms.MapPost("/recordings/{id:int}/expiry", RecordingExpiryFromFormAsync).RequireAuthorization(Policies.ProgrammeOwner);
        forms.MapPost("/recordings/{id:int}/transcript/teams", TranscriptFromTeamsAsync).RequireAuthorization(Policies.ProgrammeOwner);
        forms.MapPost("/recordings/{id:int}/views/stream", ViewsFromStreamAsync).RequireAuthorization(Policies.ProgrammeOwner);
        forms.MapGet("/documents/{id:int}", DownloadAsync).RequireAuthorization(Policies.SignedIn).AuditsExport("learning.document");
        // The recording page's links to the video lead here: the view is counted (once a person and day), then the browser goes on to Stream.
        forms.MapGet("/recordings/{id:int}/watch", WatchAsync).RequireAuthorization(Policies.SignedIn);
        forms.MapPost("/me/feed/renew", RenewFeedFromFormAsync).RequireAuthorization(Policies.SignedIn);

        // Calendar apps subscribe without signing in: the unguessable token in the address is the key. They are not audited:
        // no one is signed in to record, the person feed holds only its owner's own sessions, and clients poll every few hours.
        forms.MapGet("/calendar/programmes/{token}.ics", ProgrammeFeedAsync).AllowAnonymous();
        forms.MapGet("/calendar/people/{token}.ics", PersonFeedAsync).AllowAnonymous();

        var api = app.MapGroup("/api/learning").WithTags("Learning");
        api.MapGet("/programmes", ListProgrammesAsync).RequireAuthorization(Policies.SignedIn);
        api.MapPost("/sessions/{id:int}/registration", RegisterAsync).RequireAuthorization(Policies.SignedIn)
            .WithDescription("Registers the signed-in person for the session, or puts them on its waiting list when it is full.");
        api.MapDelete("/sessions/{id:int}/registration", CancelAsync).RequireAuthorization(Policies.SignedIn)
            .WithDescription("Cancels the signed-in person's seat or waiting place; the first on the waiting list takes a freed seat.");
        api.MapGet("/programmes/{id:int}/completion", CompletionAsync).RequireAuthorization(Policies.ProgrammeOwner).AuditsView("learning.completion")
            .WithDescription("The programme's completion rule and completion per cohort, per agency and in all: people, completed and the share, "
                + "null where a figure rests on fewer people than the minimum group size or could be worked out from one that does.");
        app.MapCohortEndpoints();
    }

    public sealed record CompletionRuleResponse(int? Sessions, int? Recordings, bool Defined);

    public sealed record CompletionGroupResponse(int? Id, string Name, int? People, int? Completed, double? Share, bool Suppressed);

    public sealed record CompletionResponse(int ProgrammeId, CompletionRuleResponse Rule, int MinimumGroupSize, CompletionGroupResponse Total,
        IReadOnlyList<CompletionGroupResponse> Cohorts, IReadOnlyList<CompletionGroupResponse> Agencies);

    private static async Task<Results<Ok<CompletionResponse>, NotFound, ForbidHttpResult>> CompletionAsync(int id, ClaimsPrincipal user, OppdriftDb db,
        Completion completion, CancellationToken cancellationToken)
    {
        var programme = await db.Programmes.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (programme is null)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanManage(programme))
        {
            return TypedResults.Forbid();
        }
        var summary = await completion.SummaryAsync(id, cancellationToken);
        if (summary is null)
        {
            return TypedResults.NotFound();
        }
        static CompletionGroupResponse Row(CompletionGroup g) => new(g.Id, g.Name, g.People, g.Completed, g.Share is { } s ? Math.Round(s, 4) : null, g.Hidden);
        // Without a rule nobody has completed anything: the groups would say 0 of everyone, which reads as a result.
        return TypedResults.Ok(new CompletionResponse(id, new CompletionRuleResponse(summary.Rule.Sessions, summary.Rule.Recordings, summary.Rule.Defined),
            summary.MinimumGroupSize, Row(summary.Total),
            summary.Rule.Defined ? [.. summary.Cohorts.Select(Row)] : [], summary.Rule.Defined ? [.. summary.Agencies.Select(Row)] : []));
    }

    private static async Task<Ok<IReadOnlyList<ProgrammeResponse>>> ListProgrammesAsync(LearningQueries queries, TimeProvider clock, CancellationToken cancellationToken)
    {
        var rows = await queries.ProgrammesAsync(clock.GetUtcNow().UtcDateTime, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<ProgrammeResponse>>([.. rows.Select(r => new ProgrammeResponse(r.Programme.Id, r.Programme.Name, r.Programme.OwnerName,
            r.Programme.Audience.ToString(), Split(r.Programme.Topics), Split(r.Programme.Tools), r.Sessions, r.NextSession))]);
    }

    private static async Task<Results<Ok<RegistrationResponse>, BadRequest<ProblemDetails>, ForbidHttpResult>> RegisterAsync(
        int id, ClaimsPrincipal user, OppdriftDb db, Registrations registrations, CancellationToken cancellationToken)
    {
        var person = await LearningPeople.CurrentAsync(db, user, cancellationToken);
        if (person is null)
        {
            return TypedResults.Forbid();
        }
        var answer = await registrations.RegisterAsync(id, person.Id, user.ActorName(), cancellationToken);
        return answer.Succeeded
            ? TypedResults.Ok(new RegistrationResponse(id, answer.Value!.Status.ToString(), answer.Value.WaitingPosition))
            : TypedResults.BadRequest(new ProblemDetails { Title = answer.Error });
    }

    private static async Task<Results<Ok<RegistrationResponse>, BadRequest<ProblemDetails>, ForbidHttpResult>> CancelAsync(
        int id, ClaimsPrincipal user, OppdriftDb db, Registrations registrations, CancellationToken cancellationToken)
    {
        var person = await LearningPeople.CurrentAsync(db, user, cancellationToken);
        if (person is null)
        {
            return TypedResults.Forbid();
        }
        var answer = await registrations.CancelAsync(id, person.Id, user.ActorName(), cancellationToken);
        return answer.Succeeded
            ? TypedResults.Ok(new RegistrationResponse(id, answer.Value!.Status.ToString(), null))
            : TypedResults.BadRequest(new ProblemDetails { Title = answer.Error });
    }

    private static async Task<RedirectHttpResult> RegisterFromFormAsync(int id, ClaimsPrincipal user, PageMessages messages, OppdriftDb db, Registrations registrations, CancellationToken cancellationToken)
    {
        var person = await LearningPeople.CurrentAsync(db, user, cancellationToken);
        if (person is null)
        {
            return Failed(messages, id, LearningText.Get("NoPersonForAccount"));
        }
        var answer = await registrations.RegisterAsync(id, person.Id, user.ActorName(), cancellationToken);
        return answer.Succeeded ? Back(id, "done", answer.Value!.Status.ToString()) : Failed(messages, id, answer.Error!);
    }

    private static async Task<RedirectHttpResult> CancelFromFormAsync(int id, ClaimsPrincipal user, PageMessages messages, OppdriftDb db, Registrations registrations, CancellationToken cancellationToken)
    {
        var person = await LearningPeople.CurrentAsync(db, user, cancellationToken);
        if (person is null)
        {
            return Failed(messages, id, LearningText.Get("NoPersonForAccount"));
        }
        var answer = await registrations.CancelAsync(id, person.Id, user.ActorName(), cancellationToken);
        return answer.Succeeded ? Back(id, "done", "Cancelled") : Failed(messages, id, answer.Error!);
    }

    private static async Task<RedirectHttpResult> FeedbackFromFormAsync(int id, [FromForm] int rating, [FromForm] string? comment,
        ClaimsPrincipal user, PageMessages messages, OppdriftDb db, Programmes programmes, CancellationToken cancellationToken)
    {
        var person = await LearningPeople.CurrentAsync(db, user, cancellationToken);
        if (person is null)
        {
            return Failed(messages, id, LearningText.Get("NoPersonForAccount"));
        }
        var result = await programmes.GiveFeedbackAsync(id, person.Id, rating, comment, cancellationToken);
        return result.Succeeded ? Back(id, "done", "Feedback") : Failed(messages, id, result.Error!);
    }

    private static async Task<Results<FileContentHttpResult, NotFound, ForbidHttpResult>> InvitationAsync(
        int id, ClaimsPrincipal user, OppdriftDb db, IOptions<LearningOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var session = await db.LearningSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (session is null)
        {
            return TypedResults.NotFound();
        }
        var person = await LearningPeople.CurrentAsync(db, user, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var text = person is null
            ? CalendarFile.Write(session.Title, [LearningMail.Event(session, options.Value.PublicUrl)], now)
            : CalendarFile.Write(session.Title, [LearningMail.Event(session, options.Value.PublicUrl)], now, CalendarMethod.Publish, null,
                new CalendarPerson(person.DisplayName, LearningPeople.MailOf(person)));
        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(text), CalendarFile.ContentType,
            $"oppdrift-{session.StartsAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}-{id.ToString(CultureInfo.InvariantCulture)}.ics");
    }

    private static async Task<Results<FileContentHttpResult, NotFound>> ProgrammeFeedAsync(string token, LearningQueries queries,
        IOptions<LearningOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var feed = await queries.ProgrammeFeedAsync(token, cancellationToken);
        if (feed is null)
        {
            return TypedResults.NotFound();
        }
        var text = CalendarFile.Write(feed.Value.Programme.Name, feed.Value.Sessions.Select(s => LearningMail.Event(s, options.Value.PublicUrl)), clock.GetUtcNow().UtcDateTime);
        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(text), CalendarFile.ContentType);
    }

    private static async Task<Results<FileContentHttpResult, NotFound>> PersonFeedAsync(string token, LearningQueries queries,
        IOptions<LearningOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var feed = await queries.PersonFeedAsync(token, cancellationToken);
        if (feed is null)
        {
            return TypedResults.NotFound();
        }
        var text = CalendarFile.Write(LearningText.Get("PersonFeedName"), feed.Value.Sessions.Select(s => LearningMail.Event(s, options.Value.PublicUrl)), clock.GetUtcNow().UtcDateTime);
        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(text), CalendarFile.ContentType);
    }

    private static async Task<RedirectHttpResult> RenewFeedFromFormAsync(ClaimsPrincipal user, OppdriftDb db, Programmes programmes, CancellationToken cancellationToken)
    {
        var person = await LearningPeople.CurrentAsync(db, user, cancellationToken);
        if (person is not null)
        {
            await programmes.RenewFeedTokenAsync(person.Id, user.ActorName(), cancellationToken);
        }
        return TypedResults.LocalRedirect("/learning/me?renewed=1");
    }

    private static async Task<Results<RedirectHttpResult, NotFound, ForbidHttpResult>> AttendanceFromFormAsync(int id, [FromForm] IFormFile? file,
        ClaimsPrincipal user, PageMessages messages, OppdriftDb db, AttendanceImporter importer, CancellationToken cancellationToken)
    {
        var programme = await ProgrammeOfSessionAsync(db, id, cancellationToken);
        if (programme is null)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanManage(programme))
        {
            return TypedResults.Forbid();
        }
        if (file is null || file.Length == 0)
        {
            return Failed(messages, id, LearningText.Get("NoFile"));
        }
        await using var stream = file.OpenReadStream();
        var result = await importer.ImportAsync(id, stream, file.FileName, user.ActorName(), cancellationToken);
        return result.Succeeded
            ? Back(id, "done", "Attendance")
            : Failed(messages, id, string.Join("\n", result.Errors.Take(8).Select(e => e.ToString())) + (result.Errors.Count > 8 ? "\n" + LearningText.Get("MoreErrors", result.Errors.Count - 8) : ""));
    }

    private static async Task<Results<RedirectHttpResult, NotFound, ForbidHttpResult>> AttendanceFromTeamsAsync(int id, ClaimsPrincipal user,
        PageMessages messages, OppdriftDb db, TeamsAttendanceHarvest harvest, CancellationToken cancellationToken)
    {
        var programme = await ProgrammeOfSessionAsync(db, id, cancellationToken);
        if (programme is null)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanManage(programme))
        {
            return TypedResults.Forbid();
        }
        // The harvest writes the audit entry, also when nothing was new: a person asked for it.
        var result = await harvest.HarvestAsync(id, user.ActorName(), auditUnchanged: true, cancellationToken);
        return !result.Succeeded ? Failed(messages, id, result.Error!)
            : result.Value!.Unchanged ? Back(id, "done", "TeamsUnchanged")
            : Back(id, "done", "TeamsAttendance");
    }

    private static async Task<Results<RedirectHttpResult, NotFound, ForbidHttpResult>> CancelSessionFromFormAsync(int id, ClaimsPrincipal user, OppdriftDb db,
        Programmes programmes, CancellationToken cancellationToken)
    {
        var programme = await ProgrammeOfSessionAsync(db, id, cancellationToken);
        if (programme is null)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanManage(programme))
        {
            return TypedResults.Forbid();
        }
        await programmes.CancelSessionAsync(id, user.ActorName(), cancellationToken);
        return Back(id, "done", "SessionCancelled");
    }

    private static async Task<Results<RedirectHttpResult, NotFound, ForbidHttpResult>> DocumentFromFormAsync(int id, [FromForm] IFormFile? file, [FromForm] string? title,
        [FromForm] int? sessionId, ClaimsPrincipal user, PageMessages messages, OppdriftDb db, Programmes programmes, CancellationToken cancellationToken)
    {
        var programme = await db.Programmes.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (programme is null)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanManage(programme))
        {
            return TypedResults.Forbid();
        }
        if (file is null || file.Length == 0)
        {
            return FailedInProgramme(messages, id, LearningText.Get("NoFile"));
        }
        await using var stream = file.OpenReadStream();
        var result = await programmes.AddDocumentAsync(id, sessionId is > 0 ? sessionId : null, title, stream, file.FileName, file.Length, file.ContentType, user.ActorName(), cancellationToken);
        return result.Succeeded ? BackToProgramme(id, "done", "Document") : FailedInProgramme(messages, id, result.Error!);
    }

    private static async Task<Results<RedirectHttpResult, NotFound, ForbidHttpResult>> RecordingFromFormAsync(int id, [FromForm] string? title, [FromForm] string? url,
        [FromForm] string? duration, [FromForm] int? sessionId, [FromForm] int? views, [FromForm] IFormFile? transcript,
        ClaimsPrincipal user, PageMessages messages, OppdriftDb db, Programmes programmes, CancellationToken cancellationToken)
    {
        var programme = await db.Programmes.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (programme is null)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanManage(programme))
        {
            return TypedResults.Forbid();
        }
        var length = ParseLength(duration);
        if (length is null)
        {
            return FailedInProgramme(messages, id, LearningText.Get("RecordingBadDuration"));
        }
        await using var stream = transcript is { Length: > 0 } ? transcript.OpenReadStream() : null;
        var result = await programmes.AddRecordingAsync(id, new RecordingInput(title ?? "", url ?? "", length.Value, sessionId is > 0 ? sessionId : null, views),
            stream, transcript?.FileName, user.ActorName(), cancellationToken);
        return result.Succeeded ? TypedResults.LocalRedirect($"/learning/recordings/{result.Value!.Id}") : FailedInProgramme(messages, id, result.Error!);
    }

    private static async Task<Results<RedirectHttpResult, NotFound, ForbidHttpResult>> DeleteDocumentFromFormAsync(int id, ClaimsPrincipal user, OppdriftDb db,
        Programmes programmes, CancellationToken cancellationToken)
    {
        var document = await db.LearningDocuments.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
        var programme = document is null ? null : await db.Programmes.AsNoTracking().SingleAsync(p => p.Id == document.ProgrammeId, cancellationToken);
        if (document is null || programme is null)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanManage(programme))
        {
            return TypedResults.Forbid();
        }
        await programmes.DeleteDocumentAsync(id, user.ActorName(), cancellationToken);
        return BackToProgramme(programme.Id, "done", "DocumentDeleted");
    }

    private static async Task<Results<RedirectHttpResult, NotFound, ForbidHttpResult>> DeleteRecordingFromFormAsync(int id, ClaimsPrincipal user, OppdriftDb db,
        Programmes programmes, CancellationToken cancellationToken)
    {
        var recording = await db.Recordings.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
        var programme = recording is null ? null : await db.Programmes.AsNoTracking().SingleAsync(p => p.Id == recording.ProgrammeId, cancellationToken);
        if (recording is null || programme is null)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanManage(programme))
        {
            return TypedResults.Forbid();
        }
        await programmes.DeleteRecordingAsync(id, user.ActorName(), cancellationToken);
        return BackToProgramme(programme.Id, "done", "RecordingDeleted");
    }

    private static async Task<Results<FileStreamHttpResult, NotFound, ForbidHttpResult>> DownloadAsync(int id, HttpContext context, OppdriftDb db, LearningStorage storage,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var document = await db.LearningDocuments.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (document is null)
        {
            return TypedResults.NotFound();
        }
        var programme = await db.Programmes.AsNoTracking().Include(p => p.Agencies).SingleAsync(p => p.Id == document.ProgrammeId, cancellationToken);
        var person = await LearningPeople.CurrentAsync(db, context.User, cancellationToken);
        if (!context.User.CanReadDocuments(programme, person))
        {
            return TypedResults.Forbid();
        }
        var stream = storage.Open(document.StoredName);
        if (stream is null)
        {
            return TypedResults.NotFound();
        }
        if (person is not null && ViewCounting.IsPersonOpening(context.Request))
        {
            await ViewCounting.DocumentAsync(db, id, person.Id, ViewCounting.Day(clock.GetUtcNow().UtcDateTime), cancellationToken);
        }
        return TypedResults.File(stream, document.ContentType, document.FileName);
    }

    /// <summary>
    /// Counts a signed-in person's opening of a recording (see <see cref="ViewCounting"/>) and sends them on to the video,
    /// at <paramref name="t"/> seconds when given. Whoever may not see the recording's page gets 404 here too; an expired
    /// recording's link is dead, so it leads back to its page and counts nothing.
    /// </summary>
    private static async Task<Results<RedirectHttpResult, NotFound>> WatchAsync(int id, int? t, HttpContext context, OppdriftDb db, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var recording = await db.Recordings.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (recording is null)
        {
            return TypedResults.NotFound();
        }
        var programme = await db.Programmes.AsNoTracking().Include(p => p.Agencies).SingleAsync(p => p.Id == recording.ProgrammeId, cancellationToken);
        var person = await LearningPeople.CurrentAsync(db, context.User, cancellationToken);
        if (!context.User.CanReadDocuments(programme, person))
        {
            return TypedResults.NotFound();
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (RecordingExpiry.IsExpired(recording, now))
        {
            return TypedResults.LocalRedirect($"/learning/recordings/{id.ToString(CultureInfo.InvariantCulture)}");
        }
        if (person is not null && ViewCounting.IsPersonOpening(context.Request))
        {
            await ViewCounting.RecordingAsync(db, id, person.Id, ViewCounting.Day(now), cancellationToken);
        }
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Redirect(VideoAt(recording.Url, t));
    }

    /// <summary>The video's address, starting <paramref name="seconds"/> in when given (Stream and SharePoint read ?t=seconds).</summary>
    public static string VideoAt(string url, int? seconds) =>
        seconds is not { } s || s <= 0 ? url
            : url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "t=" + s.ToString(CultureInfo.InvariantCulture);

    /// <summary>The counting link to a recording's video (see <see cref="WatchAsync"/>).</summary>
    public static string WatchLink(int recordingId, int? seconds = null) =>
        $"/learning/recordings/{recordingId.ToString(CultureInfo.InvariantCulture)}/watch"
        + (seconds is > 0 ? "?t=" + seconds.Value.ToString(CultureInfo.InvariantCulture) : "");

    private static async Task<Programme?> ProgrammeOfSessionAsync(OppdriftDb db, int sessionId, CancellationToken cancellationToken) =>
        await db.LearningSessions.AsNoTracking().Where(s => s.Id == sessionId).Select(s => s.Programme).SingleOrDefaultAsync(cancellationToken);

    /// <summary>Reads "1:02:03", "62:03", "1h 2m 3s" or a number of minutes.</summary>
    public static TimeSpan? ParseLength(string? text)
    {
        var value = (text ?? "").Trim();
        if (value.Length == 0)
        {
            return TimeSpan.Zero;
        }
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes))
        {
            return TimeSpan.FromMinutes(minutes);
        }
        if (AttendanceReportReader.ParseDuration(value) is { } d)
        {
            return d;
        }
        var parts = value.Split(':');
        if (parts.Length is 2 or 3 && parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            var n = parts.Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
            return parts.Length == 3 ? new TimeSpan(n[0], n[1], n[2]) : new TimeSpan(0, n[0], n[1]);
        }
        return null;
    }

    private static string[] Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static RedirectHttpResult Back(int sessionId, string key, string value) =>
        TypedResults.LocalRedirect($"/learning/sessions/{sessionId}?{key}={Uri.EscapeDataString(Truncate(value))}");

    private static RedirectHttpResult BackToProgramme(int programmeId, string key, string value) =>
        TypedResults.LocalRedirect($"/learning/programmes/{programmeId}?{key}={Uri.EscapeDataString(Truncate(value))}");

    /// <summary>Back to the session page with a message it shows only because the server wrote it (see <see cref="PageMessages"/>).</summary>
    private static RedirectHttpResult Failed(PageMessages messages, int sessionId, string message) =>
        TypedResults.LocalRedirect($"/learning/sessions/{sessionId}?error={Uri.EscapeDataString(messages.Protect(Truncate(message)))}");

    private static RedirectHttpResult FailedInProgramme(PageMessages messages, int programmeId, string message) =>
        TypedResults.LocalRedirect($"/learning/programmes/{programmeId}?error={Uri.EscapeDataString(messages.Protect(Truncate(message)))}");

    private static string Truncate(string value) => value.Length > 1500 ? value[..1500] + "…" : value;

    /// <summary>
    /// The owner fetches the recording's transcript from Teams now rather than wait for the scheduled fetch; the harvest
    /// writes the audit entry when it stores one.
    /// </summary>
    private static async Task<Results<RedirectHttpResult, NotFound, ForbidHttpResult>> TranscriptFromTeamsAsync(int id, ClaimsPrincipal user,
        PageMessages messages, OppdriftDb db, TeamsTranscriptHarvest harvest, CancellationToken cancellationToken)
    {
        var recording = await db.Recordings.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        var programme = recording is null ? null : await db.Programmes.AsNoTracking().SingleAsync(p => p.Id == recording.ProgrammeId, cancellationToken);
        if (recording is null || programme is null)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanManage(programme))
        {
            return TypedResults.Forbid();
        }
        var page = $"/learning/recordings/{id.ToString(CultureInfo.InvariantCulture)}";
        var result = await harvest.FetchAsync(id, user.ActorName(), cancellationToken);
        return !result.Succeeded ? TypedResults.LocalRedirect(page + "?error=" + Uri.EscapeDataString(messages.Protect(Truncate(result.Error!))))
            : result.Value == TranscriptFetch.Stored ? TypedResults.LocalRedirect(page + "?done=TranscriptStored#transcript")
            : TypedResults.LocalRedirect(page + "?done=TranscriptKept#transcript");
    }

    /// <summary>
    /// The owner reads the recording's views from Stream now rather than wait for the scheduled read; Graph's figure replaces
    /// one the owner entered, since the owner asks for it. The harvest writes the audit entry when the figures change.
    /// </summary>
    private static async Task<Results<RedirectHttpResult, NotFound, ForbidHttpResult>> ViewsFromStreamAsync(int id, ClaimsPrincipal user,
        PageMessages messages, OppdriftDb db, StreamViewsHarvest harvest, CancellationToken cancellationToken)
    {
        var recording = await db.Recordings.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        var programme = recording is null ? null : await db.Programmes.AsNoTracking().SingleAsync(p => p.Id == recording.ProgrammeId, cancellationToken);
        if (recording is null || programme is null)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanManage(programme))
        {
            return TypedResults.Forbid();
        }
        var page = $"/learning/recordings/{id.ToString(CultureInfo.InvariantCulture)}";
        var result = await harvest.FetchAsync(id, user.ActorName(), StreamViewsReadBy.Owner, cancellationToken);
        return result.Succeeded
            ? TypedResults.LocalRedirect(page + "?done=StreamViews#views")
            : TypedResults.LocalRedirect(page + "?error=" + Uri.EscapeDataString(messages.Protect(Truncate(result.Error!))) + "#views");
    }

    /// <summary>The owner tells what became of a recording's expiry: cleared in Stream, moved to the programme's library, another date.</summary>
    private static async Task<Results<RedirectHttpResult, NotFound, ForbidHttpResult>> RecordingExpiryFromFormAsync(int id, [FromForm] string? keep,
        [FromForm] DateOnly? expiresOn, [FromForm] string? url, ClaimsPrincipal user, PageMessages messages, OppdriftDb db, RecordingKeeping keeping,
        CancellationToken cancellationToken)
    {
        var recording = await db.Recordings.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        var programme = recording is null ? null : await db.Programmes.AsNoTracking().SingleAsync(p => p.Id == recording.ProgrammeId, cancellationToken);
        if (recording is null || programme is null)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanManage(programme))
        {
            return TypedResults.Forbid();
        }
        var page = $"/learning/recordings/{id.ToString(CultureInfo.InvariantCulture)}";
        if (!Enum.TryParse<RecordingKeep>(keep, ignoreCase: true, out var choice) || !Enum.IsDefined(choice) || int.TryParse(keep, out _))
        {
            return TypedResults.LocalRedirect(page + "?error=" + Uri.EscapeDataString(messages.Protect(LearningText.Get("RecordingKeepRequired"))));
        }
        var result = await keeping.ChangeAsync(id, new RecordingExpiryChange(choice, expiresOn, url), user.ActorName(), cancellationToken);
        return result.Succeeded
            ? TypedResults.LocalRedirect(page + "?done=Expiry")
            : TypedResults.LocalRedirect(page + "?error=" + Uri.EscapeDataString(messages.Protect(Truncate(result.Error!))));
    }
}
