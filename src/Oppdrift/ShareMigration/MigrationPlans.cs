// Changes to the migration plan: scans attached to an agency's share, the mapping of share folders to targets, and
// each mapping's progress. Every change is audited; every refusal names the field (or the file) and saves nothing.
using System.Security.Claims;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Shared;

namespace Oppdrift.ShareMigration;

public static class MigrationAccess
{
    private static bool IsCentral(ClaimsPrincipal user) => (user.GetRoles() & (Roles.Administrator | Roles.ChangeLeader)) != 0;

    /// <summary>The central team plans every agency's migration; an agency leader plans their own agencies'.</summary>
    public static bool CanEdit(ClaimsPrincipal user, int agencyId) =>
        IsCentral(user) || (user.GetRoles().HasFlag(Roles.AgencyLeader) && user.ScopedAgencies().Contains(agencyId));

    public static bool CanEditAny(ClaimsPrincipal user) => IsCentral(user) || user.GetRoles().HasFlag(Roles.AgencyLeader);
}

/// <summary>A scan to attach: to which agency and share, and the inventory's name as the person gave it (for messages).</summary>
public sealed record AttachRequest
{
    public required int AgencyId { get; init; }
    public required string ShareName { get; init; }
    public string? SourcePath { get; init; }
    public ShareKind Kind { get; init; }
    public required string FileName { get; init; }
    public required string Actor { get; init; }
}

public sealed record AttachOutcome(int ShareId, int ScanId, bool AlreadyAttached, long Files, long Bytes);

public sealed record MappingInput
{
    public string SourceFolder { get; set; } = "";
    public TargetKind TargetKind { get; set; }
    public string SiteUrl { get; set; } = "";
    public string Library { get; set; } = "Shared Documents";
    public string TargetFolder { get; set; } = "";
    public string? Note { get; set; }
}

