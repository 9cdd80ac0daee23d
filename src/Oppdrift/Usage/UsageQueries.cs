// Reads the adoption figures for pages, exports and the API, and suppresses every figure over people before it
// leaves this class. Suppression is decided per report and day over all agencies, so the overview, the agency pages,
// the exports and the API hide the same figures and no two of them can be combined to work a hidden one out.
using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Shared.Privacy;

namespace Oppdrift.Usage;

public sealed class UsageQueries(OppdriftDb db, SuppressionOptions suppression, TimeProvider clock, UsageFigureCache cache)
{
    // Agencies' names and codes come from Organisation's surface, never its tables.
    private OrganisationDirectory Organisation => new(db);

    public const int DefaultWindow = 28;
    public const int DefaultSeriesDays = 90;
    public const int MaxSeriesDays = 400;

    public int MinimumGroupSize => suppression.MinimumGroupSize;

    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    public static int ValidWindow(int? window) => window is { } w && UsageMetrics.Windows.Contains(w) ? w : DefaultWindow;

    /// <summary>The latest day with figures from daily reports, or null when none are imported.</summary>
    /// <summary>Whether any usage report has been imported, by any source.</summary>
    public static async Task<bool> AnyImportAsync(OppdriftDb db, CancellationToken cancellationToken) => await db.UsageImports.AnyAsync(cancellationToken);

    /// <summary>Whether any usage report has arrived and been read, by file or by the Graph pull.</summary>
    public static async Task<bool> AnyReportReadAsync(OppdriftDb db, CancellationToken cancellationToken) =>
        await db.UsageImports.AnyAsync(i => i.Status == UsageImportStatus.Succeeded, cancellationToken);

    public async Task<DateOnly?> LatestDateAsync(CancellationToken cancellationToken) =>
        await db.UsageFigures.Where(f => f.Period == 1).MaxAsync(f => (DateOnly?)f.Date, cancellationToken);

    /// <summary>The municipality overview: agencies by the key metrics, with the figures one window earlier for trends.</summary>
    /// <param name="agencyScope">Null for every agency; otherwise only these rows are returned (the municipality row always is).</param>
    public Task<UsageTable> OverviewAsync(DateOnly? date, int window, IReadOnlySet<int>? agencyScope, CancellationToken cancellationToken) =>
        TableAsync(UsageViews.OverviewColumns(ValidWindow(window)), date, ValidWindow(window), agencyScope, cancellationToken);

    public Task<UsageTable> WorkloadAsync(UsageWorkload workload, DateOnly? date, int window, IReadOnlySet<int>? agencyScope, CancellationToken cancellationToken) =>
        TableAsync(UsageViews.WorkloadColumns(workload, ValidWindow(window)), date, ValidWindow(window), agencyScope, cancellationToken);

    /// <summary>
    /// Agencies by columns at <paramref name="date"/> (default: the latest imported day). People and snapshot metrics
    /// show the value on the date; sums add up the <paramref name="window"/> days ending on it.
    /// </summary>
    public async Task<UsageTable> TableAsync(IReadOnlyList<UsageTableColumn> columns, DateOnly? date, int window, IReadOnlySet<int>? agencyScope,
        CancellationToken cancellationToken)
    {
        window = ValidWindow(window);
        var agencies = await AgenciesAsync(agencyScope, cancellationToken);
        return await ConsistentAsync(version => TableAsync(version, columns, date, window, agencies, cancellationToken), cancellationToken);
    }

