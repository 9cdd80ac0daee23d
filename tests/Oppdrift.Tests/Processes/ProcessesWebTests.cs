using System.Net;
using System.Text;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Processes;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Processes;

/// <summary>The register's pages, API and downloads through the running app, for each role and agency.</summary>
public sealed class ProcessesWebTests
{
    private sealed record Seeded(int Sye, int Bno, Dictionary<string, int> Agencies);

    /// <summary>A measured process owned by Sykehjemsetaten (involving Kulturetaten) and a registered one owned by Bydel Nord.</summary>
    private static async Task<Seeded> SeedAsync(RunningApp app)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
        var editor = scope.ServiceProvider.GetRequiredService<ProcessEditor>();
        var agencies = await db.Agencies.ToDictionaryAsync(a => a.Code, a => a.Id);
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
        var central = ProcessUsers.Central;
        var sye = (await editor.SaveAsync(null, ProcessServices.Input(agencies["SYE"], agencies["KUL"]) with { RegisteredOn = today.AddDays(-200) }, central, default)).Value!.Id;
        Assert.True((await editor.SetStateAsync(sye, ProcessState.Moved, today.AddDays(-100), central, default)).Succeeded);
        Assert.True((await editor.SaveAfterAsync(sye, ProcessServices.Measures(30, 25, prints: 1, emails: 2, errors: 4, leadTime: 6), central, default)).Succeeded);
        var bno = (await editor.SaveAsync(null, ProcessServices.Input(agencies["BNO"]) with { Name = "Byggesøknader i felles postkasse" }, central, default)).Value!.Id;
        return new Seeded(sye, bno, agencies);
    }

    private static string Location(HttpResponseMessage response) =>
        response.Headers.Location is { } location ? (location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString) : "";

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_api_and_downloads_show_each_caller_only_the_processes_of_their_agencies_with_the_gain_named_for_what_it_holds(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        var seeded = await SeedAsync(app);
        using var leader = await app.SignInAsync(Roles.AgencyLeader, "KUL");
        using var systemOwner = await app.SignInAsync(Roles.SystemOwner);
        using var employee = await app.SignInAsync(Roles.Employee);

        using (var json = JsonDocument.Parse(await leader.GetStringAsync("/api/processes")))
        {
            // Kulturetaten takes part in Sykehjemsetaten's process, and sees it; Bydel Nord's is not theirs.
            var process = Assert.Single(json.RootElement.GetProperty("processes").EnumerateArray());
            Assert.Equal(seeded.Sye, process.GetProperty("id").GetInt32());
            Assert.Equal("SYE", process.GetProperty("ownerAgency").GetString());
            Assert.Equal("Moved", process.GetProperty("state").GetString());
            Assert.Equal(1200, process.GetProperty("volumePerYear").GetInt32());
            Assert.Equal(45, process.GetProperty("minutesPerCaseBefore").GetDouble());
            Assert.Equal(20, process.GetProperty("minutesPerCaseBeforeSampleCases").GetInt32());
            Assert.Equal(30, process.GetProperty("minutesPerCaseAfter").GetDouble());
            Assert.Equal(300, process.GetProperty("hoursSavedPerYear").GetDouble());
            Assert.Equal(165_000, process.GetProperty("valueNokPerYear").GetDouble());
            Assert.Equal(6000, process.GetProperty("printsAvoidedPerYear").GetDouble());
            Assert.Equal(58.8, process.GetProperty("co2eKgPerYear").GetDouble());
            Assert.Equal(-8, process.GetProperty("leadTimeChangeDays").GetDouble());
            Assert.Equal("Medium", process.GetProperty("confidence").GetString());
            Assert.Equal(550, json.RootElement.GetProperty("hourlyCostNok").GetDouble());
            Assert.Equal(300, json.RootElement.GetProperty("municipality").GetProperty("hoursSavedPerYear").GetDouble());
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await leader.GetAsync("/api/processes?agency=BNO")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await leader.GetAsync("/api/processes?state=Flying")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await employee.GetAsync("/api/processes")).StatusCode);
        using (var json = JsonDocument.Parse(await systemOwner.GetStringAsync("/api/processes?state=Identified")))
        {
            Assert.Equal([seeded.Bno], json.RootElement.GetProperty("processes").EnumerateArray().Select(p => p.GetProperty("id").GetInt32()));
            Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("processes")[0].GetProperty("hoursSavedPerYear").ValueKind);
        }

        var csv = Encoding.UTF8.GetString(await leader.GetByteArrayAsync("/processes/export.csv"));
        Assert.Contains("Saksbehandling mellom etater på e-post", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("Byggesøknader", csv, StringComparison.Ordinal);
        using (var all = await systemOwner.GetAsync("/processes/export.xlsx"))
        {
            Assert.Equal(HttpStatusCode.OK, all.StatusCode);
            using var workbook = SpreadsheetDocument.Open(new MemoryStream(await all.Content.ReadAsByteArrayAsync()), false);
            var text = string.Join('|', workbook.WorkbookPart!.WorksheetParts.Single().Worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.InlineString>().Select(s => s.InnerText));
            Assert.Contains("Byggesøknader i felles postkasse", text, StringComparison.Ordinal);
            Assert.Contains("Saksbehandling mellom etater på e-post", text, StringComparison.Ordinal);
        }

        using (var summary = await leader.GetAsync($"/processes/{seeded.Sye}/summary.docx"))
        {
            Assert.Equal(HttpStatusCode.OK, summary.StatusCode);
            using var word = WordprocessingDocument.Open(new MemoryStream(await summary.Content.ReadAsByteArrayAsync()), false);
            var text = word.MainDocumentPart!.Document.Body!.InnerText;
            Assert.Contains("Saksbehandling mellom etater på e-post", text, StringComparison.Ordinal);
            Assert.Contains("Timer spart per år", text, StringComparison.Ordinal);
            Assert.Contains("165", text, StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await leader.GetAsync($"/processes/{seeded.Bno}/summary.docx")).StatusCode);
        using (var refused = await employee.GetAsync("/processes/export.csv"))
        {
            Assert.StartsWith("/account/access-denied", Location(refused), StringComparison.Ordinal);
        }

        await using var db = app.Database.CreateContext();
        var exports = await db.AuditEntries.Where(a => a.Action.StartsWith("export.processes.")).Select(a => a.Action).ToListAsync();
        Assert.Equal(2, exports.Count(a => a == "export.processes.register"));
        Assert.Equal(1, exports.Count(a => a == "export.processes.summary"));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_leader_registers_and_moves_their_own_process_through_the_pages_and_cannot_touch_another_agencys(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        var seeded = await SeedAsync(app);
        using var leader = await app.SignInAsync(Roles.AgencyLeader, "KUL");

        var list = await leader.GetStringAsync("/processes");
        // Pages encode letters beyond ASCII (å, ø), so the names are matched on their ASCII part.
        Assert.Contains("Saksbehandling mellom etater", list, StringComparison.Ordinal);
        Assert.DoesNotContain("Bygges", list, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await leader.GetAsync($"/processes/{seeded.Bno}")).StatusCode);
        var own = await leader.GetStringAsync($"/processes/{seeded.Sye}");
        Assert.Contains("Historikk", own, StringComparison.Ordinal);
        Assert.Contains("Lest fra bruksdata", own, StringComparison.Ordinal); // moved: the usage around the move date is read
        Assert.DoesNotContain("Endre status", own, StringComparison.Ordinal); // involved, not the owner

        async Task<HttpResponseMessage> CreateAsync(int owner) =>
            await leader.PostAsync("/processes/new", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "process",
                ["__RequestVerificationToken"] = RunningApp.AntiforgeryToken(await leader.GetStringAsync("/processes/new")),
                ["Form.Name"] = "Timelister på papir",
                ["Form.OwnerAgencyId"] = owner.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Form.ContactPerson"] = "Lønnsansvarlig",
                ["Form.CurrentWay"] = "Paper",
                ["Form.Target"] = "PowerAutomate",
                ["Form.VolumePerYear"] = "2400",
                ["Form.VolumeUnit"] = "Documents",
                ["Form.Before.MinutesPerCase"] = "12",
                ["Form.Before.MinutesPerCaseSample"] = "40",
                ["Form.Before.PrintsPerCase"] = "1",
            }));

        using var refused = await CreateAsync(seeded.Agencies["BNO"]);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("eies av dine virksomheter", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var created = await CreateAsync(seeded.Agencies["KUL"]);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var page = Location(created);
        Assert.Matches("^/processes/[0-9]+$", page);

        var moved = await leader.PostAsync(page, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "state",
            ["__RequestVerificationToken"] = RunningApp.AntiforgeryToken(await leader.GetStringAsync(page)),
            ["StateEntry.State"] = "Moved",
            ["StateEntry.MovedOn"] = TimeProvider.System.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        }));
        Assert.Contains("Statusen er lagret", await moved.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var refusedState = await leader.PostAsync($"/processes/{seeded.Bno}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "state",
            ["__RequestVerificationToken"] = RunningApp.AntiforgeryToken(await leader.GetStringAsync(page)),
            ["StateEntry.State"] = "Analysed",
        }));
        Assert.DoesNotContain("Statusen er lagret", await refusedState.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await using var db = app.Database.CreateContext();
        var process = await db.Processes.Include(p => p.Measures).SingleAsync(p => p.Name == "Timelister på papir");
        Assert.Equal(seeded.Agencies["KUL"], process.OwnerAgencyId);
        Assert.Equal(ProcessState.Moved, process.State);
        Assert.Equal(2400, process.VolumePerYear);
        Assert.Equal(2, process.Measures.Count);
        Assert.Equal(40, process.Measures.Single(m => m.Kind == ProcessMeasureKind.MinutesPerCase).SampleCases);
        Assert.Equal(ProcessState.Identified, (await db.Processes.SingleAsync(p => p.Id == seeded.Bno)).State);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_edit_page_shows_the_involved_agencies_chosen_so_saving_it_unchanged_keeps_them(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        var seeded = await SeedAsync(app);
        using var central = await app.SignInAsync(Roles.ChangeLeader);

        var page = await central.GetStringAsync($"/processes/{seeded.Sye}/edit");

        // A list of several choices is rendered with each chosen option marked: a form posted back unchanged keeps them.
        var involved = page[page.IndexOf("id=\"p-agencies\"", StringComparison.Ordinal)..];
        involved = involved[..involved.IndexOf("</select>", StringComparison.Ordinal)];
        Assert.Contains($"<option value=\"{seeded.Agencies["KUL"]}\" selected", involved, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(involved, " selected"));
    }
}
