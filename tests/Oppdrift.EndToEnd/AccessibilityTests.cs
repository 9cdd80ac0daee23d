using System.Globalization;
using System.Text;
using Microsoft.Playwright;
using Oppdrift.EndToEnd.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Oppdrift.EndToEnd;

/// <summary>
/// Every page, in both languages, checked by axe-core against WCAG 2.1 A and AA (what Norwegian
/// public-sector web must meet). A screenshot of each page axe faults goes to artifacts/screenshots (of every page with
/// OPPDRIFT_SCREENSHOTS=1).
/// </summary>
public sealed class AccessibilityTests(OppdriftApp app)
{
    [Theory]
    [InlineData("nb")]
    [InlineData("en")]
    public async Task Every_page_meets_WCAG_2_1_AA_according_to_axe(string language)
    {
        var findings = new List<string>();

        // A new account, to see the page its first sign-in meets.
        string newUser = "a11y-" + Guid.NewGuid().ToString("N")[..8], oneTimePassword;
        // And an agency leader, to see their agency's page as they land on it.
        string leader = "a11y-leder-" + Guid.NewGuid().ToString("N")[..8], leaderPassword;
        await using (var setup = await app.NewContextAsync())
        {
            var adminPage = await app.SignInAsAdminAsync(setup);
            oneTimePassword = await AccountPages.CreateAsync(adminPage, newUser, "Ny Bruker", role: null, "Mobbeombudet");
            leaderPassword = await AccountPages.CreateAsync(adminPage, leader, "Sykehjem Leder", "Virksomhetsleder", "Sykehjemsetaten");
        }

        await using var context = await app.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/culture?c={language}&returnUrl=%2Faccount%2Flogin");
        await AuditAsync(page, "login", language, findings);

        page = await app.SignInAsAdminAsync(context);
        await page.GotoAsync("/");
        // The demo leaves the privacy settings unconfirmed: the overview shows the first-day checklist.
        await Expect(page.Locator("#first-day")).ToBeVisibleAsync();
        await AuditAsync(page, "/", "overview", language, findings);
        await AuditAsync(page, "/agencies", "agencies", language, findings);
        await AuditAsync(page, "/agencies/SYE", "agency-SYE", language, findings);
        await AuditAsync(page, "/agencies/MOB", "agency-MOB", language, findings);
        await AuditAsync(page, "/organisation", "organisation", language, findings);
        var succeeded = page.Locator("tbody tr").Filter(new() { Has = page.Locator(".ds-tag[data-color='success']") }).Last;
        var importPath = await succeeded.GetByRole(AriaRole.Link).GetAttributeAsync("href");
        await AuditAsync(page, "/organisation/rules", "rules", language, findings);
        await AuditAsync(page, "/organisation/proposal", "proposal", language, findings);
        await page.GetByRole(AriaRole.Button, new() { Name = language == "en" ? "Preview the effect" : "Forhåndsvis effekten" }).ClickAsync();
        await Expect(page.GetByText(language == "en" ? "With these choices" : "Med disse valgene")).ToBeVisibleAsync();
        await AuditAsync(page, "proposal-preview", language, findings);
        await AuditAsync(page, importPath!, "import", language, findings);
        await OrganisationPages.ImportAsync(page, OppdriftApp.TestData("organisation/bad-duplicate-upn.csv"));
        await AuditAsync(page, "import-failed", language, findings);
        await page.GotoAsync("/usage/imports");
        await page.Locator("#usage-files").SetInputFilesAsync(
        [
            OppdriftApp.TestData("usage/office365-active-user-detail.csv"),
            OppdriftApp.TestData("usage/teams-user-activity-user-detail.csv"),
            OppdriftApp.TestData("usage/teams-device-usage-user-detail.csv"),
            OppdriftApp.TestData("usage/copilot-usage-user-detail.csv"),
            OppdriftApp.TestData("usage/bad-email-date.csv"),
        ]);
        await page.Locator("form[action='/usage/import'] button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/usage/imports\\?result="));
        await AuditAsync(page, "usage-imports-result", language, findings);
        await AuditAsync(page, "/usage", "usage", language, findings);
        await AuditAsync(page, "/usage/agencies/SYE", "usage-agency-SYE", language, findings);
        await AuditAsync(page, "/usage/workloads/teams", "usage-workload-teams", language, findings);
        await AuditAsync(page, "/usage/workloads/copilot", "usage-workload-copilot", language, findings);
        await AuditAsync(page, "/usage/metrics", "usage-metrics", language, findings);
        await AuditAsync(page, "/usage/imports", "usage-imports", language, findings);
        await KnowledgeSeed.EnsureAsync(app);
        await AuditAsync(page, "/knowledge", "knowledge", language, findings);
        await AuditAsync(page, "/knowledge?q=oppl%C3%A6ring", "knowledge-hits", language, findings);
        await AuditAsync(page, "/knowledge?q=xylofonkonsert&tool=teams", "knowledge-no-hits", language, findings);
        var benefitPath = await BenefitPages.CreateBenefitWithUsageIndicatorAsync(page, "Tilgjengelig gevinst " + language + Guid.NewGuid().ToString("N")[..6], "Aktive i Teams");
        await AuditAsync(page, "/benefits", "benefits", language, findings);
        var goalLink = await page.Locator("a[href^='/benefits/goals/']").First.GetAttributeAsync("href");
        await AuditAsync(page, goalLink!, "benefit-goal-edit", language, findings);
        await AuditAsync(page, benefitPath, "benefit", language, findings);
        await AuditAsync(page, "/benefits/map", "benefit-map", language, findings);
        await AuditAsync(page, "/benefits/climate", "climate", language, findings);
        await AuditAsync(page, "/benefits/new", "benefit-new", language, findings);
        await AuditAsync(page, benefitPath + "/edit", "benefit-edit", language, findings);
        await AuditAsync(page, benefitPath + "/indicators/new", "indicator-new", language, findings);
        await AuditAsync(page, "/migration", "migration", language, findings);
        await AuditAsync(page, "/migration/shares/1", "migration-share", language, findings);
        var agencyLink = await page.Locator("a[href^='/migration?agency=']").First.GetAttributeAsync("href");
        await AuditAsync(page, agencyLink!, "migration-agency", language, findings);
        await AuditAsync(page, "/effects", "effects", language, findings);
        await AuditAsync(page, "/effects/1", "effects-intervention", language, findings);
        await AuditAsync(page, "/effects/new", "effects-new", language, findings);
        await AuditAsync(page, "/effects/1/edit", "effects-edit", language, findings);
        // An intervention done to units rather than whole agencies: its reach is shown unit by unit.
        await page.GotoAsync("/effects");
        var unitsPath = await page.GetByRole(AriaRole.Link, new() { Name = "Turnus og vaktbytte i Teams for hjemmetjenesten", Exact = true }).First.GetAttributeAsync("href");
        await AuditAsync(page, unitsPath!, "effects-units", language, findings);
        // A process the demo moved, with its dated measures, and its move judged on minutes per case against processes that
        // did not move (derived by the effects job's first check, within a minute of the start).
        await page.GotoAsync("/processes");
        var processPath = await page.GetByRole(AriaRole.Link, new() { Name = "Saksbehandling mellom etater på e-post", Exact = true }).First.GetAttributeAsync("href");
        await AuditAsync(page, processPath!, "process", language, findings);
        var processMove = page.GetByRole(AriaRole.Link, new() { Name = "Saksbehandling mellom etater på e-post", Exact = true });
        for (var tries = 0; tries < 60 && await processMove.CountAsync() == 0; tries++)
        {
            await page.WaitForTimeoutAsync(2000);
            await page.GotoAsync("/effects");
        }
        await AuditAsync(page, (await processMove.First.GetAttributeAsync("href"))!, "effects-process-move", language, findings);
        await AuditAsync(page, "/learning", "learning", language, findings);
        await AuditAsync(page, "/learning/programmes/1", "learning-programme", language, findings);
        await AuditAsync(page, "/learning/programmes/1/results", "learning-results", language, findings);
        await AuditAsync(page, "/learning/programmes/new", "learning-new-programme", language, findings);
        await AuditAsync(page, "/learning/programmes/1/edit", "learning-edit-programme", language, findings);
        // The demo's second programme is the leader school, with two cohorts of leaders and a next one, for which the
        // directory's new leaders are proposed (the cohorts page links to their list).
        await AuditAsync(page, "/learning/programmes/2/cohorts", "learning-cohorts", language, findings);
        var proposalsLink = await page.Locator("a[href^='/learning/programmes/2/cohorts/'][href$='#proposals']").First.GetAttributeAsync("href");
        var cohortLink = await page.Locator("a[href^='/learning/programmes/2/cohorts/']:not([href*='#'])").First.GetAttributeAsync("href");
        await AuditAsync(page, cohortLink! + "?q=a", "learning-cohort", language, findings);
        await AuditAsync(page, proposalsLink!.Split('#')[0], "learning-cohort-proposals", language, findings);
        await Expect(page.Locator("section[aria-labelledby='proposals'] tbody tr").First).ToBeVisibleAsync();
        // The third, "Hybrid ledelse", has a leader group that has ended and goes on as a network, with its agreements.
        await AuditAsync(page, "/learning/programmes/3/cohorts", "learning-cohorts-networks", language, findings);
        var networkLink = await page.Locator("section[aria-labelledby='networks'] a[href^='/learning/programmes/3/cohorts/']").First.GetAttributeAsync("href");
        await AuditAsync(page, networkLink!, "learning-cohort-network", language, findings);
        // The leader school has a completion rule: its results page shows completion per cohort and per agency.
        await AuditAsync(page, "/learning/programmes/2/results", "learning-results-completion", language, findings);
        await AuditAsync(page, "/learning/sessions/1", "learning-session-past", language, findings);
        await AuditAsync(page, "/learning/sessions/52", "learning-session-upcoming", language, findings);
        await AuditAsync(page, "/learning/sessions/52/edit", "learning-edit-session", language, findings);
        await AuditAsync(page, "/learning/recordings/1", "learning-recording", language, findings);
        await AuditAsync(page, "/learning/me", "learning-me", language, findings);
        await AuditAsync(page, "/admin/accounts", "accounts", language, findings);
        var accountPath = await page.GetByRole(AriaRole.Link, new() { Name = newUser, Exact = true }).GetAttributeAsync("href");
        await AuditAsync(page, accountPath!, "account", language, findings);
        await AuditAsync(page, "/admin/audit", "audit", language, findings);
        await AuditAsync(page, "/account/change-password", "change-password", language, findings);
        await AuditAsync(page, "/account/access-denied", "access-denied", language, findings);
        await AuditAsync(page, "/not-found", "not-found", language, findings);

