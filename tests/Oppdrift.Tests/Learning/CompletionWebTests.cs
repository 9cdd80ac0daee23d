using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Learning;

/// <summary>The completion rule on the edit page, completion on the results, cohort and "my learning" pages, and the completion API.</summary>
public sealed class CompletionWebTests
{
    private const string Owner = "eier-lederskole@test.no";

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_owner_sets_the_rule_and_sees_completion_a_participant_sees_their_own_and_others_get_no_figures(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        int programmeId, cohortId;
        string participant;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var programme = (await scope.ServiceProvider.GetRequiredService<Programmes>().CreateAsync(new ProgrammeInput("Lederskolen", "For ledere.", "HR", Owner, null,
                ProgrammeAudience.Everyone, [], "ledelse", "Teams", ["Modul 1"]), Owner, default)).Value!;
            programmeId = programme.Id;
            var cohort = (await scope.ServiceProvider.GetRequiredService<Cohorts>().CreateAsync(programmeId, new CohortInput("Kull 1", null), Owner, default)).Value!;
            cohortId = cohort.Id;
            var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
            var person = await db.People.Where(p => p.IsActive).OrderBy(p => p.Id).FirstAsync();
            participant = person.UserPrincipalName;
            Assert.True((await scope.ServiceProvider.GetRequiredService<Cohorts>().EnrolAsync(cohortId, new EnrolmentRequest([person.Id]), Owner, default)).Succeeded);
        }
        using var owner = await app.SignInAsAsync(Owner, Roles.Employee | Roles.ProgrammeOwner);
        using var otherOwner = await RunningApp.WithApiTokenAsync(await app.SignInAsync(Roles.Employee | Roles.ProgrammeOwner));
        using var employee = await app.SignInAsAsync(participant, Roles.Employee);

        var editPage = $"/learning/programmes/{programmeId}/edit";
        var form = await owner.GetStringAsync(editPage);
        Assert.Contains("Hva betyr fullført?", WebUtility.HtmlDecode(form), StringComparison.Ordinal);
        using var saved = await owner.PostAsync(editPage, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "edit-programme",
            ["__RequestVerificationToken"] = RunningApp.AntiforgeryToken(form),
            ["Form.Name"] = "Lederskolen",
            ["Form.OwnerName"] = "HR",
            ["Form.Audience"] = "Everyone",
            ["Form.Topics"] = "ledelse",
            ["Form.Tools"] = "Teams",
            ["Form.Description"] = "For ledere.",
            ["Form.Modules"] = "Modul 1",
            ["Form.CompletionSessions"] = "2",
            ["Form.CompletionRecordings"] = "1",
        }));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        using var api = await owner.GetAsync($"/api/learning/programmes/{programmeId}/completion");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        using (var json = JsonDocument.Parse(await api.Content.ReadAsStringAsync()))
        {
            var rule = json.RootElement.GetProperty("rule");
            Assert.Equal(2, rule.GetProperty("sessions").GetInt32());
            Assert.Equal(1, rule.GetProperty("recordings").GetInt32());
            Assert.True(rule.GetProperty("defined").GetBoolean());
            // One participant: a group of one is below the minimum, so the figures are hidden.
            var cohort = Assert.Single(json.RootElement.GetProperty("cohorts").EnumerateArray());
            Assert.Equal(JsonValueKind.Null, cohort.GetProperty("people").ValueKind);
            Assert.True(cohort.GetProperty("suppressed").GetBoolean());
            Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("total").GetProperty("people").ValueKind);
        }

        var results = WebUtility.HtmlDecode(await owner.GetStringAsync($"/learning/programmes/{programmeId}/results"));
        Assert.Contains("Fullført betyr: deltatt live på minst 2 økter og sett minst 1 opptak i Oppdrift.", results, StringComparison.Ordinal);
        Assert.Contains("Fullføring per kull", results, StringComparison.Ordinal);
        Assert.Contains("Fullføring per virksomhet", results, StringComparison.Ordinal);
        var cohortPage = WebUtility.HtmlDecode(await owner.GetStringAsync($"/learning/programmes/{programmeId}/cohorts/{cohortId}"));
        Assert.Contains("Opptak sett", cohortPage, StringComparison.Ordinal);
        Assert.Contains("<td>Nei</td>", cohortPage, StringComparison.Ordinal);

        var mine = WebUtility.HtmlDecode(await employee.GetStringAsync("/learning/me"));
        Assert.Contains("Mine program", mine, StringComparison.Ordinal);
        Assert.Contains("Nei (deltatt live på minst 2 økter og sett minst 1 opptak i Oppdrift)", mine, StringComparison.Ordinal);

        using (var refused = await otherOwner.GetAsync($"/api/learning/programmes/{programmeId}/completion"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        using (var refused = await employee.GetAsync($"/api/learning/programmes/{programmeId}/completion"))
        {
            Assert.True(refused.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Redirect, $"{refused.StatusCode}");
        }
        using (var missing = await owner.GetAsync("/api/learning/programmes/999999/completion"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }
        await using (var db = app.Database.CreateContext())
        {
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "view.learning.completion"));
        }
    }
}
