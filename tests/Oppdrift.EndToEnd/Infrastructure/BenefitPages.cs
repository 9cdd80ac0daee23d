using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Oppdrift.EndToEnd.Infrastructure;

/// <summary>The benefits pages, driven by their fields' ids so they work in either language.</summary>
public static partial class BenefitPages
{
    /// <summary>The latest day with usage figures, waiting for the demo's background load to bring the first.</summary>
    public static async Task<DateOnly> LatestUsageDateAsync(IPage page)
    {
        for (var attempt = 0; attempt < 120; attempt++)
        {
            var response = await page.Context.APIRequest.GetAsync("/api/usage/overview");
            using var json = JsonDocument.Parse(await response.TextAsync());
            if (json.RootElement.GetProperty("date").GetString() is { } date)
            {
                return DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            }
            await Task.Delay(1000);
        }
        throw new TimeoutException("The demo's usage figures did not arrive in two minutes.");
    }

    /// <summary>Creates a goal, a benefit under it and an indicator wired to the share of Teams-active people; returns the benefit's path.</summary>
    public static async Task<string> CreateBenefitWithUsageIndicatorAsync(IPage page, string name, string indicatorName)
    {
        var baseline = await LatestUsageDateAsync(page);
        var path = await CreateBenefitAsync(page, name, baseline);

        await page.GotoAsync(path + "/indicators/new");
        await page.Locator("#i-name").FillAsync(indicatorName);
        await page.Locator("#i-source").SelectOptionAsync("teamsActive");
        await page.Locator("#i-baseline-date").FillAsync(Iso(baseline));
        await page.Locator("#i-target-date-0").FillAsync(Iso(baseline.AddYears(1)));
        await page.Locator("#i-target-value-0").FillAsync("90");
        await page.Locator("form:has(#i-name) button[type=submit]").ClickAsync();
        await Expect(page).ToHaveURLAsync(BenefitUrl());
        return path;
    }

    /// <summary>
    /// Creates a goal, a benefit under it and a survey score entered by hand (1 to 5, 3.4 on <paramref name="baseline"/>, 4
    /// a year later); returns the benefit's path.
    /// </summary>
    public static async Task<string> CreateBenefitWithManualIndicatorAsync(IPage page, string name, string indicatorName, DateOnly baseline)
    {
        var path = await CreateBenefitAsync(page, name, baseline);

        await page.GotoAsync(path + "/indicators/new");
        await page.Locator("#i-name").FillAsync(indicatorName);
        await page.Locator("#i-source").SelectOptionAsync("");
        await page.Locator("#i-unit").FillAsync("poeng");
        await page.Locator("#i-baseline-date").FillAsync(Iso(baseline));
        await page.Locator("#i-baseline-value").FillAsync("3.4");
        await page.Locator("#i-min").FillAsync("1");
        await page.Locator("#i-max").FillAsync("5");
        await page.Locator("#i-target-date-0").FillAsync(Iso(baseline.AddYears(1)));
        await page.Locator("#i-target-value-0").FillAsync("4");
        await page.Locator("form:has(#i-name) button[type=submit]").ClickAsync();
        await Expect(page).ToHaveURLAsync(BenefitUrl());
        return path;
    }

    /// <summary>Enters a measurement for the scope the benefit page shows, and waits for its confirmation.</summary>
    public static async Task MeasureAsync(IPage page, DateOnly date, string value, string comment)
    {
        await page.Locator("#m-date").FillAsync(Iso(date));
        await page.Locator("#m-value").FillAsync(value);
        await page.Locator("#m-comment").FillAsync(comment);
        await page.Locator("form:has(#m-value) button[type=submit]").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Målingen er lagret.");
    }

    /// <summary>Creates a goal and a benefit under it for the whole municipality, starting on <paramref name="start"/>; returns the benefit's path.</summary>
    private static async Task<string> CreateBenefitAsync(IPage page, string name, DateOnly start)
    {
        var goal = "Mål " + name;
        await page.GotoAsync("/benefits");
        await page.Locator("#goal-name").FillAsync(goal);
        await page.Locator("form:has(#goal-name) button[type=submit]").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = goal })).ToBeVisibleAsync();

        await page.GotoAsync("/benefits/new");
        await page.Locator("#b-goal").SelectOptionAsync(new SelectOptionValue { Label = goal });
        await page.Locator("#b-name").FillAsync(name);
        await page.Locator("#b-owner").FillAsync("Endringsleder");
        await page.Locator("#b-start").FillAsync(Iso(start));
        await page.Locator("#b-end").FillAsync(Iso(start.AddYears(2)));
        await page.Locator("#b-depends").FillAsync("Opplæring i Teams");
        await page.Locator("form:has(#b-name) button[type=submit]").ClickAsync();
        await Expect(page).ToHaveURLAsync(BenefitUrl());
        return new Uri(page.Url).AbsolutePath;
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"/benefits/\d+$")]
    private static partial Regex BenefitUrl();
}
