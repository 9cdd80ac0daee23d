using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Oppdrift.Data;
using Oppdrift.EndToEnd.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Oppdrift.EndToEnd;

public sealed class CohortJourneyTests(OppdriftApp app)
{
    [Fact]
    public async Task The_programme_owner_creates_a_cohort_enrols_an_agencys_leaders_and_moves_one_out_of_it()
    {
        // An agency with a leader group that fits on one page of the cohort, and its leaders as the directory knows them.
        var provider = new DatabaseProvider(DatabaseKind.Sqlite, $"Data Source={Path.Combine(app.DataDirectory, "oppdrift.db")}");
        List<string> leaders;
        string agency;
        await using (var db = new OppdriftDb(DataServices.Options(provider)))
        {
            var agencyId = await db.People.AsNoTracking().Where(p => p.IsActive && p.IsLeader && p.AgencyId != null).GroupBy(p => p.AgencyId!.Value)
                .Select(g => new { g.Key, Leaders = g.Count() }).Where(g => g.Leaders >= 3 && g.Leaders <= 60)
                .OrderByDescending(g => g.Leaders).ThenBy(g => g.Key).Select(g => g.Key).FirstAsync();
            agency = await db.Agencies.AsNoTracking().Where(a => a.Id == agencyId).Select(a => a.Name).SingleAsync();
            leaders = await db.People.AsNoTracking().Where(p => p.IsActive && p.IsLeader && p.AgencyId == agencyId).OrderBy(p => p.Id).Select(p => p.DisplayName).ToListAsync();
        }
        Assert.NotEmpty(leaders);

        await using var context = await app.NewContextAsync();
        var page = await app.SignInAsAdminAsync(context);
        await page.GotoAsync("/learning/programmes/1");
        await page.GetByRole(AriaRole.Link, new() { Name = "Kull og deltakere", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/learning/programmes/1/cohorts$"));

        var name = "Ledergruppe " + Guid.NewGuid().ToString("N")[..6];
        await page.GetByLabel("Navn på kullet", new() { Exact = true }).FillAsync(name);
        await page.GetByLabel("Oppstart", new() { Exact = true }).FillAsync("2027-02-01");
        await page.GetByRole(AriaRole.Button, new() { Name = "Opprett kull", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/learning/programmes/1/cohorts/\d+"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(name);

        // "All leaders of the agency": the directory's leader titles decide who that is.
        await page.GetByLabel("Alle ledere i virksomheten", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = agency });
        await page.GetByRole(AriaRole.Button, new() { Name = "Meld inn", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "meldt inn" })).ToContainTextAsync($"{leaders.Count} meldt inn");
        var table = page.GetByRole(AriaRole.Region, new() { Name = "Deltakere" });
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(leaders.Count);
        foreach (var leader in leaders)
        {
            await Expect(table.GetByRole(AriaRole.Rowheader, new() { NameRegex = new Regex("^" + Regex.Escape(leader)) })).ToBeVisibleAsync();
        }

        // One leader leaves the cohort (stays in the programme, without a cohort) with their row's own form.
        var moving = leaders[0];
        await page.GetByLabel($"Flytt {moving} til kull", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Uten kull" });
        await page.GetByRole(AriaRole.Button, new() { Name = $"Flytt {moving}", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "flyttet" })).ToHaveTextAsync("Deltakeren er flyttet.");
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(leaders.Count - 1);
        await Expect(table.GetByRole(AriaRole.Rowheader, new() { NameRegex = new Regex("^" + Regex.Escape(moving)) })).ToHaveCountAsync(0);
    }
}
