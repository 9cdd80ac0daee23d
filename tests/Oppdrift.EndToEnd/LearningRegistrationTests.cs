using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Oppdrift.Data;
using Oppdrift.EndToEnd.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Oppdrift.EndToEnd;

public sealed class LearningRegistrationTests(OppdriftApp app)
{
    [Fact]
    public async Task An_employee_registers_for_a_breakfast_webinar_and_downloads_the_invitation()
    {
        // An employee of the demo municipality whose account is their user principal name, as with Entra ID.
        var provider = new DatabaseProvider(DatabaseKind.Sqlite, $"Data Source={Path.Combine(app.DataDirectory, "oppdrift.db")}");
        string upn, name, agency;
        await using (var db = new OppdriftDb(DataServices.Options(provider)))
        {
            var person = await db.People.AsNoTracking().Include(p => p.Agency)
                .Where(p => p.IsActive && p.AgencyId != null && !p.IsLeader).OrderBy(p => p.Id).Skip(17).FirstAsync();
            (upn, name, agency) = (person.UserPrincipalName, person.DisplayName, person.Agency!.Name);
        }
        string oneTimePassword;
        await using (var admin = await app.NewContextAsync())
        {
            oneTimePassword = await AccountPages.CreateAsync(await app.SignInAsAdminAsync(admin), upn, name, role: null, agency);
        }

        await using var context = await app.NewContextAsync();
        var page = await context.NewPageAsync();
        await Journeys.SignInAsync(page, upn, oneTimePassword);
        // The first sign-in asks for an own password; the employee's start page confirms it like everyone else's.
        await Journeys.ChooseOwnPasswordAsync(page, oneTimePassword, "Frokost-og-laering-2026");

        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Læring", Exact = true }).ClickAsync();
        var upcoming = page.GetByRole(AriaRole.Table, new() { Name = "Kommende økter" });
        await upcoming.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Frokostwebinar:") }).First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/learning/sessions/\\d+$"));
        // The address changes before the new page is drawn; wait for the session's own heading.
        var heading = page.GetByRole(AriaRole.Heading, new() { Level = 1 });
        await Expect(heading).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Frokostwebinar:"));
        var title = (await heading.InnerTextAsync()).Trim();
        await page.GetByRole(AriaRole.Button, new() { Name = "Meld meg på", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Du er påmeldt");
        await Expect(page.Locator("#my-place")).ToHaveTextAsync("Påmeldt");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Meld meg av", Exact = true })).ToBeVisibleAsync();

        var download = await page.RunAndWaitForDownloadAsync(() =>
            page.GetByRole(AriaRole.Link, new() { Name = "Last ned invitasjon (.ics)" }).ClickAsync());
        Assert.EndsWith(".ics", download.SuggestedFilename, StringComparison.Ordinal);
        var ics = Encoding.UTF8.GetString(await File.ReadAllBytesAsync((await download.PathAsync())!));
        Assert.StartsWith("BEGIN:VCALENDAR", ics, StringComparison.Ordinal);
        Assert.Contains("BEGIN:VEVENT", ics, StringComparison.Ordinal);
        Assert.Contains("SUMMARY:" + title.Replace(",", "\\,", StringComparison.Ordinal), ics.Replace("\r\n ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("ATTENDEE;", ics, StringComparison.Ordinal);

        // The session is now on the employee's own page, with a calendar address Outlook can subscribe to.
        await page.GotoAsync("/learning/me");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Øktene mine" }).GetByRole(AriaRole.Link, new() { Name = title })).ToBeVisibleAsync();
        var feed = (await page.Locator("#my-feed-url").InnerTextAsync()).Trim();
        using var anonymous = new HttpClient();
        var calendar = await anonymous.GetStringAsync(feed);
        Assert.Contains("METHOD:PUBLISH", calendar, StringComparison.Ordinal);
        Assert.Equal(1, System.Text.RegularExpressions.Regex.Count(calendar, "BEGIN:VEVENT"));
    }
}
