using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;
using Oppdrift.Data;

namespace Oppdrift.Organisation;

/// <summary>The Organisation module's services and JSON API.</summary>
public static class OrganisationModule
{
    public static IServiceCollection AddOrganisation(this IServiceCollection services) =>
        services
            .AddScoped<EntraUserImport>()
            .AddScoped<OrganisationDirectory>()
            .AddScoped<OrganisationSetup>()
            .AddScoped<OrganisationFile>()
            .AddScoped<OrganisationProposer>()
            .AddScoped<OrganisationQueries>()
            .AddScoped<FirstDayChecklist>()
            .AddScoped<AgencyHome>()
            .AddSingleton(services => new DirectoryUploads(Path.Combine(DataDirectory.Shared(services.GetRequiredService<IConfiguration>()), "directory-uploads")))
            .AddHostedService<Shared.PendingUploadsCleanup<DirectoryUploads>>();

    public sealed record ImportResponse(int Id, string Status, int Rows, int Added, int Updated, int Moved, int Deactivated, int Reactivated, int Unchanged, int Unassigned, string[] Warnings);

    public static void MapOrganisationApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Organisation");
        api.MapGet("/agencies", ListAgenciesAsync).RequireAuthorization(Policies.Insight);
        api.MapGet("/agencies/{code}", GetAgencyAsync).RequireAuthorization(Policies.Insight).AuditsView("organisation.agency");
        api.MapGet("/organisation/imports", ListImportsAsync).RequireAuthorization(Policies.CentralTeam);
        api.MapPost("/organisation/imports", ImportAsync).RequireAuthorization(Policies.CentralTeam)
            .WithMetadata(new RequestSizeLimitAttribute(ImportMaxBytes)).WithFormOptions(multipartBodyLengthLimit: ImportMaxBytes)
            .WithDescription("Imports an Entra ID user export (multipart field 'file'). Nothing is written when the file has errors, "
                + "or when it would deactivate more than a tenth of the active people unless allowMassDeactivation=true.");

        // The upload form on /organisation posts here and is sent on to the result page.
        app.MapPost("/organisation/import", ImportFromFormAsync).RequireAuthorization(Policies.CentralTeam).ExcludeFromDescription()
            .WithMetadata(new RequestSizeLimitAttribute(ImportMaxBytes)).WithFormOptions(multipartBodyLengthLimit: ImportMaxBytes);

        // An Entra export to propose the organisation from before it is imported (/organisation/proposal): checked, kept
        // for the proposal's steps, and imported when the proposal is applied.
        app.MapPost("/organisation/proposal/file", ProposeFromFileAsync).RequireAuthorization(Policies.CentralTeam).ExcludeFromDescription()
            .WithMetadata(new RequestSizeLimitAttribute(ImportMaxBytes)).WithFormOptions(multipartBodyLengthLimit: ImportMaxBytes);

