using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Oppdrift.Access;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Organisation;

namespace Oppdrift.Processes;

/// <summary>The Processes module's services, the register downloads and the JSON API. Changes are made on the pages (form posts).</summary>
public static class ProcessesModule
{
    /// <summary>This module's part in <see cref="Shared.BackgroundLoadStatus"/>: its process register loading in the background.</summary>
    public const string BackgroundLoad = "Processes";

    /// <summary>Call after <c>AddBenefits</c>: the gain is priced with its hourly cost and climate factors.</summary>
    public static IServiceCollection AddProcesses(this IServiceCollection services)
    {
        services.TryAddSingleton<Shared.BackgroundLoadStatus>();
        services.AddScoped<ProcessQueries>();
        services.AddScoped<ProcessEditor>();
        services.AddScoped<ProcessCandidates>();
        services.AddScoped<ProcessUsageReader>();
        return services;
    }

    /// <summary>The query string of the list, the API and the downloads: one agency (code, owning or involved) and one state.</summary>
    public sealed record ListFilter(
        [property: FromQuery(Name = "agency")] string? Agency,
        [property: FromQuery(Name = "state")] string? State);

    public sealed record ProcessResponse(
        int Id, string Name, string OwnerAgency, string OwnerAgencyName, IReadOnlyList<string> InvolvedAgencies, string ContactPerson,
        string CurrentWay, string Target, string State, DateOnly RegisteredOn, DateOnly? MovedOn, DateTime StateChangedAt, string StateChangedBy,
        int VolumePerYear, string VolumeUnit,
        double? MinutesPerCaseBefore, int? MinutesPerCaseBeforeSampleCases, double? MinutesPerCaseAfter, int? MinutesPerCaseAfterSampleCases,
        double? PrintsPerCaseBefore, double? PrintsPerCaseAfter, double? EmailsPerCaseBefore, double? EmailsPerCaseAfter,
        double? ErrorsPer100CasesBefore, double? ErrorsPer100CasesAfter, double? LeadTimeDaysBefore, double? LeadTimeDaysAfter,
        double? HoursSavedPerYear, double? ValueNokPerYear, double? PrintsAvoidedPerYear, double? EmailsAvoidedPerYear, double? ErrorsAvoidedPerYear,
        double? Co2eKgPerYear, double? Co2eKgPerYearLow, double? Co2eKgPerYearHigh, double? LeadTimeChangeDays, string Confidence, IReadOnlyList<int> BenefitIds);

    public sealed record TotalsResponse(string? Agency, int Processes, int ProcessesWithGain, double HoursSavedPerYear, double ValueNokPerYear,
        double PrintsAvoidedPerYear, double EmailsAvoidedPerYear, double Co2eKgPerYear);

    public sealed record RegisterResponse(double HourlyCostNok, IReadOnlyList<ProcessResponse> Processes, TotalsResponse Municipality, IReadOnlyList<TotalsResponse> Agencies);

