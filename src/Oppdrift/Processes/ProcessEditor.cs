// Registers and changes processes, moves them through their states and records the measures after the move. Each
// change is checked whole first — the user's right to the owning agency, every field, every measure against what a
// working year can hold — and then written with its history and audit entry in one save; a refusal names the field
// and saves nothing.
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Shared;

namespace Oppdrift.Processes;

/// <summary>One measure as entered: its value and the number of cases in its sample (null: an estimate).</summary>
public sealed record MeasureInput(double? Value, int? SampleCases);

public sealed record ProcessInput
{
    public string? Name { get; init; }
    public string? Description { get; init; }
    public int OwnerAgencyId { get; init; }
    public IReadOnlyList<int> AgencyIds { get; init; } = [];
    public string? ContactPerson { get; init; }
    public WorkingWay CurrentWay { get; init; }
    public ProcessTarget Target { get; init; }
    public int? VolumePerYear { get; init; }
    public VolumeUnit VolumeUnit { get; init; }

    /// <summary>The day the process was registered; today when left empty on a new process.</summary>
    public DateOnly? RegisteredOn { get; init; }

    public IReadOnlyDictionary<ProcessMeasureKind, MeasureInput> Before { get; init; } = new Dictionary<ProcessMeasureKind, MeasureInput>();

    /// <summary>
    /// The day <see cref="Before"/> was measured: they replace the measures before dated that day, and those of other days
    /// stay. Left empty: the day of the latest measures before, or for a process without any, its registration day.
    /// </summary>
    public DateOnly? BeforeMeasuredOn { get; init; }

    public IReadOnlyList<int> BenefitIds { get; init; } = [];
}

public sealed class ProcessEditor(OppdriftDb db, BenefitsQueries benefits, TimeProvider clock)
{
    /// <summary>The highest value each measure may have: a case cannot take more than a working year or last ten years.</summary>
    public static double MaxValue(ProcessMeasureKind kind) => kind switch
    {
        ProcessMeasureKind.MinutesPerCase => ProcessGain.WorkingYearHours * 60,
        ProcessMeasureKind.LeadTimeDays => 3650,
        _ => 10_000,
    };

    /// <summary>The largest yearly volume the register takes.</summary>
    public const int MaxVolume = 10_000_000;

    /// <summary>The largest sample a measure may rest on.</summary>
    public const int MaxSample = 10_000_000;

    /// <summary>The earliest day a measure may be dated.</summary>
    public static readonly DateOnly EarliestMeasure = new(2000, 1, 1);

    /// <summary>The form and API field that holds the day a phase's measures were measured: <c>beforeMeasuredOn</c>, <c>afterMeasuredOn</c>.</summary>
    public static string DateField(MeasurePhase phase) => char.ToLowerInvariant(phase.ToString()[0]) + phase.ToString()[1..] + "MeasuredOn";

    /// <summary>The form and API field that holds a measure, e.g. <c>minutesPerCaseBefore</c>.</summary>
    public static string Field(ProcessMeasureKind kind, MeasurePhase phase) => char.ToLowerInvariant(kind.ToString()[0]) + kind.ToString()[1..] + phase;

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private static Result<WorkProcess> Fail(string field, string key, params object?[] args) => Result<WorkProcess>.Fail(field, ProcessesText.Get(key, args));

