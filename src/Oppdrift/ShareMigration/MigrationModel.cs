// The migration plan on the server: each agency's file shares, the scans attached to them (a profile of the
// inventory, not the inventory's rows), the mapping of share folders to SharePoint libraries or OneDrive, and each
// mapping's progress with its history.
using Microsoft.EntityFrameworkCore;

namespace Oppdrift.ShareMigration;

public enum ShareKind
{
    /// <summary>A department or project share: moves to SharePoint sites and libraries.</summary>
    Department,

    /// <summary>Home folders: each person's folder moves to their OneDrive.</summary>
    HomeFolders,
}

/// <summary>A file share of an agency, e.g. \\fil01\helse$ .</summary>
public sealed class SourceShare
{
    public int Id { get; set; }
    public int AgencyId { get; set; }
    public required string Name { get; set; }

    /// <summary>The share's UNC path as the migration tools reach it (\\server\share), for the SPMT CSV.</summary>
    public string? SourcePath { get; set; }

    public ShareKind Kind { get; set; }
    public DateTime CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public List<ShareScan> Scans { get; } = [];
    public List<ShareMapping> Mappings { get; } = [];
}

/// <summary>One scan's inventory attached to a share: its totals, tallies and folder profile; the file is kept on disk.</summary>
public sealed class ShareScan
{
    public int Id { get; set; }
    public int ShareId { get; set; }
    public DateTime UploadedAt { get; set; }
    public required string UploadedBy { get; set; }

    /// <summary>When the scan finished, as the inventory says (UTC).</summary>
    public DateTime ScannedAt { get; set; }

    /// <summary>The folder scanned, on the machine that scanned it.</summary>
    public required string Root { get; set; }

    public long Folders { get; set; }
    public long Files { get; set; }
    public long Bytes { get; set; }
    public long Blockers { get; set; }
    public long Warnings { get; set; }
    public long ScanProblems { get; set; }
    public long CleanupFiles { get; set; }
    public long CleanupBytes { get; set; }

    /// <summary>Whether duplicates were looked for (a scan with --no-hash did not).</summary>
    public bool Duplicates { get; set; }

    /// <summary>The inventory's name under the data folder (migration/scans).</summary>
    public required string StoredName { get; set; }

    /// <summary>SHA-256 of the inventory file: the same file attached twice is recognised.</summary>
    public required string Sha256 { get; set; }

    public long FileBytes { get; set; }
    public List<ShareScanTally> Tallies { get; } = [];
    public List<ShareScanFolder> FolderProfile { get; } = [];
}

public enum TallyCategory
{
    Finding,
    Cleanup,
}

/// <summary>How many items (and bytes) a scan found of one finding or clean-up kind.</summary>
public sealed class ShareScanTally
{
    public int ScanId { get; set; }
    public TallyCategory Category { get; set; }
    public required string Kind { get; set; }
    public long Items { get; set; }
    public long Bytes { get; set; }
}

/// <summary>The profile of one folder near the top of a scanned share: what a mapping of it would carry.</summary>
public sealed class ShareScanFolder
{
    public int Id { get; set; }
    public int ScanId { get; set; }

    /// <summary>'/'-separated, relative to the share; "" is the share itself.</summary>
    public required string Path { get; set; }

    public int Depth { get; set; }
    public long Files { get; set; }
    public long Folders { get; set; }
    public long Bytes { get; set; }

    /// <summary>Blockers on names below (path length and library-root rules are checked per target instead).</summary>
    public long NameBlockers { get; set; }

    public long Warnings { get; set; }
    public long CleanupFiles { get; set; }
    public long CleanupBytes { get; set; }

    /// <summary>The most items directly in any one folder below (the 5,000-item folder view).</summary>
    public long MaxFolderItems { get; set; }

    /// <summary>A folder named forms directly inside: refused when this folder becomes a library's root.</summary>
    public bool HasFormsFolder { get; set; }

    public DateTime? NewestModified { get; set; }

    /// <summary>Path lengths below this folder (UTF-16 units, relative to it) from <see cref="ShareProfile.LengthFloor"/> up, as "length:count;…".</summary>
    public required string Lengths { get; set; }
}

public enum TargetKind
{
    SharePoint,
    OneDrive,
}

