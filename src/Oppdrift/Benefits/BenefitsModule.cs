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
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Usage;

namespace Oppdrift.Benefits;

/// <summary>The Benefits module's services, its measurement job, the report downloads and the JSON API.</summary>
public static class BenefitsModule
{
    public static IServiceCollection AddBenefits(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<Shared.BackgroundLoadStatus>();
        services.AddSingleton(BenefitsOptions.FromConfiguration(configuration));
        services.AddScoped<UsageIndicatorQuery>();
        services.AddScoped<BenefitsEditor>();
        services.AddScoped<BenefitsQueries>();
        services.AddScoped<BenefitsMeasurer>();
        services.AddScoped<BenefitsTemplate>();
        services.AddScoped<ClimateModel>();
        services.AddHostedService<BenefitsMeasurementJob>();
        return services;
    }

    /// <summary>The query string of the report downloads: plan or status, one agency (code) or the municipality, and a date.</summary>
    public sealed record ReportFilter(
        [property: FromQuery(Name = "kind")] string? Kind,
        [property: FromQuery(Name = "agency")] string? Agency,
        [property: FromQuery(Name = "date")] DateOnly? Date);

    public sealed record IndicatorResponse(int Id, string Name, string Unit, bool HigherIsBetter, string Source, string? UsageMeasure,
        double BaselineValue, DateOnly BaselineDate, double? LatestValue, DateOnly? LatestDate, double? Expected, string Status);

    public sealed record BenefitResponse(int Id, string Name, string Owner, bool Priced, IReadOnlyList<string> Agencies, string Status,
        IReadOnlyList<IndicatorResponse> Indicators);

    public sealed record GoalResponse(int Id, string Name, string Status, IReadOnlyList<BenefitResponse> Benefits);

    public sealed record OverviewResponse(DateOnly Date, string Scope, double HourlyCost, IReadOnlyList<GoalResponse> Goals);

