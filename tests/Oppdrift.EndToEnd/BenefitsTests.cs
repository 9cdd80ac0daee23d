using System.Globalization;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.Playwright;
using Oppdrift.EndToEnd.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Oppdrift.EndToEnd;

public sealed class BenefitsTests(OppdriftApp app)
{
    [Fact]
    public async Task A_benefit_measured_by_a_usage_metric_appears_in_the_downloaded_status_report()
    {
        await using var context = await app.NewContextAsync();
        var page = await app.SignInAsAdminAsync(context);
        var name = "Teams for alle " + Guid.NewGuid().ToString("N")[..6];

        var path = await BenefitPages.CreateBenefitWithUsageIndicatorAsync(page, name, "Aktive i Teams");

        // The benefit page shows the indicator with its baseline taken from the usage history, and its table.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(name);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Aktive i Teams" })).ToBeVisibleAsync();
        var table = page.GetByRole(AriaRole.Table, new() { Name = $"Målinger av «Aktive i Teams» for Hele kommunen" });
        var baselineRow = table.Locator("tbody tr").First;
        await Expect(baselineRow.GetByRole(AriaRole.Cell).Last).ToBeEmptyAsync();
        var baseline = (await baselineRow.Locator("td").First.InnerTextAsync()).Trim();
        Assert.True(double.TryParse(baseline, NumberStyles.Float, CultureInfo.GetCultureInfo("nb-NO"), out var value) && value is > 0 and <= 100,
            $"The baseline '{baseline}' is not a share taken from the usage history.");
        await Expect(page.GetByText("Bruksdata: Andel lisensierte aktive i Teams (28 dager)").First).ToBeVisibleAsync();

        await page.GotoAsync("/benefits");
        var download = await page.RunAndWaitForDownloadAsync(() =>
            page.GetByRole(AriaRole.Link, new() { Name = "Gevinstrealiseringsrapport (Word)", Exact = true }).ClickAsync());
        Assert.StartsWith("gevinstrealiseringsrapport-kommunen-", download.SuggestedFilename, StringComparison.Ordinal);
        var file = Path.Combine(app.DataDirectory, download.SuggestedFilename);
        await download.SaveAsAsync(file);
        string text;
        using (var word = WordprocessingDocument.Open(file, false))
        {
            text = word.MainDocumentPart!.Document.Body!.InnerText;
        }
        Assert.Contains("Gevinstrealiseringsrapport", text, StringComparison.Ordinal);
        Assert.Contains(name, text, StringComparison.Ordinal);
        Assert.Contains("Aktive i Teams (%)", text, StringComparison.Ordinal);
        // The baseline as the report writes numbers: two decimals, Norwegian style.
        Assert.Contains(value.ToString("N2", CultureInfo.GetCultureInfo("nb-NO")), text, StringComparison.Ordinal);
        await Expect(page.Locator($"a[href^='{path}?']")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_manual_measurement_entered_by_mistake_is_deleted_from_the_benefit_page()
    {
        await using var context = await app.NewContextAsync();
        var page = await app.SignInAsAdminAsync(context);
        var name = "Digital arbeidsglede " + Guid.NewGuid().ToString("N")[..6];
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
        var path = await BenefitPages.CreateBenefitWithManualIndicatorAsync(page, name, "Tilfredshet", today.AddDays(-60));

        await BenefitPages.MeasureAsync(page, today.AddDays(-30), "3.8", "Pulsundersøkelsen i forrige måned");
        await BenefitPages.MeasureAsync(page, today.AddDays(-1), "3.2", "Skrevet inn for feil virksomhet");
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Målinger av «Tilfredshet» for Hele kommunen" });
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(3);

        var norwegian = CultureInfo.GetCultureInfo("nb-NO");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Slett målingen av «Tilfredshet» {today.AddDays(-1).ToString("d", norwegian)}: 3,2", Exact = true })
            .ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Målingen er slettet");
        Assert.EndsWith(path + "?done=MeasurementDeleted", page.Url, StringComparison.Ordinal);
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(2);
        await Expect(table).Not.ToContainTextAsync("Skrevet inn for feil virksomhet");
        await Expect(table).ToContainTextAsync("Pulsundersøkelsen i forrige måned");
    }
}
