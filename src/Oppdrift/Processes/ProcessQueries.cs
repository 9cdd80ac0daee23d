// Reads the register: processes with their agencies, measures and computed gain, scoped to the agencies a caller may
// see; the municipality's and each agency's totals; and, for the Benefits module, the processes linked to benefits. The
// one class other modules read processes through.
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Organisation;

namespace Oppdrift.Processes;

/// <summary>A register row: the process, its agencies by code and name, its measures and its gain.</summary>
public sealed record ProcessRow(
    int Id,
    string Name,
    string? Description,
    AgencyRow Owner,
    IReadOnlyList<AgencyRow> Involved,
    string ContactPerson,
    WorkingWay CurrentWay,
    ProcessTarget Target,
    int VolumePerYear,
    VolumeUnit VolumeUnit,
    ProcessState State,
    DateOnly RegisteredOn,
    DateOnly? MovedOn,
    DateTime StateChangedAt,
    string StateChangedBy,
    MeasureSet Before,
    MeasureSet After,
    ProcessGainFigures Gain,
    IReadOnlyList<int> BenefitIds);

public sealed record ProcessHistoryRow(ProcessState State, DateOnly? MovedOn, DateTime At, string By);

public sealed record ProcessMeasureRow(MeasurePhase Phase, ProcessMeasureKind Kind, double Value, int? SampleCases, string EnteredBy, DateTime EnteredAt, DateOnly MeasuredOn);

/// <summary>One dated measure of one kind, as the Effects module reads it.</summary>
public sealed record ProcessMeasurePoint(MeasurePhase Phase, DateOnly MeasuredOn, double Value);

/// <summary>A process's measures of one kind over time, with its move date and its owning and involved agencies.</summary>
public sealed record ProcessMeasureSeries(int ProcessId, DateOnly? MovedOn, IReadOnlyList<int> Agencies, IReadOnlyList<ProcessMeasurePoint> Measures);

public sealed record ProcessDetail(ProcessRow Process, IReadOnlyList<ProcessHistoryRow> History, IReadOnlyList<ProcessMeasureRow> Measures);

/// <summary>Which processes a list shows: one agency (owning or involved) and one state, or all.</summary>
public sealed record ProcessFilter(int? AgencyId = null, ProcessState? State = null);

/// <summary>The register's totals: the municipality's, and each owning agency's.</summary>
public sealed record ProcessTotals(GainTotals Municipality, IReadOnlyList<(AgencyRow Agency, GainTotals Totals)> Agencies);

/// <summary>A process linked to a benefit, as the Benefits module reads it: enough to sum its gain on a date.</summary>
public sealed record LinkedProcess(int BenefitId, int ProcessId, string Name, int OwnerAgencyId, string OwnerAgencyName, IReadOnlyList<int> InvolvedAgencyIds, ProcessState State,
    DateOnly? MovedOn, ProcessGainFigures Gain);

public sealed class ProcessQueries(OppdriftDb db, BenefitsOptions options)
{
    /// <summary>Changes whenever a process, its state or its measures change: the id of the latest "processes." audit entry.</summary>
    public static Task<long> VersionAsync(OppdriftDb db, CancellationToken cancellationToken) => AuditLog.LatestAsync(db, "processes.", cancellationToken);

    /// <summary>
    /// Every process moved to its target (state Moved or Measured, with a move date): its name, the day it moved, its
    /// owning and involved agencies, and the kinds of measure it has, from which the Effects module judges it as a process move.
    /// </summary>
    public async Task<IReadOnlyList<(int Id, string Name, DateOnly MovedOn, IReadOnlyList<int> Agencies, IReadOnlyList<ProcessMeasureKind> Measured)>> MovesAsync(
        CancellationToken cancellationToken) =>
        [.. (await db.Processes.AsNoTracking().Include(p => p.Agencies).Include(p => p.Measures).AsSplitQuery()
            .Where(p => (p.State == ProcessState.Moved || p.State == ProcessState.Measured) && p.MovedOn != null)
            .ToListAsync(cancellationToken))
            .Select(p => (p.Id, p.Name, p.MovedOn!.Value, (IReadOnlyList<int>)[.. p.Agencies.Select(a => a.AgencyId).Append(p.OwnerAgencyId).Distinct().Order()],
                (IReadOnlyList<ProcessMeasureKind>)[.. p.Measures.Select(m => m.Kind).Distinct().Order()]))];

