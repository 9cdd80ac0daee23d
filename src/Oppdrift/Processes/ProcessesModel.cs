// The process register: work that runs on e-mail attachments, paper, file shares or shared mailboxes, the target it
// moves to in Microsoft 365, its yearly volume, the measures before and after the move, its progress through the
// states with who and when, and the benefits it serves.
using Microsoft.EntityFrameworkCore;

namespace Oppdrift.Processes;

/// <summary>Where a process stands: found, understood, planned, moved to its target, and measured after the move.</summary>
public enum ProcessState
{
    Identified,
    Analysed,
    Planned,
    Moved,
    Measured,
}

/// <summary>How the work is done today.</summary>
public enum WorkingWay
{
    EmailAttachments,
    Paper,
    FileShare,
    SharedMailbox,
    Meetings,
    Other,
}

/// <summary>Where the work moves to.</summary>
public enum ProcessTarget
{
    SharePointList,
    SharePointLibrary,
    TeamsChannel,
    Planner,
    PowerAutomate,
    CaseSystem,
}

/// <summary>What the yearly volume counts.</summary>
public enum VolumeUnit
{
    Cases,
    Documents,
    Meetings,
}

/// <summary>The measures taken of a process before and after its move, each per case (or per 100 cases).</summary>
public enum ProcessMeasureKind
{
    MinutesPerCase,
    PrintsPerCase,
    EmailsPerCase,
    ErrorsPer100Cases,
    LeadTimeDays,
}

public enum MeasurePhase
{
    Before,
    After,
}

public sealed class WorkProcess
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }

    /// <summary>The agency that owns the process; its leaders may edit it.</summary>
    public int OwnerAgencyId { get; set; }

    /// <summary>A person or a role to ask about the process.</summary>
    public required string ContactPerson { get; set; }

    public WorkingWay CurrentWay { get; set; }
    public ProcessTarget Target { get; set; }
    public int VolumePerYear { get; set; }
    public VolumeUnit VolumeUnit { get; set; }
    public ProcessState State { get; set; }

    /// <summary>The day the process was registered; a move cannot be dated before it.</summary>
    public DateOnly RegisteredOn { get; set; }

    /// <summary>The day the work moved to its target (set with the state Moved).</summary>
    public DateOnly? MovedOn { get; set; }

    public DateTime StateChangedAt { get; set; }
    public required string StateChangedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public required string CreatedBy { get; set; }

    /// <summary>The other agencies the process involves (the owner is not repeated here).</summary>
    public List<ProcessAgency> Agencies { get; } = [];

    public List<ProcessStateChange> History { get; } = [];
    public List<ProcessMeasure> Measures { get; } = [];
    public List<ProcessBenefit> Benefits { get; } = [];
}

public sealed class ProcessAgency
{
    public int ProcessId { get; set; }
    public int AgencyId { get; set; }
}

/// <summary>One step of a process's progress: the state it entered, the move date it then had, who and when.</summary>
public sealed class ProcessStateChange
{
    public long Id { get; set; }
    public int ProcessId { get; set; }
    public ProcessState State { get; set; }
    public DateOnly? MovedOn { get; set; }
    public DateTime At { get; set; }
    public required string By { get; set; }
}

/// <summary>
/// One measure of a process before or after its move, the day it was measured and the number of cases the sample behind
/// it holds. A process may be measured again on another day (one measure per phase, kind and day): a process still
/// working the old way is measured before any move as often as the team likes, which is what makes it a comparison for
/// processes that moved (Effects).
/// </summary>
public sealed class ProcessMeasure
{
    public long Id { get; set; }
    public int ProcessId { get; set; }
    public MeasurePhase Phase { get; set; }
    public ProcessMeasureKind Kind { get; set; }
    public double Value { get; set; }

    /// <summary>The day the figure was measured (the cases it was timed or counted on); never in the future.</summary>
    public DateOnly MeasuredOn { get; set; }

    /// <summary>How many cases were timed or counted; null when the figure is an estimate.</summary>
    public int? SampleCases { get; set; }

    public required string EnteredBy { get; set; }
    public DateTime EnteredAt { get; set; }
}

/// <summary>A benefit the process contributes to: its hours saved count in the benefit's process indicators.</summary>
public sealed class ProcessBenefit
{
    public int ProcessId { get; set; }
    public int BenefitId { get; set; }
}

/// <summary>Where a suggested process comes from: the usage figures of an agency, or a folder of a scanned file share.</summary>
public enum CandidateKind
{
    Usage,
    Folder,
}

public enum CandidateDecision
{
    /// <summary>Taken into the register as a process (state identified).</summary>
    Confirmed,

