using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Oppdrift.EndToEnd.Infrastructure;

/// <summary>The steps many tests share: signing in, choosing one's own password, signing out.</summary>
public static partial class Journeys
{
    public static async Task SignInAsync(IPage page, string userName, string password)
    {
        await page.GotoAsync("/account/login");
        var text = await UiText.OfAsync(page);
        await page.GetByLabel(text.UserName, new() { Exact = true }).FillAsync(userName);
        await page.GetByLabel(text.Password, new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = text.SignIn, Exact = true }).ClickAsync();
    }

    /// <summary>
    /// After signing in with a one-time password: the app insists on a new password first; choosing one
    /// lands on the overview with a confirmation.
    /// </summary>
    public static async Task ChooseOwnPasswordAsync(IPage page, string oneTimePassword, string newPassword)
    {
        await Expect(page).ToHaveURLAsync(ChangePasswordUrl());
        // Forced: any other page leads back here until the user has chosen a password.
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(ChangePasswordUrl());
        var text = await UiText.OfAsync(page);
        await Expect(page.GetByText(text.ChangePasswordRequired)).ToBeVisibleAsync();
        await page.GetByLabel(text.CurrentPassword, new() { Exact = true }).FillAsync(oneTimePassword);
        await page.GetByLabel(text.NewPassword, new() { Exact = true }).FillAsync(newPassword);
        await page.GetByLabel(text.RepeatPassword, new() { Exact = true }).FillAsync(newPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = text.SavePassword, Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(PasswordChangedUrl());
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync(text.PasswordChanged);
    }

    public static async Task SignOutAsync(IPage page)
    {
        var text = await UiText.OfAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = text.SignOut, Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(LoginUrl());
    }

    [GeneratedRegex("/account/change-password$")]
    public static partial Regex ChangePasswordUrl();

    [GeneratedRegex(@"/\?password=changed$")]
    private static partial Regex PasswordChangedUrl();

    [GeneratedRegex("/account/login$")]
    public static partial Regex LoginUrl();
}