    /// <summary>
    /// Every process's dated measures of one kind (both phases), with its move date (null while it has not moved) and its
    /// owning and involved agencies: what the Effects module compares moved processes with unmoved ones on. Measures are
    /// about cases, not people; no name is read.
    /// </summary>
    public static async Task<IReadOnlyList<ProcessMeasureSeries>> MeasureSeriesAsync(OppdriftDb db, ProcessMeasureKind kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var measures = await db.ProcessMeasures.AsNoTracking().Where(m => m.Kind == kind)
            .Select(m => new { m.ProcessId, m.Phase, m.MeasuredOn, m.Value }).ToListAsync(cancellationToken);
        var ids = measures.Select(m => m.ProcessId).Distinct().ToList();
        var processes = await db.Processes.AsNoTracking().Include(p => p.Agencies).Where(p => ids.Contains(p.Id)).ToListAsync(cancellationToken);
        var byProcess = measures.ToLookup(m => m.ProcessId);
        return [.. processes.OrderBy(p => p.Id).Select(p => new ProcessMeasureSeries(p.Id, p.State >= ProcessState.Moved ? p.MovedOn : null,
            [.. p.Agencies.Select(a => a.AgencyId).Append(p.OwnerAgencyId).Distinct().Order()],
            [.. byProcess[p.Id].OrderBy(m => m.MeasuredOn).ThenBy(m => m.Phase).Select(m => new ProcessMeasurePoint(m.Phase, m.MeasuredOn, m.Value))]))];
    }

    /// <summary>The hourly cost (the Benefits module's setting) and the climate factors as the municipality has set them.</summary>
    public async Task<GainFactors> FactorsAsync(CancellationToken cancellationToken)
    {
        var factors = (await ClimateModel.FactorsAsync(db, cancellationToken)).ToDictionary(f => f.Key, f => new ClimateRange(f.Low, f.Central, f.High));
        return new GainFactors(options.HourlyCost, factors[ClimateFactors.PrintedPage], factors[ClimateFactors.EmailSent]);
    }

    /// <summary>The processes the scope sees (null: all), filtered, by name.</summary>
    public async Task<IReadOnlyList<ProcessRow>> ListAsync(ProcessFilter filter, IReadOnlySet<int>? scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var query = db.Processes.AsNoTracking();
        if (filter.State is { } state)
        {
            query = query.Where(p => p.State == state);
        }
        if (filter.AgencyId is { } agency)
        {
            query = query.Where(p => p.OwnerAgencyId == agency || p.Agencies.Any(a => a.AgencyId == agency));
        }
        if (scope is not null)
        {
            var ids = scope.ToList();
            query = query.Where(p => ids.Contains(p.OwnerAgencyId) || p.Agencies.Any(a => ids.Contains(a.AgencyId)));
        }
        var processes = await query.Include(p => p.Agencies).Include(p => p.Measures).Include(p => p.Benefits).AsSplitQuery().ToListAsync(cancellationToken);
        return await RowsAsync(processes, cancellationToken);
    }

    /// <summary>One process with its history and measures, or null when it does not exist or the scope does not see it.</summary>
    public async Task<ProcessDetail?> FindAsync(int id, IReadOnlySet<int>? scope, CancellationToken cancellationToken)
    {
        var process = await db.Processes.AsNoTracking().Include(p => p.Agencies).Include(p => p.Measures).Include(p => p.Benefits).Include(p => p.History)
            .AsSplitQuery().SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (process is null || !ProcessAccess.Visible(scope, process.OwnerAgencyId, process.Agencies.Select(a => a.AgencyId)))
        {
            return null;
        }
        var row = (await RowsAsync([process], cancellationToken))[0];
        return new ProcessDetail(row,
            [.. process.History.OrderBy(h => h.At).ThenBy(h => h.Id).Select(h => new ProcessHistoryRow(h.State, h.MovedOn, h.At, h.By))],
            [.. process.Measures.OrderBy(m => m.MeasuredOn).ThenBy(m => m.Phase).ThenBy(m => m.Kind)
                .Select(m => new ProcessMeasureRow(m.Phase, m.Kind, m.Value, m.SampleCases, m.EnteredBy, m.EnteredAt, m.MeasuredOn))]);
    }

