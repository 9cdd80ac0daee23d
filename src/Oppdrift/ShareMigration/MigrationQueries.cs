// What the migration pages, exports and the benefits module read: per share its latest scan, the mappings checked
// against their targets, readiness and progress; per agency and for the municipality the sums of those.
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Organisation;

namespace Oppdrift.ShareMigration;

public sealed record MappingPicture(ShareMapping Mapping, FolderProfile? Folder, TargetCheckResult? Check)
{
    public long Bytes => Folder?.Bytes ?? 0;

    public long Files => Folder?.Files ?? 0;

    public bool Moved => Mapping.State is MappingState.Migrated or MappingState.Verified;
}

public sealed record SharePicture(
    SourceShare Share,
    string AgencyCode,
    string AgencyName,
    ShareScan? Scan,
    IReadOnlyList<MappingPicture> Mappings)
{
    public long Bytes => Scan?.Bytes ?? 0;

    public long Files => Scan?.Files ?? 0;

    public long MappedFiles => Mappings.Sum(m => m.Files);

    /// <summary>Files in mappings whose check finds nothing blocking, or that are moved already.</summary>
    public long ReadyFiles => Mappings.Where(m => m.Moved || m.Check is { Ready: true }).Sum(m => m.Files);

    public long MovedBytes => Math.Min(Bytes, Mappings.Where(m => m.Moved).Sum(m => m.Bytes));

    public long MovedFiles => Math.Min(Files, Mappings.Where(m => m.Moved).Sum(m => m.Files));

    /// <summary>Moved off the file server: scanned, and everything in it is in mappings that are migrated or verified.</summary>
    public bool IsMoved => Scan is not null && (Scan.Files == 0 || MovedFiles >= Files) && MovedBytes >= Bytes;

    public double? Readiness => Files == 0 ? null : 100.0 * ReadyFiles / Files;

    public double? Progress => Bytes == 0 ? null : 100.0 * MovedBytes / Bytes;
}

public sealed record AgencyMigration(int AgencyId, string Code, string Name, IReadOnlyList<SharePicture> Shares)
{
    public long Bytes => Shares.Sum(s => s.Bytes);
    public long Files => Shares.Sum(s => s.Files);
    public long Blockers => Shares.Sum(s => s.Scan?.Blockers ?? 0);
    public long CleanupFiles => Shares.Sum(s => s.Scan?.CleanupFiles ?? 0);
    public long CleanupBytes => Shares.Sum(s => s.Scan?.CleanupBytes ?? 0);
    public long ReadyFiles => Shares.Sum(s => s.ReadyFiles);
    public long MovedBytes => Shares.Sum(s => s.MovedBytes);
    public bool IsMoved => Shares.Count > 0 && Shares.All(s => s.IsMoved);
    public double? Readiness => Files == 0 ? null : 100.0 * ReadyFiles / Files;
    public double? Progress => Bytes == 0 ? null : 100.0 * MovedBytes / Bytes;
    public int Mappings => Shares.Sum(s => s.Mappings.Count);
}

/// <summary>Progress at a date: per agency the bytes moved off its file servers, and the share of agencies moved.</summary>
public sealed record MigrationProgressPicture(DateOnly Date, IReadOnlyList<AgencyMigration> Agencies)
{
    public long Bytes => Agencies.Sum(a => a.Bytes);
    public long MovedBytes => Agencies.Sum(a => a.MovedBytes);
    public int AgenciesWithShares => Agencies.Count(a => a.Shares.Count > 0);
    public int AgenciesMoved => Agencies.Count(a => a.IsMoved);

    /// <summary>Percent of scanned bytes in migrated or verified mappings; null before anything is scanned.</summary>
    public double? BytesMovedPercent => Bytes == 0 ? null : 100.0 * MovedBytes / Bytes;

    /// <summary>Percent of agencies with file shares that have moved all of them; null when no agency has a share yet.</summary>
    public double? AgenciesMovedPercent => AgenciesWithShares == 0 ? null : 100.0 * AgenciesMoved / AgenciesWithShares;
}

/// <summary>A folder near the top of a department share as its latest scan profiled it (home folders are never listed).</summary>
public sealed record DepartmentFolder(int ShareId, string ShareName, string? SourcePath, int AgencyId, string Path, long Files, long Bytes, DateTime? NewestModified,
    DateTime ScannedAt);

