using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Oppdrift.Benchmarks;

/// <summary>How many rows one invocation of a benchmark reads, so the summary can show rows/s and bytes per row.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RowsAttribute(int count) : Attribute
{
    public int Count { get; } = count;
}

/// <summary>The config every reader benchmark uses: memory diagnoser columns plus rows/s and allocated bytes per row.</summary>
public class ReaderConfig : ManualConfig
{
    public ReaderConfig()
    {
        AddColumn(new RowsColumn(perSecond: true), new RowsColumn(perSecond: false));
    }
}

internal sealed class RowsColumn(bool perSecond) : IColumn
{
    public string Id => perSecond ? "Rows/s" : "Alloc/row";
    public string ColumnName => Id;
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => perSecond ? 0 : 1;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => perSecond ? "Rows read per second (rows per operation / mean time)" : "Bytes allocated per row read";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var rows = benchmarkCase.Descriptor.WorkloadMethod.GetCustomAttribute<RowsAttribute>()?.Count;
        var report = summary[benchmarkCase];
        if (rows is not { } count || report is null)
        {
            return "-";
        }
        if (perSecond)
        {
            return report.ResultStatistics is { } statistics
                ? (count / (statistics.Mean / 1e9)).ToString("N0", CultureInfo.InvariantCulture)
                : "-";
        }
        return report.GcStats.GetBytesAllocatedPerOperation(benchmarkCase) is { } bytes
            ? ((double)bytes / count).ToString("N0", CultureInfo.InvariantCulture) + " B"
            : "-";
    }

    public override string ToString() => ColumnName;
}
