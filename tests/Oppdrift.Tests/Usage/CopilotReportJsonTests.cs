using System.Text;
using System.Text.Json;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Usage;

namespace Oppdrift.Tests.Usage;

public sealed class CopilotReportJsonTests
{
    [Fact]
    public void The_documented_JSON_answer_becomes_the_documented_CSV_columns_with_the_nested_period()
    {
        using var page = JsonDocument.Parse(File.ReadAllText(TestFiles.Path("usage", "graph", "copilot-usage-json-page1.body.json")));
        var csv = new StringBuilder(CopilotReportJson.Header).Append("\r\n");

        var next = CopilotReportJson.AppendPage(page.RootElement, csv, 30, out var error);

        Assert.Null(error);
        Assert.EndsWith("$skiptoken=MDoyOjE", next, StringComparison.Ordinal);
        var file = UsageReportFile.Read(new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())), "copilot.json");
        Assert.Empty(file.Errors);
        Assert.Same(UsageReportCatalogue.CopilotUsageUserDetail, file.Report);
        var row = Assert.Single(file.Rows);
        var report = file.Report!;
        Assert.Equal(7, row.GetPeriod(report.IndexOf("Report Period")));
        Assert.Equal(new DateOnly(2026, 11, 23), row.GetDate(report.IndexOf("Microsoft Teams Copilot Last Activity Date")));
        Assert.Null(row.GetDate(report.IndexOf("Excel Copilot Last Activity Date")));
    }

    [Fact]
    public void JSON_without_a_value_list_is_refused_with_a_message()
    {
        using var page = JsonDocument.Parse("""{"error":{"code":"x"}}""");
        var next = CopilotReportJson.AppendPage(page.RootElement, new StringBuilder(), 7, out var error);
        Assert.Null(next);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData("\uFEFF{\"value\":[]}", true)]
    [InlineData("  \r\n{", true)]
    [InlineData("\uFEFFReport Refresh Date,Report Period", false)]
    [InlineData("", false)]
    public void JSON_is_told_from_CSV_by_its_first_character(string start, bool json) =>
        Assert.Equal(json, CopilotReportJson.LooksLikeJson(Encoding.UTF8.GetBytes(start)));
}

public sealed class UsageViewTextTests
{
    [Theory]
    [InlineData("nb")]
    [InlineData("en")]
    public void Every_column_and_chart_the_usage_pages_show_has_its_name_and_explanation_in_both_languages(string language)
    {
        var before = System.Globalization.CultureInfo.CurrentUICulture;
        System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo(language);
        try
        {
            var columns = Enum.GetValues<UsageWorkload>().SelectMany(w => UsageMetrics.Windows.SelectMany(window => UsageViews.WorkloadColumns(w, window)))
                .Concat(UsageViews.DeviceColumns).Concat(UsageViews.OverviewColumns(28));
            foreach (var column in columns)
            {
                Assert.False(string.IsNullOrWhiteSpace(column.Name), column.Key);
                Assert.False(string.IsNullOrWhiteSpace(column.HowComputed), column.Key);
            }
            Assert.All(UsageViews.AgencyCharts.Concat(Enum.GetValues<UsageWorkload>().SelectMany(UsageViews.WorkloadCharts)),
                chart => Assert.False(string.IsNullOrWhiteSpace(chart.Title), chart.Key));
            Assert.All(UsageMetrics.All, m => Assert.False(string.IsNullOrWhiteSpace(m.Name + m.HowComputed), m.Code));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentUICulture = before;
        }
    }
}
