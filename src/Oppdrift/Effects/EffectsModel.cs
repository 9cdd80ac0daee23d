// What the change team did, to whom and from when (interventions, the change-team log among them), and the estimates of
// what it changed, kept so the pages read them rather than computing them again.
using Microsoft.EntityFrameworkCore;

namespace Oppdrift.Effects;

/// <summary>What kind of thing the team did. The first four are the team's programmes of work; the rest its change-team log.</summary>
public enum InterventionKind
{
    /// <summary>A learning programme or cohort: its attendance gives the agencies reached and the dose.</summary>
    Training,

    /// <summary>A work process moved from e-mail, paper or a file share into Microsoft 365.</summary>
    ProcessMove,

    /// <summary>A file share migrated to SharePoint or Teams.</summary>
    ShareMigration,

    /// <summary>A communication campaign: intranet articles, posters, a tips series.</summary>
    Campaign,

    /// <summary>A workshop with an agency's leader group.</summary>
    Workshop,

    /// <summary>Help given to an agency: floor walking, a drop-in, a champion network's visit.</summary>
    Help,

    /// <summary>An agreement made with an agency: meeting rules, where documents live, how they share.</summary>
    Agreement,

    /// <summary>Anything else the team records by hand.</summary>
    Other,
}

/// <summary>The module an intervention was derived from; an intervention without one was recorded by hand.</summary>
public enum InterventionSource
{
    /// <summary>A learning programme with sessions: from its first session, for the agencies its attendees come from.</summary>
    Programme,

    /// <summary>A process moved in the process register: from its move date, for its owning and involved agencies.</summary>
    Process,

    /// <summary>A file share whose every mapping is migrated: from the day the last one was, for the share's agency.</summary>
    Share,
}

/// <summary>
/// Something the change team did to some agencies from a day. When <see cref="ProgrammeId"/> is set, the agencies are
/// those whose people attended the programme's sessions (from the attendance imports), each with its dose.
/// </summary>
public sealed class Intervention
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public InterventionKind Kind { get; set; }

    /// <summary>The first day of the intervention: the week it falls in belongs to neither before nor after.</summary>
    public DateOnly StartsOn { get; set; }

    public string? Note { get; set; }

    /// <summary>A learning programme whose attendance gives the agencies reached and the dose; null for a hand-recorded intervention.</summary>
    public int? ProgrammeId { get; set; }

    /// <summary>
    /// The module it was derived from, with <see cref="SourceId"/> the programme, process or share: kept in step with its
    /// source by <see cref="InterventionSources"/> and not edited by hand. Null for an intervention recorded by hand.
    /// </summary>
    public InterventionSource? SourceKind { get; set; }

    public int? SourceId { get; set; }

    /// <summary>The usage metrics it is judged on; empty for the kind's defaults (<see cref="EffectOutcomes.Defaults"/>).</summary>
    public List<string> Metrics { get; set; } = [];

    public required string CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public string? UpdatedBy { get; set; }
    public DateTime? UpdatedAt { get; set; }

    /// <summary>The agencies it was done to (for a programme: set from attendance when the estimates are computed).</summary>
    public List<InterventionAgency> Agencies { get; } = [];

    /// <summary>
    /// The units it was done to, where it was not done to whole agencies: each unit's agency is among <see cref="Agencies"/>,
    /// and an agency with units here was reached through them only (its dose is their people over its people).
    /// </summary>
    public List<InterventionUnit> Units { get; } = [];
}

public sealed class InterventionAgency
{
    public int InterventionId { get; set; }
    public int AgencyId { get; set; }
}

/// <summary>A unit within one of the intervention's agencies that it was done to (a nursing home, a school, a department).</summary>
public sealed class InterventionUnit
{
    public int InterventionId { get; set; }
    public int UnitId { get; set; }
}

