using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Oppdrift.Shared;

/// <summary>
/// Oppdrift's own traces and metrics around its long jobs: the usage import, the Graph pull and the file share scan.
/// Nothing listens unless the web host turns OpenTelemetry on (docs/operations.md, "Logs, metrics and traces").
/// </summary>
public static class OppdriftTelemetry
{
    public const string Name = "Oppdrift";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Runs = Meter.CreateCounter<long>("oppdrift.job.runs", "{run}",
        "Runs of the usage import, the Graph pull and the file share scan, by job and outcome");

    private static readonly Histogram<double> Durations = Meter.CreateHistogram<double>("oppdrift.job.duration", "s",
        "How long each run of a job took");

    private static readonly Counter<long> ImportedRows = Meter.CreateCounter<long>("oppdrift.usage.import.rows", "{row}",
        "Rows of usage reports imported");

    /// <summary>Starts a run of <paramref name="job"/>: a span, and on dispose its count and duration.</summary>
    public static JobRun Start(string job) => new(job, Source.StartActivity(job), Stopwatch.GetTimestamp());

    public static void RowsImported(long rows) => ImportedRows.Add(rows);

    public sealed class JobRun(string job, Activity? activity, long started) : IDisposable
    {
        private bool _succeeded;

        public Activity? Activity { get; } = activity;

        /// <summary>Marks the run done; a run disposed without it counts as failed (an exception, a cancellation).</summary>
        public void Succeeded() => _succeeded = true;

        public void Dispose()
        {
            var outcome = _succeeded ? "succeeded" : "failed";
            Activity?.SetTag("oppdrift.outcome", outcome);
            if (!_succeeded)
            {
                Activity?.SetStatus(ActivityStatusCode.Error);
            }
            Durations.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("oppdrift.job", job));
            Runs.Add(1, new KeyValuePair<string, object?>("oppdrift.job", job), new KeyValuePair<string, object?>("oppdrift.outcome", outcome));
            Activity?.Dispose();
        }
    }
}