    public async Task<Result<WorkProcess>> SaveAsync(int? id, ProcessInput input, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(user);
        WorkProcess? process = null;
        if (id is { } existing)
        {
            process = await db.Processes.Include(p => p.Agencies).Include(p => p.Measures).Include(p => p.Benefits).AsSplitQuery()
                .SingleOrDefaultAsync(p => p.Id == existing, cancellationToken);
            if (process is null)
            {
                return Fail("", "ErrorNotFound");
            }
            if (!ProcessAccess.CanEdit(user, process.OwnerAgencyId))
            {
                return Fail(nameof(input.OwnerAgencyId), "ErrorAgencyNotAllowed");
            }
        }
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            return Fail(nameof(input.Name), "ErrorRequired", ProcessesText.Get("Name"));
        }
        if (name.Length > ProcessLengths.Name)
        {
            return Fail(nameof(input.Name), "ErrorTooLong", ProcessesText.Get("Name"), ProcessLengths.Name);
        }
        var description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim();
        if (description?.Length > ProcessLengths.Description)
        {
            return Fail(nameof(input.Description), "ErrorTooLong", ProcessesText.Get("Description"), ProcessLengths.Description);
        }
        var contact = input.ContactPerson?.Trim();
        if (string.IsNullOrEmpty(contact))
        {
            return Fail(nameof(input.ContactPerson), "ErrorRequired", ProcessesText.Get("ContactPerson"));
        }
        if (contact.Length > ProcessLengths.ContactPerson)
        {
            return Fail(nameof(input.ContactPerson), "ErrorTooLong", ProcessesText.Get("ContactPerson"), ProcessLengths.ContactPerson);
        }
        var directory = new OrganisationDirectory(db);
        if (await directory.AgencyAsync(input.OwnerAgencyId, cancellationToken) is null)
        {
            return Fail(nameof(input.OwnerAgencyId), "ErrorRequired", ProcessesText.Get("OwnerAgency"));
        }
        if (!ProcessAccess.CanEdit(user, input.OwnerAgencyId))
        {
            return Fail(nameof(input.OwnerAgencyId), "ErrorAgencyNotAllowed");
        }
        var involved = input.AgencyIds.Where(a => a != input.OwnerAgencyId).Distinct().ToList();
        if (involved.Count > 0 && (await directory.AgenciesAsync(involved, cancellationToken)).Count != involved.Count)
        {
            return Fail(nameof(input.AgencyIds), "ErrorUnknownAgency");
        }
        if (!Enum.IsDefined(input.CurrentWay))
        {
            return Fail(nameof(input.CurrentWay), "ErrorRequired", ProcessesText.Get("CurrentWay"));
        }
        if (!Enum.IsDefined(input.Target))
        {
            return Fail(nameof(input.Target), "ErrorRequired", ProcessesText.Get("Target"));
        }
        if (!Enum.IsDefined(input.VolumeUnit))
        {
            return Fail(nameof(input.VolumeUnit), "ErrorRequired", ProcessesText.Get("VolumeUnit"));
        }
        if (input.VolumePerYear is not { } volume)
        {
            return Fail("volumePerYear", "ErrorRequired", ProcessesText.Get("VolumePerYear"));
        }
        if (volume < 0 || volume > MaxVolume)
        {
            return Fail("volumePerYear", "ErrorVolume", MaxVolume);
        }
        var registeredOn = input.RegisteredOn ?? process?.RegisteredOn ?? Today;
        if (registeredOn > Today)
        {
            return Fail(nameof(input.RegisteredOn), "ErrorRegisteredInFuture");
        }
        if (process?.MovedOn is { } moved && moved < registeredOn)
        {
            return Fail(nameof(input.RegisteredOn), "ErrorMovedBeforeRegistered");
        }
        var before = await CheckMeasuresAsync(input.Before, MeasurePhase.Before, volume, [input.OwnerAgencyId, .. involved], cancellationToken);
        if (!before.Succeeded)
        {
            return Result<WorkProcess>.Fail(before.Field!, before.Error!);
        }
        var measuredOn = input.BeforeMeasuredOn
            ?? process?.Measures.Where(m => m.Phase == MeasurePhase.Before).Select(m => (DateOnly?)m.MeasuredOn).Max()
            ?? registeredOn;
        if (CheckDate(process, MeasurePhase.Before, measuredOn) is { } dateError)
        {
            return dateError;
        }
        if (process is not null && CheckGainNeedsVolume(volume, Prospective(process, MeasurePhase.Before, measuredOn, before.Value!)) is { } volumeError)
        {
            return Fail("volumePerYear", volumeError);
        }
        var benefitIds = input.BenefitIds.Distinct().ToList();
        if (benefitIds.Count > 0 && benefitIds.Except((await benefits.BenefitNamesAsync(cancellationToken)).Select(b => b.Id)).Any())
        {
            return Fail(nameof(input.BenefitIds), "ErrorUnknownBenefit");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        object? snapshotBefore = null;
        if (process is null)
        {
            process = new WorkProcess
            {
                Name = name,
                ContactPerson = contact,
                State = ProcessState.Identified,
                StateChangedAt = now,
                StateChangedBy = user.ActorName(),
                CreatedAt = now,
                CreatedBy = user.ActorName(),
            };
            process.History.Add(new ProcessStateChange { State = ProcessState.Identified, At = now, By = user.ActorName() });
            db.Processes.Add(process);
        }
        else
        {
            snapshotBefore = Snapshot(process);
        }
        process.Name = name;
        process.Description = description;
        process.OwnerAgencyId = input.OwnerAgencyId;
        process.ContactPerson = contact;
        process.CurrentWay = input.CurrentWay;
        process.Target = input.Target;
        process.VolumePerYear = volume;
        process.VolumeUnit = input.VolumeUnit;
        process.RegisteredOn = registeredOn;
        process.Agencies.Clear();
        process.Agencies.AddRange(involved.Order().Select(a => new ProcessAgency { AgencyId = a }));
        process.Benefits.Clear();
        process.Benefits.AddRange(benefitIds.Order().Select(b => new ProcessBenefit { BenefitId = b }));
        Replace(process, MeasurePhase.Before, measuredOn, before.Value!, user.ActorName(), now);
        AuditLog.Record(db, clock, user.ActorName(), id is null ? "processes.create" : "processes.update", name, snapshotBefore, Snapshot(process));
        await db.SaveChangesAsync(cancellationToken);
        return Result<WorkProcess>.Ok(process);
    }

