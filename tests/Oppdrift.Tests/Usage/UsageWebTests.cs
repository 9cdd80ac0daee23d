using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Usage;

namespace Oppdrift.Tests.Usage;

/// <summary>The usage pages, exports and API of the running app, on the demo's agencies (the ombuds have fewer than ten people).</summary>
public sealed partial class UsageWebTests
{
    private const string Marker = UsageExport.SuppressedMarker;

    /// <summary>Fourteen days of figures for every demo agency; the Mobbeombudet has 4 people, the rest many more.</summary>
    private static async Task SeedAsync(RunningApp app)
    {
        await using var db = app.Database.CreateContext();
        var agencies = await db.Agencies.OrderBy(a => a.Id).Select(a => new { a.Id, a.Code }).ToListAsync();
        var groups = agencies.Select(a => (a.Id, People: a.Code == "MOB" ? 4 : 20 + (a.Id * 13 % 400))).Append((Id: 0, People: 30)).ToList();
        await UsageSeed.FiguresAsync(db, groups, UsageSeed.LastDay.AddDays(-13), UsageSeed.LastDay);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_small_agency_is_hidden_on_every_page_export_and_API_and_no_column_hides_exactly_one(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind);
        await SeedAsync(app);
        var admin = await app.SignInAsync(Roles.Administrator);

        // API
        using (var overview = JsonDocument.Parse(await admin.GetStringAsync("/api/usage/overview?window=7")))
        {
            var root = overview.RootElement;
            Assert.Equal("2026-11-24", root.GetProperty("date").GetString());
            var rows = root.GetProperty("agencies").EnumerateArray().ToList();
            var mob = rows.Single(r => r.GetProperty("code").GetString() == "MOB");
            Assert.All(mob.GetProperty("cells").EnumerateArray(), c =>
            {
                Assert.Equal(JsonValueKind.Null, c.GetProperty("value").ValueKind);
                Assert.Equal("smallGroup", c.GetProperty("suppressed").GetString());
            });
            var columns = root.GetProperty("columns").GetArrayLength();
            var municipality = root.GetProperty("municipality").GetProperty("cells").EnumerateArray().ToList();
            for (var i = 0; i < columns; i++)
            {
                var hidden = rows.Count(r => r.GetProperty("cells")[i].GetProperty("suppressed").ValueKind == JsonValueKind.String);
                Assert.True(hidden != 1 || municipality[i].GetProperty("suppressed").ValueKind == JsonValueKind.String, $"API column {i} hides one agency only");
            }
        }
        using (var series = JsonDocument.Parse(await admin.GetStringAsync("/api/usage/agencies/MOB?from=2026-11-11&to=2026-11-24")))
        {
            var points = series.RootElement.GetProperty("series").EnumerateArray().SelectMany(s => s.GetProperty("points").EnumerateArray()).ToList();
            Assert.NotEmpty(points);
            Assert.All(points, p => Assert.Equal(JsonValueKind.Null, p.GetProperty("value").ValueKind));
        }

        // Overview page: the ombud's row has markers and no figures.
        var page = await admin.GetStringAsync("/usage?window=7");
        var mobRow = RowOf(page, "Mobbeombudet");
        Assert.Contains(Marker, Text(mobRow), StringComparison.Ordinal);
        Assert.DoesNotMatch("[0-9]", Text(mobRow).Replace("10", "", StringComparison.Ordinal));

        // Agency page: every charted value is null, and the tables show markers.
        var agencyPage = await admin.GetStringAsync("/usage/agencies/MOB?from=2026-11-11&to=2026-11-24");
        var charts = ChartData().Matches(agencyPage).Select(m => JsonDocument.Parse(WebUtility.HtmlDecode(m.Groups[1].Value))).ToList();
        Assert.Equal(UsageViews.AgencyCharts.Count, charts.Count);
        Assert.All(charts.SelectMany(c => c.RootElement.GetProperty("series").EnumerateArray()).SelectMany(s => s.GetProperty("values").EnumerateArray()),
            v => Assert.Equal(JsonValueKind.Null, v.ValueKind));
        Assert.Contains(Marker, WebUtility.HtmlDecode(agencyPage), StringComparison.Ordinal);

        // CSV
        var csvBytes = await admin.GetByteArrayAsync("/usage/export.csv?view=overview&window=7");
        Assert.Equal(Encoding.UTF8.GetPreamble(), csvBytes[..3]);
        var csv = Encoding.UTF8.GetString(csvBytes[3..]).Split("\r\n").Select(l => l.Split(';')).ToList();
        var header = csv[1];
        var body = csv.Skip(2).TakeWhile(l => l.Length == header.Length).ToList();
        Assert.All(body.Single(l => l[0] == "MOB")[2..], f => Assert.Equal(Marker, f));
        AssertColumnsSafe([.. body.Where(l => l[0] != "").Select(l => l[2..].ToList())], [.. body.Single(l => l[0] == "")[2..]]);
        var agencyCsv = Encoding.UTF8.GetString(await admin.GetByteArrayAsync("/usage/export.csv?view=agency&agency=MOB&from=2026-11-11&to=2026-11-24"));
        Assert.Contains(Marker, agencyCsv, StringComparison.Ordinal);

        // Excel
        var xlsx = await admin.GetByteArrayAsync("/usage/export.xlsx?view=overview&window=7");
        var sheet = ReadSheet(xlsx);
        var xlHeader = sheet[1];
        var xlBody = sheet.Skip(2).TakeWhile(r => r.Count == xlHeader.Count).ToList();
        Assert.All(xlBody.Single(r => r[0] == "MOB")[2..], f => Assert.Equal(Marker, f));
        Assert.Contains(xlBody, r => r[0] == "SYE" && double.TryParse(r[3], System.Globalization.CultureInfo.InvariantCulture, out _));
        AssertColumnsSafe([.. xlBody.Where(r => r[0] != "").Select(r => r[2..])], xlBody.Single(r => r[0] == "")[2..]);

        // The other pages answer.
        foreach (var path in new[] { "/usage/workloads/teams", "/usage/workloads/Apps", "/usage/metrics", "/usage/imports" })
        {
            var response = await admin.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}");
        }
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/usage/workloads/skype")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_agency_leader_reads_only_their_agencies_usage(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind);
        await SeedAsync(app);
        var leader = await app.SignInAsync(Roles.AgencyLeader, "SYE");

