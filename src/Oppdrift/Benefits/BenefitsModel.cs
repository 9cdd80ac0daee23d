// The benefit realisation model (DFØ's "gevinstrealisering"): goals, the benefits expected to serve them, the
// indicators that measure each benefit, their targets, and the measurements taken per agency.
using Microsoft.EntityFrameworkCore;

namespace Oppdrift.Benefits;

/// <summary>A goal the rollout was bought for (mål), e.g. "Arbeide mer effektivt".</summary>
public sealed class BenefitGoal
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public int SortOrder { get; set; }
    public List<Benefit> Benefits { get; } = [];
}

/// <summary>A benefit (gevinst) a goal is expected to yield.</summary>
public sealed class Benefit
{
    public int Id { get; set; }
    public int GoalId { get; set; }
    public BenefitGoal? Goal { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }

    /// <summary>The benefit owner (gevinsteier): a person or a role.</summary>
    public required string Owner { get; set; }

    public DateOnly Start { get; set; }
    public DateOnly End { get; set; }

    /// <summary>Priced (prissatt): its indicators' improvement is turned into hours saved and money.</summary>
    public bool Priced { get; set; }

    /// <summary>Quantitative (measured by numbers) or qualitative (described, perhaps measured by a survey).</summary>
    public bool Quantitative { get; set; } = true;

    /// <summary>The changes and activities the benefit depends on, one per line (the benefit map's left column).</summary>
    public string? DependsOn { get; set; }

    public string? Risks { get; set; }

    /// <summary>The agencies it applies to; none means the whole municipality.</summary>
    public List<BenefitAgency> Agencies { get; } = [];

    public List<Indicator> Indicators { get; } = [];

    public IEnumerable<string> DependsOnLines => Lines(DependsOn);

