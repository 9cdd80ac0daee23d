using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
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
            .AddScoped<OrganisationQueries>();

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
