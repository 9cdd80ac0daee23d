using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Oppdrift.EndToEnd.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Oppdrift.EndToEnd;

public sealed partial class RoleTests(OppdriftApp app)
{
    [Fact]
    public async Task An_agency_leader_created_by_the_admin_sees_only_their_own_agency()
    {
        var userName = "leder-" + Guid.NewGuid().ToString("N")[..8];
        await using var context = await app.NewContextAsync();
        var page = await app.SignInAsAdminAsync(context);

        var oneTimePassword = await AccountPages.CreateAsync(page, userName, "Sykehjem Leder", "Virksomhetsleder", "Sykehjemsetaten");
        var account = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = userName, Exact = true }) });
        await Expect(account.GetByRole(AriaRole.Cell).Nth(2)).ToHaveTextAsync("Virksomhetsleder");
        await Expect(account.GetByRole(AriaRole.Cell).Nth(3)).ToHaveTextAsync("Sykehjemsetaten");
        await Journeys.SignOutAsync(page);

        await Journeys.SignInAsync(page, userName, oneTimePassword);
        await Journeys.ChooseOwnPasswordAsync(page, oneTimePassword, "en lang og trygg setning");
        var menu = page.GetByRole(AriaRole.Navigation, new() { Name = "Hovedmeny" });
        await Expect(menu.GetByRole(AriaRole.Link, new() { Name = "Virksomheter", Exact = true })).ToBeVisibleAsync();
        await Expect(menu.GetByRole(AriaRole.Link, new() { Name = "Organisasjon", Exact = true })).ToHaveCountAsync(0);
        await Expect(menu.GetByRole(AriaRole.Link, new() { Name = "Brukerkontoer", Exact = true })).ToHaveCountAsync(0);

        await page.GotoAsync("/agencies");
        var rows = page.GetByRole(AriaRole.Table, new() { Name = "Virksomheter med antall ansatte, ledere og enheter" }).Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.GetByRole(AriaRole.Link, new() { Name = "Sykehjemsetaten", Exact = true })).ToBeVisibleAsync();

        var own = await page.GotoAsync("/agencies/SYE");
        Assert.Equal(200, own!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Sykehjemsetaten");

        var other = await page.GotoAsync("/agencies/BNO");
        Assert.Equal(403, other!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Ingen tilgang til virksomheten");
        await Expect(page.GetByRole(AriaRole.Main)).Not.ToContainTextAsync("Bydel Nord");

        await page.GotoAsync("/organisation");
        await Expect(page).ToHaveURLAsync(AccessDeniedUrl());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Ingen tilgang");
    }

    [GeneratedRegex(@"/account/access-denied(\?.*)?$")]
    private static partial Regex AccessDeniedUrl();
}
