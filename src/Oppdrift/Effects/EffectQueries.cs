// Read-only views of the interventions and their kept estimates for the pages, the API and the command. A user sees the
// interventions that touched an agency they may read (all of them for the central team and system owners).
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Organisation;

namespace Oppdrift.Effects;

/// <summary>
/// One estimate as shown: the outcome, the comparison agencies by name and the event study week by week (or round by
/// round); for a process measure, the moved and comparison processes' before-and-after figures in its place.
/// </summary>
public sealed record EffectRow(EffectResult Result, EffectOutcome Metric, IReadOnlyList<AgencyRow> Treated, IReadOnlyList<AgencyRow> Comparison,
    IReadOnlyList<EffectEvent> EventStudy, IReadOnlyList<ProcessGroupFigures>? Processes = null)
{
    /// <summary>How many moved processes the estimate rests on; null for any other outcome.</summary>
    public int? TreatedProcesses => Processes?.FirstOrDefault(g => g.Group == "treated")?.Processes;

    /// <summary>How many unmoved processes it was compared with; null for any other outcome.</summary>
    public int? ComparisonProcesses => Processes?.FirstOrDefault(g => g.Group == "comparison")?.Processes;

    /// <summary>A count of people becomes a share (shown in percentage points); a sum a figure per person per day.</summary>
    public bool IsShare => Metric.Unit == EffectUnit.Share;
}

/// <summary>An intervention as shown, with the units it was done to (each with its agency's id) where it was not done to whole agencies.</summary>
public sealed record InterventionRow(Intervention Intervention, IReadOnlyList<AgencyRow> Agencies, IReadOnlyList<UnitRow> Units, string? Programme,
    IReadOnlyList<EffectRow> Effects);

public sealed class EffectQueries(OppdriftDb db, LearningQueries learning, EffectOutcomeCatalogue outcomes)
{
    /// <summary>
    /// The interventions visible in <paramref name="scope"/> (null: all), newest first, with their estimates;
    /// <paramref name="agencyId"/> keeps those done to one agency.
    /// </summary>
    public async Task<IReadOnlyList<InterventionRow>> ListAsync(IReadOnlySet<int>? scope, int? agencyId, CancellationToken cancellationToken)
    {
        var query = db.Interventions.AsNoTracking().Include(i => i.Agencies).Include(i => i.Units).AsSplitQuery().AsQueryable();
        if (agencyId is { } only)
        {
            query = query.Where(i => i.Agencies.Any(a => a.AgencyId == only));
        }
        var interventions = (await query.ToListAsync(cancellationToken))
            .Where(i => Visible(scope, i))
            .OrderByDescending(i => i.StartsOn).ThenByDescending(i => i.Id)
            .ToList();
        return await RowsAsync(interventions, scope, cancellationToken);
    }

    /// <summary>One intervention, or null when it does not exist or is not the user's to see (the same answer for both).</summary>
    public async Task<InterventionRow?> FindAsync(int id, IReadOnlySet<int>? scope, CancellationToken cancellationToken)
    {
        var intervention = await db.Interventions.AsNoTracking().Include(i => i.Agencies).Include(i => i.Units).AsSplitQuery()
            .SingleOrDefaultAsync(i => i.Id == id, cancellationToken);
        return intervention is null || !Visible(scope, intervention) ? null : (await RowsAsync([intervention], scope, cancellationToken))[0];
    }

    /// <summary>When the estimates were last computed; null before the first time.</summary>
    public async Task<DateTime?> ComputedAtAsync(CancellationToken cancellationToken) =>
        await db.EffectResults.MaxAsync(r => (DateTime?)r.ComputedAt, cancellationToken);

    private static bool Visible(IReadOnlySet<int>? scope, Intervention intervention) =>
        scope is null || intervention.Agencies.Any(a => scope.Contains(a.AgencyId));

    /// <summary>
    /// The rows with their estimates. A user whose scope does not hold every treated agency of an estimate reads the
    /// combined estimate, its interval, verdict and event study (differences against comparison agencies, over all the
    /// treated agencies together), but not the treated group's level before and after, its head count or its dose: with
    /// their own agencies' figures, those would give the other agencies' by subtraction.
    /// </summary>
    private async Task<List<InterventionRow>> RowsAsync(List<Intervention> interventions, IReadOnlySet<int>? scope, CancellationToken cancellationToken)
    {
        var ids = interventions.Select(i => i.Id).ToList();
        var kept = await db.EffectResults.AsNoTracking().Where(r => ids.Contains(r.InterventionId)).ToListAsync(cancellationToken);
        foreach (var result in kept.Where(r => scope is not null && !r.Treated.All(scope.Contains)))
        {
            result.TreatedBefore = null;
            result.TreatedAfter = null;
            result.TreatedPeople = 0;
            result.Dose = null;
        }
        var results = kept.ToLookup(r => r.InterventionId);
        // Estimates of an outcome that no longer exists (a survey deleted) are not shown.
        var named = await outcomes.ByCodeAsync(kept.Select(r => r.Metric), cancellationToken);
        var directory = new OrganisationDirectory(db);
        var agencies = (await directory.AgenciesAsync(null, cancellationToken)).ToDictionary(a => a.Id);
        var unitIds = interventions.SelectMany(i => i.Units.Select(u => u.UnitId)).ToList();
        var units = unitIds.Count == 0 ? new Dictionary<int, UnitRow>() : await directory.UnitsByIdAsync(unitIds, cancellationToken);
        var programmes = interventions.Any(i => i.ProgrammeId is not null)
            ? (await learning.ProgrammeNamesAsync(cancellationToken)).ToDictionary(p => p.Id, p => p.Name)
            : [];
        List<AgencyRow> Named(IEnumerable<int> list) =>
            [.. list.Select(agencies.GetValueOrDefault).OfType<AgencyRow>().OrderBy(a => a.Name, OrganisationQueries.NorwegianOrder)];
        return [.. interventions.Select(i =>
        {
            var metrics = EffectOutcomes.Of(i);
            var effects = results[i.Id]
                .Where(r => named.ContainsKey(r.Metric))
                .OrderBy(r => metrics.ToList().IndexOf(r.Metric) is var at && at < 0 ? int.MaxValue : at)
                .Select(r => EffectOutcomes.IsProcess(r.Metric)
                    ? new EffectRow(r, named[r.Metric], Named(r.Treated), [], [],
                        JsonSerializer.Deserialize<List<ProcessGroupFigures>>(r.EventStudy, EffectEstimator.Json) ?? [])
                    : new EffectRow(r, named[r.Metric], Named(r.Treated), Named(r.Comparison),
                        JsonSerializer.Deserialize<List<EffectEvent>>(r.EventStudy, EffectEstimator.Json) ?? []))
                .ToList();
            List<UnitRow> unitRows = [.. i.Units.Select(u => units.GetValueOrDefault(u.UnitId)).OfType<UnitRow>().OrderBy(u => u.Name, OrganisationQueries.NorwegianOrder)];
            return new InterventionRow(i, Named(i.Agencies.Select(a => a.AgencyId)), unitRows, i.ProgrammeId is { } p ? programmes.GetValueOrDefault(p) : null, effects);
        })];
    }
}