    internal static IEnumerable<string> Lines(string? text) =>
        (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

public sealed class BenefitAgency
{
    public int BenefitId { get; set; }
    public int AgencyId { get; set; }
}

public enum IndicatorSource
{
    /// <summary>Entered by hand, with a comment, who and when: whatever no module measures.</summary>
    Manual,
    /// <summary>Computed from the usage figures (a metric, or a ratio of metrics) over a 28-day window.</summary>
    Usage,
    /// <summary>Computed from the migration plan: the share of agencies, or of bytes, moved off the file servers.</summary>
    Migration,
    /// <summary>Computed from the process register: the gain of the processes linked to the benefit, moved by the measured date.</summary>
    Process,
    /// <summary>Read from a survey's results at each of its rounds: a statement's or theme's share favourable, a mean or an eNPS.</summary>
    Survey,
}

public enum MeasurementSchedule
{
    Weekly,
    Monthly,
    Quarterly,
}

/// <summary>How a benefit is measured.</summary>
public sealed class Indicator
{
    public int Id { get; set; }
    public int BenefitId { get; set; }
    public Benefit? Benefit { get; set; }
    public required string Name { get; set; }
    public string? Definition { get; set; }
    public required string Unit { get; set; }
    public bool HigherIsBetter { get; set; } = true;
    public IndicatorSource Source { get; set; }

    /// <summary>For usage indicators: the key of a <see cref="UsageIndicatorDefinitions"/> entry or a metric code.</summary>
    public string? UsageMeasure { get; set; }

    public double BaselineValue { get; set; }
    public DateOnly BaselineDate { get; set; }
    public MeasurementSchedule Schedule { get; set; } = MeasurementSchedule.Monthly;

    /// <summary>The lowest and highest value a measurement may plausibly have; a manual entry outside is refused.</summary>
    public double? MinValue { get; set; }
    public double? MaxValue { get; set; }

    /// <summary>For priced benefits: hours saved per employee and year for each unit of improvement over the baseline.</summary>
    public double? HoursPerUnit { get; set; }

    public List<IndicatorTarget> Targets { get; } = [];
    public List<Measurement> Measurements { get; } = [];
}

public sealed class IndicatorTarget
{
    public int Id { get; set; }
    public int IndicatorId { get; set; }
    public DateOnly Date { get; set; }
    public double Value { get; set; }
}

/// <summary>One value of an indicator for one agency (or, with no agency, the municipality) on one date.</summary>
public sealed class Measurement
{
    public long Id { get; set; }
    public int IndicatorId { get; set; }
    public int? AgencyId { get; set; }
    public DateOnly Date { get; set; }
    public double Value { get; set; }
    public bool Automatic { get; set; }
    public string? Comment { get; set; }
    public required string EnteredBy { get; set; }
    public DateTime EnteredAt { get; set; }
}

/// <summary>One factor of the climate footprint model, as the municipality has set it (defaults in <see cref="ClimateFactors"/>).</summary>
public sealed class ClimateFactor
{
    public required string Key { get; set; }
    public double Low { get; set; }
    public double Central { get; set; }
    public double High { get; set; }
    public required string Source { get; set; }
    public DateTime ChangedAt { get; set; }
    public required string ChangedBy { get; set; }
}

/// <summary>Printed pages and travel avoided by online meetings for one year and agency (or the municipality), entered where known.</summary>
public sealed class ClimateActivity
{
    public int Id { get; set; }
    public int Year { get; set; }
    public int? AgencyId { get; set; }
    public long PrintedPages { get; set; }
    public double TravelKmAvoided { get; set; }
    public required string EnteredBy { get; set; }
    public DateTime EnteredAt { get; set; }
}

/// <summary>The longest texts the columns hold; the editor refuses longer ones with a message naming the field.</summary>
public static class BenefitsLengths
{
    public const int GoalName = 200;

    /// <summary>Benefit and indicator names.</summary>
    public const int Name = 300;

    public const int Owner = 200;

    /// <summary>Descriptions, definitions, dependencies and risks.</summary>
    public const int Text = 4000;

    public const int Unit = 40;

    /// <summary>An indicator's measure key, such as "survey:mean:rating-overall@Digital arbeidshverdag".</summary>
    public const int Measure = 64;

    public const int Comment = 2000;

    /// <summary>A climate factor's source.</summary>
    public const int Source = 1000;
}

public static class BenefitsModel
{
    public static void Map(ModelBuilder model)
    {
        model.Entity<BenefitGoal>(e =>
        {
            e.ToTable("BenefitGoals");
            e.Property(x => x.Name).HasMaxLength(BenefitsLengths.GoalName);
            e.Property(x => x.Description).HasMaxLength(BenefitsLengths.Text);
            e.HasMany(x => x.Benefits).WithOne(b => b.Goal).HasForeignKey(b => b.GoalId).OnDelete(DeleteBehavior.Restrict);
        });
        model.Entity<Benefit>(e =>
        {
            e.ToTable("Benefits");
            e.Property(x => x.Name).HasMaxLength(BenefitsLengths.Name);
            e.Property(x => x.Owner).HasMaxLength(BenefitsLengths.Owner);
            e.Property(x => x.Description).HasMaxLength(BenefitsLengths.Text);
            e.Property(x => x.DependsOn).HasMaxLength(BenefitsLengths.Text);
            e.Property(x => x.Risks).HasMaxLength(BenefitsLengths.Text);
            e.HasMany(x => x.Agencies).WithOne().HasForeignKey(a => a.BenefitId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Indicators).WithOne(i => i.Benefit).HasForeignKey(i => i.BenefitId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<BenefitAgency>(e =>
        {
            e.ToTable("BenefitAgencies");
            e.HasKey(x => new { x.BenefitId, x.AgencyId });
            e.HasOne<Organisation.Agency>().WithMany().HasForeignKey(x => x.AgencyId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Indicator>(e =>
        {
            e.ToTable("Indicators");
            e.Property(x => x.Name).HasMaxLength(BenefitsLengths.Name);
            e.Property(x => x.Definition).HasMaxLength(BenefitsLengths.Text);
            e.Property(x => x.Unit).HasMaxLength(BenefitsLengths.Unit);
            e.Property(x => x.UsageMeasure).HasMaxLength(BenefitsLengths.Measure);
            e.Property(x => x.Source).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Schedule).HasConversion<string>().HasMaxLength(16);
            e.HasMany(x => x.Targets).WithOne().HasForeignKey(t => t.IndicatorId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Measurements).WithOne().HasForeignKey(m => m.IndicatorId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<IndicatorTarget>(e =>
        {
            e.ToTable("IndicatorTargets");
            e.HasIndex(x => new { x.IndicatorId, x.Date }).IsUnique();
        });
        model.Entity<Measurement>(e =>
        {
            e.ToTable("Measurements");
            e.Property(x => x.Comment).HasMaxLength(BenefitsLengths.Comment);
            e.Property(x => x.EnteredBy).HasMaxLength(200);
            e.HasIndex(x => new { x.IndicatorId, x.AgencyId, x.Date });
        });
        model.Entity<ClimateFactor>(e =>
        {
            e.ToTable("ClimateFactors");
            e.HasKey(x => x.Key);
            e.Property(x => x.Key).HasMaxLength(40);
            e.Property(x => x.Source).HasMaxLength(BenefitsLengths.Source);
            e.Property(x => x.ChangedBy).HasMaxLength(200);
        });
        model.Entity<ClimateActivity>(e =>
        {
            e.ToTable("ClimateActivities");
            e.Property(x => x.EnteredBy).HasMaxLength(200);
            e.HasIndex(x => new { x.Year, x.AgencyId });
        });
    }
}
