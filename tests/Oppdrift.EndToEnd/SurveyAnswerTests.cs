using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.EndToEnd.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Oppdrift.EndToEnd;

public sealed partial class SurveyAnswerTests(OppdriftApp app)
{
    [Fact]
    public async Task An_employee_answers_a_pulse_from_the_personal_link_on_a_phone_with_the_keyboard_alone()
    {
        var findings = new List<string>();
        var round = "E2E-puls " + Guid.NewGuid().ToString("N")[..6];

        // The central team sends a round of the demo's pulse to one agency.
        await using var admin = await app.NewContextAsync();
        var page = await app.SignInAsAdminAsync(admin);
        await page.GotoAsync("/surveys");
        await page.GetByRole(AriaRole.Link, new() { Name = SurveyMeasures.StarterSurvey, Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(SurveyMeasures.StarterSurvey);
        findings.AddRange(await Axe.ViolationsAsync(page, "survey-results"));
        await page.Locator("summary", new() { HasText = "Ny runde" }).ClickAsync();
        await page.Locator("#round-name").FillAsync(round);
        await page.Locator("#population-Agency").CheckAsync();
        await page.Locator("#round-agency").SelectOptionAsync(new SelectOptionValue { Label = "Mobbeombudet" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Opprett runde", Exact = true }).ClickAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = round, Exact = true }) });
        await row.GetByRole(AriaRole.Button, new() { Name = "Send nå", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Lenker er lagt i utboksen");

        // One of them opens the link from the mail: no sign-in, on a phone.
        var link = await LinkAsync(round);
        await using var phone = await app.Browser.NewContextAsync(new()
        {
            BaseURL = app.BaseUrl.ToString(),
            Locale = "nb-NO",
            ViewportSize = new() { Width = 390, Height = 844 },
            IsMobile = true,
            HasTouch = true,
        });
        var answer = await phone.NewPageAsync();
        var response = await answer.GotoAsync(link);
        Assert.True(response is { Ok: true }, $"{link} answered {response?.Status}.");
        await Expect(answer.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(SurveyMeasures.StarterSurvey);
        await Expect(answer.GetByRole(AriaRole.Heading, new() { Name = "Svarene dine er anonyme" })).ToBeVisibleAsync();
        Assert.True(await answer.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The answer page scrolls sideways on a phone.");
        findings.AddRange(await Axe.ViolationsAsync(answer, "survey-answer-phone"));

        // Keyboard only: Tab to each question, Space and the arrow keys to choose, Enter to send.
        var answered = new HashSet<string>();
        for (var presses = 0; presses < 200; presses++)
        {
            await answer.Keyboard.PressAsync("Tab");
            var focused = await answer.EvaluateAsync<string[]>("() => { const e = document.activeElement; return [e.tagName, e.type || '', e.name || '', e.textContent || '']; }");
            var (tag, type, name, text) = (focused[0], focused[1], focused[2], focused[3]);
            if (type == "radio" && answered.Add(name))
            {
                // The first choice, then three steps on: "Enig" on a Likert statement, 4 on a rating.
                await answer.Keyboard.PressAsync("Space");
                for (var step = 0; step < 3; step++)
                {
                    await answer.Keyboard.PressAsync("ArrowRight");
                }
            }
            else if (type == "checkbox" && answered.Add(name))
            {
                await answer.Keyboard.PressAsync("Space");
            }
            else if (tag == "TEXTAREA" && answered.Add(name))
            {
                await answer.Keyboard.TypeAsync("Mer opplæring i deling av filer");
            }
            else if (tag == "BUTTON" && text.Contains("Send svar", StringComparison.Ordinal))
            {
                await answer.Keyboard.PressAsync("Enter");
                break;
            }
        }

        await Expect(answer.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Takk for svaret!");
        findings.AddRange(await Axe.ViolationsAsync(answer, "survey-thanks-phone"));
        Assert.True(answered.Count >= 5, $"Only {answered.Count} questions were reached with the keyboard.");

        // The link is spent, and the answer is counted with nothing pointing back at the person.
        await answer.GotoAsync(link);
        await Expect(answer.GetByText("Du har allerede svart med denne lenken", new() { Exact = false })).ToBeVisibleAsync();
        await using (var db = new OppdriftDb(DataServices.Options(new DatabaseProvider(DatabaseKind.Sqlite, $"Data Source={Path.Combine(app.DataDirectory, "oppdrift.db")}"))))
        {
            var roundId = await db.SurveyRounds.Where(r => r.Name == round).Select(r => r.Id).SingleAsync();
            Assert.Equal(1, await db.SurveyInvitations.CountAsync(i => i.RoundId == roundId && i.Used));
            Assert.Equal(1, await db.SurveyResponses.CountAsync(r => r.RoundId == roundId));
            Assert.Equal(answered.Count, await db.SurveyAnswerCounts.Where(c => c.RoundId == roundId && c.Value == null).SumAsync(c => c.Count));
            // Four steps along every scale: "Enig" (4) on each statement.
            var likert = await db.SurveyQuestions.Where(q => q.Kind == Surveys.QuestionKind.Likert && db.SurveyRounds.Any(r => r.Id == roundId && r.SurveyId == q.SurveyId)).Select(q => q.Id).ToListAsync();
            var values = await db.SurveyAnswerCounts.Where(c => c.RoundId == roundId && c.Count > 0 && c.Value != null && likert.Contains(c.QuestionId)).Select(c => c.Value).Distinct().ToListAsync();
            Assert.Equal([4], values);
        }

        // The same page on a desktop screen.
        await using var desktop = await app.NewContextAsync();
        var other = await desktop.NewPageAsync();
        await other.GotoAsync(await LinkAsync(round, skip: 1));
        await Expect(other.GetByRole(AriaRole.Button, new() { Name = "Send svar", Exact = true })).ToBeVisibleAsync();
        findings.AddRange(await Axe.ViolationsAsync(other, "survey-answer"));

        Assert.True(findings.Count == 0, $"axe found {findings.Count} WCAG 2.1 AA violations:\n\n{string.Join("\n", findings)}");
    }

    /// <summary>A personal link of the round, from the mail in the outbox.</summary>
    private async Task<string> LinkAsync(string round, int skip = 0)
    {
        await using var db = new OppdriftDb(DataServices.Options(new DatabaseProvider(DatabaseKind.Sqlite, $"Data Source={Path.Combine(app.DataDirectory, "oppdrift.db")}")));
        var bodies = await db.OutgoingMail.AsNoTracking().Where(m => m.Body.Contains("/survey/answer/")).OrderByDescending(m => m.Id).Select(m => m.Body).Take(skip + 1).ToListAsync();
        Assert.True(bodies.Count > skip, $"No survey mail for {round} in the outbox.");
        return LinkPattern().Match(bodies[skip]).Value;
    }

    [GeneratedRegex(@"/survey/answer/[A-Za-z0-9_-]+")]
    private static partial Regex LinkPattern();
}
