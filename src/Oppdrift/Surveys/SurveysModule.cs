using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Shared.Exports;

namespace Oppdrift.Surveys;

/// <summary>The Surveys module's services, its job, the upload and export endpoints and the JSON API.</summary>
public static class SurveysModule
{
    /// <summary>This module's part in <see cref="Shared.BackgroundLoadStatus"/>: its surveys and their rounds loading in the background.</summary>
    public const string BackgroundLoad = "Surveys";

    /// <summary>A Forms export of 20,000 responses and 30 questions is about 6 MB; anything far larger is not one.</summary>
    public const long UploadBytes = 32 * 1024 * 1024;

    public static IServiceCollection AddSurveys(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<Shared.BackgroundLoadStatus>();
        services.AddSingleton(SurveysOptions.FromConfiguration(configuration));
        services.AddSingleton(new SurveyUploads(Path.Combine(DataDirectory.Shared(configuration), "survey-uploads")));
        services.AddSingleton<SurveyAnswerLimiter>();
        services.AddScoped<SurveyQueries>();
        services.AddScoped<SurveyDesigner>();
        services.AddScoped<SurveyEditor>();
        services.AddScoped<FormsImporter>();
        services.AddScoped<SurveyPulse>();
        services.AddHostedService<SurveysJob>();
        return services;
    }

    public static void MapSurveysApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/surveys").WithTags("Surveys");
        api.MapGet("", ListAsync).RequireAuthorization(Policies.Insight).WithDescription("Every survey with its number of questions, rounds and responses.");
        api.MapGet("/{id:int}/results", ResultsAsync).RequireAuthorization(Policies.Insight)
            .WithDescription("A survey's results per agency (an agency leader: their own) and the municipality, per question and theme, over its rounds. Hidden figures are null with the reason beside them.");
        api.MapPost("/import", UploadAsync).RequireAuthorization(Policies.CentralTeam)
            .WithMetadata(new RequestSizeLimitAttribute(UploadBytes)).WithFormOptions(multipartBodyLengthLimit: UploadBytes)
            .WithDescription("Imports a Microsoft Forms export (multipart: 'file', 'survey', optional 'round' and 'agencyColumn'); created from the file when the survey does not exist. Lands whole or not at all.");