    private async Task<UsageTable> TableAsync(UsageDataVersion version, IReadOnlyList<UsageTableColumn> columns, DateOnly? date, int window,
        List<(int Id, string Code, string Name)> agencies, CancellationToken cancellationToken)
    {
        var end = date ?? await LatestDateAsync(cancellationToken);
        if (end is not { } day)
        {
            var empty = columns.Select(_ => UsageCell.NoData).ToList();
            return new UsageTable(null, window, columns, [.. agencies.Select(a => new UsageTableRow(a.Id, a.Code, a.Name, empty, empty))],
                Municipality(empty, empty), MinimumGroupSize, 0);
        }

        var metrics = columns.SelectMany(c => c.AllMetrics).Distinct().Select(UsageMetrics.Get).ToList();
        var earlier = day.AddDays(-window);
        var first = day.AddDays(-2 * window + 1);
        var sums = metrics.Where(m => m.Kind == UsageMetricKind.Sum).Select(m => m.Code).ToList();
        var points = metrics.Where(m => m.Kind != UsageMetricKind.Sum).Select(m => m.Code).ToList();
        var sumReports = metrics.Where(m => m.Kind == UsageMetricKind.Sum).Select(m => m.Report).Distinct().ToList();
        var pointReports = metrics.Where(m => m.Kind != UsageMetricKind.Sum).Select(m => m.Report).Except(sumReports).ToList();

        // Suppression needs each report's pattern on every day a figure is taken from: every day of both windows for
        // sums, the two end days for the rest.
        var patterns = await PatternsAsync(version, sumReports, Days(first, day), cancellationToken);
        foreach (var (key, pattern) in await PatternsAsync(version, pointReports, [day, earlier], cancellationToken))
        {
            patterns[key] = pattern;
        }

        // Metric lists are inlined as constants and dates compared one by one: SQLite then seeks the primary key
        // (Metric, Period, Date, AgencyId) for each metric instead of scanning a year of figures.
        var pointValues = await db.UsageFigures.AsNoTracking()
            .Where(f => EF.Constant(points).Contains(f.Metric) && f.Period == 1 && (f.Date == day || f.Date == earlier))
            .Select(f => new { f.Date, f.Metric, f.AgencyId, f.Value })
            .ToListAsync(cancellationToken);
        var sumValues = await WindowSumsAsync(version, sums, day, window, cancellationToken);

        // (window 0 = current, 1 = earlier) → metric → agency → value
        var values = new[] { new Dictionary<string, Dictionary<int, long>>(), new Dictionary<string, Dictionary<int, long>>() };
        foreach (var v in pointValues)
        {
            Add(values[v.Date == day ? 0 : 1], v.Metric, v.AgencyId, v.Value);
        }
        foreach (var v in sumValues)
        {
            Add(values[v.Current ? 0 : 1], v.Metric, v.AgencyId, v.Value);
        }

        var windows = new[] { new Window(day, window), new Window(earlier, window) };
        var reasons = windows.Select(w => metrics.ToDictionary(m => m.Code, m => w.Reasons(m, patterns))).ToArray();

        var rows = new List<UsageTableRow>(agencies.Count);
        foreach (var agency in agencies)
        {
            rows.Add(new UsageTableRow(agency.Id, agency.Code, agency.Name,
                Cells(columns, values[0], reasons[0], agency.Id), Cells(columns, values[1], reasons[1], agency.Id)));
        }
        // A day has data when a report the table reads has figures on it: any day of the window for sums, the last for the rest.
        var days = patterns.Where(p => p.Value is not null && p.Key.Date > earlier && (sumReports.Contains(p.Key.Report) || p.Key.Date == day))
            .Select(p => p.Key.Date).Distinct().Count();
        return new UsageTable(day, window, columns, rows,
            Municipality(Cells(columns, values[0], reasons[0], null), Cells(columns, values[1], reasons[1], null)),
            MinimumGroupSize, days);
    }

    /// <summary>
    /// Agencies by columns from the latest period report (the Teams device report: "used on a phone in the last 30
    /// days"), whose figures cover the whole period and so are not summed over windows. The longest period of the
    /// latest refresh date is taken; the table's window is that period in days. Suppressed per agency over the
    /// report's people, as the daily tables are. Null when no period report of these metrics is imported.
    /// </summary>
    public async Task<UsageTable?> PeriodTableAsync(IReadOnlyList<UsageTableColumn> columns, IReadOnlySet<int>? agencyScope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var agencies = await AgenciesAsync(agencyScope, cancellationToken);
        return await ConsistentAsync(version => PeriodTableAsync(version, columns, agencies, cancellationToken), cancellationToken);
    }

