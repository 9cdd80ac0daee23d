// Estimates every intervention's effect on each of its outcome metrics and keeps the results, so the pages, the API and
// the command read them rather than computing them again. One panel is read per metric (weekly figures over the span all
// interventions need), and every intervention is estimated from it: a year of daily figures for fifty agencies is a few
// tens of thousands of rows per metric.
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Organisation;
using Oppdrift.Processes;
using Oppdrift.Shared.Privacy;

namespace Oppdrift.Effects;

public sealed class EffectEstimator(OppdriftDb db, EffectPanels panels, LearningQueries learning, SuppressionOptions suppression, EffectsOptions options,
    TimeProvider clock)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Interventions are similar when they work on the same habits: whatever the team does to people's ways of working
    /// (training, campaigns, workshops, help, agreements) is one family; moving processes and migrating shares are each
    /// their own. An agency with a similar intervention in another's window is no comparison for it.
    /// </summary>
    public static int Family(InterventionKind kind) => kind switch
    {
        InterventionKind.ProcessMove => 1,
        InterventionKind.ShareMigration => 2,
        _ => 0,
    };

    /// <summary>Estimates every intervention on each of its metrics and replaces the kept results; returns how many were written.</summary>
    public async Task<int> EstimateAllAsync(CancellationToken cancellationToken)
    {
        var interventions = await db.Interventions.Include(i => i.Agencies).Include(i => i.Units).AsSplitQuery().OrderBy(i => i.Id).ToListAsync(cancellationToken);
        var directory = new OrganisationDirectory(db);
        var headCounts = await directory.HeadCountsAsync(null, cancellationToken);
        var reached = new Dictionary<int, IReadOnlySet<int>>();
        var doses = new Dictionary<int, double?>();
        var treatedByUnits = new Dictionary<int, IReadOnlySet<int>>();
        foreach (var intervention in interventions.Where(i => i.ProgrammeId is null && i.Units.Count > 0))
        {
            var (treated, touched, dose) = await UnitReachAsync(intervention, directory, headCounts, cancellationToken);
            treatedByUnits[intervention.Id] = treated;
            reached[intervention.Id] = touched;
            doses[intervention.Id] = dose;
        }
        foreach (var intervention in interventions.Where(i => i.ProgrammeId is not null))
        {
            // Attendance counts up to the end of the weeks after: a session later than that cannot have moved them.
            var until = intervention.StartsOn.AddDays(7 * (options.PostWeeks + 1)).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            var (treated, touched, dose) = await ReachAsync(intervention.ProgrammeId!.Value, until, headCounts, cancellationToken);
            intervention.Agencies.RemoveAll(a => !treated.Contains(a.AgencyId));
            foreach (var agency in treated.Where(a => intervention.Agencies.All(x => x.AgencyId != a)))
            {
                intervention.Agencies.Add(new InterventionAgency { AgencyId = agency });
            }
            reached[intervention.Id] = touched;
            doses[intervention.Id] = dose;
        }

        var results = new List<EffectResult>();
        var now = clock.GetUtcNow().UtcDateTime;
        if (interventions.Count > 0)
        {
            var from = interventions.Min(i => i.StartsOn).AddDays(-7 * (options.PreWeeks + 1));
            var to = interventions.Max(i => i.StartsOn).AddDays(7 * (options.PostWeeks + 1));
            foreach (var metric in interventions.SelectMany(EffectOutcomes.Of).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                if (EffectOutcomes.ParseProcess(metric) is { } kind)
                {
                    var series = await ProcessQueries.MeasureSeriesAsync(db, kind, cancellationToken);
                    foreach (var intervention in interventions.Where(i => EffectOutcomes.Of(i).Contains(metric)))
                    {
                        var result = EstimateProcess(intervention, metric, series);
                        result.ComputedAt = now;
                        results.Add(result);
                    }
                    continue;
                }
                if (EffectOutcomes.IsProcess(metric))
                {
                    continue;
                }
                if (EffectOutcomes.IsSurvey(metric))
                {
                    var rounds = await panels.SurveyAsync(metric, DateOnly.FromDateTime(now), headCounts, cancellationToken);
                    foreach (var intervention in interventions.Where(i => EffectOutcomes.Of(i).Contains(metric)))
                    {
                        var result = treatedByUnits.TryGetValue(intervention.Id, out var byUnits) && byUnits.Count == 0
                            ? Result(intervention, metric, EffectEstimate.Nothing(CannotTellReason.DoseTooLow, [], 0), intervention.StartsOn, [])
                            : EstimateRounds(intervention, TreatedOf(intervention, treatedByUnits), rounds, interventions, reached);
                        result.Dose = doses.GetValueOrDefault(intervention.Id);
                        result.ComputedAt = now;
                        results.Add(result);
                    }
                    continue;
                }
                var panel = await panels.UsageAsync(metric, from, to, suppression.MinimumGroupSize, cancellationToken);
                foreach (var intervention in interventions.Where(i => EffectOutcomes.Of(i).Contains(metric)))
                {
                    var result = treatedByUnits.TryGetValue(intervention.Id, out var byUnits) && byUnits.Count == 0
                        ? Result(intervention, metric, EffectEstimate.Nothing(CannotTellReason.DoseTooLow, [], 0), panel.MondayOf(WindowOf(panel, intervention.StartsOn).PreEnd), [])
                        : Estimate(intervention, TreatedOf(intervention, treatedByUnits), panel, interventions, reached);
                    result.Dose = doses.GetValueOrDefault(intervention.Id);
                    result.ComputedAt = now;
                    results.Add(result);
                }
            }
        }

        // The kept results are replaced in one transaction, so a page never sees them half written; deleted in the
        // database rather than read back first (each carries its event study).
        await using (var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null)
        {
            await db.EffectResults.ExecuteDeleteAsync(cancellationToken);
            foreach (var stale in db.ChangeTracker.Entries<EffectResult>().ToList())
            {
                stale.State = EntityState.Detached; // results this context kept from an earlier estimate are gone now
            }
            db.EffectResults.AddRange(results);
            await db.SaveChangesAsync(cancellationToken);
            if (transaction is not null)
            {
                await transaction.CommitAsync(cancellationToken);
            }
        }
        return results.Count;
    }

    /// <summary>
    /// A programme's treated agencies (attended by at least the minimum dose of their people), every agency it reached
    /// at all, and the treated agencies' dose: attendees over head count, weighted by head count.
    /// </summary>
    private async Task<(HashSet<int> Treated, IReadOnlySet<int> Touched, double? Dose)> ReachAsync(int programmeId, DateTime until,
        IReadOnlyDictionary<int, int> headCounts, CancellationToken cancellationToken)
    {
        var reach = await learning.ReachAsync(programmeId, cancellationToken, until);
        var treated = reach.AttendeesByAgency
            .Where(a => headCounts.TryGetValue(a.Key, out var people) && people > 0 && (double)a.Value / people >= options.MinimumDose)
            .Select(a => a.Key)
            .ToHashSet();
        var attendees = treated.Sum(a => reach.AttendeesByAgency[a]);
        // The dose times the treated head count is the number who attended: like attendance itself, it is not shown for
        // fewer people than the minimum group size.
        double? dose = treated.Count == 0 || attendees < suppression.MinimumGroupSize ? null : (double)attendees / treated.Sum(a => headCounts[a]);
        return (treated, reach.AttendeesByAgency.Keys.ToHashSet(), dose);
    }

    /// <summary>
    /// An intervention done to units rather than whole agencies: its treated agencies are those named whole and those
    /// whose chosen units hold at least the minimum dose of their people (the figures are the agency's, so a unit of a
    /// twentieth of it would be lost in them); agencies reached below the dose are neither treated nor compared with.
    /// The dose is the people reached over the treated agencies' people.
    /// </summary>
    private async Task<(HashSet<int> Treated, IReadOnlySet<int> Touched, double? Dose)> UnitReachAsync(Intervention intervention, OrganisationDirectory directory,
        IReadOnlyDictionary<int, int> headCounts, CancellationToken cancellationToken)
    {
        var unitIds = intervention.Units.Select(u => u.UnitId).ToList();
        var units = await directory.UnitsByIdAsync(unitIds, cancellationToken);
        var unitPeople = await directory.UnitHeadCountsAsync(unitIds, cancellationToken);
        var reachedByAgency = units.Values.GroupBy(u => u.AgencyId).ToDictionary(g => g.Key, g => g.Sum(u => unitPeople.GetValueOrDefault(u.Id)));
        var treated = new HashSet<int>();
        var touched = new HashSet<int>();
        var people = 0;
        foreach (var agency in intervention.Agencies.Select(a => a.AgencyId))
        {
            var size = headCounts.GetValueOrDefault(agency);
            var reach = reachedByAgency.TryGetValue(agency, out var inUnits) ? inUnits : size;
            if (size > 0 && (double)reach / size >= options.MinimumDose)
            {
                treated.Add(agency);
                people += reach;
            }
            else
            {
                touched.Add(agency);
            }
        }
        var treatedSize = treated.Sum(a => headCounts.GetValueOrDefault(a));
        return (treated, touched, treatedSize == 0 ? null : (double)people / treatedSize);
    }

    private static IReadOnlySet<int> TreatedOf(Intervention intervention, Dictionary<int, IReadOnlySet<int>> treatedByUnits) =>
        treatedByUnits.TryGetValue(intervention.Id, out var treated) ? treated : intervention.Agencies.Select(a => a.AgencyId).ToHashSet();

    /// <summary>The window of <paramref name="startsOn"/> in <paramref name="panel"/>, cut where the panel ends.</summary>
    public EffectWindow WindowOf(WeeklyPanel panel, DateOnly startsOn)
    {
        ArgumentNullException.ThrowIfNull(panel);
        var week = Math.Clamp(panel.WeekOf(startsOn), 0, panel.Weeks);
        return new EffectWindow(Math.Max(0, week - options.PreWeeks), week, Math.Min(panel.Weeks, week + 1), Math.Min(panel.Weeks, week + 1 + options.PostWeeks));
    }

    /// <summary>
    /// The rounds of <paramref name="panel"/> compared for an intervention from <paramref name="startsOn"/>: up to
    /// <see cref="EffectsOptions.PreRounds"/> that closed before it and up to <see cref="EffectsOptions.PostRounds"/> that
    /// opened on or after it. A round open on the day it started belongs to neither, as the week it started in.
    /// </summary>
    public EffectWindow WindowOf(RoundPanel panel, DateOnly startsOn)
    {
        ArgumentNullException.ThrowIfNull(panel);
        var preEnd = panel.Rounds.Count(r => r.Closes < startsOn);
        var postStart = Math.Max(preEnd, panel.Rounds.Count(r => r.Opens < startsOn));
        return new EffectWindow(Math.Max(0, preEnd - options.PreRounds), preEnd, postStart, Math.Min(panel.Rounds.Count, postStart + options.PostRounds));
    }

    /// <summary>
    /// A survey measure's estimate: the treated agencies' change from the rounds before to the rounds after, less that of
    /// matched comparison agencies over the same rounds (plain difference in differences: a line through a few rounds
    /// says nothing), with the interval and pre-trend check from placebo sets as for the weekly figures.
    /// </summary>
    private EffectResult EstimateRounds(Intervention intervention, IReadOnlySet<int> treated, RoundPanel panel, IReadOnlyList<Intervention> all,
        IReadOnlyDictionary<int, IReadOnlySet<int>> reached)
    {
        var window = WindowOf(panel, intervention.StartsOn);
        var design = new EffectDesign { MinimumGroupSize = suppression.MinimumGroupSize, TrendLine = false, MinimumPreWeeks = 1, MinimumPostWeeks = 1 };
        EffectEstimate estimate;
        if (window.PreWeeks == 0 || window.PostWeeks == 0)
        {
            // No round closed before it, or none has opened (and closed) since: nothing to compare yet.
            estimate = EffectEstimate.Nothing(CannotTellReason.WindowTooShort, [.. treated.Order()], 0);
        }
        else
        {
            var windowFrom = panel.Rounds[window.PreStart].Opens;
            var windowTo = panel.Rounds[window.PostEnd - 1].Closes;
            var excluded = Excluded(intervention, treated, all, reached, windowFrom, windowTo.AddDays(1));
            var agencies = panel.Agencies.Where(a => !excluded.Contains(a.AgencyId)).ToList();
            estimate = DifferenceInDifferences.Estimate(agencies, treated, window, design);
            var hidden = treated.Any(t => panel.Agencies.FirstOrDefault(a => a.AgencyId == t) is not { } a
                || Enumerable.Range(window.PreStart, window.PreWeeks).Concat(Enumerable.Range(window.PostStart, window.PostWeeks)).All(r => a.Weeks[r] is null));
            if (estimate.Reason == CannotTellReason.NoData && hidden)
            {
                // A treated agency's answers are hidden in every round compared (too few to show) or it was not asked: the
                // group is too small to show, not a group without data.
                estimate = EffectEstimate.Nothing(CannotTellReason.TreatedGroupTooSmall, [], 0);
            }
        }
        var events = estimate.EventStudy.Select(w => new EffectEvent(
            w.Week < window.PreEnd ? w.Week - window.PreEnd : w.Week - window.PostStart + 1, w.Difference, w.Low, w.High,
            panel.Rounds[w.Week].Name, panel.Rounds[w.Week].Closes));
        return Result(intervention, panel.Metric, estimate, intervention.StartsOn, events);
    }

    /// <summary>
    /// The processes an intervention moved: for one derived from a process, that process; for one recorded by hand, the
    /// processes of its agencies (owning or involved) whose move date is its first day. None: "cannot tell: no process moved".
    /// </summary>
    public static IReadOnlyList<ProcessMeasureSeries> TreatedProcesses(Intervention intervention, IReadOnlyList<ProcessMeasureSeries> series)
    {
        ArgumentNullException.ThrowIfNull(intervention);
        ArgumentNullException.ThrowIfNull(series);
        if (intervention.SourceKind == InterventionSource.Process)
        {
            return [.. series.Where(s => s.ProcessId == intervention.SourceId && s.MovedOn is not null)];
        }
        if (intervention.SourceKind is not null)
        {
            return [];
        }
        var agencies = intervention.Agencies.Select(a => a.AgencyId).ToHashSet();
        return [.. series.Where(s => s.MovedOn == intervention.StartsOn && s.Agencies.Any(agencies.Contains))];
    }

    /// <summary>
    /// A process measure's estimate (<see cref="ProcessDifferenceInDifferences"/>): the moved processes' log change from
    /// their measures before the move to those after it, less that of processes measured on both sides of the same day
    /// that did not move inside the window. Each moved process's measures count by their phase; a comparison process's by
    /// whether they were measured before the day or from it.
    /// </summary>
    private EffectResult EstimateProcess(Intervention intervention, string metric, IReadOnlyList<ProcessMeasureSeries> series)
    {
        var day = intervention.StartsOn;
        var window = new ProcessWindow(day, options.ProcessPreDays, options.ProcessPostDays);
        var treated = TreatedProcesses(intervention, series);
        var treatedIds = treated.Select(s => s.ProcessId).ToHashSet();
        var comparison = series
            .Where(s => !treatedIds.Contains(s.ProcessId) && (s.MovedOn is not { } moved || moved < window.From || moved > window.To))
            .Select(s => new ProcessPanel(s.ProcessId, [.. s.Measures.Select(m => new ProcessPoint(m.MeasuredOn, m.Value, m.MeasuredOn >= day))]))
            .ToList();
        var estimate = ProcessDifferenceInDifferences.Estimate(
            [.. treated.Select(s => new ProcessPanel(s.ProcessId, [.. s.Measures.Select(m => new ProcessPoint(m.MeasuredOn, m.Value, m.Phase == MeasurePhase.After))]))],
            comparison, window);
        // The treated agencies are those of the moved processes (for scoping, as with agencies); comparison processes are
        // counted, not named.
        var agencies = treated.Where(s => estimate.Treated.Contains(s.ProcessId)).SelectMany(s => s.Agencies).Distinct().Order().ToList();
        return new EffectResult
        {
            InterventionId = intervention.Id,
            Metric = metric,
            Verdict = estimate.Verdict,
            Reason = estimate.Reason,
            Treated = agencies.Count > 0 ? agencies : [.. intervention.Agencies.Select(a => a.AgencyId).Order()],
            Comparison = [],
            Estimate = estimate.Estimate,
            Low = estimate.Low,
            High = estimate.High,
            TreatedBefore = estimate.TreatedBefore,
            TreatedAfter = estimate.TreatedAfter,
            PreTrendOk = estimate.PreTrendOk,
            StartWeek = day,
            EventStudy = JsonSerializer.Serialize(estimate.Groups, Json),
        };
    }

    /// <summary>
    /// Not comparisons: agencies a similar intervention starting inside this one's window was done to, and agencies this
    /// one reached too little to count as treated. Another programme's reach below the dose does not count: too light to
    /// be a treatment of its own, it is not one that spoils a comparison either (a webinar series open to everyone brushes
    /// every agency, and would otherwise leave no agency to compare with).
    /// </summary>
    private static HashSet<int> Excluded(Intervention intervention, IReadOnlySet<int> treated, IReadOnlyList<Intervention> all,
        IReadOnlyDictionary<int, IReadOnlySet<int>> reached, DateOnly windowFrom, DateOnly windowTo)
    {
        return all
            .Where(other => other.Id != intervention.Id && Family(other.Kind) == Family(intervention.Kind) && other.StartsOn >= windowFrom && other.StartsOn < windowTo)
            .SelectMany(other => other.Agencies.Select(a => a.AgencyId))
            .Concat(reached.GetValueOrDefault(intervention.Id) ?? new HashSet<int>())
            .Where(a => !treated.Contains(a))
            .ToHashSet();
    }

    private EffectResult Estimate(Intervention intervention, IReadOnlySet<int> treated, WeeklyPanel panel, IReadOnlyList<Intervention> all,
        IReadOnlyDictionary<int, IReadOnlySet<int>> reached)
    {
        var window = WindowOf(panel, intervention.StartsOn);
        var excluded = Excluded(intervention, treated, all, reached, panel.MondayOf(window.PreStart), panel.MondayOf(window.PostEnd));
        var agencies = panel.Agencies.Where(a => !excluded.Contains(a.AgencyId)).ToList();
        var design = new EffectDesign { MinimumGroupSize = suppression.MinimumGroupSize };
        var estimate = DifferenceInDifferences.Estimate(agencies, treated, window, design);
        if (estimate.Reason == CannotTellReason.NoData && treated.Overlaps(panel.TooSmall))
        {
            // Agencies under the minimum group size are not in the panel at all: say why, not that there were no figures.
            estimate = EffectEstimate.Nothing(CannotTellReason.TreatedGroupTooSmall, [], 0);
        }
        var startWeek = window.PreEnd;
        return Result(intervention, panel.Metric, estimate, panel.MondayOf(startWeek),
            estimate.EventStudy.Select(w => new EffectEvent(w.Week - startWeek, w.Difference, w.Low, w.High)));
    }

    private static EffectResult Result(Intervention intervention, string metric, EffectEstimate estimate, DateOnly start, IEnumerable<EffectEvent> events) => new()
    {
        InterventionId = intervention.Id,
        Metric = metric,
        Verdict = estimate.Verdict,
        Reason = estimate.Reason,
        Treated = [.. estimate.Treated],
        Comparison = [.. estimate.Comparison],
        TreatedPeople = estimate.Reason == CannotTellReason.TreatedGroupTooSmall ? 0 : estimate.TreatedPeople,
        Estimate = estimate.Estimate,
        Low = estimate.Low,
        High = estimate.High,
        TreatedBefore = estimate.Estimate is null ? null : estimate.TreatedBefore,
        TreatedAfter = estimate.Estimate is null ? null : estimate.TreatedAfter,
        Drift = estimate.Drift,
        PreTrendOk = estimate.PreTrendOk,
        PlaceboSets = estimate.PlaceboSets,
        StartWeek = start,
        EventStudy = JsonSerializer.Serialize(events, Json),
    };
}
