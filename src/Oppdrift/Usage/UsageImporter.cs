// Imports usage reports: each report for one date lands whole or not at all, replaces what an earlier import of the
// same report and date wrote, and is skipped when the same bytes are already in. Per-person rows are pseudonymised
// before they are written and kept only within the retention; the figures per agency are kept for years.
using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Oppdrift.Data;
using Oppdrift.Shared;
using Oppdrift.Shared.Privacy;

namespace Oppdrift.Usage;

public sealed record UsageImportRequest
{
    public required string Actor { get; init; }
    public UsageSourceKind Source { get; init; } = UsageSourceKind.File;

    /// <summary>The report the command is for; a file of another report is rejected.</summary>
    public UsageReportType? ExpectedReport { get; init; }

    /// <summary>The date asked for (the Graph pull's date=); rows with another Report Refresh Date are rejected.</summary>
    public DateOnly? ExpectedDate { get; init; }

    /// <summary>The period in days when the file does not say (getOffice365ActiveUserDetail has no Report Period column).</summary>
    public int? Period { get; init; }
}

public sealed record UsageImportProgress(int SourcesDone, int SourcesTotal, long Rows, string? Current);

/// <summary>The outcome of one report: its import record, and the errors that rejected it or the warnings it passed with.</summary>
public sealed record UsageFileResult(UsageImport Import, IReadOnlyList<InputError> Errors, IReadOnlyList<string> Warnings);

public sealed record UsageImportResult(IReadOnlyList<UsageFileResult> Files)
{
    public int Succeeded => Files.Count(f => f.Import.Status == UsageImportStatus.Succeeded);
    public int Unchanged => Files.Count(f => f.Import.Status == UsageImportStatus.Unchanged);
    public int Failed => Files.Count(f => f.Import.Status == UsageImportStatus.Failed);
    public long Rows => Files.Sum(f => (long)f.Import.Rows);
}

public sealed partial class UsageImporter(OppdriftDb db, Pseudonymiser pseudonymiser, UsageOptions options, TimeProvider clock, ILogger<UsageImporter> logger)
{
    // The earlier days a day's "returning" needs are held here while a batch runs, so a year imported in date order
    // never reads back rows it has just written (or, beyond the retention, never wrote).
    private readonly Dictionary<(UsageWorkload, int), int[]> _snapshots = [];
    private UsagePeople? _people;
    private DateOnly _today;

