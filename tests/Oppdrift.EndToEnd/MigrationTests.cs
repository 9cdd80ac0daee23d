using DocumentFormat.OpenXml.Packaging;
using Microsoft.Playwright;
using Oppdrift.EndToEnd.Infrastructure;
using Oppdrift.ShareMigration;
using static Microsoft.Playwright.Assertions;
using X = DocumentFormat.OpenXml.Spreadsheet;

namespace Oppdrift.EndToEnd;

public sealed class MigrationTests(OppdriftApp app)
{
    /// <summary>A small share scanned with the real scanner: a folder with a name SharePoint refuses and a duplicate.</summary>
    private async Task<string> ScanAsync(string name)
    {
        var root = Path.Combine(app.DataDirectory, "e2e-share-" + name, "share");
        Directory.CreateDirectory(Path.Combine(root, "Økonomi", "2025"));
        await File.WriteAllTextAsync(Path.Combine(root, "Økonomi", "2025", "Budsjett.xlsx"), new string('b', 4000));
        await File.WriteAllTextAsync(Path.Combine(root, "Økonomi", "Kopi av budsjett.xlsx"), new string('b', 4000));
        await File.WriteAllTextAsync(Path.Combine(root, "Økonomi", "Hva nå?.docx"), "spørsmål");
        Directory.CreateDirectory(Path.Combine(root, "Maler"));
        await File.WriteAllTextAsync(Path.Combine(root, "Maler", "Brevmal.dotx"), "mal");
        var inventory = Path.Combine(app.DataDirectory, "e2e-share-" + name, name + ".scan.sqlite");
        await new TreeScanner(new ScanOptions { Root = root, InventoryPath = inventory }).RunAsync(null, TestContext.Current.CancellationToken);
        DuplicateFinder.Run(inventory, 1, null, TestContext.Current.CancellationToken);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return inventory;
    }

    [Fact]
    public async Task A_scan_uploaded_to_an_agency_is_mapped_moved_and_exported_for_the_migration_tools()
    {
        await using var context = await app.NewContextAsync();
        var page = await app.SignInAsAdminAsync(context);
        var share = "Testlager " + Guid.NewGuid().ToString("N")[..6];
        var inventory = await ScanAsync(share.Replace(' ', '-'));

        await page.GotoAsync("/migration");
        await page.Locator("#u-agency").SelectOptionAsync(new SelectOptionValue { Index = 0 });
        await page.Locator("#u-share").FillAsync(share);
        await page.Locator("#u-unc").FillAsync(@"\\fil09\test$");
        await page.Locator("#u-file").SetInputFilesAsync(inventory);
        await page.Locator("form[action='/migration/scans'] button[type=submit]").ClickAsync();

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/migration/shares/\d+\?done=Attached"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(share);
        await Expect(page.GetByText("Skanningen er lagt til.")).ToBeVisibleAsync();
        var sharePath = new Uri(page.Url).AbsolutePath;
        // Four files; the invalid name is a blocker; the copy of the budget can be cleaned up.
        await Expect(page.GetByText("skannet (4 filer)")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Row, new() { Name = "Ugyldig tegn" })).ToContainTextAsync("1");
        await Expect(page.GetByRole(AriaRole.Row, new() { Name = "Duplisert fil" })).ToContainTextAsync("1");

        await page.Locator("#m-source").FillAsync("Økonomi");
        await page.Locator("#m-site").FillAsync("https://nordvik.sharepoint.com/sites/test");
        await page.Locator("#m-folder").FillAsync("Arkiv");
        await page.Locator("form:has(#m-source) button[type=submit]").ClickAsync();
        await Expect(page.GetByText("Koblingen er lagret.")).ToBeVisibleAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "/sites/test/Shared Documents/Arkiv" });
        await Expect(row).ToContainTextAsync("Blokkert");
        await Expect(row).ToContainTextAsync("1 navn som ikke er tillatt");
        await Expect(row).ToContainTextAsync("Planlagt");

        await row.Locator("select[name=state]").SelectOptionAsync("Migrated");
        await row.Locator("form[action$='/state'] button[type=submit]").ClickAsync();
        await Expect(page.GetByText("Status er oppdatert.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "/sites/test/Shared Documents/Arkiv" })).ToContainTextAsync("Flyttet");

        var csv = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Last ned CSV for SharePoint Migration Tool / Migration Manager" }).ClickAsync());
        var csvFile = Path.Combine(app.DataDirectory, csv.SuggestedFilename);
        await csv.SaveAsAsync(csvFile);
        Assert.Equal("\\\\fil09\\test$\\Økonomi,,,https://nordvik.sharepoint.com/sites/test,Shared Documents,Arkiv\r\n",
            await File.ReadAllTextAsync(csvFile, TestContext.Current.CancellationToken));

        var xlsx = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Last ned funn som Excel" }).ClickAsync());
        var xlsxFile = Path.Combine(app.DataDirectory, xlsx.SuggestedFilename);
        await xlsx.SaveAsAsync(xlsxFile);
        using (var workbook = SpreadsheetDocument.Open(xlsxFile, false))
        {
            var part = workbook.WorkbookPart!;
            var sheets = part.Workbook.Sheets!.Elements<X.Sheet>().Select(s => s.Name!.Value).ToList();
            Assert.Equal(["Sammendrag", "Koblinger", "Funn", "Opprydding"], sheets);
            var findings = (WorksheetPart)part.GetPartById(part.Workbook.Sheets!.Elements<X.Sheet>().ElementAt(2).Id!);
            Assert.Contains("Økonomi/Hva nå?.docx", findings.Worksheet.InnerText, StringComparison.Ordinal);
        }

        // The same inventory again changes nothing; a file that is not one is refused by name.
        await page.GotoAsync("/migration");
        await page.Locator("#u-share").FillAsync(share);
        await page.Locator("#u-agency").SelectOptionAsync(new SelectOptionValue { Index = 0 });
        await page.Locator("#u-file").SetInputFilesAsync(inventory);
        await page.Locator("form[action='/migration/scans'] button[type=submit]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(sharePath + @"\?done=AlreadyAttached"));
        await Expect(page.GetByText("Denne inventarfilen var allerede lagt til. Ingenting ble endret.")).ToBeVisibleAsync();

        var notes = Path.Combine(app.DataDirectory, "notater.scan.sqlite");
        await File.WriteAllTextAsync(notes, "ikke en inventarfil", TestContext.Current.CancellationToken);
        await page.GotoAsync("/migration");
        await page.Locator("#u-share").FillAsync(share + " 2");
        await page.Locator("#u-file").SetInputFilesAsync(notes);
        await page.Locator("form[action='/migration/scans'] button[type=submit]").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("notater.scan.sqlite: filen kan ikke leses som en inventarfil");
    }
}
