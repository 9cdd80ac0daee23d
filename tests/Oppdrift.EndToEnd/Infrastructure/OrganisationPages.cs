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
                if (!expectBusyMessage)
                {
                    await page.GetByRole(AriaRole.Button, new() { Name = text.ImportButton, Exact = true }).ClickAsync();
                    return;
                }
                // Submit and read the live region in one script turn: the submit handlers run before the
                // browser starts the navigation, and a locator would wait for that navigation to finish.
                var busy = await page.EvaluateAsync<string[]>(@"() => {
                    const form = document.querySelector('form[data-busy-text]');
                    form.requestSubmit();
                    const status = form.querySelector('[data-busy-status]');
                    return [status.getAttribute('role'), String(status.hidden), status.textContent];
                }");
                Assert.Equal("status", busy[0]);
                Assert.Equal("false", busy[1]);
                Assert.StartsWith(text.ImportBusy, busy[2], StringComparison.Ordinal);
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