        // The upload form on /surveys/import posts here; the file waits for the mapping step on /surveys/import/{upload}.
        app.MapPost("/surveys/import/upload", UploadForMappingAsync).RequireAuthorization(Policies.CentralTeam)
            .WithMetadata(new RequireAntiforgeryTokenAttribute(), new RequestSizeLimitAttribute(UploadBytes)).ExcludeFromDescription();
        app.MapGet("/surveys/{id:int}/results.csv", ExportAsync).RequireAuthorization(Policies.Insight).AuditsExport("surveys.results").ExcludeFromDescription();
    }

    public static IReadOnlySet<int>? Scope(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.AgencyScope();
    }

    public static bool English => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    private static async Task<Ok<IReadOnlyList<SurveySummary>>> ListAsync(SurveyQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(await queries.ListAsync(cancellationToken));

    private static async Task<Results<Ok<SurveyResultsView>, NotFound>> ResultsAsync(int id, ClaimsPrincipal user, SurveyQueries queries, CancellationToken cancellationToken) =>
        await queries.ResultsAsync(id, Scope(user), English, cancellationToken) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();

    public sealed record ImportResponse(string Status, int SurveyId, int RoundId, int Responses, bool SurveyCreated, IReadOnlyList<string> Errors);

    private static async Task<Results<Ok<ImportResponse>, BadRequest<ImportResponse>>> UploadAsync(HttpRequest request, ClaimsPrincipal user, FormsImporter importer,
        CancellationToken cancellationToken)
    {
        var form = request.HasFormContentType ? await request.ReadFormAsync(cancellationToken) : null;
        var file = form?.Files.GetFile("file");
        var survey = form?["survey"].ToString();
        if (file is null || file.Length == 0 || string.IsNullOrWhiteSpace(survey))
        {
            return TypedResults.BadRequest(new ImportResponse("Rejected", 0, 0, 0, false, [SurveysText.Get("ErrorUploadMissing")]));
        }
        var content = await ReadAsync(file, cancellationToken);
        var result = await importer.ImportAsync(content, Path.GetFileName(file.FileName), new FormsImportRequest
        {
            SurveyName = survey.Trim(),
            RoundName = form!["round"].ToString() is { Length: > 0 } round ? round : null,
            AgencyColumn = form["agencyColumn"].ToString() is { Length: > 0 } column ? column : null,
            Actor = user.ActorName(),
        }, cancellationToken);
        var response = new ImportResponse(result.Status.ToString(), result.SurveyId, result.RoundId, result.Responses, result.SurveyCreated, [.. result.Errors.Select(e => e.ToString())]);
        return result.Status == FormsImportStatus.Imported ? TypedResults.Ok(response) : TypedResults.BadRequest(response);
    }

    private static async Task<RedirectHttpResult> UploadForMappingAsync(HttpRequest request, SurveyUploads uploads, CancellationToken cancellationToken)
    {
        var form = await request.ReadFormAsync(cancellationToken);
        var file = form.Files.GetFile("file");
        var survey = form["survey"].ToString().Trim();
        if (file is null || file.Length == 0)
        {
            return TypedResults.LocalRedirect("/surveys/import?error=nofile");
        }
        if (survey.Length == 0)
        {
            return TypedResults.LocalRedirect("/surveys/import?error=nosurvey");
        }
        var id = await uploads.SaveAsync(await ReadAsync(file, cancellationToken), Path.GetFileName(file.FileName), cancellationToken);
        return TypedResults.LocalRedirect($"/surveys/import/{id}?survey={Uri.EscapeDataString(survey)}");
    }

    private static async Task<byte[]> ReadAsync(IFormFile file, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream((int)Math.Min(file.Length, UploadBytes));
        await file.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    /// <summary>The results page's figures as CSV: one row per question (or theme), group and round; hidden figures empty with the reason.</summary>
    private static async Task<IResult> ExportAsync(int id, HttpContext context, SurveyQueries queries, CancellationToken cancellationToken)
    {
        var view = await queries.ResultsAsync(id, Scope(context.User), English, cancellationToken);
        if (view is null)
        {
            return TypedResults.NotFound();
        }
        var names = view.Groups.ToDictionary(g => g.Key, g => g.Name);
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        // The same layout as the other exports: semicolons and the reader's number format, as Norwegian Excel opens it.
        var csv = new CsvWriter(text, new CsvOptions { Separator = ';', Numbers = CultureInfo.CurrentCulture.NumberFormat });
        csv.WriteHeader(SurveysText.Get("CsvQuestion"), SurveysText.Get("CsvGroup"), SurveysText.Get("CsvRound"), SurveysText.Get("Respondents"), SurveysText.Get("Mean"),
            SurveysText.Get("Favourable"), "eNPS", SurveysText.Get("Change"), SurveysText.Get("HiddenColumn"));
        void Add(string what, IReadOnlyList<GroupScores> groups)
        {
            foreach (var group in groups)
            {
                for (var r = 0; r < view.Rounds.Count; r++)
                {
                    var c = group.Rounds[r];
                    csv.WriteRow(what, names.GetValueOrDefault(group.Group, group.Group), view.Rounds[r].Name, c.Respondents, c.Mean, c.Favourable, c.Enps, c.Change,
                        c.Suppressed is null ? null : SurveysText.Get("Hidden_" + c.Suppressed));
                }
            }
        }
        foreach (var theme in view.Themes)
        {
            Add(SurveysText.Get("ThemePrefix", theme.Name), theme.Groups);
        }
        foreach (var question in view.Questions.Where(q => q.Groups.Count > 0))
        {
            Add(question.Text, question.Groups);
        }
        var bytes = System.Text.Encoding.UTF8.GetPreamble().Concat(System.Text.Encoding.UTF8.GetBytes(text.ToString())).ToArray();
        return TypedResults.File(bytes, "text/csv; charset=utf-8", $"undersokelse-{id.ToString(CultureInfo.InvariantCulture)}.csv");
    }
}

/// <summary>Forms exports waiting for the mapping step: a file in the data directory under a random name, removed after a day.</summary>
public sealed class SurveyUploads(string folder) : Shared.PendingUploads(folder, ".xlsx");

/// <summary>How often one client address may post answers: the answer page is open to anyone holding a link.</summary>
public sealed class SurveyAnswerLimiter(SurveysOptions options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, options.AnswerPostsPerMinute),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    /// <summary>True when the address may post now.</summary>
    public bool TryAcquire(string? address)
    {
        using var lease = _limiter.AttemptAcquire(address ?? "unknown");
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
