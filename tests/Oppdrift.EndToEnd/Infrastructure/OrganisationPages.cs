using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Oppdrift.EndToEnd.Infrastructure;

/// <summary>The central team's organisation pages.</summary>
public static partial class OrganisationPages
{
    /// <summary>Chooses the file on /organisation, submits it, and waits for the import's own page.</summary>
    /// <param name="expectBusyMessage">For a file large enough to take a while: the page must say it is working.</param>
    public static async Task ImportAsync(IPage page, string path, bool allowMassDeactivation = false, bool expectBusyMessage = false)
    {
        await page.GotoAsync("/organisation");
        var text = await UiText.OfAsync(page);
        await page.GetByLabel(text.ImportFile, new() { Exact = true }).SetInputFilesAsync(path);
        if (allowMassDeactivation)
        {
            await page.GetByLabel(text.AllowMassDeactivation, new() { Exact = true }).CheckAsync();
        }
        // Loading the whole demo municipality takes a while; a server error should not look like a timeout.
        var response = await page.RunAndWaitForResponseAsync(
            async () =>
            {
                // The click returns once the post has navigated, so look for the message while it runs.
                var click = page.GetByRole(AriaRole.Button, new() { Name = text.ImportButton, Exact = true }).ClickAsync();
                if (expectBusyMessage)
                {
                    await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync(text.ImportBusy);
                }
                await click;
            },
            r => r.Request.Method == "POST" && r.Url.EndsWith("/organisation/import", StringComparison.Ordinal),
            new() { Timeout = 120_000 });
        if (response.Status != 302)
        {
            await page.WaitForLoadStateAsync();
            Assert.Fail($"Uploading {Path.GetFileName(path)} answered {response.Status}, not a redirect to the result:\n{await ExcerptAsync(page)}");
        }
        await Expect(page).ToHaveURLAsync(ImportResultUrl());
    }

    private static async Task<string> ExcerptAsync(IPage page)
    {
        var body = await page.Locator("body").InnerTextAsync();
        return body.Length > 1500 ? body[..1500] : body;
    }

    [GeneratedRegex(@"/organisation/imports/\d+$")]
    private static partial Regex ImportResultUrl();
}
