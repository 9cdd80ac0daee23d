using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Oppdrift.EndToEnd.Infrastructure;

/// <summary>The administrator's account pages, in Norwegian.</summary>
public static class AccountPages
{
    /// <summary>
    /// Creates a local account on /admin/accounts (an employee when <paramref name="role"/> is null) and
    /// returns the one-time password shown once.
    /// </summary>
    public static async Task<string> CreateAsync(IPage page, string userName, string displayName, string? role, string agency)
    {
        await page.GotoAsync("/admin/accounts");
        await page.GetByLabel("Brukernavn", new() { Exact = true }).FillAsync(userName);
        await page.GetByLabel("Navn", new() { Exact = true }).FillAsync(displayName);
        if (role is not null)
        {
            await page.GetByRole(AriaRole.Group, new() { Name = "Roller" }).GetByLabel(role, new() { Exact = true }).CheckAsync();
        }
        await page.GetByLabel("Virksomheter", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = agency });
        await page.GetByRole(AriaRole.Button, new() { Name = "Opprett konto", Exact = true }).ClickAsync();

        var created = page.GetByRole(AriaRole.Status);
        await Expect(created).ToContainTextAsync($"Kontoen {userName} er opprettet");
        var password = (await created.Locator(".one-time-password").InnerTextAsync()).Trim();
        Assert.Matches(@"^\S{12,}$", password);
        return password;
    }
}