    /// <summary>
    /// Moves a process to a state, forwards or back (to correct a mistake); the history keeps each step. Moved and
    /// Measured need the move date, on or after the registration and not in the future; Measured needs measures after the
    /// move. Going back before Moved clears the move date.
    /// </summary>
    public async Task<Result<WorkProcess>> SetStateAsync(int id, ProcessState state, DateOnly? movedOn, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var process = await db.Processes.Include(p => p.Measures).SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (process is null)
        {
            return Fail("", "ErrorNotFound");
        }
        if (!ProcessAccess.CanEdit(user, process.OwnerAgencyId))
        {
            return Fail("OwnerAgencyId", "ErrorAgencyNotAllowed");
        }
        if (!Enum.IsDefined(state))
        {
            return Fail("State", "ErrorState");
        }
        DateOnly? moved = null;
        if (state >= ProcessState.Moved)
        {
            moved = movedOn ?? process.MovedOn;
            if (moved is not { } day)
            {
                return Fail("MovedOn", "ErrorRequired", ProcessesText.Get("MovedOn"));
            }
            if (day < process.RegisteredOn)
            {
                return Fail("MovedOn", "ErrorMovedBeforeRegistered");
            }
            if (day > Today)
            {
                return Fail("MovedOn", "ErrorMovedInFuture");
            }
            // Measures before describe the old way and those after the new: the move lies between them.
            if (process.Measures.Where(m => m.Phase == MeasurePhase.Before).Select(m => (DateOnly?)m.MeasuredOn).Max() is { } lastBefore && lastBefore > day)
            {
                return Fail("MovedOn", "ErrorMovedBeforeMeasuresBefore", lastBefore);
            }
            if (process.Measures.Where(m => m.Phase == MeasurePhase.After).Select(m => (DateOnly?)m.MeasuredOn).Min() is { } firstAfter && firstAfter < day)
            {
                return Fail("MovedOn", "ErrorMovedAfterMeasuresAfter", firstAfter);
            }
        }
        if (state == ProcessState.Measured && !process.Measures.Any(m => m.Phase == MeasurePhase.After))
        {
            return Fail("State", "ErrorMeasuredWithoutAfter");
        }
        if (process.State == state && process.MovedOn == moved)
        {
            return Result<WorkProcess>.Ok(process);
        }
        var before = new { State = process.State.ToString(), process.MovedOn };
        var now = clock.GetUtcNow().UtcDateTime;
        process.State = state;
        process.MovedOn = moved;
        process.StateChangedAt = now;
        process.StateChangedBy = user.ActorName();
        db.ProcessStateChanges.Add(new ProcessStateChange { ProcessId = process.Id, State = state, MovedOn = moved, At = now, By = user.ActorName() });
        AuditLog.Record(db, clock, user.ActorName(), "processes.state", process.Name, before, new { State = state.ToString(), MovedOn = moved });
        await db.SaveChangesAsync(cancellationToken);
        return Result<WorkProcess>.Ok(process);
    }

