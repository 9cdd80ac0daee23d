// The peer the import is compared with: DuckDB reads the same CSV files, joins each row's user to the directory's
// agency and sums the same kinds of columns per agency and day (counts summed, yes/no columns and recent dates
// counted), into tables it keeps. No pseudonyms, no rolling windows, no per-person rows and no transactions per
// report-day: what DuckDB does is the floor of reading and aggregating, not all the import does.
using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using Oppdrift.Usage;

namespace Oppdrift.Benchmarks.EndToEnd;

internal sealed record DuckDbFigures(long Rows, double Seconds, long PeakBytes, double CpuPercent)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Rows:N0} rows in {Seconds:F1} s = {Rows / Seconds:N0} rows/s, peak {PeakBytes / 1048576.0:N0} MB, CPU {CpuPercent:N0} %");
}

internal static class DuckDbPeer
{
    public static DuckDbFigures Run(string folder, string agencyMap)
    {
        var queries = new List<string>
        {
            $"CREATE TABLE agencies AS SELECT * FROM read_csv({Literal(agencyMap)}, header = true, columns = {{'upn': 'VARCHAR', 'agency': 'VARCHAR'}})",
        };
        var reports = new List<string>();
        foreach (var report in UsageReportCatalogue.All)
        {
            var first = Directory.EnumerateFiles(folder, report.Name + ".csv", SearchOption.AllDirectories).FirstOrDefault();
            if (first is not null)
            {
                queries.Add(Aggregate(report, folder, Header(first)));
                reports.Add(report.Name);
            }
        }

        using var measure = Measure.Start();
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        foreach (var sql in queries)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
        long rows = 0;
        foreach (var name in reports)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT CAST(sum(rows) AS BIGINT) FROM \"{name}\"";
            rows += Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        var (seconds, peak, cpu, _) = measure.Stop();
        return new DuckDbFigures(rows, seconds, peak, cpu);
    }

    private static string Aggregate(UsageReportType report, string folder, IReadOnlyList<string> header)
    {
        var types = new List<string>();
        var sums = new StringBuilder();
        foreach (var name in header)
        {
            if (report.Columns.FirstOrDefault(c => c.Name == name) is not { } column)
            {
                continue;
            }
            var quoted = Quote(name);
            switch (column.Kind)
            {
                case UsageValueKind.Count:
                    types.Add($"{Literal(name)}: 'BIGINT'");
                    sums.Append(CultureInfo.InvariantCulture, $", sum({quoted})");
                    break;
                case UsageValueKind.Boolean:
                    types.Add($"{Literal(name)}: 'VARCHAR'");
                    sums.Append(CultureInfo.InvariantCulture, $", count_if({quoted} IN ('True', 'Yes'))");
                    break;
                case UsageValueKind.Date when name != UsageReportCatalogue.ReportRefreshDate:
                    types.Add($"{Literal(name)}: 'DATE'");
                    sums.Append(CultureInfo.InvariantCulture, $", count_if({quoted} > r.\"{UsageReportCatalogue.ReportRefreshDate}\" - 28)");
                    break;
                case UsageValueKind.Date:
                    types.Add($"{Literal(name)}: 'DATE'");
                    break;
                default:
                    types.Add($"{Literal(name)}: 'VARCHAR'");
                    break;
            }
        }
        var deleted = header.Contains("Is Deleted") ? "WHERE r.\"Is Deleted\" NOT IN ('True', 'Yes')" : "";
        var glob = Path.Combine(folder, "*", report.Name + ".csv");
        var typed = "{" + string.Join(", ", types) + "}";
        return $"""
            CREATE TABLE "{report.Name}" AS
            SELECT coalesce(a.agency, '') AS agency, r."{UsageReportCatalogue.ReportRefreshDate}" AS day, count(*) AS rows{sums}
            FROM read_csv({Literal(glob)}, header = true, types = {typed}) r
            LEFT JOIN agencies a ON a.upn = lower(r.{Quote(report.UserColumn!)})
            {deleted}
            GROUP BY ALL
            """;
    }

    private static List<string> Header(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return [.. (reader.ReadLine() ?? "").Split(',')];
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
