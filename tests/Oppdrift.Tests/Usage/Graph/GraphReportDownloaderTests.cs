using System.Diagnostics;
using Oppdrift.Usage;
using Oppdrift.Usage.Graph;

namespace Oppdrift.Tests.Usage.Graph;

public sealed class GraphReportDownloaderTests
{
    private static readonly DateOnly Day = new(2026, 11, 25);

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        await using (stream)
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, TestContext.Current.CancellationToken);
            return copy.ToArray();
        }
    }

    [Fact]
    public async Task A_daily_report_follows_the_redirect_and_arrives_byte_for_byte()
    {
        var network = new RecordedExchanges("token.json", "email-activity-date-found.json", "email-activity-download.json");
        using var downloader = GraphReportDownloader.Create(RecordedExchanges.Options(), network);

        var result = await downloader.DownloadAsync(
            GraphReportRequest.ForDate(UsageReportCatalogue.EmailActivityUserDetail, Day), TestContext.Current.CancellationToken);

        Assert.True(network.Mismatches.Count == 0, string.Join("\n", network.Mismatches));
        Assert.True(result.Succeeded, result.Error);
        var bytes = await ReadAllAsync(result.Value!);
        Assert.Equal(RecordedExchanges.BodyOf("email-activity-download.json"), bytes);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.Equal(0, network.Unused);
    }

    [Fact]
    public async Task The_token_goes_to_Graph_and_not_to_the_download_host()
    {
        var network = new RecordedExchanges("token.json", "email-activity-date-found.json", "email-activity-download.json");
        using var downloader = GraphReportDownloader.Create(RecordedExchanges.Options(), network);

        var result = await downloader.DownloadAsync(
            GraphReportRequest.ForDate(UsageReportCatalogue.EmailActivityUserDetail, Day), TestContext.Current.CancellationToken);
        await ReadAllAsync(result.Value!);

        var token = Assert.Single(network.Sent, r => r.Url.AbsolutePath.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal));
        Assert.Contains("grant_type=client_credentials", token.Body, StringComparison.Ordinal);
        Assert.Contains("scope=https%3A%2F%2Fgraph.microsoft.com%2F.default", token.Body, StringComparison.Ordinal);
        var graph = Assert.Single(network.Sent, r => r.Url.Host == "graph.microsoft.com");
        Assert.StartsWith("Bearer eyJ0eXAiOiJKV1Qi", graph.Authorization, StringComparison.Ordinal);
        var download = Assert.Single(network.Sent, r => r.Url.Host == "reports.office.com");
        Assert.Null(download.Authorization);
    }

    [Theory]
    [InlineData("2026-11-25", "https://graph.microsoft.com/v1.0/reports/getEmailActivityUserDetail(date=2026-11-25)")]
    [InlineData("D7", "https://graph.microsoft.com/v1.0/reports/getEmailActivityUserDetail(period='D7')")]
    public async Task The_SDK_calls_the_report_function_with_a_date_or_a_period(string dateOrPeriod, string url)
    {
        var byDate = DateOnly.TryParse(dateOrPeriod, System.Globalization.CultureInfo.InvariantCulture, out var date);
        var network = new RecordedExchanges("token.json", byDate ? "email-activity-date-found.json" : "email-activity-period-found.json", "email-activity-download.json");
        using var downloader = GraphReportDownloader.Create(RecordedExchanges.Options(), network);
        var report = UsageReportCatalogue.EmailActivityUserDetail;

        var result = await downloader.DownloadAsync(
            byDate ? GraphReportRequest.ForDate(report, date) : GraphReportRequest.ForPeriod(report, dateOrPeriod), TestContext.Current.CancellationToken);
        await ReadAllAsync(result.Value!);

        var graph = Assert.Single(network.Sent, r => r.Url.Host == "graph.microsoft.com");
        Assert.Equal("GET", graph.Method);
        Assert.Equal(url, Uri.UnescapeDataString(graph.Url.AbsoluteUri));
        Assert.Empty(network.Mismatches);
    }

    [Fact]
    public async Task A_429_is_retried_after_the_Retry_After_the_service_asked_for()
    {
        var network = new RecordedExchanges("token.json", "email-activity-throttled.json", "email-activity-date-found.json", "email-activity-download.json");
        using var downloader = GraphReportDownloader.Create(RecordedExchanges.Options(), network);
        var clock = Stopwatch.StartNew();

        var result = await downloader.DownloadAsync(
            GraphReportRequest.ForDate(UsageReportCatalogue.EmailActivityUserDetail, Day), TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(RecordedExchanges.BodyOf("email-activity-download.json"), await ReadAllAsync(result.Value!));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"retried after {clock.Elapsed}, before the 1 s Retry-After");
        var graph = network.Sent.Where(r => r.Url.Host == "graph.microsoft.com").ToList();
        Assert.Equal(2, graph.Count);
        Assert.False(graph[0].Headers.ContainsKey("Retry-Attempt"));
        Assert.Equal("1", graph[1].Headers["Retry-Attempt"]);
        Assert.Equal(0, network.Unused);
    }

    [Fact]
    public async Task A_403_says_the_app_needs_Reports_Read_All()
    {
        var network = new RecordedExchanges("token.json", "email-activity-forbidden.json");
        using var downloader = GraphReportDownloader.Create(RecordedExchanges.Options(), network);

        var result = await downloader.DownloadAsync(
            GraphReportRequest.ForDate(UsageReportCatalogue.EmailActivityUserDetail, Day), TestContext.Current.CancellationToken);

        Assert.False(result.Succeeded);
        Assert.Equal("getEmailActivityUserDetail(date=2026-11-25)", result.Field);
        Assert.Contains("Reports.Read.All", result.Error, StringComparison.Ordinal);
        Assert.Contains("S2SUnauthorized", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(network.Sent, r => r.Url.Host == "reports.office.com");
    }

    [Fact]
    public async Task A_date_older_than_28_days_gets_a_message_naming_the_date_and_the_limit()
    {
        var network = new RecordedExchanges("token.json", "email-activity-date-too-old.json");
        using var downloader = GraphReportDownloader.Create(RecordedExchanges.Options(), network);

        var result = await downloader.DownloadAsync(
            GraphReportRequest.ForDate(UsageReportCatalogue.EmailActivityUserDetail, new DateOnly(2026, 10, 1)), TestContext.Current.CancellationToken);

        Assert.False(result.Succeeded);
        Assert.Contains("2026-10-01", result.Error, StringComparison.Ordinal);
        Assert.Contains("28", result.Error, StringComparison.Ordinal);
        Assert.Contains("InvalidArgument", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_while_waiting_out_a_429_stops_the_download()
    {
        var network = new RecordedExchanges("token.json", "email-activity-throttled.json", "email-activity-date-found.json", "email-activity-download.json");
        using var downloader = GraphReportDownloader.Create(RecordedExchanges.Options(), network);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => downloader.DownloadAsync(
            GraphReportRequest.ForDate(UsageReportCatalogue.EmailActivityUserDetail, Day), cancel.Token));

        Assert.Single(network.Sent, r => r.Url.Host == "graph.microsoft.com");
    }

    [Fact]
    public void The_mailbox_snapshot_Copilot_and_Teams_devices_are_asked_for_by_period()
    {
        Assert.False(GraphReportDownloader.SupportsDate(UsageReportCatalogue.MailboxUsageDetail));
        // Copilot has no date form in the SDK's v1.0; Teams devices answer "used on … in the period", a period question.
        Assert.False(GraphReportDownloader.SupportsDate(UsageReportCatalogue.CopilotUsageUserDetail));
        Assert.False(GraphReportDownloader.SupportsDate(UsageReportCatalogue.TeamsDeviceUsageUserDetail));
        UsageReportType[] byPeriod = [UsageReportCatalogue.MailboxUsageDetail, UsageReportCatalogue.CopilotUsageUserDetail, UsageReportCatalogue.TeamsDeviceUsageUserDetail];
        Assert.All(UsageReportCatalogue.All.Except(byPeriod),
            r => Assert.True(GraphReportDownloader.SupportsDate(r), r.Name));
        Assert.Throws<ArgumentException>(() => GraphReportRequest.ForDate(UsageReportCatalogue.MailboxUsageDetail, Day));
        Assert.Throws<ArgumentException>(() => GraphReportRequest.ForPeriod(UsageReportCatalogue.MailboxUsageDetail, "D28"));
    }
}
