using Microsoft.Playwright;
using Oppdrift.EndToEnd.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Oppdrift.EndToEnd;

public sealed class KnowledgeSearchTests(OppdriftApp app)
{
    [Fact]
    public async Task A_search_finds_every_form_of_a_word_and_a_hit_opens_at_its_moment_in_the_recording()
    {
        await KnowledgeSeed.EnsureAsync(app);
        await using var context = await app.NewContextAsync();
        var page = await app.SignInAsAdminAsync(context);

        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Kunnskapsbank" }).ClickAsync();
        await page.GetByLabel("Søkeord").FillAsync("opplæring");
        await page.GetByRole(AriaRole.Search).GetByRole(AriaRole.Button, new() { Name = "Søk" }).First.ClickAsync();

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/knowledge\\?q=opp"));
        var hits = page.Locator(".knowledge-hit");
        await Expect(page.Locator(".knowledge-hit mark").GetByText("Opplæringene", new() { Exact = true }).First).ToBeVisibleAsync();

        // The demo's programmes are in the bank too; narrowed to one programme, its document is there.
        await page.GetByLabel("Program", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Hybrid ledelse (test)" });
        await page.GetByRole(AriaRole.Search).GetByRole(AriaRole.Button, new() { Name = "Søk" }).First.ClickAsync();
        await Expect(hits.Filter(new() { HasText = "Veileder: kanaler i Teams" })).ToBeVisibleAsync();

        // Narrowed to the other programme and the tool OneNote, only the recording is left.
        await page.GetByLabel("Program", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Frokostwebinar (test)" });
        await page.GetByLabel("Verktøy").SelectOptionAsync(new SelectOptionValue { Label = "OneNote" });
        await page.GetByRole(AriaRole.Search).GetByRole(AriaRole.Button, new() { Name = "Søk" }).First.ClickAsync();
        await Expect(page.Locator("#knowledge-count")).ToHaveTextAsync("1 treff");
        await Expect(hits).ToHaveCountAsync(1);
        await Expect(hits.Filter(new() { HasText = "Frokostwebinar: OneNote for ledere" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Gå til 12:34 i opptaket" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(app.BaseUrl + KnowledgeSeed.RecordingUrl.TrimStart('/') + "#t754");
    }

    [Fact]
    public async Task A_search_without_hits_says_so_and_how_to_find_more()
    {
        await using var context = await app.NewContextAsync();
        var page = await app.SignInAsAdminAsync(context);

        await page.GotoAsync("/knowledge?q=xylofonkonsert");

        await Expect(page.Locator("#knowledge-count")).ToHaveTextAsync("0 treff");
        await Expect(page.GetByText("Prøv færre eller andre ord")).ToBeVisibleAsync();
    }
}
