using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Oppdrift.EndToEnd.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Oppdrift.EndToEnd;

public sealed partial class LanguageTests(OppdriftApp app)
{
    [Fact]
    public async Task Pages_are_Norwegian_until_the_user_chooses_English_and_the_choice_follows_them_until_they_switch_back()
    {
        // The browser prefers English; only the user's own choice changes the language.
        await using var context = await app.NewContextAsync(browserLocale: "en-GB");
        var page = await app.SignInAsAdminAsync(context);
        var html = page.Locator("html");
        var h1 = page.GetByRole(AriaRole.Heading, new() { Level = 1 });

        await Expect(html).ToHaveAttributeAsync("lang", "nb");
        await Expect(MenuLink(page, "Hovedmeny", "Virksomheter")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "English", Exact = true }).ClickAsync();
        await Expect(html).ToHaveAttributeAsync("lang", "en");
        await Expect(page).ToHaveURLAsync(app.BaseUrl.ToString());
        await MenuLink(page, "Main menu", "Agencies").ClickAsync();
        await Expect(page).ToHaveURLAsync(AgenciesUrl());
        await Expect(html).ToHaveAttributeAsync("lang", "en");
        await Expect(h1).ToHaveTextAsync("Agencies");

        await page.GotoAsync("/organisation");
        await Expect(html).ToHaveAttributeAsync("lang", "en");
        await Expect(h1).ToHaveTextAsync("Organisation");

        await page.GetByRole(AriaRole.Link, new() { Name = "Norsk (bokmål)", Exact = true }).ClickAsync();
        await Expect(html).ToHaveAttributeAsync("lang", "nb");
        await Expect(page).ToHaveURLAsync(OrganisationUrl());
        await Expect(h1).ToHaveTextAsync("Organisasjon");

        await page.GotoAsync("/agencies");
        await Expect(html).ToHaveAttributeAsync("lang", "nb");
        await Expect(MenuLink(page, "Hovedmeny", "Virksomheter")).ToBeVisibleAsync();
        await Expect(h1).ToHaveTextAsync("Virksomheter");
    }

    private static ILocator MenuLink(IPage page, string menu, string link) =>
        page.GetByRole(AriaRole.Navigation, new() { Name = menu }).GetByRole(AriaRole.Link, new() { Name = link, Exact = true });

    [GeneratedRegex("/agencies$")]
    private static partial Regex AgenciesUrl();

    [GeneratedRegex("/organisation$")]
    private static partial Regex OrganisationUrl();
}