        await using var newUserContext = await app.NewContextAsync();
        page = await newUserContext.NewPageAsync();
        await page.GotoAsync($"/culture?c={language}&returnUrl=%2Faccount%2Flogin");
        await Journeys.SignInAsync(page, newUser, oneTimePassword);
        await Expect(page).ToHaveURLAsync(Journeys.ChangePasswordUrl());
        await AuditAsync(page, "change-password-first", language, findings);

        await using var leaderContext = await app.NewContextAsync();
        page = await leaderContext.NewPageAsync();
        await page.GotoAsync($"/culture?c={language}&returnUrl=%2Faccount%2Flogin");
        await Journeys.SignInAsync(page, leader, leaderPassword);
        await Journeys.ChooseOwnPasswordAsync(page, leaderPassword, "en lang og trygg setning");
        await Journeys.SignOutAsync(page);
        await Journeys.SignInAsync(page, leader, "en lang og trygg setning");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/agencies/SYE$"));
        await Expect(page.Locator("#agency-learning")).ToBeVisibleAsync();
        await AuditAsync(page, "agency-SYE-leader", language, findings);

        Assert.True(findings.Count == 0, $"axe found {findings.Count} WCAG 2.1 AA violations:\n\n{string.Join("\n", findings)}");
    }

    /// <summary>The audit itself: a page that breaks three rules is reported with each rule and element.</summary>
    [Fact]
    public async Task The_audit_reports_each_rule_a_page_breaks_with_the_element()
    {
        await using var context = await app.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.SetContentAsync("""
            <!DOCTYPE html><html><head><title>Brudd</title></head>
            <body><main><h1>Brudd</h1><img src="data:," id="bilde"><button id="knapp"></button>
            <p style="color:#777;background:#888">Svak kontrast</p></main></body></html>
            """);

        var violations = await Axe.ViolationsAsync(page, "broken");

        Assert.Equal(4, violations.Count);
        Assert.Contains(violations, v => v.Contains(": html-has-lang [", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains(": image-alt [critical]", StringComparison.Ordinal) && v.Contains("at #bilde:", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains(": button-name [critical]", StringComparison.Ordinal) && v.Contains("at #knapp:", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains(": color-contrast [serious]", StringComparison.Ordinal) && v.Contains("contrast of 1.", StringComparison.Ordinal));
    }

    private async Task AuditAsync(IPage page, string path, string name, string language, List<string> findings)
    {
        var response = await page.GotoAsync(path);
        Assert.True(response is { Ok: true }, $"{path} answered {response?.Status}.");
        await AuditAsync(page, name, language, findings);
    }

    /// <summary>
    /// Checks the page as it is now, and saves a screenshot of it when axe finds something on it, or of every page when
    /// <see cref="OppdriftApp.ScreenshotsVariable"/> is set (full-page screenshots of every page would add a third to the run).
    /// </summary>
    private async Task AuditAsync(IPage page, string name, string language, List<string> findings)
    {
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
        var found = await Axe.ViolationsAsync(page, $"{name}-{language}");
        findings.AddRange(found);
        if (found.Count > 0 || OppdriftApp.EveryScreenshot)
        {
            Directory.CreateDirectory(app.ScreenshotDirectory);
            await page.ScreenshotAsync(new() { Path = Path.Combine(app.ScreenshotDirectory, $"{name}-{language}.png"), FullPage = true });
        }
    }
}
