using System.Text;
using Oppdrift.Usage;
using Oppdrift.Usage.Graph;

namespace Oppdrift.Tests.Usage.Graph;

public sealed class CopilotGraphPullTests
{
    private static async Task<string> ReadAllAsync(Stream stream)
    {
        await using (stream)
        {
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return await reader.ReadToEndAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task The_Copilot_report_is_asked_for_as_CSV_by_period_and_the_download_arrives_as_written()
    {
        // The tenant does not know the second version: the first is asked for after its 400.
        var network = new RecordedExchanges("token.json", "copilot-usage-v2-unknown.json", "copilot-usage-csv-found.json", "copilot-usage-download.json");
        using var downloader = GraphReportDownloader.Create(RecordedExchanges.Options(), network);

        var result = await downloader.DownloadAsync(
            GraphReportRequest.ForPeriod(UsageReportCatalogue.CopilotUsageUserDetail, "D7"), TestContext.Current.CancellationToken);

        Assert.True(network.Mismatches.Count == 0, string.Join("\n", network.Mismatches));
        Assert.True(result.Succeeded, result.Error);
        var text = await ReadAllAsync(result.Value!);
        Assert.Equal(Encoding.UTF8.GetString(RecordedExchanges.BodyOf("copilot-usage-download.json")).TrimStart('\uFEFF'), text);
        var download = Assert.Single(network.Sent, r => r.Url.Host == "reports.office.com");
        Assert.Null(download.Authorization);
        Assert.Equal(0, network.Unused);
    }

    [Fact]
    public async Task A_JSON_answer_is_followed_page_by_page_and_read_as_the_same_report()
    {
        var network = new RecordedExchanges("token.json", "copilot-usage-v2-unknown.json", "copilot-usage-json-page1.json", "copilot-usage-json-page2.json");
        using var downloader = GraphReportDownloader.Create(RecordedExchanges.Options(), network);

        var result = await downloader.DownloadAsync(
            GraphReportRequest.ForPeriod(UsageReportCatalogue.CopilotUsageUserDetail, "D7"), TestContext.Current.CancellationToken);

        Assert.True(network.Mismatches.Count == 0, string.Join("\n", network.Mismatches));
        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(0, network.Unused);
        var graph = network.Sent.Where(r => r.Url.Host == "graph.microsoft.com").ToList();
        Assert.Equal(3, graph.Count);
        Assert.All(graph, r => Assert.StartsWith("Bearer ", r.Authorization, StringComparison.Ordinal));

        var file = UsageReportFile.Read(result.Value!, "copilot");
        Assert.Empty(file.Errors);
        Assert.Same(UsageReportCatalogue.CopilotUsageUserDetail, file.Report);
        Assert.Equal(2, file.Rows.Count);
        Assert.Equal(UsageConcealment.Concealed, file.Concealment);
    }

    [Fact]
    public async Task The_second_version_is_asked_for_first_and_its_prompt_counts_arrive_with_the_report()
    {
        var network = new RecordedExchanges("token.json", "copilot-usage-v2-found.json", "copilot-usage-v2-download.json");
        using var downloader = GraphReportDownloader.Create(RecordedExchanges.Options(), network);

        var result = await downloader.DownloadAsync(
            GraphReportRequest.ForPeriod(UsageReportCatalogue.CopilotUsageUserDetail, "D7"), TestContext.Current.CancellationToken);

        Assert.True(network.Mismatches.Count == 0, string.Join("\n", network.Mismatches));
        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(0, network.Unused);
        var asked = Assert.Single(network.Sent, r => r.Url.Host == "graph.microsoft.com");
        Assert.Contains("/copilot/reports/", asked.Url.AbsolutePath, StringComparison.Ordinal);

        var file = UsageReportFile.Read(result.Value!, "copilot-v2.csv");
        Assert.Empty(file.Errors);
        Assert.Empty(file.Warnings);
        var report = file.Report!;
        var prompts = report.IndexOf(UsageReportCatalogue.CopilotCounts[0].Column);
        Assert.Equal([23L, 0L, 6L], file.Rows.Select(r => r.GetCount(prompts)!.Value));
    }

    [Fact]
    public async Task A_refusal_other_than_an_unknown_version_is_reported_without_asking_again()
    {
        var network = new RecordedExchanges("token.json", "copilot-usage-v2-forbidden.json");
        using var downloader = GraphReportDownloader.Create(RecordedExchanges.Options(), network);

        var result = await downloader.DownloadAsync(
            GraphReportRequest.ForPeriod(UsageReportCatalogue.CopilotUsageUserDetail, "D7"), TestContext.Current.CancellationToken);

        Assert.True(network.Mismatches.Count == 0, string.Join("\n", network.Mismatches));
        Assert.False(result.Succeeded);
        Assert.Contains("S2SUnauthorized", result.Error, StringComparison.Ordinal);
        Assert.Single(network.Sent, r => r.Url.Host == "graph.microsoft.com");
    }

    [Fact]
    public void The_nightly_pull_asks_for_Copilot_by_7_days_and_Teams_devices_by_30()
    {
        var plan = UsagePullPlanner.Plan(new HashSet<(string, DateOnly)>(), new DateOnly(2026, 11, 25), backfillDays: 3);

        var copilot = Assert.Single(plan, p => p.Report == UsageReportCatalogue.CopilotUsageUserDetail);
        Assert.Equal("getMicrosoft365CopilotUsageUserDetail(period='D7')", copilot.ToString());
        var devices = Assert.Single(plan, p => p.Report == UsageReportCatalogue.TeamsDeviceUsageUserDetail);
        Assert.Equal("getTeamsDeviceUsageUserDetail(period='D30')", devices.ToString());
    }
}