    private async Task<UsageTable?> PeriodTableAsync(UsageDataVersion version, IReadOnlyList<UsageTableColumn> columns,
        List<(int Id, string Code, string Name)> agencies, CancellationToken cancellationToken)
    {
        var metrics = columns.SelectMany(c => c.AllMetrics).Distinct().Select(UsageMetrics.Get).ToList();
        var codes = metrics.Select(m => m.Code).ToList();
        if (await PeriodFiguresAsync(version, codes, cancellationToken) is not { } latest)
        {
            return null;
        }
        var figures = latest.Figures ?? [];
        // Every metric of a report is over the same people: the report's first metric decides, as for daily figures.
        var patterns = new Dictionary<string, Reasons>();
        foreach (var report in metrics.Select(m => m.Report).Distinct())
        {
            var representative = Representative(report);
            var people = figures.Where(f => f.Metric == representative)
                .Select(f => new PeopleRow(latest.Date, f.Metric, f.AgencyId, f.People)).ToList();
            patterns[report] = Patterns(people).GetValueOrDefault((representative, latest.Date)) ?? Reasons.None;
        }
        var reasons = metrics.ToDictionary(m => m.Code, m => patterns[m.Report]);
        var values = new Dictionary<string, Dictionary<int, long>>();
        foreach (var f in figures)
        {
            Add(values, f.Metric, f.AgencyId, f.Value);
        }
        var none = new Dictionary<string, Dictionary<int, long>>();
        var rows = agencies.Select(a => new UsageTableRow(a.Id, a.Code, a.Name,
            Cells(columns, values, reasons, a.Id), Cells(columns, none, reasons, a.Id))).ToList();
        return new UsageTable(latest.Date, latest.Period, columns, rows,
            Municipality(Cells(columns, values, reasons, null), Cells(columns, none, reasons, null)), MinimumGroupSize, 1);
    }

    /// <summary>
    /// The figures of the latest period report of these metrics (the longest period of the latest refresh date), kept
    /// for this version of the imports: finding that report sorts every period figure of the metrics.
    /// </summary>
    private async Task<UsagePeriodFigures?> PeriodFiguresAsync(UsageDataVersion version, List<string> codes, CancellationToken cancellationToken)
    {
        var known = cache.For(version).PeriodFigures;
        var key = string.Join(',', codes.Order(StringComparer.Ordinal));
        if (known.TryGetValue(key, out var kept))
        {
            return kept.Figures is null ? null : kept;
        }
        var latest = await db.UsageFigures.AsNoTracking()
            .Where(f => EF.Constant(codes).Contains(f.Metric) && f.Period != 1)
            .OrderByDescending(f => f.Date).ThenByDescending(f => f.Period)
            .Select(f => new { f.Date, f.Period }).FirstOrDefaultAsync(cancellationToken);
        UsagePeriodFigures read;
        if (latest is null)
        {
            read = new UsagePeriodFigures(default, 0, null);
        }
        else
        {
            var figures = await db.UsageFigures.AsNoTracking()
                .Where(f => EF.Constant(codes).Contains(f.Metric) && f.Period == latest.Period && f.Date == latest.Date)
                .Select(f => new UsagePeriodFigure(f.Metric, f.AgencyId, f.Value, f.People))
                .ToListAsync(cancellationToken);
            read = new UsagePeriodFigures(latest.Date, latest.Period, [.. figures]);
        }
        known[key] = read;
        return read.Figures is null ? null : read;
    }

    private static UsageTableRow Municipality(IReadOnlyList<UsageCell> cells, IReadOnlyList<UsageCell> earlier) =>
        new(UsageFigure.Unplaced, "", UsageText.Get("Municipality"), cells, earlier);

