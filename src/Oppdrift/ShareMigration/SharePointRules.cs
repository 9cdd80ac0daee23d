using System.Runtime.CompilerServices;
namespace Oppdrift.ShareMigration;

/// <summary>
/// Everything the scanner reports: SharePoint Online's rules, clean-up hints and what got in the way of the scan itself.
/// Inventories store the number, so a new kind goes at the end.
/// </summary>
public enum FindingKind
{
    InvalidCharacter,
    LeadingSpace,
    TrailingSpace,
    TrailingPeriod,
    ReservedName,
    OfficeOwnerFile,
    VtiInName,
    FormsAtLibraryRoot,
    ConnectedFilesFolder,
    PathTooLong,
    SegmentTooLong,
    FileTooLarge,
    ZeroByteFile,
    Shortcut,
    FolderViewThreshold,
    LibraryPermissionLimit,
    LibraryItemLimit,
    OneDriveSyncLimit,
    NotUtf8Name,
    SymbolicLink,
    SpecialFile,
    PermissionDenied,
    Vanished,
    ReadError,
    FolderLoop,
    ControlCharacter,
}

public enum FindingSeverity
{
    /// <summary>The item will not arrive as it is: the migration tools refuse or fail it.</summary>
    Blocker,

    /// <summary>The item arrives, but is skipped, degraded or makes the library hard to use.</summary>
    Warning,

    /// <summary>The scanner could not see everything here; the inventory is incomplete at this place.</summary>
    ScanProblem,
}

/// <summary>One rule, where it comes from and when it was last checked against its source.</summary>
public sealed record MigrationRule(FindingKind Kind, FindingSeverity Severity, string Rule, string Source, DateOnly Checked);

/// <summary>
/// SharePoint Online's and OneDrive's restrictions as one table, so a change at Microsoft is one edit here
/// (and in ShareMigration/README.md, which mirrors it). Limits are the documented values on the date checked.
/// </summary>
public static class SharePointRules
{
    public const string InvalidNamesUrl = "https://support.microsoft.com/en-us/office/restrictions-and-limitations-in-onedrive-and-sharepoint-64883a5d-228e-48f5-b3d2-eb39e07630fa";
    public const string LimitsUrl = "https://learn.microsoft.com/en-us/office365/servicedescriptions/sharepoint-online-service-description/sharepoint-online-limits";
    public const string ListViewThresholdUrl = "https://support.microsoft.com/en-us/office/manage-large-lists-and-libraries-b8588dae-9387-48c2-9248-c24122f07c59";
    public const string MigrationToolUrl = "https://learn.microsoft.com/en-us/sharepointmigration/sharepoint-migration-supported-limits";
    public const string ScannerUrl = "src/Oppdrift/ShareMigration/README.md (the scanner's own findings)";

    /// <summary>Windows' naming rules, which the migration tools meet: they run on Windows and read the share through it.</summary>
    public const string WindowsNamesUrl = "https://learn.microsoft.com/en-us/windows/win32/fileio/naming-a-file";

    public static readonly DateOnly Checked = new(2026, 11, 26);

    /// <summary>The decoded server-relative path, counted in UTF-16 code units, site and library included.</summary>
    public const int MaxPathLength = 400;

    /// <summary>One file or folder name.</summary>
    public const int MaxSegmentLength = 255;

    public const long MaxFileBytes = 250L * 1024 * 1024 * 1024;
    public const int FolderViewThreshold = 5_000;
    public const int UniquePermissionItemLimit = 100_000;
    public const int LibraryItemLimit = 30_000_000;
    public const int OneDriveSyncRecommendation = 300_000;

    /// <summary>Characters SharePoint Online and OneDrive refuse in names.</summary>
    public const string InvalidCharacters = "\"*:<>?/\\|";

    /// <summary>
    /// Control characters, which Windows refuses in names (U+0001–U+001F; U+0000 ends a name anywhere). U+007F (DEL) is
    /// allowed there but invisible everywhere and in a name only by mistake, so the scanner treats it the same.
    /// </summary>
    public static bool IsControlCharacter(char c) => c < ' ' || c == '\x7F';

