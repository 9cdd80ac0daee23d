using Microsoft.EntityFrameworkCore;

namespace Oppdrift.Usage;

/// <summary>The workloads adoption is measured for, as the reports name them (Yammer is now Viva Engage).</summary>
public enum UsageWorkload
{
    Exchange = 1,
    Teams = 2,
    OneDrive = 3,
    SharePoint = 4,
    VivaEngage = 5,
    Apps = 6,
    Copilot = 7,
}

public enum UsageImportStatus
{
    Running,
    Succeeded,
    Failed,
    /// <summary>The same bytes were already imported for the same report and date; nothing was changed.</summary>
    Unchanged,
}

/// <summary>One attempt to import one usage report for one date, kept as history whether it landed or not.</summary>
public sealed class UsageImport
{
    public int Id { get; set; }

    /// <summary>The report's Graph function name, e.g. getEmailActivityUserDetail; empty when the file was not recognised.</summary>
    public required string Report { get; set; }

    /// <summary>The Report Refresh Date of the rows: the day a daily report is about.</summary>
    public DateOnly? ReportDate { get; set; }

    /// <summary>Report Period in days: 1 for a daily (date=) report, 7/30/90/180 for a period report.</summary>
    public int Period { get; set; }

    public UsageSourceKind Source { get; set; }
    public required string Name { get; set; }
    public required string Sha256 { get; set; }
    public long Bytes { get; set; }
    public required string ImportedBy { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public UsageImportStatus Status { get; set; }

    /// <summary>True for the import whose figures are in the database for its report, date and period.</summary>
    public bool IsCurrent { get; set; }

    public int Rows { get; set; }

    /// <summary>Rows placed in an agency through the directory.</summary>
    public int Matched { get; set; }

    /// <summary>Rows for users the directory does not know (or concealed names that could not be matched): counted in the municipality total only.</summary>
    public int Unmatched { get; set; }

    /// <summary>Rows reading "(Unknown)" and rows for deleted users, skipped.</summary>
    public int Skipped { get; set; }

    public UsageConcealment Concealment { get; set; }

    /// <summary>The errors that stopped a failed import, one per line, as "file:line:column: message".</summary>
    public string? Errors { get; set; }

    public string? Warnings { get; set; }
}

/// <summary>
/// One figure of the adoption metrics: a metric for one agency (0 for people no agency could be found for) on one
/// day, with the number of people it is computed over so any page can suppress small groups. Kept for years.
/// </summary>
public sealed class UsageFigure
{
    /// <summary>The agency id of figures over people the directory could not place.</summary>
    public const int Unplaced = 0;

    public DateOnly Date { get; set; }

    /// <summary>1 for figures from daily reports; otherwise the period in days of the report they come from.</summary>
    public int Period { get; set; }

    public required string Metric { get; set; }

    /// <summary>The agency's id, or <see cref="Unplaced"/>. Not a foreign key: figures outlive agencies.</summary>
    public int AgencyId { get; set; }

    public long Value { get; set; }

    /// <summary>How many people (for site metrics: sites) the value is computed over.</summary>
    public int People { get; set; }
}

/// <summary>
/// The per-person rows rolling windows need ("returning", "new"): a pseudonym, never a name, with the last activity
/// date a daily report gave. Kept only for the configured retention (default 35 days).
/// </summary>
public sealed class UsageActivity
{
    public DateOnly Date { get; set; }
    public UsageWorkload Workload { get; set; }

    /// <summary>The first 16 bytes of the keyed hash (HMAC-SHA256) of the user principal name.</summary>
    public required byte[] Pseudonym { get; set; }

    public int AgencyId { get; set; }
    public DateOnly? LastActivity { get; set; }
}

public static class UsageModel
{
    public static void Map(ModelBuilder model)
    {
        model.Entity<UsageImport>(e =>
        {
            e.ToTable("UsageImports");
            e.Property(x => x.Report).HasMaxLength(64);
            e.Property(x => x.Name).HasMaxLength(400);
            e.Property(x => x.Sha256).HasMaxLength(64);
            e.Property(x => x.ImportedBy).HasMaxLength(200);
            e.Property(x => x.Source).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Concealment).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(x => new { x.Report, x.ReportDate, x.Period, x.IsCurrent });
            e.HasIndex(x => x.StartedAt);
        });
        model.Entity<UsageFigure>(e =>
        {
            e.ToTable("UsageFigures");
            e.HasKey(x => new { x.Metric, x.Period, x.Date, x.AgencyId });
            e.Property(x => x.Metric).HasMaxLength(64);
            e.HasIndex(x => new { x.Date, x.Period });
        });
        model.Entity<UsageActivity>(e =>
        {
            e.ToTable("UsageActivity");
            e.HasKey(x => new { x.Date, x.Workload, x.Pseudonym });
            e.Property(x => x.Pseudonym).HasMaxLength(16);
        });
    }
}