    /// <summary>The cells of one agency (or, for null, the municipality: every agency and the unplaced together).</summary>
    private static List<UsageCell> Cells(IReadOnlyList<UsageTableColumn> columns, Dictionary<string, Dictionary<int, long>> values,
        Dictionary<string, Reasons> reasons, int? agencyId)
    {
        (long? Value, SuppressionReason Reason) Sum(IEnumerable<string> codes)
        {
            long? total = null;
            var reason = SuppressionReason.None;
            foreach (var code in codes)
            {
                reason = Worst(reason, agencyId is { } id ? reasons[code].Agency(id) : reasons[code].Total);
                if (values.TryGetValue(code, out var byAgency))
                {
                    long? v = agencyId is { } a ? (byAgency.TryGetValue(a, out var x) ? x : null) : byAgency.Values.Sum();
                    if (v is { } value)
                    {
                        total = (total ?? 0) + value;
                    }
                }
            }
            return (total, reason);
        }

        var cells = new List<UsageCell>(columns.Count);
        foreach (var column in columns)
        {
            var (value, reason) = Sum(column.Metrics);
            double? shown = value;
            if (column.Per is not null)
            {
                var (per, perReason) = Sum(column.Per);
                reason = Worst(reason, perReason);
                shown = value is { } n && per is { } d && d != 0
                    ? (column.Kind == UsageTableColumnKind.Share ? 100.0 * n / d : column.Scale * n / d)
                    : null;
            }
            cells.Add(reason != SuppressionReason.None ? new UsageCell(null, reason) : new UsageCell(shown, SuppressionReason.None));
        }
        return cells;
    }

    /// <summary>
    /// Daily figures for one agency (or the municipality, for null) from <paramref name="from"/> to <paramref name="to"/>.
    /// A day's figure is hidden when the municipality-wide suppression of its report and day hides it.
    /// </summary>
    public async Task<UsageSeriesSet> SeriesAsync(int? agencyId, IReadOnlyList<string> metricCodes, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        if (to < from)
        {
            (from, to) = (to, from);
        }
        if (to.DayNumber - from.DayNumber >= MaxSeriesDays)
        {
            from = to.AddDays(-MaxSeriesDays + 1);
        }
        var metrics = metricCodes.Distinct().Select(UsageMetrics.Get).ToList();
        var series = await ConsistentAsync(version => SeriesAsync(version, agencyId, metrics, from, to, cancellationToken), cancellationToken);
        string name = UsageText.Get("Municipality");
        string? code = null;
        if (agencyId is { } agency)
        {
            var row = await Organisation.AgencyAsync(agency, cancellationToken);
            (code, name) = (row?.Code, row?.Name ?? "");
        }
        return new UsageSeriesSet(agencyId, code, name, from, to, series, MinimumGroupSize);
    }

    private async Task<List<UsageSeries>> SeriesAsync(UsageDataVersion version, int? agencyId, List<UsageMetric> metrics, DateOnly from, DateOnly to,
        CancellationToken cancellationToken)
    {
        var codes = metrics.Select(m => m.Code).ToList();
        var known = cache.For(version).Series;
        var key = (agencyId, string.Join(',', codes), from, to);
        if (known.TryGetValue(key, out var kept))
        {
            return kept;
        }
        var days = Days(from, to);
        var patterns = await PatternsAsync(version, [.. metrics.Select(m => m.Report).Distinct()], days, cancellationToken);

        var figures = db.UsageFigures.AsNoTracking().Where(f => EF.Constant(codes).Contains(f.Metric) && f.Period == 1);
        List<(DateOnly Date, string Metric, long Value)> values;
        if (agencyId is { } id)
        {
            // One agency's figures are one in every agency's: with the days listed, both databases seek the whole
            // primary key (Metric, Period, Date, AgencyId) for each figure instead of reading every agency's in the range.
            values = [.. (await figures.Where(f => EF.Constant(days).Contains(f.Date) && f.AgencyId == id)
                .Select(f => new { f.Date, f.Metric, f.Value }).ToListAsync(cancellationToken))
                .Select(v => (v.Date, v.Metric, v.Value))];
        }
        else
        {
            values = [.. (await figures.Where(f => f.Date >= from && f.Date <= to).GroupBy(f => new { f.Date, f.Metric }).Select(g => new { g.Key.Date, g.Key.Metric, Value = g.Sum(f => f.Value) })
                .ToListAsync(cancellationToken)).Select(v => (v.Date, v.Metric, v.Value))];
        }
        var byMetric = values.ToLookup(v => v.Metric);
        var series = new List<UsageSeries>(metrics.Count);
        foreach (var metric in metrics)
        {
            var list = new List<UsagePoint>();
            foreach (var (date, _, value) in byMetric[metric.Code].OrderBy(v => v.Date))
            {
                var reason = patterns.GetValueOrDefault((metric.Report, date)) is { } pattern
                    ? (agencyId is { } a ? pattern.Agency(a) : pattern.Total)
                    : SuppressionReason.None;
                list.Add(new UsagePoint(date, reason == SuppressionReason.None ? new UsageCell(value, reason) : new UsageCell(null, reason)));
            }
            series.Add(new UsageSeries(metric.Code, list));
        }
        known[key] = series;
        return series;
    }

