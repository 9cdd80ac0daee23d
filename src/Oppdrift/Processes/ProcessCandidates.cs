// Suggests processes worth moving from what Oppdrift already knows: agencies whose e-mail stays high while Teams and
// sharing stay low (the usage figures, per agency, suppressed as on the usage pages), and folders of department shares
// named like case work (the migration scans). The central team confirms a suggestion, which registers a process in
// state identified, or dismisses it; only the answers are kept, and an answered candidate is not suggested again.
using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Shared;
using Oppdrift.ShareMigration;
using Oppdrift.Usage;

namespace Oppdrift.Processes;

/// <summary>An agency's (or the median's) figures over one window: per person with an e-mail licence, and how many such people.</summary>
public sealed record UsagePattern(double EmailsPerPerson, double TeamsMessagesPerPerson, double FilesSharedPerPerson, double People);

/// <summary>An agency whose e-mail stayed above the municipality's median while Teams and sharing stayed below it, in two windows running.</summary>
public sealed record UsageCandidate(string Key, AgencyRow Agency, UsagePattern Current, UsagePattern Earlier);

/// <summary>A department-share folder named like case work.</summary>
public sealed record FolderCandidate(string Key, AgencyRow Agency, DepartmentFolder Folder, string Keyword)
{
    /// <summary>The folder's own name: the last part of its path.</summary>
    public string FolderName => Folder.Path[(Folder.Path.LastIndexOf('/') + 1)..];
}

public sealed record DecidedCandidate(int Id, string Key, CandidateKind Kind, AgencyRow Agency, string Name, string Reason, CandidateDecision Decision,
    int? ProcessId, string DecidedBy, DateTime DecidedAt);

/// <summary>
/// The suggestions for the agencies a reader sees: the usage window they rest on (its last day and length), the medians
/// of the agencies whose figures are shown, how many agencies were compared and how many had figures hidden.
/// </summary>
public sealed record CandidateList(
    DateOnly? UsageDate,
    int Window,
    UsagePattern? Median,
    UsagePattern? EarlierMedian,
    int AgenciesCompared,
    int AgenciesHidden,
    int MinimumGroupSize,
    IReadOnlyList<UsageCandidate> Usage,
    IReadOnlyList<FolderCandidate> Folders,
    IReadOnlyList<DecidedCandidate> Decided);

public sealed class ProcessCandidates(OppdriftDb db, UsageQueries usage, MigrationQueries migration, ProcessEditor editor, TimeProvider clock)
{
    /// <summary>The window the usage figures are compared over: the usage overview's, and the one before it ("stays").</summary>
    public const int Window = UsageQueries.DefaultWindow;

    /// <summary>Fewer agencies with figures shown than this, and a median says nothing: no usage suggestions.</summary>
    public const int MinAgenciesCompared = 3;

    private static readonly string[] TeamsMessages = ["teams.chatMessages", "teams.channelMessages"];
    private static readonly string[] FilesShared = ["onedrive.sharedInternally", "onedrive.sharedExternally", "sharepoint.sharedInternally", "sharepoint.sharedExternally"];
    private static readonly string[] Licensed = ["exchange.licensed"];

    /// <summary>E-mails sent, Teams messages and files shared per person with an e-mail licence, and those people.</summary>
    public static IReadOnlyList<UsageTableColumn> Columns { get; } =
    [
        new("emailsPerPerson", UsageTableColumnKind.Ratio, ["exchange.sent"], Licensed),
        new("teamsMessagesPerPerson", UsageTableColumnKind.Ratio, TeamsMessages, Licensed),
        new("filesSharedPerPerson", UsageTableColumnKind.Ratio, FilesShared, Licensed),
        UsageTableColumn.Metric("exchange.licensed"),
    ];

    /// <summary>
    /// Words that name case work in Norwegian file shares. Words of five letters or more match anywhere in a folder name
    /// ("Husleiesøknader"); the short ones only at the start of a word, so "årsak" and "kompost" are not taken for cases and mail.
    /// </summary>
    public static IReadOnlyList<string> CaseWords { get; } =
    [
        "saksbehandl", "søknad", "soknad", "klage", "vedtak", "byggesak", "postmottak", "arkiv", "skjema", "timeliste", "faktura", "tilskudd",
        "refusjon", "bestilling", "innsyn", "journal", "sakspapir", "møtebok", "post", "sak",
    ];

    /// <summary>Folder names that hold people's own folders in a department share: nothing at or below them is suggested.</summary>
    public static IReadOnlySet<string> PersonalFolders { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "home", "homes", "hjem", "hjemme", "hjemmeområde", "hjemmeområder", "hjemmekatalog", "hjemmekataloger", "users", "brukere", "personlig",
        "personal", "privat", "private", "ansatte", "profiles", "profiler", "mine dokumenter", "my documents",
    };