    /// <summary>Names refused whatever the extension (CON.txt is refused as well as CON).</summary>
    public static readonly IReadOnlyList<string> ReservedDeviceNames =
    [
        "CON", "PRN", "AUX", "NUL",
        "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    ];

    /// <summary>Whole names refused as they are.</summary>
    public static readonly IReadOnlyList<string> ReservedNames = [".lock", "desktop.ini"];

    /// <summary>
    /// Endings of the folders Office creates beside a web page saved as "web page, complete" ("connected files"),
    /// in the languages Office ships, which SharePoint refuses as folder names.
    /// </summary>
    public static readonly IReadOnlyList<string> ConnectedFilesSuffixes =
    [
        "_files", "_file", "-Dateien", "_fichiers", "_bestanden", "_archivos", "_arquivos", "-filer", "_filer", "_tiedostot",
        "_pliki", "_soubory", "_elemei", "_ficheiros", "_dosyalar", "_datoteke", "_fitxers", "_failid", "_fails", "_bylos",
        "_fajlovi", "_fitxategiak", ".files",
    ];

    /// <summary>Extensions of shortcuts, which the migration tools skip.</summary>
    public static readonly IReadOnlyList<string> ShortcutExtensions = [".lnk", ".url"];

    public static readonly IReadOnlyList<MigrationRule> All =
    [
        new(FindingKind.InvalidCharacter, FindingSeverity.Blocker, "Names must not contain \" * : < > ? / \\ |", InvalidNamesUrl, Checked),
        new(FindingKind.LeadingSpace, FindingSeverity.Blocker, "Names must not start with a space", InvalidNamesUrl, Checked),
        new(FindingKind.TrailingSpace, FindingSeverity.Blocker, "Names must not end with a space", InvalidNamesUrl, Checked),
        new(FindingKind.TrailingPeriod, FindingSeverity.Blocker, "Names must not end with a period", InvalidNamesUrl, Checked),
        new(FindingKind.ReservedName, FindingSeverity.Blocker, ".lock, CON, PRN, AUX, NUL, COM0–COM9, LPT0–LPT9 and desktop.ini are not allowed", InvalidNamesUrl, Checked),
        new(FindingKind.OfficeOwnerFile, FindingSeverity.Blocker, "Names must not start with ~$", InvalidNamesUrl, Checked),
        new(FindingKind.VtiInName, FindingSeverity.Blocker, "_vti_ must not appear anywhere in a name", InvalidNamesUrl, Checked),
        new(FindingKind.FormsAtLibraryRoot, FindingSeverity.Blocker, "A folder named forms is not allowed at a library's root", InvalidNamesUrl, Checked),
        new(FindingKind.ConnectedFilesFolder, FindingSeverity.Blocker, "Folder names ending in _files or _file (and their localised forms) are not allowed", InvalidNamesUrl, Checked),
        new(FindingKind.PathTooLong, FindingSeverity.Blocker, "The decoded server-relative path, site and library included, is at most 400 characters", InvalidNamesUrl, Checked),
        new(FindingKind.SegmentTooLong, FindingSeverity.Blocker, "A file or folder name is at most 255 characters", MigrationToolUrl, Checked),
        new(FindingKind.FileTooLarge, FindingSeverity.Blocker, "A file is at most 250 GB", LimitsUrl, Checked),
        new(FindingKind.ZeroByteFile, FindingSeverity.Warning, "Empty files are skipped by the migration tools", MigrationToolUrl, Checked),
        new(FindingKind.Shortcut, FindingSeverity.Warning, "Shortcuts (.lnk, .url) are skipped by the migration tools", MigrationToolUrl, Checked),
        new(FindingKind.FolderViewThreshold, FindingSeverity.Warning, "More than 5,000 items in one folder exceed the list view threshold", ListViewThresholdUrl, Checked),
        new(FindingKind.LibraryPermissionLimit, FindingSeverity.Warning, "Above 100,000 items a library's permissions can no longer be broken or changed", LimitsUrl, Checked),
        new(FindingKind.LibraryItemLimit, FindingSeverity.Blocker, "A library holds at most 30 million items", LimitsUrl, Checked),
        new(FindingKind.OneDriveSyncLimit, FindingSeverity.Warning, "Syncing more than 300,000 files with OneDrive is not recommended", InvalidNamesUrl, Checked),
        new(FindingKind.NotUtf8Name, FindingSeverity.Blocker, "The name is not valid UTF-8 and cannot be carried over as it is", ScannerUrl, Checked),
        new(FindingKind.SymbolicLink, FindingSeverity.Warning, "Symbolic links are not followed and are not migrated", MigrationToolUrl, Checked),
        new(FindingKind.SpecialFile, FindingSeverity.Warning, "Sockets, pipes and devices are not files and are not migrated", ScannerUrl, Checked),
        new(FindingKind.PermissionDenied, FindingSeverity.ScanProblem, "The scanner was refused access", ScannerUrl, Checked),
        new(FindingKind.Vanished, FindingSeverity.ScanProblem, "The item disappeared while it was being scanned", ScannerUrl, Checked),
        new(FindingKind.ReadError, FindingSeverity.ScanProblem, "The item could not be read", ScannerUrl, Checked),
        new(FindingKind.FolderLoop, FindingSeverity.ScanProblem, "The folder is one of its own ancestors (a bind mount or junction loop)", ScannerUrl, Checked),
        new(FindingKind.ControlCharacter, FindingSeverity.Blocker, "Names must not contain control characters (U+0000–U+001F, and U+007F)", WindowsNamesUrl, Checked),
    ];

    public static MigrationRule For(FindingKind kind) => All[(int)kind];
}

/// <summary>A set of findings on one name, as bits, so checking millions of names allocates nothing.</summary>
public readonly record struct FindingSet(ulong Bits)
{
    public static readonly FindingSet None = new(0);

    public bool IsEmpty => Bits == 0;

    public bool Contains(FindingKind kind) => (Bits & (1UL << (int)kind)) != 0;

    public FindingSet With(FindingKind kind) => new(Bits | (1UL << (int)kind));

    public IEnumerable<FindingKind> Kinds()
    {
        for (var i = 0; i < 64; i++)
        {
            if ((Bits & (1UL << i)) != 0)
            {
                yield return (FindingKind)i;
            }
        }
    }
}

/// <summary>The checks on one name and one path, as pure functions.</summary>
public static class NameRules
{
    private static readonly System.Buffers.SearchValues<char> Invalid = System.Buffers.SearchValues.Create(SharePointRules.InvalidCharacters);
    private static readonly System.Buffers.SearchValues<char> Controls =
        System.Buffers.SearchValues.Create([.. Enumerable.Range(0, 0x20).Select(c => (char)c), '\x7F']);