    /// <summary>
    /// Runs a read with the suppression patterns of the current imports, and again if an import landed meanwhile, so
    /// the figures and the patterns that hide them come from the same imports. After a few tries (imports landing
    /// back to back) the last result stands, as it did before patterns were kept between requests.
    /// </summary>
    private async Task<T> ConsistentAsync<T>(Func<UsageDataVersion, Task<T>> read, CancellationToken cancellationToken)
    {
        var version = await UsageDataVersion.ReadAsync(db, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var result = await read(version);
            var after = await UsageDataVersion.ReadAsync(db, cancellationToken);
            if (after == version || attempt == 3)
            {
                return result;
            }
            version = after;
        }
    }

    /// <summary>
    /// Each metric's sum per agency over the window ending on <paramref name="day"/> and the window before it, added
    /// up in the database and kept for this version of the imports: a 28-day table reads 56 days of daily figures.
    /// </summary>
    private async Task<UsageWindowSum[]> WindowSumsAsync(UsageDataVersion version, List<string> metrics, DateOnly day, int window,
        CancellationToken cancellationToken)
    {
        if (metrics.Count == 0)
        {
            return [];
        }
        var known = cache.For(version).Sums;
        var key = (string.Join(',', metrics.Order(StringComparer.Ordinal)), day, window);
        if (known.TryGetValue(key, out var sums))
        {
            return sums;
        }
        var earlier = day.AddDays(-window);
        var first = day.AddDays(-2 * window + 1);
        sums = [.. (await db.UsageFigures.AsNoTracking()
            .Where(f => EF.Constant(metrics).Contains(f.Metric) && f.Period == 1 && f.Date >= first && f.Date <= day)
            .GroupBy(f => new { f.Metric, f.AgencyId, Current = f.Date > earlier })
            .Select(g => new { g.Key.Metric, g.Key.AgencyId, g.Key.Current, Value = g.Sum(f => f.Value) })
            .ToListAsync(cancellationToken))
            .Select(v => new UsageWindowSum(v.Metric, v.AgencyId, v.Current, v.Value))];
        known[key] = sums;
        return sums;
    }

    private static List<DateOnly> Days(DateOnly from, DateOnly to) =>
        [.. Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(from.AddDays)];

    /// <summary>
    /// The suppression of each report on each day (null for a day without its figures), from the cache when this
    /// version of the imports has been read before, otherwise from the head counts, which are then kept.
    /// </summary>
    private async Task<Dictionary<(string Report, DateOnly Date), Reasons?>> PatternsAsync(UsageDataVersion version, List<string> reports,
        List<DateOnly> dates, CancellationToken cancellationToken)
    {
        var known = cache.For(version).Patterns;
        var patterns = new Dictionary<(string Report, DateOnly Date), Reasons?>(reports.Count * dates.Count);
        var missingReports = new HashSet<string>();
        var missingDates = new HashSet<DateOnly>();
        foreach (var report in reports)
        {
            foreach (var date in dates)
            {
                if (known.TryGetValue((report, date), out var reasons))
                {
                    patterns[(report, date)] = reasons;
                }
                else
                {
                    missingReports.Add(report);
                    missingDates.Add(date);
                }
            }
        }
        if (missingReports.Count == 0)
        {
            return patterns;
        }

        // People per agency for one metric of each report (every metric of a report is over the same people): that
        // is all suppression needs. A few days are sought one by one, more as a range.
        var codes = missingReports.Select(Representative).ToList();
        var query = db.UsageFigures.AsNoTracking().Where(f => EF.Constant(codes).Contains(f.Metric) && f.Period == 1);
        if (missingDates.Count <= 4)
        {
            var list = missingDates.ToList();
            query = query.Where(f => EF.Constant(list).Contains(f.Date));
        }
        else
        {
            var (first, last) = (missingDates.Min(), missingDates.Max());
            query = query.Where(f => f.Date >= first && f.Date <= last);
        }
        var people = await query.Select(f => new PeopleRow(f.Date, f.Metric, f.AgencyId, f.People)).ToListAsync(cancellationToken);
        var fetched = Patterns(people);
        foreach (var report in missingReports)
        {
            var representative = Representative(report);
            foreach (var date in missingDates)
            {
                known[(report, date)] = fetched.GetValueOrDefault((representative, date));
            }
        }
        foreach (var report in missingReports)
        {
            foreach (var date in dates)
            {
                patterns[(report, date)] = known[(report, date)];
            }
        }
        return patterns;
    }