        // The organisation's setup as one file (OrganisationFile): downloaded from and uploaded on /organisation.
        app.MapGet("/organisation/setup.csv", ExportSetupAsync).RequireAuthorization(Policies.CentralTeam).ExcludeFromDescription()
            .AuditsExport("organisation.setup");
        app.MapPost("/organisation/setup", ImportSetupFromFormAsync).RequireAuthorization(Policies.CentralTeam).ExcludeFromDescription()
            .WithMetadata(new RequestSizeLimitAttribute(OrganisationFile.MaxBytes)).WithFormOptions(multipartBodyLengthLimit: OrganisationFile.MaxBytes);
    }

    /// <summary>The name of the downloaded setup file.</summary>
    public const string SetupFileName = "oppdrift-organisasjon.csv";

    private static async Task<FileContentHttpResult> ExportSetupAsync(OrganisationFile file, CancellationToken cancellationToken)
    {
        await using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        // Recorded as an export by the endpoint (AuditsExport), once the response starts.
        await file.ExportAsync(writer, actor: null, cancellationToken);
        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(writer.ToString()), "text/csv; charset=utf-8", SetupFileName);
    }

    private static async Task<RedirectHttpResult> ImportSetupFromFormAsync(
        [FromForm] IFormFile? file, ClaimsPrincipal user, OrganisationFile setup, Shared.PageMessages messages, CancellationToken cancellationToken)
    {
        string message;
        var failed = true;
        if (file is null || file.Length == 0)
        {
            message = OrganisationText.Get("ImportErrorNoFile");
        }
        else
        {
            await using var stream = file.OpenReadStream();
            var result = await setup.ImportAsync(stream, file.FileName, user.ActorName(), cancellationToken);
            failed = result.Status == SetupImportStatus.Failed;
            message = SetupMessage(result);
        }
        var text = message.Length > 1500 ? message[..1500] + "…" : message;
        return TypedResults.LocalRedirect($"/organisation?{(failed ? "setup-error" : "setup")}={Uri.EscapeDataString(messages.Protect(text))}#setup-heading");
    }

    private static async Task<RedirectHttpResult> ProposeFromFileAsync(
        [FromForm] IFormFile? file, DirectoryUploads uploads, Shared.PageMessages messages, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            return TypedResults.LocalRedirect($"/organisation/proposal?error={Uri.EscapeDataString(messages.Protect(OrganisationText.Get("ImportErrorNoFile")))}");
        }
        using var buffer = new MemoryStream((int)Math.Min(file.Length, ImportMaxBytes));
        await file.CopyToAsync(buffer, cancellationToken);
        var content = buffer.ToArray();
        var name = Path.GetFileName(file.FileName);
        var read = EntraUserFile.Read(new MemoryStream(content), name);
        if (read.Errors.Count > 0)
        {
            // The first errors, each with its file, line and column; nothing is kept.
            var text = string.Join("\n", read.Errors.Take(20).Select(e => e.ToString()));
            return TypedResults.LocalRedirect($"/organisation/proposal?error={Uri.EscapeDataString(messages.Protect(OrganisationText.Get("ProposalFileRefused", text)))}");
        }
        var id = await uploads.SaveAsync(content, name, cancellationToken);
        return TypedResults.LocalRedirect($"/organisation/proposal?upload={id}");
    }

    /// <summary>What a setup import did, or its errors (the first twenty), in the reader's language.</summary>
    public static string SetupMessage(SetupImportResult result)
    {
        if (result.Status == SetupImportStatus.Failed)
        {
            var lines = result.Errors.Take(20).Select(e => e.ToString()).ToList();
            if (result.Errors.Count > lines.Count)
            {
                lines.Add(OrganisationText.Get("SetupMoreErrors", result.Errors.Count - lines.Count));
            }
            return OrganisationText.Get("SetupFailed") + "\n" + string.Join("\n", lines);
        }
        var text = result.Status == SetupImportStatus.Unchanged
            ? OrganisationText.Get("SetupUnchanged")
            : OrganisationText.Get(result.RulesReplaced ? "SetupImportedRules" : "SetupImported", result.AgenciesCreated, result.AgenciesUpdated, result.Rules, result.PeopleMoved, result.Unassigned);
        return result.AgenciesNotInFile.Count == 0 ? text : text + "\n" + OrganisationText.Get("SetupNotInFile", string.Join(", ", result.AgenciesNotInFile));
    }

    /// <summary>A directory export for 54,000 people is about 15 MB; room for a municipality several times that size.</summary>
    public const long ImportMaxBytes = 128L * 1024 * 1024;

    private static async Task<Ok<IReadOnlyList<AgencySummary>>> ListAgenciesAsync(ClaimsPrincipal user, OrganisationQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(await queries.AgenciesAsync(user.AgencyScope(), cancellationToken));

    private static async Task<Results<Ok<AgencyDetail>, NotFound, ForbidHttpResult>> GetAgencyAsync(
        string code, ClaimsPrincipal user, OrganisationQueries queries, CancellationToken cancellationToken)
    {
        var agency = await queries.AgencyAsync(code, cancellationToken);
        if (agency is null)
        {
            return TypedResults.NotFound();
        }
        return user.CanSeeAgency(agency.Summary.Id) ? TypedResults.Ok(agency) : TypedResults.Forbid();
    }

    private static async Task<Ok<IReadOnlyList<DirectoryImport>>> ListImportsAsync(OrganisationQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(await queries.ImportsAsync(100, cancellationToken));

    private static async Task<Results<Ok<ImportResponse>, ValidationProblem, BadRequest<ProblemDetails>>> ImportAsync(
        IFormFile? file, ClaimsPrincipal user, EntraUserImport importer, CancellationToken cancellationToken, bool allowMassDeactivation = false)
    {
        if (file is null || file.Length == 0)
        {
            return TypedResults.BadRequest(new ProblemDetails { Title = OrganisationText.Get("ImportErrorNoFile") });
        }
        await using var stream = file.OpenReadStream();
        var result = await importer.ImportAsync(stream, file.FileName, user.ActorName(), new DirectoryImportOptions(allowMassDeactivation), cancellationToken: cancellationToken);
        if (result.Status == ImportStatus.Failed)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { [file.FileName] = result.Errors?.Split('\n') ?? [] },
                title: OrganisationText.Get("ImportFailedTitle"));
        }
        return TypedResults.Ok(ToResponse(result));
    }

    private static async Task<RedirectHttpResult> ImportFromFormAsync(
        [FromForm] IFormFile? file, [FromForm] bool? allowMassDeactivation, ClaimsPrincipal user, EntraUserImport importer, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            return TypedResults.LocalRedirect("/organisation?error=nofile");
        }
        await using var stream = file.OpenReadStream();
        var result = await importer.ImportAsync(stream, file.FileName, user.ActorName(),
            new DirectoryImportOptions(allowMassDeactivation ?? false), cancellationToken: cancellationToken);
        return TypedResults.LocalRedirect($"/organisation/imports/{result.Id}");
    }

    public static ImportResponse ToResponse(DirectoryImport i) =>
        new(i.Id, i.Status.ToString(), i.Rows, i.Added, i.Updated, i.Moved, i.Deactivated, i.Reactivated, i.Unchanged, i.Unassigned,
            i.Warnings?.Split('\n') ?? []);
}

/// <summary>
/// Entra exports waiting for their proposal to be accepted (<c>/organisation/proposal?upload=ID</c>): they hold names and
/// e-mail addresses, so each is deleted once imported, and any left over after a day (<see cref="Shared.PendingUploadsCleanup{T}"/>).
/// </summary>
public sealed class DirectoryUploads(string folder) : Shared.PendingUploads(folder, ".csv");