public enum MappingState
{
    Planned,
    Cleaned,
    Migrated,
    Verified,
}

/// <summary>Where a share folder goes: a SharePoint site's library (and folder in it) or a OneDrive.</summary>
public sealed class ShareMapping
{
    public int Id { get; set; }
    public int ShareId { get; set; }
    public SourceShare? Share { get; set; }

    /// <summary>'/'-separated, relative to the share; "" maps the whole share.</summary>
    public required string SourceFolder { get; set; }

    public TargetKind TargetKind { get; set; }

    /// <summary>https://tenant.sharepoint.com/sites/x, or the OneDrive's https://tenant-my.sharepoint.com/personal/x.</summary>
    public required string SiteUrl { get; set; }

    /// <summary>The library's name in its address (e.g. "Shared Documents"; a OneDrive's is "Documents").</summary>
    public required string Library { get; set; }

    /// <summary>A folder in the library, '/'-separated; "" for the library's root.</summary>
    public required string TargetFolder { get; set; }

    public MappingState State { get; set; }
    public DateTime StateChangedAt { get; set; }
    public required string StateChangedBy { get; set; }
    public string? Note { get; set; }
    public List<ShareMappingChange> History { get; } = [];
}

/// <summary>A mapping's state from a moment on, so progress can be told at any past date.</summary>
public sealed class ShareMappingChange
{
    public int Id { get; set; }
    public int MappingId { get; set; }
    public MappingState State { get; set; }
    public DateTime At { get; set; }
    public required string By { get; set; }
}

public static class MigrationModel
{
    public static void Map(ModelBuilder model)
    {
        model.Entity<SourceShare>(e =>
        {
            e.ToTable("SourceShares");
            e.Property(x => x.Name).HasMaxLength(260);
            e.Property(x => x.SourcePath).HasMaxLength(400);
            e.Property(x => x.CreatedBy).HasMaxLength(200);
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(x => new { x.AgencyId, x.Name }).IsUnique();
            e.HasOne<Organisation.Agency>().WithMany().HasForeignKey(x => x.AgencyId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(x => x.Scans).WithOne().HasForeignKey(s => s.ShareId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Mappings).WithOne(m => m.Share).HasForeignKey(m => m.ShareId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<ShareScan>(e =>
        {
            e.ToTable("ShareScans");
            e.Property(x => x.UploadedBy).HasMaxLength(200);
            e.Property(x => x.Root).HasMaxLength(4000);
            e.Property(x => x.StoredName).HasMaxLength(100);
            e.Property(x => x.Sha256).HasMaxLength(64);
            e.HasIndex(x => new { x.ShareId, x.Sha256 }).IsUnique();
            e.HasMany(x => x.Tallies).WithOne().HasForeignKey(t => t.ScanId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.FolderProfile).WithOne().HasForeignKey(f => f.ScanId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<ShareScanTally>(e =>
        {
            e.ToTable("ShareScanTallies");
            e.HasKey(x => new { x.ScanId, x.Category, x.Kind });
            e.Property(x => x.Category).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Kind).HasMaxLength(40);
        });
        model.Entity<ShareScanFolder>(e =>
        {
            e.ToTable("ShareScanFolders");
            e.Property(x => x.Path).HasMaxLength(4000);
            e.HasIndex(x => new { x.ScanId, x.Depth });
        });
        model.Entity<ShareMapping>(e =>
        {
            e.ToTable("ShareMappings");
            e.Property(x => x.SourceFolder).HasMaxLength(4000);
            e.Property(x => x.SiteUrl).HasMaxLength(400);
            e.Property(x => x.Library).HasMaxLength(255);
            e.Property(x => x.TargetFolder).HasMaxLength(400);
            e.Property(x => x.TargetKind).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.StateChangedBy).HasMaxLength(200);
            e.Property(x => x.Note).HasMaxLength(2000);
            e.HasIndex(x => x.ShareId);
            e.HasMany(x => x.History).WithOne().HasForeignKey(h => h.MappingId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<ShareMappingChange>(e =>
        {
            e.ToTable("ShareMappingChanges");
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.By).HasMaxLength(200);
            e.HasIndex(x => new { x.MappingId, x.At });
        });
    }
}