    /// <summary>The agency with this code, if the user may see it (null code and forbidden are told apart by the caller).</summary>
    public async Task<(int Id, string Code, string Name)?> AgencyAsync(string code, CancellationToken cancellationToken)
    {
        var agency = await Organisation.AgencyAsync(code, cancellationToken);
        return agency is null ? null : (agency.Id, agency.Code, agency.Name);
    }

    /// <summary>
    /// The tenant's mode from the latest import that could tell (one with user rows): identified names, concealed
    /// names that mostly matched the directory, or concealed names placed nowhere but in the municipality's figures.
    /// </summary>
    public async Task<UsageTenantMode> TenantModeAsync(CancellationToken cancellationToken)
    {
        var latest = await db.UsageImports.AsNoTracking()
            .Where(i => i.IsCurrent && i.Status == UsageImportStatus.Succeeded && i.Concealment != UsageConcealment.Unknown)
            .OrderByDescending(i => i.ReportDate).ThenByDescending(i => i.Id)
            .Select(i => new { i.Concealment, i.Matched, i.Unmatched })
            .FirstOrDefaultAsync(cancellationToken);
        if (latest is null)
        {
            return await db.UsageFigures.AnyAsync(cancellationToken) ? UsageTenantMode.Identified : UsageTenantMode.NoData;
        }
        return TenantMode(latest.Concealment, latest.Matched, latest.Unmatched);
    }

    public static UsageTenantMode TenantMode(UsageConcealment concealment, int matched, int unmatched) => concealment switch
    {
        UsageConcealment.Identified or UsageConcealment.Unknown => UsageTenantMode.Identified,
        // The importer only trusts matching when a clear majority matches; the page says the same.
        _ => matched > 0 && matched >= unmatched ? UsageTenantMode.ConcealedMatched : UsageTenantMode.Concealed,
    };

    public async Task<IReadOnlyList<UsageImport>> ImportsAsync(int take, CancellationToken cancellationToken) =>
        await db.UsageImports.AsNoTracking().OrderByDescending(i => i.Id).Take(take).ToListAsync(cancellationToken);

    public async Task<IReadOnlyList<UsageImport>> ImportsAsync(IReadOnlyCollection<int> ids, CancellationToken cancellationToken) =>
        await db.UsageImports.AsNoTracking().Where(i => ids.Contains(i.Id)).OrderBy(i => i.Id).ToListAsync(cancellationToken);

    private async Task<List<(int Id, string Code, string Name)>> AgenciesAsync(IReadOnlySet<int>? scope, CancellationToken cancellationToken) =>
        [.. (await Organisation.AgenciesAsync(scope, cancellationToken)).Select(a => (a.Id, a.Code, a.Name))];

    private static void Add(Dictionary<string, Dictionary<int, long>> values, string metric, int agency, long value)
    {
        if (!values.TryGetValue(metric, out var byAgency))
        {
            byAgency = [];
            values[metric] = byAgency;
        }
        byAgency[agency] = byAgency.GetValueOrDefault(agency) + value;
    }

    /// <summary>The metric whose people stand for its report's: the report's first metric, which every import writes.</summary>
    internal static string Representative(string report) => UsageMetrics.CodesOf(report)[0];

    private readonly record struct PeopleRow(DateOnly Date, string Metric, int AgencyId, int People);

