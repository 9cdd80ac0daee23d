using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Oppdrift.EndToEnd.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Oppdrift.EndToEnd;

[Collection(Collection)]
public sealed partial class FirstStartTests(OppdriftApp app)
{
    public const string Collection = "First start";

    [Fact]
    public async Task Admin_signs_in_with_the_printed_one_time_password_must_choose_a_new_one_and_then_sees_the_municipality()
    {
        Assert.Matches(@"^\S{16}$", app.OneTimePassword);
        await using var context = await app.NewContextAsync();
        var page = await context.NewPageAsync();

        // Signed out, a page leads to the sign-in page and back afterwards.
        await page.GotoAsync("/agencies");
        await Expect(page).ToHaveURLAsync(LoginWithReturnUrl());

        // Signs in with the printed password, is sent to choose a new one, cannot go elsewhere first,
        // chooses one and lands on the overview with a confirmation.
        await app.CompleteFirstStartAsync(page);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Nordvik kommune");
        var agencies = page.GetByRole(AriaRole.Table, new() { Name = "Virksomheter med antall ansatte, ledere og enheter" });
        await Expect(agencies.GetByRole(AriaRole.Link, new() { Name = "Sykehjemsetaten", Exact = true })).ToBeVisibleAsync();
        await Expect(agencies.GetByRole(AriaRole.Link, new() { Name = "Mobbeombudet", Exact = true })).ToBeVisibleAsync();
        Assert.InRange(await agencies.Locator("tbody tr").CountAsync(), 40, 60);

        // The one-time password worked once.
        await Journeys.SignOutAsync(page);
        await Journeys.SignInAsync(page, OppdriftApp.AdminUserName, app.OneTimePassword);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Feil brukernavn eller passord.");
        await Expect(page).ToHaveURLAsync(Journeys.LoginUrl());
    }

    [GeneratedRegex("/account/login\\?ReturnUrl=%2Fagencies$")]
    private static partial Regex LoginWithReturnUrl();
}