/// <summary>
/// One estimate of an intervention's effect on one metric, as last computed. Agencies are kept as ids; the event study as
/// JSON (<see cref="EffectEvent"/> per week). Nothing here is about one person: every figure is over agencies of at
/// least the minimum group size.
/// </summary>
public sealed class EffectResult
{
    public long Id { get; set; }
    public int InterventionId { get; set; }
    public required string Metric { get; set; }
    public DateTime ComputedAt { get; set; }
    public EffectVerdict Verdict { get; set; }
    public CannotTellReason? Reason { get; set; }
    public List<int> Treated { get; set; } = [];
    public List<int> Comparison { get; set; } = [];
    public int TreatedPeople { get; set; }

    /// <summary>For training: the share of the treated agencies' people who attended (people-weighted); null otherwise.</summary>
    public double? Dose { get; set; }

    public double? Estimate { get; set; }
    public double? Low { get; set; }
    public double? High { get; set; }
    public double? TreatedBefore { get; set; }
    public double? TreatedAfter { get; set; }
    public double? Drift { get; set; }
    public bool? PreTrendOk { get; set; }
    public int PlaceboSets { get; set; }

    /// <summary>The Monday of the week the intervention started in: week 0 of the event study (for a survey measure, its first day).</summary>
    public DateOnly StartWeek { get; set; }

    public string EventStudy { get; set; } = "[]";
}

/// <summary>
/// One period of a stored event study: the week relative to the intervention's week, or for a survey measure the round
/// relative to it (−1 the last before, +1 the first after) with the round's name and closing day.
/// </summary>
public sealed record EffectEvent(int Week, double Difference, double? Low, double? High, string? Round = null, DateOnly? Closes = null);

/// <summary>The longest texts the columns hold; the log refuses longer ones naming the field.</summary>
public static class InterventionLengths
{
    public const int Name = 300;
    public const int Note = 4000;
}

public static class EffectsModel
{
    public static void Map(ModelBuilder model)
    {
        model.Entity<Intervention>(e =>
        {
            e.ToTable("Interventions");
            e.Property(x => x.Name).HasMaxLength(InterventionLengths.Name);
            e.Property(x => x.Note).HasMaxLength(InterventionLengths.Note);
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(24);
            e.Property(x => x.CreatedBy).HasMaxLength(200);
            e.Property(x => x.UpdatedBy).HasMaxLength(200);
            e.HasIndex(x => x.StartsOn);
            e.HasIndex(x => x.ProgrammeId);
            e.Property(x => x.SourceKind).HasConversion<string>().HasMaxLength(16);
            // One intervention per source; hand-recorded ones (null) are not counted by a unique index on either database.
            e.HasIndex(x => new { x.SourceKind, x.SourceId }).IsUnique();
            // A programme deleted leaves the intervention with the agencies its attendance last gave.
            e.HasOne<Learning.Programme>().WithMany().HasForeignKey(x => x.ProgrammeId).OnDelete(DeleteBehavior.SetNull);
            e.HasMany(x => x.Agencies).WithOne().HasForeignKey(a => a.InterventionId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Units).WithOne().HasForeignKey(u => u.InterventionId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<InterventionUnit>(e =>
        {
            e.ToTable("InterventionUnits");
            e.HasKey(x => new { x.InterventionId, x.UnitId });
            e.HasIndex(x => x.UnitId);
            // A unit gone from the directory (a reorganisation) leaves the intervention on its agency as a whole.
            e.HasOne<Organisation.Unit>().WithMany().HasForeignKey(x => x.UnitId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<InterventionAgency>(e =>
        {
            e.ToTable("InterventionAgencies");
            e.HasKey(x => new { x.InterventionId, x.AgencyId });
            e.HasIndex(x => x.AgencyId);
            e.HasOne<Organisation.Agency>().WithMany().HasForeignKey(x => x.AgencyId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<EffectResult>(e =>
        {
            e.ToTable("EffectResults");
            e.Property(x => x.Metric).HasMaxLength(64);
            e.Property(x => x.Verdict).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Reason).HasConversion<string>().HasMaxLength(32);
            e.HasIndex(x => new { x.InterventionId, x.Metric }).IsUnique();
            e.HasOne<Intervention>().WithMany().HasForeignKey(x => x.InterventionId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
