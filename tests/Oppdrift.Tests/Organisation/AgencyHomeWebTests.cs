using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Processes;
using Oppdrift.Surveys;
using Oppdrift.Tests.Benefits;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Tests.Learning;
using Oppdrift.Tests.Processes;
using Oppdrift.Tests.ShareMigration;
using Oppdrift.Tests.Usage;
using Oppdrift.Usage;

namespace Oppdrift.Tests.Organisation;

/// <summary>The agency page as the agency's home, the landing after sign-in and the start page's first-day checklist, through the running app.</summary>
public sealed partial class AgencyHomeWebTests
{
    private const string Programme = "Frokostwebinar";
    private const string SurveyName = "Digital puls";
    private const string Theme = "Møter i Teams";

    /// <summary>
    /// Usage figures for SYE and BNO, a goal with a benefit for SYE, a programme attended by 20 of SYE, 6 of KUL and 3 of
    /// BNO, a survey round answered by 12 of SYE, 6 of KUL and 2 of BNO, a process SYE owns and KUL takes part in, and a
    /// scanned file share of SYE.
    /// </summary>
    private static async Task<Dictionary<string, int>> SeedAsync(RunningApp app, string shareInventory)
    {
        Dictionary<string, int> agencies;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
            agencies = await db.Agencies.ToDictionaryAsync(a => a.Code, a => a.Id);
            await UsageSeed.FiguresAsync(db, [(agencies["SYE"], 600), (agencies["BNO"], 300)], UsageSeed.LastDay.AddDays(-59), UsageSeed.LastDay);

            var editor = scope.ServiceProvider.GetRequiredService<BenefitsEditor>();
            var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
            var baseline = today.AddDays(-90);
            var goal = (await editor.SaveGoalAsync(null, new GoalInput("Arbeide mer effektivt", null), BenefitsUsers.Central, default)).Value!.Id;
            var benefit = (await editor.SaveBenefitAsync(null, new BenefitInput(goal, "Færre utskrifter i Sykehjemsetaten", null, "HR-direktør", baseline,
                baseline.AddYears(2), false, true, null, null, [agencies["SYE"]]), BenefitsUsers.Central, default)).Value!.Id;
            var indicator = (await editor.SaveIndicatorAsync(null, BenefitsServices.Survey(benefit, baseline), BenefitsUsers.Central, default)).Value!.Id;
            Assert.True((await editor.AddMeasurementAsync(new MeasurementInput(indicator, agencies["SYE"], today.AddDays(-10), 3.9, "Puls"), BenefitsUsers.Central, default)).Succeeded);

            var (programme, session) = await LearningSeed.ProgrammeAsync(db, null);
            var import = new AttendanceImport { SessionId = session.Id, FileName = "deltakere.csv", ImportedBy = "test", ImportedAt = LearningSeed.Now.UtcDateTime };
            db.AttendanceImports.Add(import);
            await db.SaveChangesAsync();
            foreach (var (code, count) in new[] { ("SYE", 20), ("KUL", 6), ("BNO", 3) })
            {
                foreach (var person in await LearningSeed.PeopleAsync(db, count, agencies[code], "deltaker-" + code.ToLowerInvariant()))
                {
                    db.Attendance.Add(new Attendance { SessionId = session.Id, ImportId = import.Id, PersonId = person.Id, Name = person.DisplayName, DurationSeconds = 1800 });
                }
            }
            await db.SaveChangesAsync();
            Assert.Equal(Programme, programme.Name);

            await SurveyAsync(db, new() { [agencies["SYE"]] = (24, 12), [agencies["KUL"]] = (10, 6), [agencies["BNO"]] = (4, 2) });

            var processes = scope.ServiceProvider.GetRequiredService<ProcessEditor>();
            Assert.True((await processes.SaveAsync(null, ProcessServices.Input(agencies["SYE"], agencies["KUL"]) with { Name = "Vaktbytte i Teams" }, ProcessUsers.Central, default)).Succeeded);
        }
        using var central = await RunningApp.WithApiTokenAsync(await app.SignInAsync(Roles.ChangeLeader));
        using var form = new MultipartFormDataContent
        {
            { new StringContent("SYE"), "agency" },
            { new StringContent("Fellesområde"), "share" },
            { new StringContent(@"\\fil01\sye$"), "sourcePath" },
        };
        var file = new ByteArrayContent(await File.ReadAllBytesAsync(shareInventory));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", Path.GetFileName(shareInventory));
        Assert.Equal(HttpStatusCode.OK, (await central.PostAsync("/api/migration/scans", form)).StatusCode);
        return agencies;
    }

    /// <summary>One closed round of a survey with one themed Likert question: per agency the invited and those who answered (all "Enig", 4).</summary>
    private static async Task SurveyAsync(OppdriftDb db, Dictionary<int, (int Invited, int Answered)> groups)
    {
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var survey = new Survey { Name = SurveyName, CreatedAt = now, CreatedBy = "test" };
        db.Surveys.Add(survey);
        await db.SaveChangesAsync();
        var theme = new SurveyTheme { SurveyId = survey.Id, Key = "meetings", NameNb = Theme, NameEn = "Meetings in Teams" };
        db.SurveyThemes.Add(theme);
        await db.SaveChangesAsync();
        var question = new SurveyQuestion { SurveyId = survey.Id, ThemeId = theme.Id, Kind = QuestionKind.Likert, TextNb = "Møtene mine er effektive.", TextEn = "My meetings are effective.", Required = true };
        var round = new SurveyRound { SurveyId = survey.Id, Number = 1, Name = "Vår", Kind = RoundKind.Imported, OpensAt = now.AddDays(-30), ClosesAt = now.AddDays(-10), CreatedAt = now, CreatedBy = "test" };
        db.SurveyQuestions.Add(question);
        db.SurveyRounds.Add(round);
        await db.SaveChangesAsync();
        foreach (var (agency, (invited, answered)) in groups)
        {
            db.SurveyRoundGroups.Add(new SurveyRoundGroup { RoundId = round.Id, AgencyId = agency, Invited = invited });
            for (var i = 0; i < answered; i++)
            {
                var response = new SurveyResponse { Id = Guid.NewGuid(), RoundId = round.Id, AgencyId = agency };
                db.SurveyResponses.Add(response);
                db.SurveyAnswers.Add(new SurveyAnswer { ResponseId = response.Id, QuestionId = question.Id, Value = 4 });
            }
            db.SurveyAnswerCounts.Add(new SurveyAnswerCount { RoundId = round.Id, AgencyId = agency, QuestionId = question.Id, Value = null, Count = answered });
            db.SurveyAnswerCounts.Add(new SurveyAnswerCount { RoundId = round.Id, AgencyId = agency, QuestionId = question.Id, Value = 4, Count = answered });
        }
        await db.SaveChangesAsync();
    }

    private static string Section(string html, string id)
    {
        var start = html.IndexOf($"id=\"{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No section {id}.");
        var end = html.IndexOf("</section>", start, StringComparison.Ordinal);
        return html[start..end];
    }

    /// <summary>The cell after the row header <paramref name="name"/> in a section.</summary>
    private static string Cell(string section, string name)
    {
        var row = section.IndexOf(name, StringComparison.Ordinal);
        Assert.True(row >= 0, $"No row {name} in {section}");
        var start = section.IndexOf("<td", row, StringComparison.Ordinal);
        return section[start..section.IndexOf("</td>", start, StringComparison.Ordinal)];
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_agency_page_shows_each_module_for_the_agency_hides_small_groups_and_refuses_other_leaders(DatabaseKind kind)
    {
        using var share = await PlanShare.CreateAsync();
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        await SeedAsync(app, share.Inventory);
        using var central = await app.SignInAsync(Roles.ChangeLeader);
        using var kulLeader = await app.SignInAsync(Roles.AgencyLeader, "KUL");
        using var bnoLeader = await app.SignInAsync(Roles.AgencyLeader, "BNO");

        var sye = WebUtility.HtmlDecode(await central.GetStringAsync("/agencies/SYE"));
        var adoption = Section(sye, "agency-adoption");
        Assert.Contains("E-poster sendt", adoption, StringComparison.Ordinal);
        Assert.Contains("class=\"trend trend--", adoption, StringComparison.Ordinal);
        Assert.Contains("href=\"/usage/agencies/SYE\"", adoption, StringComparison.Ordinal);
        Assert.DoesNotContain("Ingen bruksrapporter", adoption, StringComparison.Ordinal);
        var benefits = Section(sye, "agency-benefits");
        Assert.Contains("Arbeide mer effektivt", benefits, StringComparison.Ordinal);
        Assert.Contains("class=\"ds-tag\"", benefits, StringComparison.Ordinal);
        Assert.Contains("href=\"/benefits?agency=SYE\"", benefits, StringComparison.Ordinal);
        Assert.Matches(@">\s*20\s*$", Cell(Section(sye, "agency-learning"), Programme));
        var survey = Section(sye, "agency-survey");
        Assert.Contains(SurveyName, survey, StringComparison.Ordinal);
        Assert.Contains("Svarprosent: 12 av 24 har svart (50,0 %)", survey, StringComparison.Ordinal);
        Assert.Contains("100 % positive", Cell(survey, Theme), StringComparison.Ordinal);
        var processes = Section(sye, "agency-processes");
        Assert.Contains("Vaktbytte i Teams", processes, StringComparison.Ordinal);
        Assert.Contains("<td>Eier</td>", processes, StringComparison.Ordinal);
        var migration = Section(sye, "agency-migration");
        Assert.DoesNotContain("Ingen filområder", migration, StringComparison.Ordinal);
        Assert.Contains("href=\"/migration?agency=SYE\"", migration, StringComparison.Ordinal);
        Assert.Contains("id=\"agency-interventions\"", sye, StringComparison.Ordinal);

        // Kulturetaten's 6 attendees and Bydel Nord's 3 are under the minimum group size of 10: hidden, as on the programme's
        // results page; in the survey Bydel Nord's 2 are under 5, and Kulturetaten's 6 are hidden so they cannot be subtracted.
        using (var page = await kulLeader.GetAsync("/agencies/KUL"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var kul = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
            var learning = Cell(Section(kul, "agency-learning"), Programme);
            Assert.Contains("class=\"suppressed\"", learning, StringComparison.Ordinal);
            Assert.DoesNotContain("6", learning, StringComparison.Ordinal);
            Assert.Contains("Skjult: ville avslørt en liten gruppe", Cell(Section(kul, "agency-survey"), Theme), StringComparison.Ordinal);
            Assert.Contains("Deltar (eies av", Section(kul, "agency-processes"), StringComparison.Ordinal);
            Assert.Contains("Ingen filområder", Section(kul, "agency-migration"), StringComparison.Ordinal);
        }
        var bno = WebUtility.HtmlDecode(await bnoLeader.GetStringAsync("/agencies/BNO"));
        Assert.Contains("class=\"suppressed\"", Cell(Section(bno, "agency-learning"), Programme), StringComparison.Ordinal);
        Assert.Contains("Skjult: færre enn 5 har svart", Cell(Section(bno, "agency-survey"), Theme), StringComparison.Ordinal);

        using var refused = await kulLeader.GetAsync("/agencies/SYE");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var body = await refused.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Vaktbytte", body, StringComparison.Ordinal);
        Assert.DoesNotContain(Programme, body, StringComparison.Ordinal);
    }

    private static async Task<string> SignInLocationAsync(RunningApp app, string userName, Roles roles, string? returnUrl, params string[] codes)
    {
        const string password = "a long test password";
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
            var ids = await db.Agencies.Where(a => codes.Contains(a.Code)).Select(a => a.Id).ToListAsync();
            var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
            var created = await accounts.CreateAsync(new AccountRequest(userName, userName, roles, ids), "test", default);
            Assert.True((await accounts.ChangePasswordAsync(created.Value!.Account.Id, created.Value.OneTimePassword, password, default)).Succeeded);
        }
        using var client = app.Anonymous();
        var path = "/account/login" + (returnUrl is null ? "" : "?returnUrl=" + Uri.EscapeDataString(returnUrl));
        var form = await client.GetStringAsync(path);
        using var response = await client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = RunningApp.AntiforgeryToken(form),
            ["Input.UserName"] = userName,
            ["Input.Password"] = password,
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        return location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_leader_of_one_agency_lands_on_its_page_after_signing_in_and_everyone_else_on_the_start_page(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);

        Assert.Equal("/agencies/KUL", await SignInLocationAsync(app, "leder-kul@test.no", Roles.AgencyLeader, null, "KUL"));
        Assert.Equal("/", await SignInLocationAsync(app, "leder-to@test.no", Roles.AgencyLeader, null, "KUL", "SYE"));
        Assert.Equal("/", await SignInLocationAsync(app, "admin-test@test.no", Roles.Administrator, null));
        Assert.Equal("/", await SignInLocationAsync(app, "ansatt@test.no", Roles.Employee, null, "KUL"));
        // A page asked for is kept.
        Assert.Equal("/usage", await SignInLocationAsync(app, "leder-kul-2@test.no", Roles.AgencyLeader, "/usage", "KUL"));
    }

    private static string? Checklist(string html) =>
        html.Contains("id=\"first-day\"", StringComparison.Ordinal) ? html[html.IndexOf("id=\"first-day\"", StringComparison.Ordinal)..html.IndexOf("</section>", html.IndexOf("id=\"first-day\"", StringComparison.Ordinal), StringComparison.Ordinal)] : null;

    /// <summary>The state tag of the step whose link text is <paramref name="step"/>.</summary>
    private static string State(string checklist, string step)
    {
        var at = checklist.IndexOf(step, StringComparison.Ordinal);
        Assert.True(at >= 0, $"No step {step} in {checklist}");
        var item = checklist.LastIndexOf("<li", at, StringComparison.Ordinal);
        return Regex.Match(checklist[item..at], "data-color=\"(\\w+)\"").Groups[1].Value == "success" ? "done" : "open";
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_first_day_checklist_shows_each_step_until_it_is_done_and_only_to_the_central_team(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        using var admin = await app.SignInAsync(Roles.Administrator);
        using var leader = await app.SignInAsync(Roles.AgencyLeader, "KUL");

        var list = Checklist(WebUtility.HtmlDecode(await admin.GetStringAsync("/")));
        Assert.NotNull(list);
        Assert.Equal("done", State(list, "Les inn brukerlisten fra Entra ID"));
        Assert.Equal("done", State(list, "Sett opp virksomhetene"));
        Assert.Equal("open", State(list, "Få inn bruksrapporter"));
        Assert.Equal("open", State(list, "Kontroller personverninnstillingene"));
        Assert.Equal("open", State(list, "Opprett det første opplæringsprogrammet"));
        Assert.Contains("2 av 5 steg er gjort", list, StringComparison.Ordinal);
        Assert.Null(Checklist(await leader.GetStringAsync("/")));

        // Confirming the privacy settings is the central team's: the form is not on a leader's page, and a post of it is refused.
        async Task<HttpResponseMessage> ConfirmAsync(HttpClient client) =>
            await client.PostAsync("/", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "privacy-checked",
                ["__RequestVerificationToken"] = RunningApp.AntiforgeryToken(await client.GetStringAsync("/")),
            }));
        using (var byLeader = await ConfirmAsync(leader))
        {
            Assert.Equal(HttpStatusCode.BadRequest, byLeader.StatusCode);
        }
        Assert.Equal("open", State(Checklist(WebUtility.HtmlDecode(await admin.GetStringAsync("/")))!, "Kontroller personverninnstillingene"));
        using (var confirmed = await ConfirmAsync(admin))
        {
            Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        }
        Assert.Equal("done", State(Checklist(WebUtility.HtmlDecode(await admin.GetStringAsync("/")))!, "Kontroller personverninnstillingene"));

        await using (var db = app.Database.CreateContext())
        {
            Assert.Equal("minimum-group-size=10", (await db.AuditEntries.SingleAsync(a => a.Action == "privacy.checked")).Target);
            await LearningSeed.ProgrammeAsync(db, null);
            db.UsageImports.Add(new UsageImport
            {
                Report = "getTeamsUserActivityUserDetail",
                Name = "teams.csv",
                Sha256 = new string('a', 64),
                ImportedBy = "test",
                StartedAt = TimeProvider.System.GetUtcNow().UtcDateTime,
                FinishedAt = TimeProvider.System.GetUtcNow().UtcDateTime,
                Status = UsageImportStatus.Failed,
            });
            await db.SaveChangesAsync();
        }
        list = Checklist(WebUtility.HtmlDecode(await admin.GetStringAsync("/")))!;
        Assert.Equal("done", State(list, "Opprett det første opplæringsprogrammet"));
        Assert.Equal("open", State(list, "Få inn bruksrapporter")); // a failed import is no report read

        await using (var db = app.Database.CreateContext())
        {
            var import = await db.UsageImports.SingleAsync();
            import.Status = UsageImportStatus.Succeeded;
            await db.SaveChangesAsync();
        }
        Assert.Null(Checklist(await admin.GetStringAsync("/")));
    }
}
