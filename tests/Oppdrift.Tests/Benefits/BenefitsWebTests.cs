using System.Net;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Benefits;

/// <summary>The Benefits pages, API, downloads and the delete button through the running app, for each role.</summary>
public sealed class BenefitsWebTests
{
    private sealed record Seeded(int Whole, int ForSye, int ForBno, long SyeManual, long BnoManual, long MunicipalityManual, long SyeAutomatic);

    /// <summary>
    /// A benefit for the whole municipality with a survey indicator measured by hand for Sykehjemsetaten, Bydel Nord and
    /// the municipality (and once automatically), and a benefit for each of the two agencies.
    /// </summary>
    private static async Task<Seeded> SeedAsync(RunningApp app)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
        var editor = scope.ServiceProvider.GetRequiredService<BenefitsEditor>();
        var central = BenefitsUsers.Central;
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
        var baseline = today.AddDays(-90);
        var agencies = await db.Agencies.Where(a => a.Code == "SYE" || a.Code == "BNO").ToDictionaryAsync(a => a.Code, a => a.Id);
        var goal = (await editor.SaveGoalAsync(null, new GoalInput("Økt medarbeidertilfredshet", null), central, default)).Value!.Id;
        async Task<int> BenefitAsync(string name, params int[] scope) =>
            (await editor.SaveBenefitAsync(null, new BenefitInput(goal, name, null, "HR-direktør", baseline, baseline.AddYears(2), false, true, null, null, scope),
                central, default)).Value!.Id;
        var whole = await BenefitAsync("Bedre digital arbeidsglede");
        var forSye = await BenefitAsync("Færre utskrifter i Sykehjemsetaten", agencies["SYE"]);
        var forBno = await BenefitAsync("Færre utskrifter i Bydel Nord", agencies["BNO"]);
        var indicator = (await editor.SaveIndicatorAsync(null, BenefitsServices.Survey(whole, baseline), central, default)).Value!.Id;
        async Task<long> MeasureAsync(int? agency, double value) =>
            (await editor.AddMeasurementAsync(new MeasurementInput(indicator, agency, today.AddDays(-10), value, "Pulsundersøkelsen"), central, default)).Value!.Id;
        var sye = await MeasureAsync(agencies["SYE"], 3.9);
        var bno = await MeasureAsync(agencies["BNO"], 3.6);
        var municipality = await MeasureAsync(null, 3.7);
        var automatic = new Measurement
        {
            IndicatorId = indicator,
            AgencyId = agencies["SYE"],
            Date = today.AddDays(-20),
            Value = 3.5,
            Automatic = true,
            EnteredBy = BenefitsMeasurer.Actor,
            EnteredAt = TimeProvider.System.GetUtcNow().UtcDateTime,
        };
        db.Measurements.Add(automatic);
        await db.SaveChangesAsync();
        return new Seeded(whole, forSye, forBno, sye, bno, municipality, automatic.Id);
    }

    private static string Location(HttpResponseMessage response) =>
        response.Headers.Location is { } location ? (location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString) : "";

    private static string[] BenefitNames(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.GetProperty("goals").EnumerateArray().SelectMany(g => g.GetProperty("benefits").EnumerateArray())
            .Select(b => b.GetProperty("name").GetString()!).Order(StringComparer.Ordinal)];
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_api_and_the_reports_show_a_leader_only_their_own_agencies_the_system_owner_all_and_an_employee_nothing(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        var seeded = await SeedAsync(app);
        using var leader = await app.SignInAsync(Roles.AgencyLeader, "SYE");
        using var systemOwner = await app.SignInAsync(Roles.SystemOwner);
        using var employee = await app.SignInAsync(Roles.Employee);

        Assert.Equal(["Bedre digital arbeidsglede", "Færre utskrifter i Sykehjemsetaten"], BenefitNames(await leader.GetStringAsync("/api/benefits?agency=SYE")));
        Assert.Equal(HttpStatusCode.Forbidden, (await leader.GetAsync("/api/benefits?agency=BNO")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await leader.GetAsync("/api/benefits?agency=FINNESIKKE")).StatusCode);
        Assert.Equal(["Bedre digital arbeidsglede", "Færre utskrifter i Bydel Nord"], BenefitNames(await systemOwner.GetStringAsync("/api/benefits?agency=BNO")));
        Assert.Equal(HttpStatusCode.Forbidden, (await employee.GetAsync("/api/benefits")).StatusCode);
        using (var agencyApi = await leader.GetAsync("/api/benefits?agency=SYE"))
        {
            using var json = JsonDocument.Parse(await agencyApi.Content.ReadAsStringAsync());
            var indicator = json.RootElement.GetProperty("goals")[0].GetProperty("benefits").EnumerateArray()
                .Single(b => b.GetProperty("id").GetInt32() == seeded.Whole).GetProperty("indicators")[0];
            // The agency's own latest measurement, not the municipality's or another agency's.
            Assert.Equal(3.9, indicator.GetProperty("latestValue").GetDouble());
        }

        using var own = await leader.GetAsync("/benefits/report.docx?kind=plan&agency=SYE");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.StartsWith("gevinstrealiseringsplan-sye-", own.Content.Headers.ContentDisposition!.FileNameStar ?? own.Content.Headers.ContentDisposition.FileName,
            StringComparison.Ordinal);
        string text;
        using (var word = WordprocessingDocument.Open(new MemoryStream(await own.Content.ReadAsByteArrayAsync()), false))
        {
            text = word.MainDocumentPart!.Document.Body!.InnerText;
        }
        Assert.Contains("Færre utskrifter i Sykehjemsetaten", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Bydel Nord", text, StringComparison.Ordinal);
        foreach (var (client, url) in new[]
        {
            (leader, "/benefits/report.docx?agency=BNO"), (leader, "/benefits/report.xlsx?kind=status&agency=BNO"),
            (employee, "/benefits/report.docx"), (employee, "/benefits/report.xlsx?agency=SYE"),
        })
        {
            using var refused = await client.GetAsync(url);
            Assert.True(Location(refused).StartsWith("/account/access-denied", StringComparison.Ordinal), $"{url}: {(int)refused.StatusCode} {Location(refused)}");
        }
        using var all = await systemOwner.GetAsync("/benefits/report.xlsx?kind=status&agency=BNO");
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        using (var workbook = SpreadsheetDocument.Open(new MemoryStream(await all.Content.ReadAsByteArrayAsync()), false))
        {
            Assert.Contains("Målinger", workbook.WorkbookPart!.Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>().Select(s => s.Name!.Value));
        }

        using var otherPage = await leader.GetAsync($"/benefits/{seeded.ForBno}?agency=BNO");
        Assert.Equal(HttpStatusCode.Forbidden, otherPage.StatusCode);
        Assert.DoesNotContain("Færre utskrifter i Bydel Nord", await otherPage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var employeePage = await employee.GetAsync($"/benefits/{seeded.Whole}");
        Assert.StartsWith("/account/access-denied", Location(employeePage), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Without_an_agency_chosen_a_leader_sees_their_own_agency_never_the_municipality_with_other_agencies_benefits(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        var seeded = await SeedAsync(app);
        using var leader = await app.SignInAsync(Roles.AgencyLeader, "SYE");
        using var systemOwner = await app.SignInAsync(Roles.SystemOwner);

        // The API and the pages default to the leader's agency, with its own figures (3.9), not the municipality's (3.7).
        Assert.Equal(["Bedre digital arbeidsglede", "Færre utskrifter i Sykehjemsetaten"], BenefitNames(await leader.GetStringAsync("/api/benefits")));
        using (var json = JsonDocument.Parse(await leader.GetStringAsync("/api/benefits")))
        {
            Assert.Equal("Sykehjemsetaten", json.RootElement.GetProperty("scope").GetString());
        }
        Assert.Equal(["Bedre digital arbeidsglede", "Færre utskrifter i Bydel Nord", "Færre utskrifter i Sykehjemsetaten"],
            BenefitNames(await systemOwner.GetStringAsync("/api/benefits")));
        foreach (var url in new[] { "/benefits", "/benefits/map", "/benefits/climate", $"/benefits/{seeded.Whole}" })
        {
            using var response = await leader.GetAsync(url);
            var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode}");
            Assert.DoesNotContain("Bydel Nord", html, StringComparison.Ordinal);
            Assert.DoesNotContain(">Hele kommunen</option>", html, StringComparison.Ordinal);
        }
        using (var otherBenefit = await leader.GetAsync($"/benefits/{seeded.ForBno}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, otherBenefit.StatusCode);
            Assert.DoesNotContain("Færre utskrifter i Bydel Nord", await otherBenefit.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var report = await leader.GetAsync("/benefits/report.docx?kind=plan"))
        {
            Assert.Equal(HttpStatusCode.OK, report.StatusCode);
            using var word = WordprocessingDocument.Open(new MemoryStream(await report.Content.ReadAsByteArrayAsync()), false);
            var text = word.MainDocumentPart!.Document.Body!.InnerText;
            Assert.Contains("Sykehjemsetaten", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Bydel Nord", text, StringComparison.Ordinal);
        }
        Assert.Contains(">Hele kommunen</option>", WebUtility.HtmlDecode(await systemOwner.GetStringAsync("/benefits")), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_manual_measurement_is_deleted_from_the_benefit_page_only_by_those_who_may_enter_it(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        var seeded = await SeedAsync(app);
        using var leader = await app.SignInAsync(Roles.AgencyLeader, "SYE");
        using var changeLeader = await app.SignInAsync(Roles.ChangeLeader);
        using var systemOwner = await app.SignInAsync(Roles.SystemOwner);
        using var employee = await app.SignInAsync(Roles.Employee);
        var page = $"/benefits/{seeded.Whole}";

        // The leader sees a delete button beside the agency's manual measurement only; the system owner none at all.
        var leaderPage = await leader.GetStringAsync(page + "?agency=SYE");
        Assert.Contains($"action=\"/benefits/measurements/{seeded.SyeManual}/delete\"", leaderPage, StringComparison.Ordinal);
        Assert.DoesNotContain($"/benefits/measurements/{seeded.SyeAutomatic}/delete", leaderPage, StringComparison.Ordinal);
        Assert.DoesNotContain("/benefits/measurements/", await systemOwner.GetStringAsync(page + "?agency=SYE"), StringComparison.Ordinal);

        async Task<HttpResponseMessage> DeleteAsync(HttpClient client, long id, bool token = true, string? date = null)
        {
            var fields = new List<KeyValuePair<string, string>>();
            if (token)
            {
                fields.Add(new("__RequestVerificationToken", RunningApp.AntiforgeryToken(await client.GetStringAsync("/"))));
            }
            if (date is not null)
            {
                fields.Add(new("date", date));
            }
            return await client.PostAsync($"/benefits/measurements/{id}/delete", new FormUrlEncodedContent(fields));
        }
        foreach (var (who, client, id) in new[]
        {
            ("the leader, another agency's", leader, seeded.BnoManual), ("the leader, the municipality's", leader, seeded.MunicipalityManual),
            ("the system owner", systemOwner, seeded.SyeManual), ("an employee", employee, seeded.SyeManual),
        })
        {
            using var refused = await DeleteAsync(client, id);
            Assert.True(Location(refused).StartsWith("/account/access-denied", StringComparison.Ordinal), $"{who}: {(int)refused.StatusCode} {Location(refused)}");
        }
        using var forged = await DeleteAsync(leader, seeded.SyeManual, token: false);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using var automatic = await DeleteAsync(leader, seeded.SyeAutomatic);
        Assert.Equal($"{page}?agency=SYE&error={BenefitPageMessages.DeleteAutomatic}", Location(automatic));
        using var missing = await DeleteAsync(changeLeader, seeded.SyeAutomatic + 1000);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        await using (var db = app.Database.CreateContext())
        {
            Assert.Equal(4, await db.Measurements.CountAsync());
            Assert.False(await db.AuditEntries.AnyAsync(a => a.Action == "benefits.measurement.delete"));
        }

        using var deleted = await DeleteAsync(leader, seeded.SyeManual, date: "2026-11-01");
        using var byCentral = await DeleteAsync(changeLeader, seeded.MunicipalityManual);

        Assert.Equal($"{page}?agency=SYE&date=2026-11-01&done={BenefitPageMessages.MeasurementDeleted}", Location(deleted));
        Assert.Equal($"{page}?done={BenefitPageMessages.MeasurementDeleted}", Location(byCentral));
        var after = WebUtility.HtmlDecode(await leader.GetStringAsync(Location(deleted)));
        Assert.Contains("Målingen er slettet", after, StringComparison.Ordinal);
        await using (var db = app.Database.CreateContext())
        {
            Assert.Equal([seeded.BnoManual, seeded.SyeAutomatic], await db.Measurements.OrderBy(m => m.Id).Select(m => m.Id).ToListAsync());
            var entries = await db.AuditEntries.Where(a => a.Action == "benefits.measurement.delete").OrderBy(a => a.Id).ToListAsync();
            Assert.Equal(2, entries.Count);
            Assert.StartsWith("agencyleader-", entries[0].Actor, StringComparison.Ordinal);
            Assert.StartsWith("changeleader-", entries[1].Actor, StringComparison.Ordinal);
            Assert.All(entries, e => Assert.Equal("Tilfredshet med digitale verktøy", e.Target));
            Assert.Contains("\"Value\":3.9,\"Comment\":\"Pulsundersøkelsen\"", entries[0].Before, StringComparison.Ordinal);
        }

        // The page says only what the app put there: words in the address are not shown.
        var spoofed = WebUtility.HtmlDecode(await leader.GetStringAsync(page + "?agency=SYE&error=Ring%20555%2012345&done=Alt%20er%20i%20orden"));
        Assert.DoesNotContain("Ring 555", spoofed, StringComparison.Ordinal);
        Assert.DoesNotContain("Alt er i orden", spoofed, StringComparison.Ordinal);
    }
}