    /// <summary>The case word a folder name matches, or null.</summary>
    public static string? CaseWord(string folderName)
    {
        ArgumentNullException.ThrowIfNull(folderName);
        var name = folderName.ToLower(CultureInfo.InvariantCulture);
        var words = new string([.. name.Select(c => char.IsLetterOrDigit(c) ? c : ' ')]).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var word in CaseWords)
        {
            if (word.Length >= 5 ? name.Contains(word, StringComparison.Ordinal) : words.Any(w => w.StartsWith(word, StringComparison.Ordinal)))
            {
                return word;
            }
        }
        return null;
    }

    /// <summary>Whether a path runs through a folder of people's own folders.</summary>
    public static bool IsPersonal(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.Split('/').Any(s => PersonalFolders.Contains(s.Trim().ToLower(CultureInfo.InvariantCulture)));
    }

    /// <summary>The rule: e-mail above the median, Teams messages and files shared below it.</summary>
    public static bool EmailHeavy(UsagePattern agency, UsagePattern median)
    {
        ArgumentNullException.ThrowIfNull(agency);
        ArgumentNullException.ThrowIfNull(median);
        return agency.EmailsPerPerson > median.EmailsPerPerson && agency.TeamsMessagesPerPerson < median.TeamsMessagesPerPerson
            && agency.FilesSharedPerPerson < median.FilesSharedPerPerson;
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return double.NaN;
        }
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    public static string UsageKey(int agencyId) => "usage:" + agencyId.ToString(CultureInfo.InvariantCulture);

    /// <summary>The key of a folder: its share and a hash of its path (paths may be longer than a key column).</summary>
    public static string FolderKey(int shareId, string path) =>
        $"folder:{shareId.ToString(CultureInfo.InvariantCulture)}:{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(path)))[..32]}";

    private static UsagePattern? Pattern(IReadOnlyList<UsageCell> cells) =>
        cells.Count == 4 && cells.All(c => c is { IsSuppressed: false, Value: not null }) && cells[3].Value > 0
            ? new UsagePattern(cells[0].Value!.Value, cells[1].Value!.Value, cells[2].Value!.Value, cells[3].Value!.Value)
            : null;

    private static UsagePattern MedianOf(IReadOnlyList<UsagePattern> patterns) => new(Median(patterns.Select(p => p.EmailsPerPerson)),
        Median(patterns.Select(p => p.TeamsMessagesPerPerson)), Median(patterns.Select(p => p.FilesSharedPerPerson)), Median(patterns.Select(p => p.People)));

    /// <summary>The open suggestions and the answered ones, for the agencies in <paramref name="scope"/> (null: all).</summary>
    public async Task<CandidateList> ListAsync(IReadOnlySet<int>? scope, CancellationToken cancellationToken)
    {
        var scopeIds = scope?.ToList();
        var decided = await db.ProcessCandidates.AsNoTracking().Where(c => scopeIds == null || scopeIds.Contains(c.AgencyId)).ToListAsync(cancellationToken);
        var answered = decided.Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        var agencies = (await new OrganisationDirectory(db).AgenciesAsync(null, cancellationToken)).ToDictionary(a => a.Id);

        // The medians are over every agency whose figures are shown, whatever the reader's scope: they are the
        // municipality's, and each figure behind them is one the usage pages show anyway.
        var table = await usage.TableAsync(Columns, null, Window, null, cancellationToken);
        var now = table.Rows.Select(r => (r.AgencyId, Pattern: Pattern(r.Cells), Earlier: Pattern(r.Earlier))).ToList();
        var compared = now.Where(r => r.Pattern is not null && r.Earlier is not null).ToList();
        var hidden = table.Rows.Count(r => r.Cells.Concat(r.Earlier).Any(c => c.IsSuppressed));
        UsagePattern? median = null, earlierMedian = null;
        var usageCandidates = new List<UsageCandidate>();
        if (compared.Count >= MinAgenciesCompared)
        {
            median = MedianOf([.. compared.Select(r => r.Pattern!)]);
            earlierMedian = MedianOf([.. compared.Select(r => r.Earlier!)]);
            usageCandidates.AddRange(compared
                .Where(r => (scope is null || scope.Contains(r.AgencyId)) && agencies.ContainsKey(r.AgencyId) && !answered.Contains(UsageKey(r.AgencyId))
                    && EmailHeavy(r.Pattern!, median) && EmailHeavy(r.Earlier!, earlierMedian))
                .OrderByDescending(r => r.Pattern!.EmailsPerPerson / Math.Max(median.EmailsPerPerson, 1e-9))
                .Select(r => new UsageCandidate(UsageKey(r.AgencyId), agencies[r.AgencyId], r.Pattern!, r.Earlier!)));
        }

        var folders = new List<FolderCandidate>();
        foreach (var share in (await migration.DepartmentFoldersAsync(scopeIds, cancellationToken)).GroupBy(f => f.ShareId))
        {
            // The topmost folder of a case-like nest stands for it: "Byggesak/Klager" is part of "Byggesak".
            var taken = new List<string>();
            foreach (var folder in share.OrderBy(f => f.Path.Length))
            {
                if (folder.Files == 0 || IsPersonal(folder.Path) || taken.Any(t => folder.Path.StartsWith(t + "/", StringComparison.Ordinal)))
                {
                    continue;
                }
                var name = folder.Path[(folder.Path.LastIndexOf('/') + 1)..];
                if (CaseWord(name) is not { } word)
                {
                    continue;
                }
                taken.Add(folder.Path);
                var key = FolderKey(folder.ShareId, folder.Path);
                if (!answered.Contains(key) && agencies.TryGetValue(folder.AgencyId, out var agency))
                {
                    folders.Add(new FolderCandidate(key, agency, folder, word));
                }
            }
        }
        AgencyRow Agency(int id) => agencies.TryGetValue(id, out var a) ? a : new AgencyRow { Id = id, Code = "?", Name = "?" };
        return new CandidateList(table.Date, Window, median, earlierMedian, compared.Count, hidden, table.MinimumGroupSize, usageCandidates,
            [.. folders.OrderBy(f => f.Agency.Name, OrganisationQueries.NorwegianOrder).ThenByDescending(f => f.Folder.Files)],
            [.. decided.OrderByDescending(c => c.DecidedAt).ThenByDescending(c => c.Id).Select(c => new DecidedCandidate(c.Id, c.Key, c.Kind, Agency(c.AgencyId),
                c.Name, c.Reason, c.Decision, c.ProcessId, c.DecidedBy, c.DecidedAt))]);
    }

    /// <summary>Why an agency is suggested, with its figures and the medians, as shown and as kept with the answer.</summary>
    public static string Reason(UsageCandidate c, CandidateList list)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(list);
        static string N(double v) => v.ToString("N1", CultureInfo.CurrentCulture);
        return ProcessesText.Get("CandidateUsageReason", list.Window, N(c.Current.EmailsPerPerson), N(list.Median!.EmailsPerPerson),
            N(c.Current.TeamsMessagesPerPerson), N(list.Median.TeamsMessagesPerPerson), N(c.Current.FilesSharedPerPerson), N(list.Median.FilesSharedPerPerson),
            c.Current.People.ToString("N0", CultureInfo.CurrentCulture), list.UsageDate?.ToString("d", CultureInfo.CurrentCulture) ?? "");
    }

    public static string Reason(FolderCandidate c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return ProcessesText.Get("CandidateFolderReason", c.Folder.Path, c.Folder.ShareName, c.Keyword, c.Folder.Files.ToString("N0", CultureInfo.CurrentCulture),
            FileSize(c.Folder.Bytes), c.Folder.NewestModified?.ToString("d", CultureInfo.CurrentCulture) ?? "–",
            c.Folder.ScannedAt.ToString("d", CultureInfo.CurrentCulture));
    }

    public static string FileSize(long bytes) => bytes >= 1L << 30
        ? (bytes / (double)(1L << 30)).ToString("N1", CultureInfo.CurrentCulture) + " GB"
        : (bytes / (double)(1L << 20)).ToString("N1", CultureInfo.CurrentCulture) + " MB";

    private sealed record Found(string Key, CandidateKind Kind, AgencyRow Agency, string Name, string Reason, ProcessInput Input);

    /// <summary>The open candidate with this key among those the user sees, with what its process would be registered as.</summary>
    private async Task<Found?> FindAsync(string key, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var list = await ListAsync(user.AgencyScope(), cancellationToken);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (list.Usage.FirstOrDefault(c => c.Key == key) is { } u)
        {
            var reason = Reason(u, list);
            return new Found(key, CandidateKind.Usage, u.Agency, ProcessesText.Get("CandidateUsageName", u.Agency.Name), reason, new ProcessInput
            {
                Name = Cut(ProcessesText.Get("CandidateUsageName", u.Agency.Name), ProcessLengths.Name),
                Description = Cut(reason, ProcessLengths.Description),
                OwnerAgencyId = u.Agency.Id,
                ContactPerson = user.ActorName(),
                CurrentWay = WorkingWay.EmailAttachments,
                Target = ProcessTarget.SharePointLibrary,
                VolumePerYear = 0,
                VolumeUnit = VolumeUnit.Cases,
                RegisteredOn = today,
            });
        }
        if (list.Folders.FirstOrDefault(c => c.Key == key) is { } f)
        {
            var reason = Reason(f);
            var name = Cut(ProcessesText.Get("CandidateFolderName", f.FolderName, f.Folder.ShareName), ProcessLengths.Name);
            return new Found(key, CandidateKind.Folder, f.Agency, Cut(f.Folder.ShareName + "/" + f.Folder.Path, ProcessLengths.Name), reason, new ProcessInput
            {
                Name = name,
                Description = Cut(reason, ProcessLengths.Description),
                OwnerAgencyId = f.Agency.Id,
                ContactPerson = user.ActorName(),
                CurrentWay = WorkingWay.FileShare,
                Target = ProcessTarget.SharePointLibrary,
                VolumePerYear = 0,
                VolumeUnit = VolumeUnit.Cases,
                RegisteredOn = today,
            });
        }
        return null;
    }

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    /// <summary>
    /// Registers the candidate as a process in state identified, prefilled from it, and keeps the answer linked to the
    /// process, in one transaction. Only the central team answers; a candidate already answered, or not among those
    /// the user sees, is refused.
    /// </summary>
    public Task<Result<int>> ConfirmAsync(string key, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        DecideAsync(key, CandidateDecision.Confirmed, user, cancellationToken);

    /// <summary>Keeps the candidate as dismissed, with who and when, so it is not suggested again.</summary>
    public Task<Result<int>> DismissAsync(string key, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        DecideAsync(key, CandidateDecision.Dismissed, user, cancellationToken);

    private async Task<Result<int>> DecideAsync(string key, CandidateDecision decision, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!ProcessAccess.IsCentral(user))
        {
            return Result<int>.Fail("key", ProcessesText.Get("ErrorCandidateNotAllowed"));
        }
        if (string.IsNullOrEmpty(key) || await FindAsync(key, user, cancellationToken) is not { } found)
        {
            return Result<int>.Fail("key", ProcessesText.Get("ErrorCandidateGone"));
        }
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (await db.ProcessCandidates.AnyAsync(c => c.Key == key, cancellationToken))
            {
                return Result<int>.Fail("key", ProcessesText.Get("ErrorCandidateGone"));
            }
            int? processId = null;
            if (decision == CandidateDecision.Confirmed)
            {
                var saved = await editor.SaveAsync(null, found.Input, user, cancellationToken);
                if (!saved.Succeeded)
                {
                    return Result<int>.Fail(saved.Field!, saved.Error!);
                }
                processId = saved.Value!.Id;
            }
            var candidate = new ProcessCandidate
            {
                Key = key,
                Kind = found.Kind,
                AgencyId = found.Agency.Id,
                Name = Cut(found.Name, ProcessLengths.Name),
                Reason = Cut(found.Reason, ProcessLengths.Description),
                Decision = decision,
                ProcessId = processId,
                DecidedBy = user.ActorName(),
                DecidedAt = clock.GetUtcNow().UtcDateTime,
            };
            db.ProcessCandidates.Add(candidate);
            AuditLog.Record(db, clock, user.ActorName(), decision == CandidateDecision.Confirmed ? "processes.candidates.confirm" : "processes.candidates.dismiss",
                candidate.Name, null, new { candidate.Key, Kind = candidate.Kind.ToString(), candidate.AgencyId, candidate.Reason, candidate.ProcessId });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Two answers at once: the unique key lets one through; the other saves nothing.
                db.ChangeTracker.Clear();
                return Result<int>.Fail("key", ProcessesText.Get("ErrorCandidateGone"));
            }
            await transaction.CommitAsync(cancellationToken);
            return Result<int>.Ok(candidate.Id);
        });
    }

    /// <summary>The answer a process came from, if it was confirmed from a candidate (for the process page).</summary>
    public static async Task<DecidedCandidate?> OriginAsync(OppdriftDb db, int processId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var c = await db.ProcessCandidates.AsNoTracking().FirstOrDefaultAsync(c => c.ProcessId == processId, cancellationToken);
        if (c is null)
        {
            return null;
        }
        var agency = await new OrganisationDirectory(db).AgencyAsync(c.AgencyId, cancellationToken) ?? new AgencyRow { Id = c.AgencyId, Code = "?", Name = "?" };
        return new DecidedCandidate(c.Id, c.Key, c.Kind, agency, c.Name, c.Reason, c.Decision, c.ProcessId, c.DecidedBy, c.DecidedAt);
    }
}