    /// <summary>Records the measures after the move, measured on <paramref name="measuredOn"/> (today when null); only once the process has moved.</summary>
    public Task<Result<WorkProcess>> SaveAfterAsync(int id, IReadOnlyDictionary<ProcessMeasureKind, MeasureInput> after, ClaimsPrincipal user,
        CancellationToken cancellationToken, DateOnly? measuredOn = null) =>
        RecordAsync(id, MeasurePhase.After, measuredOn, after, user, cancellationToken);

    /// <summary>
    /// Records one day's measures of a phase (all five: a measure left empty removes that day's measure of its kind; other
    /// days' measures stay). Measures after need the process moved and are dated from its move date; measures before are
    /// dated up to its move date, or at any day while it has not moved, so a process still working the old way can be
    /// measured as often as the team likes. Never in the future; today when <paramref name="measuredOn"/> is null.
    /// </summary>
    public async Task<Result<WorkProcess>> RecordAsync(int id, MeasurePhase phase, DateOnly? measuredOn, IReadOnlyDictionary<ProcessMeasureKind, MeasureInput> measures,
        ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(measures);
        ArgumentNullException.ThrowIfNull(user);
        var process = await db.Processes.Include(p => p.Measures).Include(p => p.Agencies).AsSplitQuery().SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (process is null)
        {
            return Fail("", "ErrorNotFound");
        }
        if (!ProcessAccess.CanEdit(user, process.OwnerAgencyId))
        {
            return Fail("OwnerAgencyId", "ErrorAgencyNotAllowed");
        }
        if (!Enum.IsDefined(phase))
        {
            return Fail("phase", "ErrorState");
        }
        if (phase == MeasurePhase.After && process.State < ProcessState.Moved)
        {
            return Fail("State", "ErrorNotMovedYet");
        }
        var day = measuredOn ?? Today;
        if (CheckDate(process, phase, day) is { } dateError)
        {
            return dateError;
        }
        var checkedSet = await CheckMeasuresAsync(measures, phase, process.VolumePerYear,
            [process.OwnerAgencyId, .. process.Agencies.Select(a => a.AgencyId)], cancellationToken);
        if (!checkedSet.Succeeded)
        {
            return Result<WorkProcess>.Fail(checkedSet.Field!, checkedSet.Error!);
        }
        if (CheckGainNeedsVolume(process.VolumePerYear, Prospective(process, phase, day, checkedSet.Value!)) is { } volumeError)
        {
            return Fail("volumePerYear", volumeError);
        }
        var before = Measures(process, phase);
        Replace(process, phase, day, checkedSet.Value!, user.ActorName(), clock.GetUtcNow().UtcDateTime);
        AuditLog.Record(db, clock, user.ActorName(), "processes.measures", process.Name, before, Measures(process, phase));
        await db.SaveChangesAsync(cancellationToken);
        return Result<WorkProcess>.Ok(process);
    }

