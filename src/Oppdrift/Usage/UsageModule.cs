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
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Shared.Privacy;
using Oppdrift.Usage.Graph;

namespace Oppdrift.Usage;

/// <summary>The Usage module's services, the nightly Graph pull wired to the importer, the JSON API and export endpoints.</summary>
public static class UsageModule
{
    public const string GraphActor = "graph";

    public static IServiceCollection AddUsage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPrivacy(configuration);
        services.AddSingleton(UsageOptions.FromConfiguration(configuration));
        services.AddScoped<UsageImporter>();
        services.AddScoped<UsageQueries>();
        services.AddScoped<UsageWeeklyFigures>();
        services.AddSingleton<UsageFigureCache>();
        services.AddUsageGraphPull(configuration,
            (provider, sources, cancellationToken) => ImportPulledAsync(provider.GetRequiredService<UsageImporter>(), sources, cancellationToken),
            (provider, cancellationToken) => ImportedAsync(provider.GetRequiredService<OppdriftDb>(), cancellationToken));
        services.AddSingleton<UsageLoadStatus>();
        services.AddHostedService<UsageRetentionJob>();
        return services;
    }

    /// <summary>Imports reports the Graph pull downloaded; throws when one is rejected, which the job records as that report's failure.</summary>
    public static async Task ImportPulledAsync(UsageImporter importer, IReadOnlyList<UsageSource> sources, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(importer);
        var result = await importer.ImportAsync(sources, new UsageImportRequest { Actor = GraphActor, Source = UsageSourceKind.Graph }, cancellationToken: cancellationToken);
        if (result.Failed > 0)
        {
            // The job records a throwing import as that report's failure and goes on; the import history has the details.
            var errors = result.Files.SelectMany(f => f.Errors).Take(3).Select(e => e.ToString());
            throw new UsageImportRejectedException(string.Join(Environment.NewLine, errors));
        }
    }

    /// <summary>The (report, date) pairs whose figures are in the database, for the pull's planner.</summary>
    public static async Task<IReadOnlySet<(string Report, DateOnly Date)>> ImportedAsync(OppdriftDb db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var imports = await db.UsageImports.AsNoTracking()
            .Where(i => i.IsCurrent && i.ReportDate != null)
            .Select(i => new { i.Report, i.ReportDate })
            .ToListAsync(cancellationToken);
        return imports.Select(i => (i.Report, i.ReportDate!.Value)).ToHashSet();
    }

    public sealed record CellResponse(double? Value, string? Suppressed);

    public sealed record ColumnResponse(string Key, string Name, string Kind, string HowComputed);

    public sealed record RowResponse(string? Code, string Name, IReadOnlyList<CellResponse> Cells, IReadOnlyList<CellResponse> Earlier, IReadOnlyList<string> Trends);

    public sealed record TableResponse(DateOnly? Date, DateOnly? EarlierDate, int Window, string Mode, int MinimumGroupSize, int DaysWithData,
        IReadOnlyList<ColumnResponse> Columns, IReadOnlyList<RowResponse> Agencies, RowResponse Municipality);

    public sealed record PointResponse(DateOnly Date, double? Value, string? Suppressed);

    public sealed record SeriesResponse(string Metric, string Name, IReadOnlyList<PointResponse> Points);

    public sealed record SeriesSetResponse(string? Code, string Name, DateOnly From, DateOnly To, int MinimumGroupSize, IReadOnlyList<SeriesResponse> Series);

    public sealed record MetricResponse(string Code, string Name, string HowComputed, string Workload, string Category, string Kind, string Report);

    public sealed record ImportResponse(int Id, string Name, string Report, DateOnly? ReportDate, int Period, string Status, string Concealment,
        int Rows, int Matched, int Unmatched, int Skipped, string[] Errors, string[] Warnings);

    /// <summary>The query string every usage page, export and API call understands.</summary>
    public sealed record UsageFilter(
        [property: FromQuery(Name = "view")] string? View,
        [property: FromQuery(Name = "date")] DateOnly? Date,
        [property: FromQuery(Name = "window")] int? Window,
        [property: FromQuery(Name = "workload")] string? Workload,
        [property: FromQuery(Name = "agency")] string? Agency,
        [property: FromQuery(Name = "from")] DateOnly? From,
        [property: FromQuery(Name = "to")] DateOnly? To);

    public static void MapUsageApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/usage").WithTags("Usage");
        api.MapGet("/overview", OverviewAsync).RequireAuthorization(Policies.Insight)
            .WithDescription("Agencies by the key adoption metrics for a date (default: the latest) and a 7- or 28-day window. Figures over fewer people than the minimum group size, and those hidden with them, have no value.");
        api.MapGet("/workloads/{workload}", WorkloadAsync).RequireAuthorization(Policies.Insight);
        api.MapGet("/agencies/{code}", AgencySeriesAsync).RequireAuthorization(Policies.Insight).AuditsView("usage.agency")
            .WithDescription("Daily figures of one agency's charts from 'from' to 'to' (default: the 90 days up to the latest).");
        api.MapGet("/metrics", Metrics).RequireAuthorization(Policies.Insight);
        api.MapGet("/imports", ImportsAsync).RequireAuthorization(Policies.CentralTeam);
        api.MapPost("/imports", UploadAsync).RequireAuthorization(Policies.CentralTeam)
            .WithMetadata(new RequestSizeLimitAttribute(ImportMaxBytes)).WithFormOptions(multipartBodyLengthLimit: ImportMaxBytes)
            .WithDescription("Imports usage reports (multipart field 'file', one or more). Each report lands whole or not at all.");

        app.MapGet("/usage/export.csv", (HttpContext context, [AsParameters] UsageFilter filter, UsageQueries queries, CancellationToken cancellationToken) =>
            ExportAsync(context, filter, queries, csv: true, cancellationToken)).RequireAuthorization(Policies.Insight).AuditsExport("usage.csv");
        app.MapGet("/usage/export.xlsx", (HttpContext context, [AsParameters] UsageFilter filter, UsageQueries queries, CancellationToken cancellationToken) =>
            ExportAsync(context, filter, queries, csv: false, cancellationToken)).RequireAuthorization(Policies.Insight).AuditsExport("usage.xlsx");

        // The upload form on /usage/imports posts here and is sent back to the page with the results.
        // It reads the form itself, so it declares the antiforgery token it needs.
        app.MapPost("/usage/import", ImportFromFormAsync).RequireAuthorization(Policies.CentralTeam).WithMetadata(new RequireAntiforgeryTokenAttribute())
            .WithMetadata(new RequestSizeLimitAttribute(ImportMaxBytes)).WithFormOptions(multipartBodyLengthLimit: ImportMaxBytes)
            .ExcludeFromDescription();
    }

    /// <summary>A usage upload may hold several daily reports for 54,000 people; more than the default request limit.</summary>
    public const long ImportMaxBytes = 512L * 1024 * 1024;

    private static IReadOnlySet<int>? Scope(ClaimsPrincipal user) => user.AgencyScope();

    private static async Task<Ok<TableResponse>> OverviewAsync(ClaimsPrincipal user, [AsParameters] UsageFilter filter, UsageQueries queries, CancellationToken cancellationToken)
    {
        var table = await queries.OverviewAsync(filter.Date, filter.Window ?? UsageQueries.DefaultWindow, Scope(user), cancellationToken);
        return TypedResults.Ok(ToResponse(table, await queries.TenantModeAsync(cancellationToken)));
    }

    private static async Task<Results<Ok<TableResponse>, NotFound>> WorkloadAsync(string workload, ClaimsPrincipal user, [AsParameters] UsageFilter filter,
        UsageQueries queries, CancellationToken cancellationToken)
    {
        if (ParseWorkload(workload) is not { } parsed)
        {
            return TypedResults.NotFound();
        }
        var table = await queries.WorkloadAsync(parsed, filter.Date, filter.Window ?? UsageQueries.DefaultWindow, Scope(user), cancellationToken);
        return TypedResults.Ok(ToResponse(table, await queries.TenantModeAsync(cancellationToken)));
    }

    private static async Task<Results<Ok<SeriesSetResponse>, NotFound, ForbidHttpResult>> AgencySeriesAsync(string code, ClaimsPrincipal user,
        [AsParameters] UsageFilter filter, UsageQueries queries, CancellationToken cancellationToken)
    {
        var agency = await queries.AgencyAsync(code, cancellationToken);
        if (agency is null)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanSeeAgency(agency.Value.Id))
        {
            return TypedResults.Forbid();
        }
        var (from, to) = await PeriodAsync(filter, queries, cancellationToken);
        var set = await queries.SeriesAsync(agency.Value.Id, AgencyMetrics, from, to, cancellationToken);
        return TypedResults.Ok(ToResponse(set));
    }

    /// <summary>Every metric on the agency page's charts.</summary>
    public static IReadOnlyList<string> AgencyMetrics { get; } = [.. UsageViews.AgencyCharts.SelectMany(c => c.Metrics).Distinct()];

    private static Ok<IReadOnlyList<MetricResponse>> Metrics() =>
        TypedResults.Ok<IReadOnlyList<MetricResponse>>([.. UsageMetrics.All.Select(m =>
            new MetricResponse(m.Code, m.Name, m.HowComputed, m.Workload.ToString(), m.Category.ToString(), m.Kind.ToString(), m.Report))]);

    private static async Task<Ok<IReadOnlyList<ImportResponse>>> ImportsAsync(UsageQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok<IReadOnlyList<ImportResponse>>([.. (await queries.ImportsAsync(100, cancellationToken)).Select(ToResponse)]);

    private static async Task<Results<Ok<IReadOnlyList<ImportResponse>>, BadRequest<ProblemDetails>>> UploadAsync(
        HttpRequest request, ClaimsPrincipal user, UsageImporter importer, CancellationToken cancellationToken)
    {
        var files = request.HasFormContentType ? (await request.ReadFormAsync(cancellationToken)).Files : null;
        if (files is null || files.Count == 0 || files.All(f => f.Length == 0))
        {
            return TypedResults.BadRequest(new ProblemDetails { Title = UsageText.Get("ImportErrorNoFile") });
        }
        var result = await ImportAsync(files, user, importer, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<ImportResponse>>([.. result.Files.Select(f => ToResponse(f.Import))]);
    }

    private static async Task<RedirectHttpResult> ImportFromFormAsync(HttpRequest request, ClaimsPrincipal user, UsageImporter importer, CancellationToken cancellationToken)
    {
        var files = (await request.ReadFormAsync(cancellationToken)).Files;
        if (files.Count == 0 || files.All(f => f.Length == 0))
        {
            return TypedResults.LocalRedirect("/usage/imports?error=nofile");
        }
        var result = await ImportAsync(files, user, importer, cancellationToken);
        var ids = string.Join(',', result.Files.Select(f => f.Import.Id.ToString(CultureInfo.InvariantCulture)));
        return TypedResults.LocalRedirect($"/usage/imports?result={ids}");
    }

    private static Task<UsageImportResult> ImportAsync(IFormFileCollection files, ClaimsPrincipal user, UsageImporter importer, CancellationToken cancellationToken)
    {
        var sources = files.Where(f => f.Length > 0)
            .Select(f => new UsageSource(f.FileName, _ => Task.FromResult(f.OpenReadStream())))
            .ToList();
        return importer.ImportAsync(sources, new UsageImportRequest { Actor = user.ActorName(), Source = UsageSourceKind.Upload }, cancellationToken: cancellationToken);
    }

    private static async Task<IResult> ExportAsync(HttpContext context, UsageFilter filter, UsageQueries queries, bool csv, CancellationToken cancellationToken)
    {
        var user = context.User;
        UsageSheet sheet;
        string name;
        switch (filter.View ?? "overview")
        {
            case "overview":
                {
                    var table = await queries.OverviewAsync(filter.Date, filter.Window ?? UsageQueries.DefaultWindow, Scope(user), cancellationToken);
                    sheet = UsageExport.Sheet(table, UsageText.Get("OverviewTitle"));
                    name = $"oppdrift-bruk-{Stamp(table.Date)}-{table.Window}d";
                    break;
                }
            case "workload":
                {
                    if (ParseWorkload(filter.Workload) is not { } workload)
                    {
                        return TypedResults.NotFound();
                    }
                    var table = await queries.WorkloadAsync(workload, filter.Date, filter.Window ?? UsageQueries.DefaultWindow, Scope(user), cancellationToken);
                    sheet = UsageExport.Sheet(table, UsageText.Get("Workload_" + workload));
                    name = $"oppdrift-bruk-{UsageMetrics.Prefix(workload)}-{Stamp(table.Date)}-{table.Window}d";
                    break;
                }
            case "agency":
                {
                    var agency = filter.Agency is null ? null : await queries.AgencyAsync(filter.Agency, cancellationToken);
                    if (agency is null)
                    {
                        return TypedResults.NotFound();
                    }
                    if (!user.CanSeeAgency(agency.Value.Id))
                    {
                        return TypedResults.Forbid();
                    }
                    var (from, to) = await PeriodAsync(filter, queries, cancellationToken);
                    var set = await queries.SeriesAsync(agency.Value.Id, AgencyMetrics, from, to, cancellationToken);
                    sheet = UsageExport.Sheet(set, agency.Value.Name);
                    name = $"oppdrift-bruk-{agency.Value.Code.ToLowerInvariant()}-{Stamp(from)}-{Stamp(to)}";
                    break;
                }
            default:
                return TypedResults.NotFound();
        }
        return csv
            ? TypedResults.File(UsageExport.Csv(sheet, CultureInfo.CurrentCulture), "text/csv; charset=utf-8", name + ".csv")
            : TypedResults.File(UsageExport.Xlsx(sheet), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name + ".xlsx");
    }

    private static string Stamp(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "tom";

    /// <summary>The period an agency's series covers: the filter's, or the <see cref="UsageQueries.DefaultSeriesDays"/> up to the latest day.</summary>
    public static async Task<(DateOnly From, DateOnly To)> PeriodAsync(UsageFilter filter, UsageQueries queries, CancellationToken cancellationToken)
    {
        var to = filter.To ?? await queries.LatestDateAsync(cancellationToken) ?? queries.Today;
        var from = filter.From ?? to.AddDays(-UsageQueries.DefaultSeriesDays + 1);
        return from <= to ? (from, to) : (to, from);
    }

    /// <summary>A workload from its name or its metric prefix, in any case ("Teams", "vivaengage").</summary>
    public static UsageWorkload? ParseWorkload(string? value)
    {
        foreach (var workload in Enum.GetValues<UsageWorkload>())
        {
            if (string.Equals(workload.ToString(), value, StringComparison.OrdinalIgnoreCase) || string.Equals(UsageMetrics.Prefix(workload), value, StringComparison.OrdinalIgnoreCase))
            {
                return workload;
            }
        }
        return null;
    }

    public static string? SuppressedName(SuppressionReason reason) => reason switch
    {
        SuppressionReason.SmallGroup => "smallGroup",
        SuppressionReason.Complementary => "complementary",
        _ => null,
    };

    private static CellResponse ToResponse(UsageCell cell) => new(cell.Value, SuppressedName(cell.Reason));

    private static RowResponse ToResponse(UsageTableRow row, bool municipality) =>
        new(municipality ? null : row.Code, row.Name, [.. row.Cells.Select(ToResponse)], [.. row.Earlier.Select(ToResponse)],
            [.. Enumerable.Range(0, row.Cells.Count).Select(i => row.Trend(i).ToString().ToLowerInvariant())]);

    public static TableResponse ToResponse(UsageTable table, UsageTenantMode mode) =>
        new(table.Date, table.EarlierDate, table.Window, mode.ToString(), table.MinimumGroupSize, table.DaysWithData,
            [.. table.Columns.Select(c => new ColumnResponse(c.Key, c.Name, c.Kind.ToString(), c.HowComputed))],
            [.. table.Rows.Select(r => ToResponse(r, false))], ToResponse(table.Municipality, true));

    public static SeriesSetResponse ToResponse(UsageSeriesSet set) =>
        new(set.Code, set.Name, set.From, set.To, set.MinimumGroupSize,
            [.. set.Series.Select(s => new SeriesResponse(s.Metric, s.Name, [.. s.Points.Select(p => new PointResponse(p.Date, p.Cell.Value, SuppressedName(p.Cell.Reason)))]))]);

    public static ImportResponse ToResponse(UsageImport i) =>
        new(i.Id, i.Name, i.Report, i.ReportDate, i.Period, i.Status.ToString(), i.Concealment.ToString(), i.Rows, i.Matched, i.Unmatched, i.Skipped,
            i.Errors?.Split('\n') ?? [], i.Warnings?.Split('\n') ?? []);
}

/// <summary>A pulled report the importer rejected; the message holds its first errors as file:line:column lines.</summary>
public sealed class UsageImportRejectedException : Exception
{
    public UsageImportRejectedException()
    {
    }

    public UsageImportRejectedException(string message) : base(message)
    {
    }

    public UsageImportRejectedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