    /// <summary>Not worth moving; kept so it is not suggested again.</summary>
    Dismissed,
}

/// <summary>
/// The team's answer to one suggested process: confirmed (with the process it became) or dismissed, who and when, and
/// the figures that made it a candidate at the time. Open candidates are worked out from the usage figures and the
/// scans each time; only the answers are kept.
/// </summary>
public sealed class ProcessCandidate
{
    public int Id { get; set; }

    /// <summary>What identifies the candidate from one computation to the next: "usage:{agency id}" or "folder:{share id}:{hash of the path}".</summary>
    public required string Key { get; set; }

    public CandidateKind Kind { get; set; }
    public int AgencyId { get; set; }

    /// <summary>The name it was suggested under (a folder's path within its share, or the agency's pattern).</summary>
    public required string Name { get; set; }

    /// <summary>Why it was suggested: the figures as they were shown when the team answered.</summary>
    public required string Reason { get; set; }

    public CandidateDecision Decision { get; set; }

    /// <summary>The process a confirmed candidate became; null when dismissed, or when that process was deleted.</summary>
    public int? ProcessId { get; set; }

    public required string DecidedBy { get; set; }
    public DateTime DecidedAt { get; set; }
}

/// <summary>The longest texts the columns hold; the editor refuses longer ones naming the field.</summary>
public static class ProcessLengths
{
    public const int Name = 300;
    public const int Description = 4000;
    public const int ContactPerson = 200;
}

public static class ProcessesModel
{
    public static void Map(ModelBuilder model)
    {
        model.Entity<WorkProcess>(e =>
        {
            e.ToTable("Processes");
            e.Property(x => x.Name).HasMaxLength(ProcessLengths.Name);
            e.Property(x => x.Description).HasMaxLength(ProcessLengths.Description);
            e.Property(x => x.ContactPerson).HasMaxLength(ProcessLengths.ContactPerson);
            e.Property(x => x.CurrentWay).HasConversion<string>().HasMaxLength(24);
            e.Property(x => x.Target).HasConversion<string>().HasMaxLength(24);
            e.Property(x => x.VolumeUnit).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.StateChangedBy).HasMaxLength(200);
            e.Property(x => x.CreatedBy).HasMaxLength(200);
            e.HasIndex(x => x.OwnerAgencyId);
            e.HasOne<Organisation.Agency>().WithMany().HasForeignKey(x => x.OwnerAgencyId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(x => x.Agencies).WithOne().HasForeignKey(a => a.ProcessId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.History).WithOne().HasForeignKey(h => h.ProcessId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Measures).WithOne().HasForeignKey(m => m.ProcessId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Benefits).WithOne().HasForeignKey(b => b.ProcessId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<ProcessAgency>(e =>
        {
            e.ToTable("ProcessAgencies");
            e.HasKey(x => new { x.ProcessId, x.AgencyId });
            e.HasOne<Organisation.Agency>().WithMany().HasForeignKey(x => x.AgencyId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<ProcessStateChange>(e =>
        {
            e.ToTable("ProcessStateChanges");
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.By).HasMaxLength(200);
            e.HasIndex(x => new { x.ProcessId, x.At });
        });
        model.Entity<ProcessMeasure>(e =>
        {
            e.ToTable("ProcessMeasures");
            e.Property(x => x.Phase).HasConversion<string>().HasMaxLength(8);
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(24);
            e.Property(x => x.EnteredBy).HasMaxLength(200);
            e.HasIndex(x => new { x.ProcessId, x.Phase, x.Kind, x.MeasuredOn }).IsUnique();
            e.HasIndex(x => new { x.Kind, x.MeasuredOn });
        });
        model.Entity<ProcessCandidate>(e =>
        {
            e.ToTable("ProcessCandidates");
            e.Property(x => x.Key).HasMaxLength(100);
            e.HasIndex(x => x.Key).IsUnique();
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Decision).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Name).HasMaxLength(ProcessLengths.Name);
            e.Property(x => x.Reason).HasMaxLength(ProcessLengths.Description);
            e.Property(x => x.DecidedBy).HasMaxLength(200);
            e.HasIndex(x => x.ProcessId);
            e.HasOne<Organisation.Agency>().WithMany().HasForeignKey(x => x.AgencyId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<WorkProcess>().WithMany().HasForeignKey(x => x.ProcessId).OnDelete(DeleteBehavior.SetNull);
        });
        model.Entity<ProcessBenefit>(e =>
        {
            e.ToTable("ProcessBenefits");
            e.HasKey(x => new { x.ProcessId, x.BenefitId });
            e.HasOne<Benefits.Benefit>().WithMany().HasForeignKey(x => x.BenefitId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