    /// <summary>
    /// The day a phase's measures were measured: not before <see cref="EarliestMeasure"/>, not in the future, and on the
    /// right side of the move date (before: up to it; after: from it).
    /// </summary>
    private Result<WorkProcess>? CheckDate(WorkProcess? process, MeasurePhase phase, DateOnly day)
    {
        if (day < EarliestMeasure || day > Today)
        {
            return Fail(DateField(phase), "ErrorMeasuredOn", EarliestMeasure);
        }
        if (process?.MovedOn is { } moved && process.State >= ProcessState.Moved)
        {
            if (phase == MeasurePhase.Before && day > moved)
            {
                return Fail(DateField(phase), "ErrorBeforeAfterMove", moved);
            }
            if (phase == MeasurePhase.After && day < moved)
            {
                return Fail(DateField(phase), "ErrorAfterBeforeMove", moved);
            }
        }
        return null;
    }

    /// <summary>The measures before and after as they would be once <paramref name="set"/> replaced the phase's measures of that day.</summary>
    private static (MeasureSet Before, MeasureSet After) Prospective(WorkProcess process, MeasurePhase phase, DateOnly day, MeasureSet set)
    {
        var measures = process.Measures.Where(m => m.Phase != phase || m.MeasuredOn != day).ToList();
        foreach (var kind in Enum.GetValues<ProcessMeasureKind>())
        {
            if (set[kind] is { } value)
            {
                measures.Add(new ProcessMeasure { Phase = phase, Kind = kind, MeasuredOn = day, Value = value.Value, SampleCases = value.SampleCases, EnteredBy = "" });
            }
        }
        return (MeasureSet.From(measures, MeasurePhase.Before), MeasureSet.From(measures, MeasurePhase.After));
    }

    /// <summary>A volume of zero cannot carry a gain: when any measure after is better than before, the volume must be counted.</summary>
    private static string? CheckGainNeedsVolume(int volume, (MeasureSet Before, MeasureSet After) sets)
    {
        var (before, after) = sets;
        if (volume > 0)
        {
            return null;
        }
        foreach (var kind in Enum.GetValues<ProcessMeasureKind>())
        {
            if (kind != ProcessMeasureKind.LeadTimeDays && before[kind] is { } b && after[kind] is { } a && a.Value < b.Value)
            {
                return "ErrorZeroVolumeWithGain";
            }
        }
        return null;
    }

    /// <summary>
    /// Checks one phase's measures: each value finite, not negative and within <see cref="MaxValue"/>; each sample at
    /// least one case; and the time the process takes in a year (volume × minutes per case) no more than the working
    /// years of everyone in the agencies involved, when the directory knows how many they are.
    /// </summary>
    private async Task<Result<MeasureSet>> CheckMeasuresAsync(IReadOnlyDictionary<ProcessMeasureKind, MeasureInput> measures, MeasurePhase phase, int volume,
        IReadOnlyCollection<int> agencies, CancellationToken cancellationToken)
    {
        var values = new Dictionary<ProcessMeasureKind, MeasureValue>();
        foreach (var kind in Enum.GetValues<ProcessMeasureKind>())
        {
            if (!measures.TryGetValue(kind, out var input) || input.Value is not { } value)
            {
                if (measures.TryGetValue(kind, out var sampleOnly) && sampleOnly.SampleCases is not null)
                {
                    return Result<MeasureSet>.Fail(Field(kind, phase), ProcessesText.Get("ErrorSampleWithoutValue", Label(kind, phase)));
                }
                continue;
            }
            if (!double.IsFinite(value) || value < 0)
            {
                return Result<MeasureSet>.Fail(Field(kind, phase), ProcessesText.Get("ErrorNegative", Label(kind, phase)));
            }
            if (value > MaxValue(kind))
            {
                return Result<MeasureSet>.Fail(Field(kind, phase), ProcessesText.Get(kind == ProcessMeasureKind.MinutesPerCase ? "ErrorMinutesBeyondYear" : "ErrorTooHigh",
                    Label(kind, phase), MaxValue(kind)));
            }
            if (input.SampleCases is { } sample && (sample < 1 || sample > MaxSample))
            {
                return Result<MeasureSet>.Fail(Field(kind, phase), ProcessesText.Get("ErrorSample", Label(kind, phase)));
            }
            values[kind] = new MeasureValue(value, input.SampleCases);
        }
        if (values.TryGetValue(ProcessMeasureKind.MinutesPerCase, out var minutes) && volume > 0)
        {
            var people = (await new OrganisationDirectory(db).HeadCountsAsync(agencies, cancellationToken)).Values.Sum();
            var hours = volume * minutes.Value / 60;
            if (people > 0 && hours > people * ProcessGain.WorkingYearHours)
            {
                return Result<MeasureSet>.Fail(Field(ProcessMeasureKind.MinutesPerCase, phase),
                    ProcessesText.Get("ErrorMinutesBeyondPeople", Label(ProcessMeasureKind.MinutesPerCase, phase), Math.Round(hours), people));
            }
        }
        MeasureValue? Of(ProcessMeasureKind kind) => values.TryGetValue(kind, out var v) ? v : null;
        return Result<MeasureSet>.Ok(new MeasureSet(Of(ProcessMeasureKind.MinutesPerCase), Of(ProcessMeasureKind.PrintsPerCase), Of(ProcessMeasureKind.EmailsPerCase),
            Of(ProcessMeasureKind.ErrorsPer100Cases), Of(ProcessMeasureKind.LeadTimeDays)));
    }