public sealed class MigrationPlans(OppdriftDb db, MigrationStorage storage, MigrationOptions options, TimeProvider clock)
{
    /// <summary>
    /// Attaches an uploaded inventory to a share of the agency (created when new). The same inventory attached again
    /// changes nothing. A file that is not a finished inventory is refused with its name and what is wrong.
    /// </summary>
    public async Task<Result<AttachOutcome>> AttachAsync(AttachRequest request, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var shareName = (request.ShareName ?? "").Trim();
        if (shareName.Length == 0 || shareName.Length > 260)
        {
            return Result<AttachOutcome>.Fail(nameof(request.ShareName), MigrationText.Get("ErrorShareName"));
        }
        if (await new OrganisationDirectory(db).AgencyAsync(request.AgencyId, cancellationToken) is null)
        {
            return Result<AttachOutcome>.Fail(nameof(request.AgencyId), MigrationText.Get("ErrorAgency"));
        }
        var sourcePath = string.IsNullOrWhiteSpace(request.SourcePath) ? null : request.SourcePath.Trim();
        if (sourcePath is not null && !sourcePath.StartsWith(@"\\", StringComparison.Ordinal))
        {
            return Result<AttachOutcome>.Fail(nameof(request.SourcePath), MigrationText.Get("ErrorSourcePath"));
        }
        var received = await storage.ReceiveAsync(content, options.UploadMaxBytes, cancellationToken);
        if (received is not { } file)
        {
            return Result<AttachOutcome>.Fail("file", MigrationText.Get("ErrorTooLarge", request.FileName, ScanReport.FormatBytes(options.UploadMaxBytes)));
        }
        try
        {
            var share = await db.SourceShares.SingleOrDefaultAsync(s => s.AgencyId == request.AgencyId && s.Name == shareName, cancellationToken);
            if (share is not null && await db.ShareScans.AsNoTracking().Where(s => s.ShareId == share.Id && s.Sha256 == file.Sha256)
                .Select(s => new { s.Id, s.Files, s.Bytes }).SingleOrDefaultAsync(cancellationToken) is { } known)
            {
                return Result<AttachOutcome>.Ok(new AttachOutcome(share.Id, known.Id, true, known.Files, known.Bytes));
            }
            var profile = Profile(file.Path, request.FileName, out var error);
            if (profile is null)
            {
                return Result<AttachOutcome>.Fail("file", error!);
            }
            var now = clock.GetUtcNow().UtcDateTime;
            var storedName = storage.Keep(file.Path);
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                if (share is null)
                {
                    share = new SourceShare { AgencyId = request.AgencyId, Name = shareName, SourcePath = sourcePath, Kind = request.Kind, CreatedAt = now, CreatedBy = request.Actor };
                    db.SourceShares.Add(share);
                    await db.SaveChangesAsync(cancellationToken);
                }
                else if (sourcePath is not null && share.SourcePath != sourcePath)
                {
                    share.SourcePath = sourcePath;
                }
                var scan = new ShareScan
                {
                    ShareId = share.Id,
                    UploadedAt = now,
                    UploadedBy = request.Actor,
                    ScannedAt = profile.ScannedAt,
                    Root = profile.Root,
                    Folders = profile.Folders,
                    Files = profile.Files,
                    Bytes = profile.Bytes,
                    Blockers = profile.Blockers,
                    Warnings = profile.Warnings,
                    ScanProblems = profile.ScanProblems,
                    CleanupFiles = profile.CleanupFiles,
                    CleanupBytes = profile.CleanupBytes,
                    Duplicates = profile.Duplicates,
                    StoredName = storedName,
                    Sha256 = file.Sha256,
                    FileBytes = file.Bytes,
                };
                scan.Tallies.AddRange(profile.Tallies.Select(t => new ShareScanTally { Category = t.Category, Kind = t.Kind, Items = t.Items, Bytes = t.Bytes }));
                scan.FolderProfile.AddRange(profile.FolderProfiles.Select(f => new ShareScanFolder
                {
                    Path = f.Path,
                    Depth = f.Depth,
                    Files = f.Files,
                    Folders = f.Folders,
                    Bytes = f.Bytes,
                    NameBlockers = f.NameBlockers,
                    Warnings = f.Warnings,
                    CleanupFiles = f.CleanupFiles,
                    CleanupBytes = f.CleanupBytes,
                    MaxFolderItems = f.MaxFolderItems,
                    HasFormsFolder = f.HasFormsFolder,
                    NewestModified = f.NewestModified,
                    Lengths = ShareProfile.FormatLengths(f.Lengths),
                }));
                db.ShareScans.Add(scan);
                AuditLog.Record(db, clock, request.Actor, "migration.scan.attach", shareName, null,
                    new { request.AgencyId, Share = shareName, request.FileName, profile.Root, profile.Files, profile.Bytes, profile.Blockers, file.Sha256 });
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return Result<AttachOutcome>.Ok(new AttachOutcome(share.Id, scan.Id, false, scan.Files, scan.Bytes));
            }
            catch
            {
                MigrationStorage.Discard(storage.PathOf(storedName));
                throw;
            }
        }
        finally
        {
            MigrationStorage.Discard(file.Path);
            MigrationStorage.Discard(file.Path + "-shm");
            MigrationStorage.Discard(file.Path + "-wal");
        }
    }

    private ShareProfile? Profile(string path, string displayName, out string? error)
    {
        ScanInventory? inventory = null;
        try
        {
            inventory = ScanInventory.OpenForReading(path, displayName, out error);
            return error is null ? ShareProfile.Read(inventory.Connection, new ReportOptions { StaleYears = options.StaleYears, Clock = clock }) : null;
        }
        catch (SqliteException exception)
        {
            error = MigrationText.Get("InventoryCorrupt", displayName, exception.Message);
            return null;
        }
        finally
        {
            inventory?.Dispose();
            SqliteConnection.ClearAllPools();
        }
    }

    /// <summary>Adds or changes a mapping of a share folder to a target, checked against the share's latest scan.</summary>
    public async Task<Result<ShareMapping>> SaveMappingAsync(int shareId, int? mappingId, MappingInput input, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        static Result<ShareMapping> Fail(string field, string key, params object?[] args) => Result<ShareMapping>.Fail(field, MigrationText.Get(key, args));
        var share = await db.SourceShares.AsNoTracking().SingleOrDefaultAsync(s => s.Id == shareId, cancellationToken);
        if (share is null)
        {
            return Fail("", "ErrorNoShare");
        }
        var source = NormaliseFolder(input.SourceFolder);
        var scanId = await db.ShareScans.Where(s => s.ShareId == shareId).OrderByDescending(s => s.ScannedAt).ThenByDescending(s => s.Id)
            .Select(s => (int?)s.Id).FirstOrDefaultAsync(cancellationToken);
        if (scanId is null)
        {
            return Fail(nameof(input.SourceFolder), "ErrorNoScan");
        }
        if (!await db.ShareScanFolders.AnyAsync(f => f.ScanId == scanId && f.Path == source, cancellationToken))
        {
            return Fail(nameof(input.SourceFolder), "ErrorFolderNotInScan", source, ShareProfile.MaxDepth);
        }
        if (!Uri.TryCreate(input.SiteUrl?.Trim(), UriKind.Absolute, out var site) || site.Scheme != Uri.UriSchemeHttps || site.Host.Length == 0)
        {
            return Fail(nameof(input.SiteUrl), "ErrorSiteUrl");
        }
        var library = (input.Library ?? "").Trim().Trim('/');
        if (library.Length == 0 || library.Contains('/', StringComparison.Ordinal) || !NameRules.CheckName(library, isFolder: true, atLibraryRoot: false).IsEmpty)
        {
            return Fail(nameof(input.Library), "ErrorLibrary");
        }
        var targetFolder = NormaliseFolder(input.TargetFolder);
        foreach (var segment in targetFolder.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!NameRules.CheckName(segment, isFolder: true, atLibraryRoot: false).IsEmpty)
            {
                return Fail(nameof(input.TargetFolder), "ErrorTargetFolder", segment);
            }
        }
        var target = TargetCheck.TargetPath(input.SiteUrl!, library, targetFolder);
        if (target.Length > ShareProfile.MaxTargetLength)
        {
            return Fail(nameof(input.TargetFolder), "ErrorTargetTooLong", target.Length, ShareProfile.MaxTargetLength);
        }
        var others = await db.ShareMappings.AsNoTracking().Where(m => m.ShareId == shareId && m.Id != (mappingId ?? 0))
            .Select(m => m.SourceFolder).ToListAsync(cancellationToken);
        if (others.FirstOrDefault(o => Overlaps(o, source)) is { } clash)
        {
            return Fail(nameof(input.SourceFolder), "ErrorOverlap", Shown(clash));
        }
        var now = clock.GetUtcNow().UtcDateTime;
        ShareMapping? mapping;
        object? before = null;
        if (mappingId is { } id)
        {
            mapping = await db.ShareMappings.SingleOrDefaultAsync(m => m.Id == id && m.ShareId == shareId, cancellationToken);
            if (mapping is null)
            {
                return Fail("", "ErrorNoMapping");
            }
            before = Snapshot(mapping);
        }
        else
        {
            mapping = new ShareMapping
            {
                ShareId = shareId,
                SourceFolder = source,
                SiteUrl = "",
                Library = "",
                TargetFolder = "",
                State = MappingState.Planned,
                StateChangedAt = now,
                StateChangedBy = actor,
            };
            mapping.History.Add(new ShareMappingChange { State = MappingState.Planned, At = now, By = actor });
            db.ShareMappings.Add(mapping);
        }
        mapping.SourceFolder = source;
        mapping.TargetKind = input.TargetKind;
        mapping.SiteUrl = site.GetLeftPart(UriPartial.Path).TrimEnd('/');
        mapping.Library = library;
        mapping.TargetFolder = targetFolder;
        mapping.Note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim();
        AuditLog.Record(db, clock, actor, mappingId is null ? "migration.mapping.create" : "migration.mapping.update", share.Name + ": " + Shown(source),
            before, Snapshot(mapping));
        await db.SaveChangesAsync(cancellationToken);
        return Result<ShareMapping>.Ok(mapping);
    }

    /// <summary>Moves a mapping to a progress state (forwards or back, to correct a mistake); the history keeps each step.</summary>
    public async Task<Result<ShareMapping>> SetStateAsync(int mappingId, MappingState state, string actor, CancellationToken cancellationToken)
    {
        var mapping = await db.ShareMappings.Include(m => m.Share).SingleOrDefaultAsync(m => m.Id == mappingId, cancellationToken);
        if (mapping is null)
        {
            return Result<ShareMapping>.Fail("", MigrationText.Get("ErrorNoMapping"));
        }
        if (!Enum.IsDefined(state))
        {
            return Result<ShareMapping>.Fail("state", MigrationText.Get("ErrorState"));
        }
        if (mapping.State == state)
        {
            return Result<ShareMapping>.Ok(mapping);
        }
        var before = new { State = mapping.State.ToString() };
        var now = clock.GetUtcNow().UtcDateTime;
        mapping.State = state;
        mapping.StateChangedAt = now;
        mapping.StateChangedBy = actor;
        db.ShareMappingChanges.Add(new ShareMappingChange { MappingId = mapping.Id, State = state, At = now, By = actor });
        AuditLog.Record(db, clock, actor, "migration.mapping.state", mapping.Share!.Name + ": " + Shown(mapping.SourceFolder), before, new { State = state.ToString() });
        await db.SaveChangesAsync(cancellationToken);
        return Result<ShareMapping>.Ok(mapping);
    }

    public async Task<Result<int>> DeleteMappingAsync(int mappingId, string actor, CancellationToken cancellationToken)
    {
        var mapping = await db.ShareMappings.Include(m => m.Share).SingleOrDefaultAsync(m => m.Id == mappingId, cancellationToken);
        if (mapping is null)
        {
            return Result<int>.Fail("", MigrationText.Get("ErrorNoMapping"));
        }
        db.ShareMappings.Remove(mapping);
        AuditLog.Record(db, clock, actor, "migration.mapping.delete", mapping.Share!.Name + ": " + Shown(mapping.SourceFolder), Snapshot(mapping), null);
        await db.SaveChangesAsync(cancellationToken);
        return Result<int>.Ok(mapping.ShareId);
    }

    /// <summary>
    /// Removes a scan attached by mistake (or no longer wanted) with its profile and its inventory file; the share's
    /// previous scan, if any, counts again. Returns the share's id.
    /// </summary>
    public async Task<Result<int>> DeleteScanAsync(int scanId, string actor, CancellationToken cancellationToken)
    {
        var scan = await db.ShareScans.SingleOrDefaultAsync(s => s.Id == scanId, cancellationToken);
        if (scan is null)
        {
            return Result<int>.Fail("", MigrationText.Get("ErrorNoScanToDelete"));
        }
        var shareName = await db.SourceShares.Where(s => s.Id == scan.ShareId).Select(s => s.Name).SingleAsync(cancellationToken);
        db.ShareScans.Remove(scan);
        AuditLog.Record(db, clock, actor, "migration.scan.delete", shareName,
            new { scan.Root, scan.ScannedAt, scan.Files, scan.Bytes, scan.Sha256 }, null);
        await db.SaveChangesAsync(cancellationToken);
        MigrationStorage.Discard(storage.PathOf(scan.StoredName));
        return Result<int>.Ok(scan.ShareId);
    }

    private static object Snapshot(ShareMapping m) => new
    {
        m.SourceFolder,
        TargetKind = m.TargetKind.ToString(),
        m.SiteUrl,
        m.Library,
        m.TargetFolder,
        State = m.State.ToString(),
        m.Note,
    };

    /// <summary>A folder path as stored: '/'-separated, no leading or trailing separator, "" for the share itself.</summary>
    public static string NormaliseFolder(string? folder) =>
        string.Join('/', (folder ?? "").Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Two mappings overlap when one's folder is, or is inside, the other's.</summary>
    public static bool Overlaps(string a, string b) =>
        a.Length == 0 || b.Length == 0 || a == b || a.StartsWith(b + "/", StringComparison.Ordinal) || b.StartsWith(a + "/", StringComparison.Ordinal);

    /// <summary>A share folder for people: "/" for the share itself.</summary>
    public static string Shown(string folder) => folder.Length == 0 ? "/" : folder;
}