    public static void MapBenefitsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/benefits").WithTags("Benefits").MapGet("", OverviewAsync).RequireAuthorization(Policies.Insight).AuditsView("benefits")
            .WithDescription("Goals, benefits and indicators with the latest measurement and status on a date (default today), for the municipality or one agency (?agency=CODE).");
        app.MapGet("/benefits/report.docx", (HttpContext context, [AsParameters] ReportFilter filter, BenefitsQueries queries, ClimateModel climate, OppdriftDb db,
            CancellationToken cancellationToken) => ReportAsync(context.User, filter, queries, climate, db, docx: true, cancellationToken)).RequireAuthorization(Policies.Insight)
            .AuditsExport("benefits.report");
        app.MapGet("/benefits/report.xlsx", (HttpContext context, [AsParameters] ReportFilter filter, BenefitsQueries queries, ClimateModel climate, OppdriftDb db,
            CancellationToken cancellationToken) => ReportAsync(context.User, filter, queries, climate, db, docx: false, cancellationToken)).RequireAuthorization(Policies.Insight)
            .AuditsExport("benefits.report");
        app.MapPost("/benefits/measurements/{id:long}/delete", DeleteMeasurementFromFormAsync).RequireAuthorization(Policies.Planning)
            .WithMetadata(new RequireAntiforgeryTokenAttribute(), new RequestSizeLimitAttribute(DeleteFormBytes)).ExcludeFromDescription();
    }

    /// <summary>The delete form holds the antiforgery token and the date the page showed; anything larger is not from it.</summary>
    private const long DeleteFormBytes = 16 * 1024;

    /// <summary>
    /// The delete button beside a manual measurement on the benefit page: for the central team, and for a leader of the
    /// measurement's agency; back to the page it came from (the same agency and date) with what happened.
    /// </summary>
    private static async Task<Results<RedirectHttpResult, NotFound, ForbidHttpResult>> DeleteMeasurementFromFormAsync(long id, [FromForm] DateOnly? date,
        ClaimsPrincipal user, OppdriftDb db, BenefitsEditor editor, BenefitsQueries queries, CancellationToken cancellationToken)
    {
        var found = await db.Measurements.AsNoTracking().Where(m => m.Id == id)
            .Join(db.Indicators, m => m.IndicatorId, i => i.Id, (m, i) => new { m.AgencyId, m.Automatic, i.BenefitId })
            .SingleOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            return TypedResults.NotFound();
        }
        if (!BenefitsAccess.CanMeasure(user, found.AgencyId))
        {
            return TypedResults.Forbid();
        }
        var query = new List<string>();
        if (found.AgencyId is { } agencyId && (await queries.AgenciesAsync(new HashSet<int> { agencyId }, cancellationToken)).SingleOrDefault() is { } agency)
        {
            query.Add("agency=" + Uri.EscapeDataString(agency.Code));
        }
        if (date is { } day)
        {
            query.Add("date=" + day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        }
        var result = await editor.DeleteMeasurementAsync(id, user, cancellationToken);
        query.Add(result.Succeeded ? "done=" + BenefitPageMessages.MeasurementDeleted
            : "error=" + (found.Automatic ? BenefitPageMessages.DeleteAutomatic : BenefitPageMessages.NotFound));
        return TypedResults.LocalRedirect($"/benefits/{found.BenefitId}?{string.Join('&', query)}");
    }

    private static async Task<Results<Ok<OverviewResponse>, ForbidHttpResult>> OverviewAsync(ClaimsPrincipal user, [AsParameters] ReportFilter filter,
        BenefitsQueries queries, OppdriftDb db, CancellationToken cancellationToken)
    {
        if (await queries.ScopeAsync(user, filter.Agency, cancellationToken) is not { } scope)
        {
            return TypedResults.Forbid();
        }
        var picture = await queries.PictureAsync(scope.AgencyId, filter.Date, cancellationToken);
        return TypedResults.Ok(new OverviewResponse(picture.Date, picture.ScopeName, picture.HourlyCost, [.. picture.Goals.Select(g => new GoalResponse(
            g.Goal.Id, g.Goal.Name, g.Status.ToString(), [.. g.Benefits.Select(b => new BenefitResponse(b.Benefit.Id, b.Benefit.Name, b.Benefit.Owner, b.Benefit.Priced,
                [.. b.Agencies.Select(a => a.Code)], b.Status.ToString(), [.. b.Indicators.Select(i => new IndicatorResponse(i.Indicator.Id, i.Indicator.Name,
                    i.Indicator.Unit, i.Indicator.HigherIsBetter, i.Indicator.Source.ToString(), i.Indicator.UsageMeasure, i.Plan.BaselineValue,
                    i.Indicator.BaselineDate, i.Latest?.Value, i.Latest?.Date, i.Latest is { } l ? i.Plan.Expected(l.Date) : null, i.Status.ToString()))]))]))]));
    }

    private static async Task<IResult> ReportAsync(ClaimsPrincipal user, ReportFilter filter, BenefitsQueries queries, ClimateModel climate, OppdriftDb db,
        bool docx, CancellationToken cancellationToken)
    {
        var kind = string.Equals(filter.Kind, "plan", StringComparison.OrdinalIgnoreCase) ? BenefitsReportKind.Plan : BenefitsReportKind.Status;
        if (await queries.ScopeAsync(user, filter.Agency, cancellationToken) is not { } scope)
        {
            return TypedResults.Forbid();
        }
        var (id, code) = (scope.AgencyId, scope.Code);
        var picture = await queries.PictureAsync(id, filter.Date, cancellationToken);
        var footprint = kind == BenefitsReportKind.Status ? await climate.FootprintAsync(id, picture.Date, cancellationToken) : null;
        return docx
            ? TypedResults.File(BenefitsReport.Docx(kind, picture, footprint), "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                BenefitsReport.FileName(kind, picture, code, "docx"))
            : TypedResults.File(BenefitsReport.Xlsx(kind, picture, footprint), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                BenefitsReport.FileName(kind, picture, code, "xlsx"));
    }
}

/// <summary>
/// What the benefit page may be told after a form post (?done= or ?error=): resource keys from this list, so the address
/// can never put words of its own on the page.
/// </summary>
public static class BenefitPageMessages
{
    public const string MeasurementDeleted = "MeasurementDeleted";
    public const string DeleteAutomatic = "ErrorDeleteAutomatic";
    public const string NotFound = "ErrorNotFound";

    public static string? Done(string? key) => key is MeasurementDeleted ? key : null;

    public static string? Error(string? key) => key is DeleteAutomatic or NotFound ? key : null;
}