    private static string Label(ProcessMeasureKind kind, MeasurePhase phase) =>
        ProcessesText.Get("MeasureIn", ProcessesText.Measure(kind), ProcessesText.Get("Phase_" + phase));

    private void Replace(WorkProcess process, MeasurePhase phase, DateOnly day, MeasureSet set, string actor, DateTime now)
    {
        foreach (var kind in Enum.GetValues<ProcessMeasureKind>())
        {
            var existing = process.Measures.SingleOrDefault(m => m.Phase == phase && m.Kind == kind && m.MeasuredOn == day);
            if (set[kind] is not { } value)
            {
                if (existing is not null)
                {
                    process.Measures.Remove(existing);
                    db.ProcessMeasures.Remove(existing);
                }
                continue;
            }
            if (existing is null)
            {
                process.Measures.Add(new ProcessMeasure
                {
                    Phase = phase,
                    Kind = kind,
                    MeasuredOn = day,
                    Value = value.Value,
                    SampleCases = value.SampleCases,
                    EnteredBy = actor,
                    EnteredAt = now,
                });
            }
            else if (existing.Value != value.Value || existing.SampleCases != value.SampleCases)
            {
                (existing.Value, existing.SampleCases, existing.EnteredBy, existing.EnteredAt) = (value.Value, value.SampleCases, actor, now);
            }
        }
    }

    /// <summary>A phase's measures for the audit log: by field, each day's value and sample (one entry per field when measured once).</summary>
    private static Dictionary<string, object?> Measures(WorkProcess p, MeasurePhase phase) =>
        p.Measures.Where(m => m.Phase == phase).OrderBy(m => m.Kind).ThenBy(m => m.MeasuredOn)
            .GroupBy(m => Field(m.Kind, phase))
            .ToDictionary(g => g.Key, g => g.Count() == 1
                ? (object?)new { g.First().Value, g.First().SampleCases, g.First().MeasuredOn }
                : g.Select(m => new { m.Value, m.SampleCases, m.MeasuredOn }).ToList());

    private static object Snapshot(WorkProcess p) => new
    {
        p.Name,
        p.Description,
        p.OwnerAgencyId,
        Agencies = p.Agencies.Select(a => a.AgencyId).Order().ToList(),
        p.ContactPerson,
        CurrentWay = p.CurrentWay.ToString(),
        Target = p.Target.ToString(),
        p.VolumePerYear,
        VolumeUnit = p.VolumeUnit.ToString(),
        p.RegisteredOn,
        Before = Measures(p, MeasurePhase.Before),
        Benefits = p.Benefits.Select(b => b.BenefitId).Order().ToList(),
    };
}