    /// <summary>The owning agency of a process (for access checks before a change), or null when there is no such process.</summary>
    public async Task<int?> OwnerAsync(int id, CancellationToken cancellationToken) =>
        await db.Processes.Where(p => p.Id == id).Select(p => (int?)p.OwnerAgencyId).SingleOrDefaultAsync(cancellationToken);

    /// <summary>Totals of the rows given: the municipality's, and per owning agency (by name).</summary>
    public static ProcessTotals Totals(IReadOnlyList<ProcessRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return new ProcessTotals(ProcessGain.Sum(rows.Select(r => r.Gain)),
            [.. rows.GroupBy(r => r.Owner.Id).Select(g => (g.First().Owner, ProcessGain.Sum(g.Select(r => r.Gain))))
                .OrderBy(t => t.Owner.Name, OrganisationQueries.NorwegianOrder)]);
    }

    /// <summary>The processes linked to each of the benefits given, with their gain (for the Benefits module's indicators and reports).</summary>
    public async Task<IReadOnlyList<LinkedProcess>> LinkedAsync(IReadOnlyCollection<int> benefitIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(benefitIds);
        var ids = benefitIds.ToList();
        var processes = await db.Processes.AsNoTracking().Where(p => p.Benefits.Any(b => ids.Contains(b.BenefitId)))
            .Include(p => p.Agencies).Include(p => p.Measures).Include(p => p.Benefits).AsSplitQuery().ToListAsync(cancellationToken);
        var factors = await FactorsAsync(cancellationToken);
        var names = await new OrganisationDirectory(db).AgencyNamesAsync([.. processes.Select(p => p.OwnerAgencyId).Distinct()], cancellationToken);
        return [.. processes.SelectMany(p => p.Benefits.Where(b => ids.Contains(b.BenefitId)).Select(b => new LinkedProcess(b.BenefitId, p.Id, p.Name,
                p.OwnerAgencyId, names.GetValueOrDefault(p.OwnerAgencyId, "?"), [.. p.Agencies.Select(a => a.AgencyId)], p.State, p.MovedOn, Gain(p, factors))))
            .OrderBy(l => l.BenefitId).ThenBy(l => l.Name, OrganisationQueries.NorwegianOrder)];
    }

    private static ProcessGainFigures Gain(WorkProcess p, GainFactors factors) =>
        ProcessGain.Compute(p.VolumePerYear, MeasureSet.From(p.Measures, MeasurePhase.Before), MeasureSet.From(p.Measures, MeasurePhase.After), factors);

    private async Task<IReadOnlyList<ProcessRow>> RowsAsync(List<WorkProcess> processes, CancellationToken cancellationToken)
    {
        var factors = await FactorsAsync(cancellationToken);
        var agencyIds = processes.Select(p => p.OwnerAgencyId).Concat(processes.SelectMany(p => p.Agencies.Select(a => a.AgencyId))).Distinct().ToList();
        var agencies = (await new OrganisationDirectory(db).AgenciesAsync(agencyIds, cancellationToken)).ToDictionary(a => a.Id);
        AgencyRow Agency(int id) => agencies.TryGetValue(id, out var a) ? a : new AgencyRow { Id = id, Code = "?", Name = "?" };
        return [.. processes.OrderBy(p => p.Name, OrganisationQueries.NorwegianOrder).ThenBy(p => p.Id).Select(p => new ProcessRow(
            p.Id, p.Name, p.Description, Agency(p.OwnerAgencyId),
            [.. p.Agencies.Select(a => Agency(a.AgencyId)).OrderBy(a => a.Name, OrganisationQueries.NorwegianOrder)],
            p.ContactPerson, p.CurrentWay, p.Target, p.VolumePerYear, p.VolumeUnit, p.State, p.RegisteredOn, p.MovedOn, p.StateChangedAt, p.StateChangedBy,
            MeasureSet.From(p.Measures, MeasurePhase.Before), MeasureSet.From(p.Measures, MeasurePhase.After), Gain(p, factors),
            [.. p.Benefits.Select(b => b.BenefitId).Order()]))];
    }
}
