// The checks that depend on where a share folder goes: the 400-character path rule counted with the chosen site,
// library and folder; a folder named "forms" at a library's root; and the library and OneDrive item limits.
namespace Oppdrift.ShareMigration;

/// <summary>The outcome of checking one mapping against the folder profile of the share's latest scan.</summary>
public sealed record TargetCheckResult(
    string TargetPath,
    int TargetLength,
    long PathsTooLong,
    int LongestPath,
    long NameBlockers,
    bool FormsAtRoot,
    bool TargetTooLong,
    long Items,
    long Files,
    long MaxFolderItems)
{
    public bool OverFolderView => MaxFolderItems > SharePointRules.FolderViewThreshold;

    public bool OverPermissionLimit => Items > SharePointRules.UniquePermissionItemLimit;

    public bool OverLibraryLimit => Items > SharePointRules.LibraryItemLimit;

    public bool OverOneDriveSync { get; init; }

    /// <summary>Items that will not arrive as they are: over-long paths, bad names, a forms folder at the root.</summary>
    public long Blockers => PathsTooLong + NameBlockers + (FormsAtRoot ? 1 : 0) + (OverLibraryLimit ? 1 : 0) + (TargetTooLong ? 1 : 0);

    public bool Ready => Blockers == 0;
}

public static class TargetCheck
{
    /// <summary>
    /// The decoded server-relative path a mapping writes into: the site's path, the library, the folder in it.
    /// "https://x.sharepoint.com/sites/hr" + "Shared Documents" + "Arkiv" gives "/sites/hr/Shared Documents/Arkiv".
    /// </summary>
    public static string TargetPath(string siteUrl, string library, string targetFolder)
    {
        var site = NameRules.TrimmedTarget(siteUrl ?? "");
        var parts = new List<string> { site.TrimEnd('/') };
        parts.AddRange(Segments(library));
        parts.AddRange(Segments(targetFolder));
        return string.Join('/', parts);
    }

    private static string[] Segments(string? path) =>
        (path ?? "").Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Checks a folder's profile against a target.</summary>
    public static TargetCheckResult Check(FolderProfile folder, TargetKind kind, string siteUrl, string library, string targetFolder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var target = TargetPath(siteUrl, library, targetFolder);
        var targetLength = target.Length;
        long tooLong = 0;
        var longest = 0;
        foreach (var (relative, count) in folder.Lengths)
        {
            var full = NameRules.TargetPathLength(target, relative);
            longest = Math.Max(longest, full);
            if (full > SharePointRules.MaxPathLength)
            {
                tooLong += count;
            }
        }
        var atRoot = Segments(targetFolder).Length == 0;
        var items = folder.Files + folder.Folders;
        return new TargetCheckResult(target, targetLength, tooLong, Math.Max(longest, targetLength), folder.NameBlockers, atRoot && folder.HasFormsFolder,
            targetLength > ShareProfile.MaxTargetLength, items, folder.Files, folder.MaxFolderItems)
        {
            OverOneDriveSync = kind == TargetKind.OneDrive && folder.Files > SharePointRules.OneDriveSyncRecommendation,
        };
    }
}