    public static void MapProcessesApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/processes").WithTags("Processes").MapGet("", ListAsync).RequireAuthorization(Policies.Insight)
            .WithDescription("The process register with each process's state, dates, volume, measures before and after and computed gain, "
                + "scoped to the agencies the caller may see; ?agency=CODE (owning or involved) and ?state=Identified|Analysed|Planned|Moved|Measured filter it.");
        app.MapGet("/processes/export.csv", (HttpContext context, [AsParameters] ListFilter filter, ProcessQueries queries, OppdriftDb db, TimeProvider clock,
            CancellationToken cancellationToken) => ExportAsync(context.User, filter, queries, db, clock, csv: true, cancellationToken)).RequireAuthorization(Policies.Insight)
            .AuditsExport("processes.register");
        app.MapGet("/processes/export.xlsx", (HttpContext context, [AsParameters] ListFilter filter, ProcessQueries queries, OppdriftDb db, TimeProvider clock,
            CancellationToken cancellationToken) => ExportAsync(context.User, filter, queries, db, clock, csv: false, cancellationToken)).RequireAuthorization(Policies.Insight)
            .AuditsExport("processes.register");
        app.MapGet("/processes/{id:int}/summary.docx", SummaryAsync).RequireAuthorization(Policies.Insight).AuditsExport("processes.summary");
    }

    /// <summary>The filter as ids: (valid, agency id, state). An unknown or unseen agency, or an unknown state, is not valid.</summary>
    private static async Task<(bool Valid, ProcessFilter Filter)> FilterAsync(ClaimsPrincipal user, ListFilter filter, OppdriftDb db, CancellationToken cancellationToken)
    {
        ProcessState? state = null;
        if (!string.IsNullOrEmpty(filter.State))
        {
            if (!Enum.TryParse<ProcessState>(filter.State, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                return (false, new ProcessFilter());
            }
            state = parsed;
        }
        int? agencyId = null;
        if (!string.IsNullOrEmpty(filter.Agency))
        {
            var agency = await new OrganisationDirectory(db).AgencyAsync(filter.Agency, cancellationToken);
            if (agency is null || !user.CanSeeAgency(agency.Id))
            {
                return (false, new ProcessFilter());
            }
            agencyId = agency.Id;
        }
        return (true, new ProcessFilter(agencyId, state));
    }

    private static async Task<Results<Ok<RegisterResponse>, ForbidHttpResult>> ListAsync(ClaimsPrincipal user, [AsParameters] ListFilter filter,
        ProcessQueries queries, OppdriftDb db, BenefitsOptions options, CancellationToken cancellationToken)
    {
        var (valid, parsed) = await FilterAsync(user, filter, db, cancellationToken);
        if (!valid)
        {
            return TypedResults.Forbid();
        }
        var rows = await queries.ListAsync(parsed, ProcessAccess.Scope(user), cancellationToken);
        var totals = ProcessQueries.Totals(rows);
        return TypedResults.Ok(new RegisterResponse(options.HourlyCost, [.. rows.Select(Response)], Totals(null, totals.Municipality),
            [.. totals.Agencies.Select(a => Totals(a.Agency.Code, a.Totals))]));
    }

    private static TotalsResponse Totals(string? agency, GainTotals t) => new(agency, t.Processes, t.WithGain, Math.Round(t.HoursSavedPerYear, 1),
        Math.Round(t.ValueNokPerYear), Math.Round(t.PrintsAvoidedPerYear), Math.Round(t.EmailsAvoidedPerYear), Math.Round(t.Co2eKgPerYear.Central, 1));

    private static double? R(double? value, int decimals) => value is { } v ? Math.Round(v, decimals) : null;

    public static ProcessResponse Response(ProcessRow r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var (b, a, g) = (r.Before, r.After, r.Gain);
        return new ProcessResponse(r.Id, r.Name, r.Owner.Code, r.Owner.Name, [.. r.Involved.Select(x => x.Code)], r.ContactPerson,
            r.CurrentWay.ToString(), r.Target.ToString(), r.State.ToString(), r.RegisteredOn, r.MovedOn, r.StateChangedAt, r.StateChangedBy,
            r.VolumePerYear, r.VolumeUnit.ToString(),
            b.MinutesPerCase?.Value, b.MinutesPerCase?.SampleCases, a.MinutesPerCase?.Value, a.MinutesPerCase?.SampleCases,
            b.PrintsPerCase?.Value, a.PrintsPerCase?.Value, b.EmailsPerCase?.Value, a.EmailsPerCase?.Value,
            b.ErrorsPer100Cases?.Value, a.ErrorsPer100Cases?.Value, b.LeadTimeDays?.Value, a.LeadTimeDays?.Value,
            R(g.HoursSavedPerYear, 1), R(g.ValueNokPerYear, 0), R(g.PrintsAvoidedPerYear, 0), R(g.EmailsAvoidedPerYear, 0), R(g.ErrorsAvoidedPerYear, 1),
            R(g.Co2eKgPerYear?.Central, 2), R(g.Co2eKgPerYear?.Low, 2), R(g.Co2eKgPerYear?.High, 2), R(g.LeadTimeChangeDays, 1), g.Confidence.ToString(), r.BenefitIds);
    }

    private static async Task<IResult> ExportAsync(ClaimsPrincipal user, ListFilter filter, ProcessQueries queries, OppdriftDb db, TimeProvider clock, bool csv,
        CancellationToken cancellationToken)
    {
        var (valid, parsed) = await FilterAsync(user, filter, db, cancellationToken);
        if (!valid)
        {
            return TypedResults.Forbid();
        }
        var rows = await queries.ListAsync(parsed, ProcessAccess.Scope(user), cancellationToken);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var name = ProcessExport.FileName(csv ? "csv" : "xlsx", today);
        return csv
            ? TypedResults.File(ProcessExport.Csv(rows, CultureInfo.CurrentCulture), "text/csv; charset=utf-8", name)
            : TypedResults.File(ProcessExport.Xlsx(rows), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name);
    }

    private static async Task<IResult> SummaryAsync(int id, ClaimsPrincipal user, ProcessQueries queries, BenefitsOptions options, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var detail = await queries.FindAsync(id, ProcessAccess.Scope(user), cancellationToken);
        if (detail is null)
        {
            // Not there, or not the caller's to see: the same answer, so the address does not tell which.
            return TypedResults.NotFound();
        }
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var name = ProcessExport.SummaryFileName(detail.Process, today);
        return TypedResults.File(ProcessExport.SummaryDocx(detail, options.HourlyCost, today),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document", name);
    }
}