public sealed class MigrationQueries(OppdriftDb db)
{
    /// <summary>
    /// The profiled folders (depth 1 to 3) of the latest scan of every department share of the agencies given (all for
    /// null). Shares of home folders are left out whole: their folder names are people's names.
    /// </summary>
    public async Task<IReadOnlyList<DepartmentFolder>> DepartmentFoldersAsync(IReadOnlyCollection<int>? agencies, CancellationToken cancellationToken)
    {
        var ids = agencies?.ToList();
        var shares = await db.SourceShares.AsNoTracking().Where(s => s.Kind == ShareKind.Department && (ids == null || ids.Contains(s.AgencyId)))
            .ToDictionaryAsync(s => s.Id, cancellationToken);
        if (shares.Count == 0)
        {
            return [];
        }
        var shareIds = shares.Keys.ToList();
        var latest = (await db.ShareScans.AsNoTracking().Where(s => shareIds.Contains(s.ShareId)).Select(s => new { s.Id, s.ShareId, s.ScannedAt }).ToListAsync(cancellationToken))
            .GroupBy(s => s.ShareId).Select(g => g.OrderByDescending(s => s.ScannedAt).ThenByDescending(s => s.Id).First()).ToDictionary(s => s.Id);
        var scanIds = latest.Keys.ToList();
        var folders = await db.ShareScanFolders.AsNoTracking().Where(f => scanIds.Contains(f.ScanId) && f.Depth >= 1)
            .Select(f => new { f.ScanId, f.Path, f.Files, f.Bytes, f.NewestModified }).ToListAsync(cancellationToken);
        return [.. folders.Select(f =>
        {
            var scan = latest[f.ScanId];
            var share = shares[scan.ShareId];
            return new DepartmentFolder(share.Id, share.Name, share.SourcePath, share.AgencyId, f.Path, f.Files, f.Bytes, f.NewestModified, scan.ScannedAt);
        }).OrderBy(f => f.ShareId).ThenBy(f => f.Path, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Every share (of the agencies given, or all) as it stood at the end of <paramref name="asOf"/> (now when null): its
    /// latest scan by then, the mappings that existed, in the state they had.
    /// </summary>
    public async Task<IReadOnlyList<SharePicture>> SharesAsync(IReadOnlyCollection<int>? agencies, DateTime? asOf, CancellationToken cancellationToken, int? shareId = null)
    {
        var shareQuery = db.SourceShares.AsNoTracking().Where(s => agencies == null || agencies.Contains(s.AgencyId));
        if (shareId is { } only)
        {
            shareQuery = shareQuery.Where(s => s.Id == only);
        }
        var shares = await shareQuery.OrderBy(s => s.Name).ToListAsync(cancellationToken);
        if (shares.Count == 0)
        {
            return [];
        }
        var ids = shares.Select(s => s.Id).ToList();
        var agencyRows = (await new OrganisationDirectory(db).AgenciesAsync([.. shares.Select(s => s.AgencyId).Distinct()], cancellationToken)).ToDictionary(a => a.Id);
        var scans = (await db.ShareScans.AsNoTracking().Where(s => ids.Contains(s.ShareId) && (asOf == null || s.UploadedAt <= asOf))
            .ToListAsync(cancellationToken))
            .GroupBy(s => s.ShareId).ToDictionary(g => g.Key, g => g.OrderByDescending(s => s.ScannedAt).ThenByDescending(s => s.Id).First());
        var mappings = await db.ShareMappings.AsNoTracking().Where(m => ids.Contains(m.ShareId)).OrderBy(m => m.SourceFolder).ToListAsync(cancellationToken);
        if (asOf is not null)
        {
            var mappingIds = mappings.Select(m => m.Id).ToList();
            var history = (await db.ShareMappingChanges.AsNoTracking().Where(h => mappingIds.Contains(h.MappingId) && h.At <= asOf).ToListAsync(cancellationToken))
                .GroupBy(h => h.MappingId).ToDictionary(g => g.Key, g => g.OrderByDescending(h => h.At).ThenByDescending(h => h.Id).First());
            mappings = [.. mappings.Where(m => history.ContainsKey(m.Id)).Select(m =>
            {
                m.State = history[m.Id].State;
                m.StateChangedAt = history[m.Id].At;
                m.StateChangedBy = history[m.Id].By;
                return m;
            })];
        }
        // Only the folders mapped are needed from the profiles.
        var scanIds = scans.Values.Select(s => s.Id).ToList();
        var paths = mappings.Select(m => m.SourceFolder).Distinct().ToList();
        var folders = (await db.ShareScanFolders.AsNoTracking().Where(f => scanIds.Contains(f.ScanId) && paths.Contains(f.Path)).ToListAsync(cancellationToken))
            .ToDictionary(f => (f.ScanId, f.Path), ToProfile);
        return [.. shares.Select(share =>
        {
            var scan = scans.GetValueOrDefault(share.Id);
            var agency = agencyRows[share.AgencyId];
            return new SharePicture(share, agency.Code, agency.Name, scan, [.. mappings.Where(m => m.ShareId == share.Id).Select(m =>
            {
                var folder = scan is null ? null : folders.GetValueOrDefault((scan.Id, m.SourceFolder));
                return new MappingPicture(m, folder, folder is null ? null : TargetCheck.Check(folder, m.TargetKind, m.SiteUrl, m.Library, m.TargetFolder));
            })]);
        })];
    }

    /// <summary>Every agency (or those given) with its shares, at a moment (now when null).</summary>
    public async Task<IReadOnlyList<AgencyMigration>> AgenciesAsync(IReadOnlyCollection<int>? agencies, DateTime? asOf, CancellationToken cancellationToken)
    {
        var shares = await SharesAsync(agencies, asOf, cancellationToken);
        var rows = await new OrganisationDirectory(db).AgenciesAsync(agencies, cancellationToken);
        return [.. rows.Select(a => new AgencyMigration(a.Id, a.Code, a.Name, [.. shares.Where(s => s.Share.AgencyId == a.Id)]))];
    }

    /// <summary>The progress the benefits module measures: as the plan stood at the end of the date (UTC).</summary>
    public async Task<MigrationProgressPicture> ProgressAsync(DateOnly date, CancellationToken cancellationToken)
    {
        var end = date.ToDateTime(TimeOnly.MaxValue, DateTimeKind.Utc);
        return new MigrationProgressPicture(date, await AgenciesAsync(null, end, cancellationToken));
    }

    /// <summary>Changes whenever the plan does: every change to it (scan, mapping, state) is an audit entry.</summary>
    /// <summary>Whether any file share has been registered with the plan.</summary>
    /// <summary>
    /// Every share whose mappings are all migrated (or verified), with at least one: its name, its agency and the day the
    /// last of them was first marked migrated (from each mapping's history), from which the Effects module judges it as a
    /// share migration.
    /// </summary>
    public async Task<IReadOnlyList<(int Id, string Name, int AgencyId, DateOnly MigratedOn)>> MigratedSharesAsync(CancellationToken cancellationToken)
    {
        var mappings = await db.ShareMappings.AsNoTracking()
            .Select(m => new
            {
                m.ShareId,
                m.State,
                m.StateChangedAt,
                FirstMigrated = m.History.Where(h => h.State == MappingState.Migrated || h.State == MappingState.Verified).Min(h => (DateTime?)h.At),
            })
            .ToListAsync(cancellationToken);
        var done = mappings.GroupBy(m => m.ShareId)
            .Where(g => g.All(m => m.State is MappingState.Migrated or MappingState.Verified))
            .ToDictionary(g => g.Key, g => DateOnly.FromDateTime(g.Max(m => m.FirstMigrated ?? m.StateChangedAt)));
        var ids = done.Keys.ToList();
        return [.. (await db.SourceShares.AsNoTracking().Where(s => ids.Contains(s.Id)).Select(s => new { s.Id, s.Name, s.AgencyId }).ToListAsync(cancellationToken))
            .Select(s => (s.Id, s.Name, s.AgencyId, done[s.Id]))];
    }

    public async Task<bool> AnySharesAsync(CancellationToken cancellationToken) => await db.SourceShares.AnyAsync(cancellationToken);

    public static async Task<long> VersionAsync(OppdriftDb db, CancellationToken cancellationToken) =>
        await AuditLog.LatestAsync(db, "migration.", cancellationToken);

    /// <summary>The folders of a scan's profile, down to a depth, for the mapping form and the share page.</summary>
    public async Task<IReadOnlyList<FolderProfile>> FoldersAsync(int scanId, int maxDepth, CancellationToken cancellationToken) =>
        [.. (await db.ShareScanFolders.AsNoTracking().Where(f => f.ScanId == scanId && f.Depth <= maxDepth).ToListAsync(cancellationToken))
            .Select(ToProfile).OrderBy(f => f.Path, StringComparer.Ordinal)];

    public async Task<IReadOnlyList<ShareScanTally>> TalliesAsync(int scanId, CancellationToken cancellationToken) =>
        await db.ShareScanTallies.AsNoTracking().Where(t => t.ScanId == scanId).ToListAsync(cancellationToken);

    public async Task<IReadOnlyList<ShareScan>> ScansAsync(int shareId, CancellationToken cancellationToken) =>
        await db.ShareScans.AsNoTracking().Where(s => s.ShareId == shareId).OrderByDescending(s => s.ScannedAt).ThenByDescending(s => s.Id).ToListAsync(cancellationToken);

    private static FolderProfile ToProfile(ShareScanFolder f) => new(f.Path, f.Depth, f.Files, f.Folders, f.Bytes, f.NameBlockers, f.Warnings,
        f.CleanupFiles, f.CleanupBytes, f.MaxFolderItems, f.HasFormsFolder, f.NewestModified, ShareProfile.ParseLengths(f.Lengths));
}
