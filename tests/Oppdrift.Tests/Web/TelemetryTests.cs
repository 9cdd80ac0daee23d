using System.Collections.ObjectModel;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Usage;

namespace Oppdrift.Tests.Web;

/// <summary>With OpenTelemetry on, a page request and a usage import leave spans and metrics (here in memory, OTLP in production).</summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task A_request_and_a_usage_import_produce_spans_and_metrics()
    {
        var spans = new LockedCollection<Activity>();
        var metrics = new LockedCollection<Metric>();
        await using var app = await RunningApp.StartAsync(DatabaseKind.Sqlite, 100, builder =>
        {
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans));
            builder.Services.ConfigureOpenTelemetryMeterProvider(meters => meters.AddInMemoryExporter(metrics));
        }, "--Oppdrift:Telemetry:Enabled=true");

        var page = await app.Anonymous().GetAsync(new Uri("/account/login", UriKind.Relative), TestContext.Current.CancellationToken);
        page.EnsureSuccessStatusCode();
        UsageImportResult result;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            result = await scope.ServiceProvider.GetRequiredService<UsageImporter>().ImportAsync(
                [UsageSource.FromFile(TestFiles.Path("usage", "email-activity-user-detail.csv"))],
                new UsageImportRequest { Actor = "test" }, cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(1, result.Succeeded);
        }
        app.App.Services.GetRequiredService<TracerProvider>().ForceFlush();
        app.App.Services.GetRequiredService<MeterProvider>().ForceFlush();

        var seen = spans.Snapshot();
        Assert.Contains(seen, s => s.Kind == ActivityKind.Server && s.GetTagItem("http.route") is string route && route.Contains("account/login", StringComparison.Ordinal));
        // Other tests' imports in this process may be here too; this one's span has the rows of its file.
        var imports = seen.Where(s => s.OperationName == "oppdrift.usage.import" && s.GetTagItem("oppdrift.outcome") is "succeeded"
            && s.GetTagItem("oppdrift.usage.rows") is long rows && rows == result.Rows).ToList();
        Assert.NotEmpty(imports);
        // The database statements of the import are spans beneath it.
        Assert.Contains(seen, s => imports.Any(i => s.ParentSpanId == i.SpanId) && s.Kind == ActivityKind.Client);
        var names = metrics.Snapshot().Select(m => m.Name).ToHashSet();
        Assert.Contains("http.server.request.duration", names);
        Assert.Contains("oppdrift.job.runs", names);
        Assert.Contains("oppdrift.usage.import.rows", names);
    }

    /// <summary>Spans and metrics of other tests' apps in this process may arrive at the same time.</summary>
    private sealed class LockedCollection<T> : Collection<T>
    {
        private readonly Lock _lock = new();

        protected override void InsertItem(int index, T item)
        {
            lock (_lock)
            {
                base.InsertItem(index, item);
            }
        }

        public List<T> Snapshot()
        {
            lock (_lock)
            {
                return [.. this];
            }
        }
    }
}