        using var overview = JsonDocument.Parse(await leader.GetStringAsync("/api/usage/overview"));
        var codes = overview.RootElement.GetProperty("agencies").EnumerateArray().Select(r => r.GetProperty("code").GetString()).ToList();
        var csv = Encoding.UTF8.GetString(await leader.GetByteArrayAsync("/usage/export.csv"));

        Assert.Equal(["SYE"], codes);
        Assert.DoesNotContain("Bydel Nord", csv, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await leader.GetAsync("/usage/agencies/SYE")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await leader.GetAsync("/usage/agencies/BNO")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await leader.GetAsync("/api/usage/agencies/BNO")).StatusCode);
        foreach (var export in new[] { "/usage/export.csv?view=agency&agency=BNO", "/usage/export.xlsx?view=agency&agency=BNO" })
        {
            var response = await leader.GetAsync(export);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Contains("/account/access-denied", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task While_a_batch_of_reports_loads_in_the_background_the_overview_says_how_far_it_has_come(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind);
        var admin = await app.SignInAsync(Roles.ChangeLeader);
        var status = app.App.Services.GetRequiredService<UsageLoadStatus>();

        string loading;
        using (var batch = status.Begin(27))
        {
            batch.Report(new UsageImportProgress(9, 27, 1000, null));
            loading = Text(await admin.GetStringAsync("/usage"));
        }
        var done = Text(await admin.GetStringAsync("/usage"));

        Assert.Contains("Bruksrapporter lastes inn i bakgrunnen: 9 av 27 rapporter er importert.", loading, StringComparison.Ordinal);
        Assert.DoesNotContain("lastes inn i bakgrunnen", done, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Uploading_reports_shows_each_files_result_with_the_line_and_column_of_its_errors(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind);
        var admin = await app.SignInAsync(Roles.ChangeLeader);
        var form = await admin.GetStringAsync("/usage/imports");

        using var content = new MultipartFormDataContent
        {
            { new StringContent(RunningApp.AntiforgeryToken(form)), "__RequestVerificationToken" },
        };
        foreach (var name in new[] { "email-activity-user-detail.csv", "bad-email-date.csv" })
        {
            var file = new ByteArrayContent(await File.ReadAllBytesAsync(TestFiles.Path("usage", name)));
            file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            content.Add(file, "file", name);
        }
        var response = await admin.PostAsync("/usage/import", content);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/usage/imports?result=", location, StringComparison.Ordinal);
        var result = WebUtility.HtmlDecode(await admin.GetStringAsync(location));
        Assert.Matches(@"bad-email-date\.csv:2:\d+", result);
        Assert.Contains("email-activity-user-detail.csv", result, StringComparison.Ordinal);
        await using var db = app.Database.CreateContext();
        var statuses = await db.UsageImports.ToDictionaryAsync(i => i.Name, i => i.Status);
        Assert.Equal(UsageImportStatus.Succeeded, statuses["email-activity-user-detail.csv"]);
        Assert.Equal(UsageImportStatus.Failed, statuses["bad-email-date.csv"]);
        Assert.All(await db.UsageImports.ToListAsync(), i => Assert.Equal(UsageSourceKind.Upload, i.Source));
    }

    /// <summary>The export's promise: no column hides exactly one agency while showing the municipality's figure.</summary>
    private static void AssertColumnsSafe(List<List<string>> agencies, List<string> municipality)
    {
        for (var i = 0; i < municipality.Count; i++)
        {
            var hidden = agencies.Count(r => r[i] == Marker);
            Assert.True(hidden != 1 || municipality[i] == Marker, $"Export column {i} hides exactly one agency.");
        }
    }

    /// <summary>The sheet's rows as text; numbers in invariant form, inline strings as written.</summary>
    private static List<List<string>> ReadSheet(byte[] xlsx)
    {
        using var stream = new MemoryStream(xlsx);
        using var document = SpreadsheetDocument.Open(stream, false);
        var part = document.WorkbookPart!.WorksheetParts.Single();
        return [.. part.Worksheet.Descendants<Row>().Select(row => row.Elements<Cell>()
            .Select(c => c.DataType?.Value == CellValues.InlineString ? c.InlineString!.InnerText : c.CellValue?.Text ?? "").ToList())];
    }

    private static string RowOf(string html, string name)
    {
        var at = html.IndexOf(name, StringComparison.Ordinal);
        Assert.True(at >= 0, $"{name} is not on the page");
        var start = html.LastIndexOf("<tr", at, StringComparison.Ordinal);
        var end = html.IndexOf("</tr>", at, StringComparison.Ordinal);
        return html[start..end];
    }

    private static string Text(string html) => WebUtility.HtmlDecode(Tags().Replace(html, " "));

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex("data-chart=\"([^\"]*)\"")]
    private static partial Regex ChartData();
}
