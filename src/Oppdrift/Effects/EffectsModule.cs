using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Oppdrift.Access;

namespace Oppdrift.Effects;

/// <summary>The Effects module's services, its job and the JSON API. Interventions are recorded on the pages (form posts) and by the command.</summary>
public static class EffectsModule
{
    /// <summary>This module's part in <see cref="Shared.BackgroundLoadStatus"/>: its change log of interventions loading in the background.</summary>
    public const string BackgroundLoad = "Effects";

    public static IServiceCollection AddEffects(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<Shared.BackgroundLoadStatus>();
        services.AddSingleton(EffectsOptions.FromConfiguration(configuration));
        services.AddScoped<EffectPanels>();
        services.AddScoped<EffectOutcomeCatalogue>();
        services.AddScoped<EffectEstimator>();
        services.AddScoped<EffectQueries>();
        services.AddScoped<InterventionLog>();
        services.AddScoped<InterventionSources>();
        services.AddHostedService<EffectsJob>();
        return services;
    }

    /// <summary>
    /// One estimate: an intervention judged on one metric. Figures are in the metric's unit: a share of the agencies' people
    /// (0.05 is five percentage points) or a figure per person per day; for a process measure (<c>unit</c>
    /// <c>percentChange</c>) a percent change as a fraction (−0.3 is 30 % less), with the moved and comparison processes
    /// counted (<see cref="TreatedProcesses"/>, <see cref="ComparisonProcesses"/>: comparison processes are not named) and
    /// their before-and-after figures in <see cref="BeforeAfter"/>. Null where the treated group is too small to show or
    /// the data cannot tell; <see cref="Reason"/> says why. <see cref="Units"/> names the units it was done to
    /// ("CODE:unit name") where it was not done to whole agencies; <see cref="Dose"/> is then the share of the treated
    /// agencies' people in them.
    /// </summary>
    public sealed record EffectResponse(
        int InterventionId, string Intervention, string Kind, DateOnly StartsOn, string Metric, string MetricName, string Unit,
        IReadOnlyList<string> TreatedAgencies, IReadOnlyList<string> Units, IReadOnlyList<string> ComparisonAgencies, int? TreatedPeople, double? Dose,
        double? Estimate, double? CiLow, double? CiHigh, double? Before, double? Drift, bool? PreTrendOk, string Verdict, string? Reason,
        int PlaceboSets, DateTime ComputedAt, IReadOnlyList<EffectEvent> EventStudy,
        int? TreatedProcesses = null, int? ComparisonProcesses = null, IReadOnlyList<ProcessGroupFigures>? BeforeAfter = null);

    public static void MapEffectsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/effects").WithTags("Effects").MapGet("", ListAsync).RequireAuthorization(Policies.Insight)
            .WithDescription("Every intervention the caller may see, judged on each of its outcome metrics: the treated and comparison agencies, the "
                + "difference-in-differences estimate with its 95 % placebo interval, the pre-trend check, the verdict (effect, noEffect, cannotTell) "
                + "with its reason, and the event study week by week (round by round for a survey measure). A process measure (metric process:KIND, "
                + "unit percentChange) is compared over processes: the moved and comparison processes counted, a t interval, and their before-and-after figures.");
    }

    private static async Task<Ok<List<EffectResponse>>> ListAsync(ClaimsPrincipal user, EffectQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(Responses(await queries.ListAsync(user.AgencyScope(), null, cancellationToken)));

    /// <summary>The rows as the API and the command print them, oldest intervention first.</summary>
    public static List<EffectResponse> Responses(IEnumerable<InterventionRow> rows) =>
        [.. rows.OrderBy(r => r.Intervention.StartsOn).ThenBy(r => r.Intervention.Id).SelectMany(r => r.Effects.Select(e => Response(r, e)))];

    public static EffectResponse Response(InterventionRow row, EffectRow effect)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(effect);
        var r = effect.Result;
        var shown = r.Estimate is not null;
        return new EffectResponse(row.Intervention.Id, row.Intervention.Name, Camel(row.Intervention.Kind.ToString()), row.Intervention.StartsOn, r.Metric,
            effect.Metric.Name, effect.Metric.Unit == EffectUnit.PerPersonDay ? "perPersonPerDay" : Camel(effect.Metric.Unit.ToString()),
            [.. effect.Treated.Select(a => a.Code)], [.. row.Units.Select(u => UnitName(row, u))], [.. effect.Comparison.Select(a => a.Code)], shown && r.TreatedPeople > 0 ? r.TreatedPeople : null, shown ? R(r.Dose) : null,
            R(r.Estimate), R(r.Low), R(r.High), R(r.TreatedBefore), R(r.Drift), r.PreTrendOk, Camel(r.Verdict.ToString()), r.Reason is { } reason ? Camel(reason.ToString()) : null,
            r.PlaceboSets, r.ComputedAt, shown ? effect.EventStudy : [],
            effect.TreatedProcesses, effect.ComparisonProcesses, effect.Processes is { } groups ? [.. groups.Select(g => g with { MeanChange = R(g.MeanChange) })] : null);
    }

    private static string UnitName(InterventionRow row, Organisation.UnitRow unit) =>
        (row.Agencies.FirstOrDefault(a => a.Id == unit.AgencyId)?.Code ?? "") + ":" + unit.Name;

    private static double? R(double? value) => value is { } v ? Math.Round(v, 6) : null;

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