    // Arrays, not the public lists: a foreach over an interface allocates an enumerator, and this runs for every name.
    private static readonly string[] Reserved = [.. SharePointRules.ReservedNames];
    private static readonly string[] Devices = [.. SharePointRules.ReservedDeviceNames];
    private static readonly int LongestDevice = Devices.Max(d => d.Length);
    private static readonly string[] ConnectedSuffixes = [.. SharePointRules.ConnectedFilesSuffixes];
    private static readonly string[] Shortcuts = [.. SharePointRules.ShortcutExtensions];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static FindingSet CheckName(ReadOnlySpan<char> name, bool isFolder, bool atLibraryRoot)
    {
        var found = FindingSet.None;
        if (name.IndexOfAny(Invalid) >= 0)
        {
            found = found.With(FindingKind.InvalidCharacter);
        }
        if (name.IndexOfAny(Controls) >= 0)
        {
            found = found.With(FindingKind.ControlCharacter);
        }
        if (name.Length > 0 && name[0] == ' ')
        {
            found = found.With(FindingKind.LeadingSpace);
        }
        if (name.Length > 0 && name[^1] == ' ')
        {
            found = found.With(FindingKind.TrailingSpace);
        }
        if (name.Length > 0 && name[^1] == '.')
        {
            found = found.With(FindingKind.TrailingPeriod);
        }
        if (IsReserved(name))
        {
            found = found.With(FindingKind.ReservedName);
        }
        if (name.StartsWith("~$", StringComparison.Ordinal))
        {
            found = found.With(FindingKind.OfficeOwnerFile);
        }
        if (name.Contains("_vti_", StringComparison.OrdinalIgnoreCase))
        {
            found = found.With(FindingKind.VtiInName);
        }
        if (isFolder && atLibraryRoot && name.Equals("forms", StringComparison.OrdinalIgnoreCase))
        {
            found = found.With(FindingKind.FormsAtLibraryRoot);
        }
        if (isFolder && EndsWithConnectedFilesSuffix(name))
        {
            found = found.With(FindingKind.ConnectedFilesFolder);
        }
        if (name.Length > SharePointRules.MaxSegmentLength)
        {
            found = found.With(FindingKind.SegmentTooLong);
        }
        if (!isFolder && IsShortcut(name))
        {
            found = found.With(FindingKind.Shortcut);
        }
        return found;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool IsReserved(ReadOnlySpan<char> name)
    {
        foreach (var reserved in Reserved)
        {
            if (name.Equals(reserved, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        // Device names are refused with any extension too: "CON.txt", "com1.docx".
        var dot = name.IndexOf('.');
        var stem = dot < 0 ? name : name[..dot];
        if (stem.Length > LongestDevice)
        {
            return false;
        }
        foreach (var device in Devices)
        {
            if (stem.Equals(device, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool EndsWithConnectedFilesSuffix(ReadOnlySpan<char> name)
    {
        foreach (var suffix in ConnectedSuffixes)
        {
            if (name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool IsShortcut(ReadOnlySpan<char> name)
    {
        foreach (var extension in Shortcuts)
        {
            if (name.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The length SharePoint checks against 400: the decoded server-relative path of the target, e.g.
    /// "/sites/hr/Shared Documents" + "/" + the path below the mapped share folder, in UTF-16 code units.
    /// </summary>
    public static int TargetPathLength(string targetLibraryPath, int relativePathLength) =>
        TrimmedTarget(targetLibraryPath).Length + (relativePathLength > 0 ? 1 + relativePathLength : 0);

    /// <summary>The server-relative library path a mapping names, with a leading and no trailing slash.</summary>
    public static string TrimmedTarget(string targetLibraryPath)
    {
        var trimmed = targetLibraryPath.Trim().TrimEnd('/');
        if (Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            trimmed = Uri.UnescapeDataString(uri.AbsolutePath).TrimEnd('/');
        }
        return trimmed.StartsWith('/') ? trimmed : "/" + trimmed;
    }
}

/// <summary>Proposals for names that break the rules. Nothing here touches a file: the result is a suggestion or a line in a rename plan.</summary>
public static class NameFixes
{
    /// <summary>A name that passes every name rule, as close to the original as possible; the original when it passes already.</summary>
    public static string SafeName(string name, bool isFolder, bool atLibraryRoot)
    {
        var found = NameRules.CheckName(name, isFolder, atLibraryRoot);
        if (found.IsEmpty || (found.Bits & ~(1UL << (int)FindingKind.Shortcut)) == 0)
        {
            return name;
        }
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (SharePointRules.InvalidCharacters.Contains(chars[i], StringComparison.Ordinal))
            {
                chars[i] = '_';
            }
            else if (SharePointRules.IsControlCharacter(chars[i]))
            {
                // A tab or line break most likely stood between words; other control characters are replaced as invalid ones are.
                chars[i] = chars[i] is '\t' or '\n' or '\v' or '\f' or '\r' ? ' ' : '_';
            }
        }
        var fixedName = new string(chars).Trim(' ').TrimEnd('.', ' ');
        if (fixedName.StartsWith("~$", StringComparison.Ordinal))
        {
            fixedName = "~_" + fixedName[2..];
        }
        fixedName = fixedName.Replace("_vti_", "_vti-", StringComparison.OrdinalIgnoreCase);
        if (fixedName.Length == 0)
        {
            fixedName = "_";
        }
        if (NameRules.IsReserved(fixedName))
        {
            var dot = fixedName.IndexOf('.', StringComparison.Ordinal);
            fixedName = dot < 0 ? fixedName + "_" : fixedName[..dot] + "_" + fixedName[dot..];
        }
        if (isFolder && atLibraryRoot && fixedName.Equals("forms", StringComparison.OrdinalIgnoreCase))
        {
            fixedName += " (1)";
        }
        if (isFolder && NameRules.EndsWithConnectedFilesSuffix(fixedName))
        {
            fixedName += "-1";
        }
        if (fixedName.Length > SharePointRules.MaxSegmentLength)
        {
            var extension = isFolder ? "" : Path.GetExtension(fixedName);
            if (extension.Length > 16)
            {
                extension = "";
            }
            fixedName = fixedName[..(SharePointRules.MaxSegmentLength - extension.Length)].TrimEnd(' ', '.') + extension;
        }
        return fixedName;
    }

    /// <summary>
    /// The proposed name for a name as the file system holds it: each run of bytes that are not UTF-8 becomes one '_',
    /// then <see cref="SafeName"/> applies every rule (control characters included).
    /// </summary>
    public static string ProposedName(ReadOnlySpan<byte> name, bool isFolder, bool atLibraryRoot)
    {
        var text = new System.Text.StringBuilder(name.Length);
        var inBadRun = false;
        while (!name.IsEmpty)
        {
            if (System.Text.Rune.DecodeFromUtf8(name, out var rune, out var consumed) == System.Buffers.OperationStatus.Done)
            {
                text.Append(rune.ToString());
                inBadRun = false;
            }
            else if (!inBadRun)
            {
                text.Append('_');
                inBadRun = true;
            }
            name = name[consumed..];
        }
        return SafeName(text.ToString(), isFolder, atLibraryRoot);
    }
}