    public async Task<UsageImportResult> ImportAsync(IReadOnlyList<UsageSource> sources, UsageImportRequest request,
        IProgress<UsageImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(request);
        using var run = OppdriftTelemetry.Start("oppdrift.usage.import");
        run.Activity?.SetTag("oppdrift.usage.files", sources.Count);
        // Snapshots are indexed by the slots of one UsagePeople; a second import on this instance starts both afresh.
        _snapshots.Clear();
        _people = await UsagePeople.LoadAsync(db, pseudonymiser, cancellationToken);
        _today = options.Today(clock);
        var ordered = sources.Count > 1 ? await OrderByDateAsync(sources, cancellationToken) : sources;
        var results = new List<UsageFileResult>(ordered.Count);
        long rows = 0;
        // Reports are read and aggregated ahead on the other cores while the one database connection writes them in
        // date order: reading is the CPU-bound part, and each day's "returning" needs the day before it written first.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var ahead = new Queue<Task<ParsedReport>>();
        var next = 0;
        void ReadAhead()
        {
            while (ahead.Count < Math.Max(2, Environment.ProcessorCount) && next < ordered.Count)
            {
                var source = ordered[next++];
                ahead.Enqueue(Task.Run(() => ParseAsync(source, request, stop.Token), stop.Token));
            }
        }
        try
        {
            ReadAhead();
            while (ahead.Count > 0)
            {
                var waiting = Stopwatch.GetTimestamp();
                var parsed = await ahead.Dequeue();
                var waited = Stopwatch.GetElapsedTime(waiting);
                ReadAhead();
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new UsageImportProgress(results.Count, ordered.Count, rows, parsed.Import.Name));
                var writing = Stopwatch.GetTimestamp();
                var result = await WriteAsync(parsed, cancellationToken);
                LogTimes(logger, parsed.Import.Report, parsed.Import.ReportDate, parsed.ReadTime.TotalMilliseconds, waited.TotalMilliseconds,
                    Stopwatch.GetElapsedTime(writing).TotalMilliseconds);
                rows += result.Import.Rows;
                results.Add(result);
            }
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var task in ahead)
            {
                try
                {
                    await task;
                }
                catch (OperationCanceledException)
                {
                    // Stopped because this import stopped.
                }
            }
        }
        await PruneAsync(cancellationToken);
        progress?.Report(new UsageImportProgress(results.Count, ordered.Count, rows, null));
        OppdriftTelemetry.RowsImported(rows);
        run.Activity?.SetTag("oppdrift.usage.rows", rows);
        run.Succeeded();
        return new UsageImportResult(results);
    }

    /// <summary>Deletes per-person rows older than the retention; figures stay.</summary>
    public Task<int> PruneAsync(CancellationToken cancellationToken = default) => UsageRetentionJob.PruneAsync(db, options, clock, cancellationToken);

    private DateOnly RetentionFloor() => UsageRetentionJob.RetentionFloor(options, clock);

    // Reports are imported oldest first so each day finds the days before it; a file that cannot even be opened
    // sorts first and fails on its own.
    private static async Task<IReadOnlyList<UsageSource>> OrderByDateAsync(IReadOnlyList<UsageSource> sources, CancellationToken cancellationToken)
    {
        // A year is thousands of files, each opened and its first row read: on all cores, or the others wait idle.
        var keyed = new (UsageSource Source, int Day, string Report, int Index)[sources.Count];
        await Parallel.ForAsync(0, sources.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var (report, date) = await PeekAsync(sources[i], token);
                keyed[i] = (sources[i], date?.DayNumber ?? int.MinValue, report ?? "", i);
            });
        return [.. keyed.OrderBy(k => k.Day).ThenBy(k => k.Report, StringComparer.Ordinal).ThenBy(k => k.Index).Select(k => k.Source)];
    }

    private static async Task<(string? Report, DateOnly? Date)> PeekAsync(UsageSource source, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await source.Open(cancellationToken);
            using var reader = UsageReportReader.Open(stream, source.Name, new UsageReadOptions { MaxErrors = 1 });
            var row = reader.Read();
            return (reader.Report?.Name, row is null ? null : reader.RefreshDate);
        }
        catch (IOException)
        {
            return (null, null);
        }
        catch (UnauthorizedAccessException)
        {
            return (null, null);
        }
    }

    /// <summary>One report read and aggregated, not yet written: the figures, or the errors that reject it.</summary>
    private sealed record ParsedReport(UsageImport Import, UsageReportFigures? Figures, List<InputError> Errors, List<string> Warnings)
    {
        public TimeSpan ReadTime { get; init; }
    }

    private async Task<ParsedReport> ParseAsync(UsageSource source, UsageImportRequest request, CancellationToken cancellationToken)
    {
        var people = _people!;
        var import = new UsageImport
        {
            Report = request.ExpectedReport?.Name ?? "",
            Name = Shorten(source.Name),
            Sha256 = "",
            ImportedBy = request.Actor,
            Source = request.Source,
            StartedAt = clock.GetUtcNow().UtcDateTime,
            Status = UsageImportStatus.Running,
        };
        var started = Stopwatch.GetTimestamp();
        var errors = new List<InputError>();
        var warnings = new List<string>();
        UsageAggregator? aggregator = null;
        int? period = request.Period;
        try
        {
            await using var opened = await source.Open(cancellationToken);
            var hashing = new HashingStream(opened);
            var readOptions = new UsageReadOptions
            {
                ExpectedReport = request.ExpectedReport,
                ExpectedRefreshDate = request.ExpectedDate,
                Today = _today,
                TimeZone = options.TimeZone.Id,
            };
            using (var reader = UsageReportReader.Open(hashing, source.Name, readOptions))
            {
                var periodColumn = reader.Report?.IndexOf(UsageReportCatalogue.ReportPeriod) ?? -1;
                var userColumn = reader.Report?.UserColumn is { } user ? reader.Report.IndexOf(user) : -1;
                var repeats = 0;
                var row = new UsageRecord();
                while (reader.Read(row))
                {
                    if (aggregator is null)
                    {
                        period ??= periodColumn >= 0 ? row.GetPeriod(periodColumn) : null;
                        aggregator = new UsageAggregator(reader.Report!, reader.RefreshDate!.Value, period ?? 1, people);
                    }
                    else if (periodColumn >= 0 && row.GetPeriod(periodColumn) is { } p && p != aggregator.Figures.Period)
                    {
                        errors.Add(new InputError(source.Name, row.Line, null, UsageReportCatalogue.ReportPeriod,
                            UsageText.Get("UsageErrorMixedPeriods", p, aggregator.Figures.Period)));
                        break;
                    }
                    if (!aggregator.TryAdd(row, out var earlierLine))
                    {
                        // Named as the file has it (a concealed name is the file's 32-hex value), with both lines.
                        errors.Add(reader.ErrorAt(row.Line, userColumn, UsageText.Get("UsageErrorRepeatedUser", row.User, earlierLine)));
                        if (++repeats >= readOptions.MaxErrors)
                        {
                            errors.Add(new InputError(source.Name, row.Line, null, null, UsageText.Get("UsageErrorTooMany", readOptions.MaxErrors)));
                            break;
                        }
                    }
                    if ((aggregator.Figures.Rows & 0x3FFF) == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                    }
                }
                errors.InsertRange(0, reader.Errors);
                warnings.AddRange(reader.Warnings);
                import.Report = reader.Report?.Name ?? import.Report;
                import.Concealment = reader.Concealment;
                import.Skipped = reader.UnknownUsersSkipped;
            }
            // Read to the end so the hash covers the whole file even when the reader stopped early.
            await hashing.CopyToAsync(Stream.Null, cancellationToken);
            import.Sha256 = hashing.HashHex();
            import.Bytes = hashing.Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add(new InputError(source.Name, 0, null, null, UsageText.Get("UsageErrorCannotRead", ex.Message)));
        }
        if (errors.Count == 0 && aggregator is null)
        {
            errors.Add(new InputError(source.Name, 2, null, null, UsageText.Get("UsageErrorNoRows")));
        }
        // Finished either way, so a refused report gives back the name table and buffers it borrowed.
        var figures = aggregator?.Finish();
        return new ParsedReport(import, errors.Count == 0 ? figures : null, errors, warnings)
        {
            ReadTime = Stopwatch.GetElapsedTime(started),
        };
    }

    private async Task<UsageFileResult> WriteAsync(ParsedReport parsed, CancellationToken cancellationToken)
    {
        var (import, figures, errors, warnings) = parsed;
        if (figures is null)
        {
            return await FailAsync(import, errors, warnings, cancellationToken);
        }

        import.ReportDate = figures.Date;
        import.Period = figures.FigurePeriod;
        import.Rows = figures.Rows;
        import.Matched = figures.Matched;
        import.Unmatched = figures.Unmatched;
        import.Skipped += figures.Skipped;
        if (figures.Unmatched > 0 && import.Concealment != UsageConcealment.Concealed)
        {
            warnings.Add(UsageText.Get("UsageWarningUnmatched", figures.Unmatched));
        }
        else if (figures.Unmatched > 0)
        {
            warnings.Add(UsageText.Get("UsageWarningConcealedUnmatched", figures.Unmatched, figures.Matched));
        }

        var current = await db.UsageImports.AsNoTracking()
            .Where(i => i.Report == import.Report && i.ReportDate == import.ReportDate && i.Period == import.Period && i.IsCurrent)
            .Select(i => new { i.Id, i.Sha256 })
            .FirstOrDefaultAsync(cancellationToken);
        var snapshots = Snapshots(figures);
        if (current is not null && current.Sha256 == import.Sha256)
        {
            import.Status = UsageImportStatus.Unchanged;
            import.FinishedAt = clock.GetUtcNow().UtcDateTime;
            import.Warnings = Join(warnings);
            db.UsageImports.Add(import);
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            Remember(figures, snapshots);
            return new UsageFileResult(import, [], warnings);
        }

        var figureRows = await FigureRowsAsync(figures, snapshots, cancellationToken);
        var activityRows = figures.FigurePeriod == 1 && figures.Date >= RetentionFloor() ? ActivityRows(figures) : [];
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await UsageStore.DeleteAsync(db, figures.Date, figures.FigurePeriod, figures.Codes, UsageMetrics.ActivityWorkloadsOf(import.Report), cancellationToken);
            await UsageStore.InsertFiguresAsync(db, figureRows, cancellationToken);
            await UsageStore.InsertActivityAsync(db, activityRows, cancellationToken);
            await db.UsageImports
                .Where(i => i.Report == import.Report && i.ReportDate == import.ReportDate && i.Period == import.Period && i.IsCurrent)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.IsCurrent, false), cancellationToken);
            import.Status = UsageImportStatus.Succeeded;
            import.IsCurrent = true;
            import.FinishedAt = clock.GetUtcNow().UtcDateTime;
            import.Warnings = Join(warnings);
            db.UsageImports.Add(import);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        });
        db.ChangeTracker.Clear();
        Remember(figures, snapshots);
        LogImported(logger, import.Report, figures.Date, figures.Rows);
        return new UsageFileResult(import, [], warnings);
    }

    private async Task<UsageFileResult> FailAsync(UsageImport import, List<InputError> errors, List<string> warnings, CancellationToken cancellationToken)
    {
        import.Status = UsageImportStatus.Failed;
        import.FinishedAt = clock.GetUtcNow().UtcDateTime;
        import.Errors = string.Join('\n', errors.Select(e => e.ToString()));
        import.Warnings = Join(warnings);
        import.Rows = 0;
        db.ChangeTracker.Clear();
        db.UsageImports.Add(import);
        await db.SaveChangesAsync(CancellationToken.None);
        db.ChangeTracker.Clear();
        LogRejected(logger, import.Name, errors.Count);
        _ = cancellationToken;
        return new UsageFileResult(import, errors, warnings);
    }

    /// <summary>The day's per-person snapshots by workload, as day numbers indexed by import slot.</summary>
    private Dictionary<UsageWorkload, int[]> Snapshots(UsageReportFigures figures)
    {
        var result = new Dictionary<UsageWorkload, int[]>();
        if (figures.FigurePeriod != 1)
        {
            return result;
        }
        foreach (var (workload, list) in figures.Activity)
        {
            var snapshot = new int[_people!.Slots];
            foreach (var entry in list)
            {
                snapshot[entry.Slot] = entry.LastDay;
            }
            result[workload] = snapshot;
        }
        return result;
    }

    private void Remember(UsageReportFigures figures, Dictionary<UsageWorkload, int[]> snapshots)
    {
        var day = figures.Date.DayNumber;
        foreach (var (workload, snapshot) in snapshots)
        {
            _snapshots[(workload, day)] = snapshot;
        }
        // Nothing later in date order looks back more than the longest window.
        var oldest = day - UsageMetrics.Windows.Max();
        foreach (var key in _snapshots.Keys.Where(k => k.Item2 < oldest).ToList())
        {
            _snapshots.Remove(key);
        }
    }

    private async Task<List<UsageFigureRow>> FigureRowsAsync(UsageReportFigures figures, Dictionary<UsageWorkload, int[]> snapshots, CancellationToken cancellationToken)
    {
        var rows = new List<UsageFigureRow>();
        foreach (var (agencyId, agency) in figures.Agencies)
        {
            for (var i = 0; i < figures.Codes.Count; i++)
            {
                if (!IsWindowFollowUp(figures.Codes[i]))
                {
                    rows.Add(new UsageFigureRow(figures.Date, figures.FigurePeriod, figures.Codes[i], agencyId, agency.Values[i], agency.People));
                }
            }
        }
        if (figures.FigurePeriod != 1)
        {
            return rows;
        }
        var day = figures.Date.DayNumber;
        foreach (var (workload, list) in figures.Activity)
        {
            var prefix = UsageMetrics.Prefix(workload);
            foreach (var window in UsageMetrics.Windows)
            {
                var earlier = await EarlierSnapshotAsync(workload, figures.Date.AddDays(-window), cancellationToken);
                if (earlier is null)
                {
                    continue; // No history that far back: returning and new stay unknown rather than wrong.
                }
                var active = new Dictionary<int, (int Active, int Returning)>();
                foreach (var entry in list)
                {
                    if (entry.LastDay <= day - window)
                    {
                        continue;
                    }
                    var wasActive = entry.Slot < earlier.Length && earlier[entry.Slot] > day - 2 * window;
                    var counts = active.GetValueOrDefault(entry.AgencyId);
                    active[entry.AgencyId] = (counts.Active + 1, counts.Returning + (wasActive ? 1 : 0));
                }
                foreach (var (agencyId, agency) in figures.Agencies)
                {
                    var (activeCount, returning) = active.GetValueOrDefault(agencyId);
                    rows.Add(new UsageFigureRow(figures.Date, 1, $"{prefix}.returning{window}", agencyId, returning, agency.People));
                    rows.Add(new UsageFigureRow(figures.Date, 1, $"{prefix}.new{window}", agencyId, activeCount - returning, agency.People));
                }
            }
        }
        _ = snapshots;
        return rows;
    }

    private static bool IsWindowFollowUp(string code) => code.Contains(".returning", StringComparison.Ordinal) || code.Contains(".new", StringComparison.Ordinal);

    private async Task<int[]?> EarlierSnapshotAsync(UsageWorkload workload, DateOnly date, CancellationToken cancellationToken)
    {
        if (_snapshots.TryGetValue((workload, date.DayNumber), out var snapshot))
        {
            return snapshot;
        }
        snapshot = await UsageStore.SnapshotAsync(db, _people!, workload, date, cancellationToken);
        if (snapshot is not null)
        {
            _snapshots[(workload, date.DayNumber)] = snapshot;
        }
        return snapshot;
    }

    private List<UsageActivityRow> ActivityRows(UsageReportFigures figures)
    {
        var rows = new List<UsageActivityRow>();
        foreach (var (workload, list) in figures.Activity)
        {
            var oldestUseful = figures.Date.DayNumber - UsageMetrics.Windows.Max();
            foreach (var entry in list)
            {
                // A later day only asks whether someone was active within the longest window before this date; a row
                // that says "not" is no row at all, and not keeping it is less personal data kept.
                if (entry.LastDay > oldestUseful)
                {
                    rows.Add(new UsageActivityRow(figures.Date, workload, _people!.PseudonymOf(entry.Slot), entry.AgencyId, entry.LastDay));
                }
            }
        }
        return rows;
    }

    private static string? Join(List<string> lines) => lines.Count == 0 ? null : string.Join('\n', lines);

    private static string Shorten(string name) => name.Length <= 400 ? name : "…" + name[^399..];

    [LoggerMessage(Level = LogLevel.Information, Message = "Imported {Report} for {Date}: {Rows} rows")]
    private static partial void LogImported(ILogger logger, string report, DateOnly date, int rows);

    // Where an import's time goes, for measuring it: reading runs ahead on other threads, so the import is only as
    // fast as the slower of reading (spread over the cores) and writing (one connection).
    [LoggerMessage(Level = LogLevel.Debug, Message = "{Report} for {Date}: read in {ReadMs:F0} ms, waited {WaitMs:F0} ms for it, wrote in {WriteMs:F0} ms")]
    private static partial void LogTimes(ILogger logger, string report, DateOnly? date, double readMs, double waitMs, double writeMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected usage report {Name} with {Errors} errors")]
    private static partial void LogRejected(ILogger logger, string name, int errors);

    /// <summary>Passes a stream through while hashing and counting it, so the import record can say exactly which bytes it read.</summary>
    private sealed class HashingStream(Stream inner) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _length;

        public string HashHex()
        {
            var hex = Convert.ToHexStringLower(_hash.GetHashAndReset());
            _hash.Dispose();
            return hex;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            _hash.AppendData(buffer[..read]);
            _length += read;
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            _hash.AppendData(buffer.Span[..read]);
            _length += read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        // The reader disposes the stream it reads; the hash is still wanted after that, and the inner stream has its own owner.
        protected override void Dispose(bool disposing) => base.Dispose(disposing);
    }
}