    private Dictionary<(string Metric, DateOnly Date), Reasons> Patterns(List<PeopleRow> people)
    {
        var patterns = new Dictionary<(string, DateOnly), Reasons>();
        foreach (var group in people.GroupBy(p => (p.Metric, p.Date)))
        {
            patterns[group.Key] = Suppress(group.Select(p => KeyValuePair.Create(p.AgencyId, p.People)), suppression);
        }
        return patterns;
    }

    /// <summary>
    /// Suppresses one report's figures on one day over every agency, with the municipality total published. The
    /// unplaced people take part (their figure is in the total, and a small unplaced group must be protected too), but
    /// they are never shown, and their head count is on the import history. So one more rule: if exactly one agency is
    /// hidden, a second is hidden with it, or a reader who knows the unplaced figure could still subtract.
    /// </summary>
    internal static Reasons Suppress(IEnumerable<KeyValuePair<int, int>> peopleByAgency, SuppressionOptions options)
    {
        var people = peopleByAgency.ToList();
        var groups = SmallGroupSuppression.Groups(people, totalPublished: true, options);
        var reasons = new Dictionary<int, SuppressionReason>(people.Count);
        foreach (var agency in groups.Groups)
        {
            var reason = groups.Reason(agency);
            if (reason != SuppressionReason.None)
            {
                reasons[agency] = reason;
            }
        }
        var total = groups.TotalReason;
        if (reasons.Keys.Count(id => id != UsageFigure.Unplaced) == 1)
        {
            var next = people
                .Where(p => p.Key != UsageFigure.Unplaced && p.Value > 0 && !reasons.ContainsKey(p.Key))
                .OrderBy(p => p.Value).ThenBy(p => p.Key)
                .Select(p => (int?)p.Key)
                .FirstOrDefault();
            if (next is { } id)
            {
                reasons[id] = SuppressionReason.Complementary;
            }
            else if (total == SuppressionReason.None)
            {
                total = SuppressionReason.Complementary;
            }
        }
        return new Reasons(reasons, total);
    }

    internal static SuppressionReason Worst(SuppressionReason a, SuppressionReason b) =>
        a == SuppressionReason.SmallGroup || b == SuppressionReason.SmallGroup ? SuppressionReason.SmallGroup
        : a == SuppressionReason.Complementary || b == SuppressionReason.Complementary ? SuppressionReason.Complementary
        : SuppressionReason.None;

    /// <summary>Which agencies (and whether the total) one report's figures hide on one day.</summary>
    internal sealed class Reasons(Dictionary<int, SuppressionReason> agencies, SuppressionReason total)
    {
        public static readonly Reasons None = new([], SuppressionReason.None);

        public SuppressionReason Total { get; } = total;

        public SuppressionReason Agency(int id) => agencies.GetValueOrDefault(id);

        public IEnumerable<int> Hidden => agencies.Keys;

        /// <summary>The union over several days: a window's figure is hidden if any of its days is.</summary>
        public static Reasons Union(IEnumerable<Reasons> days)
        {
            var agencies = new Dictionary<int, SuppressionReason>();
            var total = SuppressionReason.None;
            foreach (var day in days)
            {
                foreach (var (id, reason) in day.Agencies)
                {
                    agencies[id] = Worst(agencies.GetValueOrDefault(id), reason);
                }
                total = Worst(total, day.Total);
            }
            return new Reasons(agencies, total);
        }

        private IEnumerable<KeyValuePair<int, SuppressionReason>> Agencies => agencies;
    }

    /// <summary>The days a window's figure is taken from: the last day for people and snapshots, every day for sums.</summary>
    private readonly record struct Window(DateOnly End, int Days)
    {
        public Reasons Reasons(UsageMetric metric, Dictionary<(string Report, DateOnly Date), Reasons?> patterns)
        {
            if (metric.Kind != UsageMetricKind.Sum)
            {
                return patterns.GetValueOrDefault((metric.Report, End)) ?? UsageQueries.Reasons.None;
            }
            var days = new List<Reasons>(Days);
            for (var d = End.AddDays(-Days + 1); d <= End; d = d.AddDays(1))
            {
                if (patterns.GetValueOrDefault((metric.Report, d)) is { } pattern)
                {
                    days.Add(pattern);
                }
            }
            return UsageQueries.Reasons.Union(days);
        }
    }
}
