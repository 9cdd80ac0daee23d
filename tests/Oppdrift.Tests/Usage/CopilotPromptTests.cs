using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Shared.Privacy;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Usage;

namespace Oppdrift.Tests.Usage;

/// <summary>The prompt counts and active days of the Copilot report's second version, from file, JSON and the pages.</summary>
public sealed class CopilotPromptTests
{
    private const string Domain = "@nordvik.kommune.no";
    private static readonly DateOnly Day = new(2026, 11, 24);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 6, 0, 0, TimeSpan.Zero));
    private readonly Pseudonymiser _pseudonymiser = new(new PseudonymiserOptions { Key = Pseudonymiser.NewKey() });

    private static readonly (string Prefix, string Code, int Count)[] Agencies = [("sye", "SYE", 12), ("bar", "BAR", 11), ("kul", "KUL", 3)];

    [Theory]
    [InlineData("Prompts Submitted (All Apps)", 0)]
    [InlineData("Prompts Submitted For All Apps", 0)]
    [InlineData("Total Prompts Submitted", 0)]
    [InlineData("totalPromptsSubmittedCount", 0)]
    [InlineData("promptsSubmittedAllApps", 0)]
    [InlineData("Copilot Chat (work) Prompts Submitted", 1)]
    [InlineData("Copilot Chat (Work) Prompt Count", 1)]
    [InlineData("copilotChatWorkPromptsSubmitted", 1)]
    [InlineData("Copilot Chat (web) Prompts Submitted", 2)]
    [InlineData("copilotChatWebPromptCount", 2)]
    [InlineData("Active Usage Days", 3)]
    [InlineData("activeUsageDays", 3)]
    [InlineData("Active Days", 3)]
    public void A_count_column_is_known_by_its_words_in_any_spelling(string header, int expected) =>
        Assert.Equal(UsageReportCatalogue.CopilotCounts[expected].Column, UsageReportCatalogue.CopilotPromptColumn(header));

    [Theory]
    [InlineData("Word Copilot Prompts Submitted")]
    [InlineData("Microsoft Teams Copilot Prompt Count")]
    [InlineData("Copilot Chat (work) Active Usage Days")]
    [InlineData("Last Activity Date")]
    [InlineData("Copilot Chat Last Activity Date")]
    [InlineData("Network Prompts")]
    [InlineData("")]
    public void Other_columns_are_not_taken_for_a_count(string header) =>
        Assert.Null(UsageReportCatalogue.CopilotPromptColumn(header));

    private static async Task<TestDatabase> WithPeopleAsync(DatabaseKind kind)
    {
        var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var setup = new OrganisationSetup(db, TimeProvider.System);
        foreach (var (prefix, code, count) in Agencies)
        {
            var agency = (await setup.CreateAgencyAsync(new AgencyInput(code, code + " etat", "Sektor"), "test", default)).Value!;
            for (var i = 0; i < count; i++)
            {
                var upn = $"{prefix}{i:00}{Domain}";
                db.People.Add(new Person
                {
                    UserPrincipalName = upn,
                    NormalizedUserPrincipalName = upn,
                    DisplayName = $"{prefix} {i}",
                    AgencyId = agency.Id,
                    IsActive = true,
                    AccountEnabled = true,
                });
            }
        }
        await db.SaveChangesAsync();
        return database;
    }

    private UsageImporter Importer(OppdriftDb db) =>
        new(db, _pseudonymiser, new UsageOptions(), _clock, NullLogger<UsageImporter>.Instance);

    private UsageQueries Queries(OppdriftDb db) => new(db, new SuppressionOptions(), _clock, new UsageFigureCache());

    private static UsageSource Csv(string name, string text) =>
        new(name, _ => Task.FromResult<Stream>(new MemoryStream([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)])));

    private static string D(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // Person i: i prompts in all apps (2 of them in Chat at work, 1 on the web when i > 2), used Copilot on i % 5 days;
    // person 0 of each agency has no counts at all (the second version's empty cells).
    private static int Prompts(int i) => i;

    private static string SecondVersionReport(int period)
    {
        // Spelled as a tenant's export might, not as the catalogue names them.
        var text = new StringBuilder("Report Refresh Date,Report Period,User Principal Name,Last Activity Date,Microsoft Teams Copilot Last Activity Date,"
            + "Word Copilot Last Activity Date,Excel Copilot Last Activity Date,PowerPoint Copilot Last Activity Date,Outlook Copilot Last Activity Date,"
            + "Total Prompts Submitted,Copilot Chat (Work) Prompt Count,Copilot Chat (Web) Prompt Count,Active Usage Days\r\n");
        foreach (var (prefix, _, count) in Agencies)
        {
            for (var i = 0; i < count; i++)
            {
                var counts = i == 0 ? ",,," : string.Create(CultureInfo.InvariantCulture, $"{Prompts(i)},{Math.Min(i, 2)},{(i > 2 ? 1 : 0)},{i % 5}");
                text.Append(CultureInfo.InvariantCulture, $"{D(Day)},{period},{prefix}{i:00}{Domain},{D(Day)},,{D(Day)},,,,{counts}\r\n");
            }
        }
        return text.ToString();
    }

    private static async Task<Dictionary<string, long>> FiguresAsync(TestDatabase database, string code)
    {
        await using var db = database.CreateContext();
        var agency = await db.Agencies.Where(a => a.Code == code).Select(a => a.Id).SingleAsync();
        var rows = await db.UsageFigures.Where(f => f.Date == Day && f.Period == 1 && f.AgencyId == agency && f.Metric.StartsWith("copilot.")).ToListAsync();
        return rows.ToDictionary(f => f.Metric, f => f.Value);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Prompt_counts_become_prompts_per_person_and_week_per_agency_with_small_agencies_suppressed(DatabaseKind kind)
    {
        await using var database = await WithPeopleAsync(kind);
        await using (var db = database.CreateContext())
        {
            var result = await Importer(db).ImportAsync([Csv("copilot-v2.csv", SecondVersionReport(30))], new UsageImportRequest { Actor = "test" });
            var file = Assert.Single(result.Files);
            Assert.True(file.Import.Status == UsageImportStatus.Succeeded, string.Join("\n", file.Errors));
            Assert.Empty(file.Warnings);
        }

        // SYE, people 1…11 have counts: prompts 1+…+11 = 66; Chat at work 1+2·10 = 21; web 9 (3…11); days Σ i%5 = 1+2+3+4+0+1+2+3+4+0+1 = 21.
        var sye = await FiguresAsync(database, "SYE");
        Assert.Equal(66, sye["copilot.prompts"]);
        Assert.Equal(21, sye["copilot.chatWorkPrompts"]);
        Assert.Equal(9, sye["copilot.chatWebPrompts"]);
        Assert.Equal(21, sye["copilot.activeDays"]);
        Assert.Equal(11, sye["copilot.prompters"]);
        Assert.Equal(11 * 30, sye["copilot.promptDays"]);
        Assert.Equal(12, sye["copilot.licensed"]);

        await using (var db = database.CreateContext())
        {
            var table = await Queries(db).WorkloadAsync(UsageWorkload.Copilot, null, 28, null, default);
            var columns = table.Columns.ToList();
            int perWeek = columns.FindIndex(c => c.Key == "copilotPromptsPerWeek"), prompters = columns.FindIndex(c => c.Key == "copilotPromptersShare"),
                days = columns.FindIndex(c => c.Key == "copilotActiveDaysShare");
            Assert.True(perWeek > 0 && prompters > 0 && days > 0);
            var syeRow = table.Rows.Single(r => r.Code == "SYE");
            Assert.Equal(7.0 * 66 / 330, syeRow.Cells[perWeek].Value!.Value, 6);
            Assert.Equal(100.0 * 11 / 12, syeRow.Cells[prompters].Value!.Value, 6);
            Assert.Equal(100.0 * 21 / 330, syeRow.Cells[days].Value!.Value, 6);
            var kul = table.Rows.Single(r => r.Code == "KUL");
            Assert.True(kul.Cells[perWeek].IsSuppressed);
            Assert.Null(kul.Cells[perWeek].Value);

            // The municipality: BAR 1…10 → 55 prompts, KUL 1…2 → 3; 66 + 55 + 3 over (11 + 10 + 2) · 30 person-days.
            Assert.Equal(7.0 * 124 / (23 * 30), table.Municipality.Cells[perWeek].Value!.Value, 6);

            var measure = UsageMeasures.Find("copilotPrompts")!;
            var figures = await new UsageIndicatorQuery(db, Queries(db)).AtAsync(measure.Column, Day, default);
            Assert.Equal(7.0 * 124 / (23 * 30), figures.Municipality.Value!.Value, 6);
            Assert.True(figures.Agencies[kul.AgencyId].IsSuppressed);
        }
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_first_version_report_leaves_the_prompt_figures_empty_rather_than_zero(DatabaseKind kind)
    {
        await using var database = await WithPeopleAsync(kind);
        var firstVersion = string.Join("\r\n", SecondVersionReport(7).Split("\r\n").Select(line =>
            line.Length == 0 ? line : string.Join(',', line.Split(',')[..9]))) + "\r\n";
        await using (var db = database.CreateContext())
        {
            var result = await Importer(db).ImportAsync([Csv("copilot-v1.csv", firstVersion)], new UsageImportRequest { Actor = "test" });
            Assert.Equal(UsageImportStatus.Succeeded, Assert.Single(result.Files).Import.Status);
        }
        await using (var db = database.CreateContext())
        {
            var table = await Queries(db).WorkloadAsync(UsageWorkload.Copilot, null, 28, null, default);
            var perWeek = table.Columns.ToList().FindIndex(c => c.Key == "copilotPromptsPerWeek");
            var syeRow = table.Rows.Single(r => r.Code == "SYE");
            Assert.Null(syeRow.Cells[perWeek].Value);
            Assert.False(syeRow.Cells[perWeek].IsSuppressed);
            Assert.NotNull(syeRow.Cells[0].Value);
        }
    }

    [Fact]
    public void The_second_versions_JSON_counts_become_the_same_columns()
    {
        using var page = JsonDocument.Parse("""
            {"value":[{"reportRefreshDate":"2026-11-24","reportPeriod":7,"userPrincipalName":"kari@nordvik.kommune.no",
              "lastActivityDate":"2026-11-24","microsoftTeamsCopilotLastActivityDate":"2026-11-24","wordCopilotLastActivityDate":null,
              "excelCopilotLastActivityDate":null,"powerPointCopilotLastActivityDate":null,"outlookCopilotLastActivityDate":null,
              "promptsSubmittedForAllApps":17,"copilotChatWorkPromptsSubmitted":5,"copilotChatWebPromptsSubmitted":2,"activeUsageDays":4,
              "wordCopilotPromptsSubmitted":3}]}
            """);
        var csv = new StringBuilder(CopilotReportJson.Header).Append("\r\n");

        CopilotReportJson.AppendPage(page.RootElement, csv, 7, out var error);

        Assert.Null(error);
        var file = UsageReportFile.Read(new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())), "copilot.json");
        Assert.Empty(file.Errors);
        var row = Assert.Single(file.Rows);
        var report = file.Report!;
        Assert.Equal([17L, 5L, 2L, 4L], UsageReportCatalogue.CopilotCounts.Select(c => row.GetCount(report.IndexOf(c.Column))!.Value));
    }

    [Fact]
    public void Two_columns_meaning_the_same_count_are_refused_naming_the_second()
    {
        var text = "Report Refresh Date,Report Period,User Principal Name,Last Activity Date,Microsoft Teams Copilot Last Activity Date,"
            + "Word Copilot Last Activity Date,Excel Copilot Last Activity Date,PowerPoint Copilot Last Activity Date,Outlook Copilot Last Activity Date,"
            + "Total Prompts Submitted,Prompts Submitted (All Apps)\r\n"
            + "2026-11-24,7,kari@nordvik.kommune.no,2026-11-24,,,,,,3,3\r\n";
        var file = UsageReportFile.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "copilot.csv");
        var error = Assert.Single(file.Errors);
        Assert.Equal((1, 11, "Prompts Submitted (All Apps)"), (error.Line, error.Column, error.ColumnName));
    }
}
