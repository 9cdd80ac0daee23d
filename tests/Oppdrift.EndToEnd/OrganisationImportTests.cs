using System.Globalization;
using Microsoft.Playwright;
using Oppdrift.EndToEnd.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Oppdrift.EndToEnd;

[Collection(Collection)]
public sealed class OrganisationImportTests(OppdriftApp app)
{
    public const string Collection = "Organisation import";

    [Fact]
    public async Task An_Entra_user_list_uploaded_on_the_organisation_page_is_imported_and_its_result_shown()
    {
        await using var context = await app.NewContextAsync();
        var page = await app.SignInAsAdminAsync(context);
        var demoEmployees = await ActiveEmployeesAsync(page);

        // A small file over a large directory looks like a filtered download: refused until confirmed.
        await OrganisationPages.ImportAsync(page, OppdriftApp.TestData("organisation/entra-users-newer-export.csv"));
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Ingenting er endret");
        await Expect(page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Filen ville deaktivert" })).ToBeVisibleAsync();
        Assert.Equal(demoEmployees, await ActiveEmployeesAsync(page));

        await OrganisationPages.ImportAsync(page, OppdriftApp.TestData("organisation/entra-users-newer-export.csv"), allowMassDeactivation: true);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Import: entra-users-newer-export.csv");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Brukerlisten er importert");
        await Expect(page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "gjestekontoer ble hoppet over" })).ToBeVisibleAsync();
        // The user list is the whole directory: the demo's employees missing from it are deactivated.
        Assert.True(await FigureAsync(page, "Deaktivert") > demoEmployees - 10);
        Assert.InRange(await ActiveEmployeesAsync(page), 1, 10);

        // Put the demo municipality back for the other tests, the way a central team would.
        await OrganisationPages.ImportAsync(page, app.DemoUserList, expectBusyMessage: true);
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Brukerlisten er importert");
        Assert.Equal(demoEmployees, await ActiveEmployeesAsync(page));
    }

    [Fact]
    public async Task A_file_with_errors_is_rejected_with_its_name_and_line_and_nothing_changes()
    {
        await using var context = await app.NewContextAsync();
        var page = await app.SignInAsAdminAsync(context);
        var employeesBefore = await ActiveEmployeesAsync(page);
        var agenciesBefore = await AgencyTable(page).InnerTextAsync();

        await OrganisationPages.ImportAsync(page, OppdriftApp.TestData("organisation/bad-duplicate-upn.csv"));

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Import: bad-duplicate-upn.csv");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Filen ble ikke importert. Ingenting er endret.");
        await Expect(page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "bad-duplicate-upn.csv:4" }))
            .ToContainTextAsync("står også på linje 2");

        Assert.Equal(employeesBefore, await ActiveEmployeesAsync(page));
        Assert.Equal(agenciesBefore, await AgencyTable(page).InnerTextAsync());
        await page.GotoAsync("/organisation");
        var historyRow = page.GetByRole(AriaRole.Table, new() { Name = "Tidligere importer" }).GetByRole(AriaRole.Row)
            .Filter(new() { HasText = "bad-duplicate-upn.csv" }).First;
        await Expect(historyRow).ToContainTextAsync("Avvist");
    }

    /// <summary>The "active employees" figure on the overview.</summary>
    private static async Task<int> ActiveEmployeesAsync(IPage page)
    {
        await page.GotoAsync("/");
        return await FigureAsync(page, "Aktive ansatte");
    }

    private static async Task<int> FigureAsync(IPage page, string label)
    {
        var card = page.Locator(".ds-card").Filter(new() { Has = page.GetByText(label, new() { Exact = true }) });
        var text = await card.Locator(".figure").InnerTextAsync();
        return int.Parse(string.Concat(text.Where(char.IsAsciiDigit)), CultureInfo.InvariantCulture);
    }

    private static ILocator AgencyTable(IPage page) =>
        page.GetByRole(AriaRole.Table, new() { Name = "Virksomheter med antall ansatte, ledere og enheter" });
}
