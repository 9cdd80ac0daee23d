using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Learning;

/// <summary>The cohort pages and the cohort API through the running app: the owner manages, another owner and an employee cannot.</summary>
public sealed class CohortWebTests
{
    private const string Owner = "eier-lederskole@test.no";

    private static string Location(HttpResponseMessage response) =>
        response.Headers.Location is { } location ? (location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString) : "";

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_owner_creates_a_cohort_enrols_an_agencys_leaders_and_moves_one_through_the_pages_and_others_are_refused(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        int programmeId;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var programme = await scope.ServiceProvider.GetRequiredService<Programmes>().CreateAsync(new ProgrammeInput("Lederskolen", "For ledere.", "HR", Owner, null,
                ProgrammeAudience.Leaders, [], "ledelse", "Teams", ["Modul 1"]), Owner, default);
            Assert.True(programme.Succeeded, programme.Error);
            programmeId = programme.Value!.Id;
        }
        int agencyId;
        List<string> leaderNames;
        await using (var db = app.Database.CreateContext())
        {
            agencyId = await db.People.Where(p => p.IsActive && p.IsLeader && p.AgencyId != null).GroupBy(p => p.AgencyId!.Value)
                .OrderByDescending(g => g.Count()).Select(g => g.Key).FirstAsync();
            leaderNames = await db.People.Where(p => p.IsActive && p.IsLeader && p.AgencyId == agencyId).Select(p => p.DisplayName).ToListAsync();
        }
        using var owner = await app.SignInAsAsync(Owner, Roles.Employee | Roles.ProgrammeOwner);
        using var otherOwner = await app.SignInAsync(Roles.Employee | Roles.ProgrammeOwner);
        using var employee = await app.SignInAsync(Roles.Employee);

        var list = $"/learning/programmes/{programmeId}/cohorts";
        using var created = await owner.PostAsync(list, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "new-cohort",
            ["__RequestVerificationToken"] = RunningApp.AntiforgeryToken(await owner.GetStringAsync(list)),
            ["Form.Name"] = "Ledergruppe våren",
            ["Form.StartsOn"] = "2026-02-01",
        }));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var cohortPage = Location(created).Split('?')[0];
        Assert.StartsWith($"{list}/", cohortPage, StringComparison.Ordinal);
        var cohortId = int.Parse(cohortPage[(list.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);

        var enrolled = await owner.PostAsync(cohortPage, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "enrol",
            ["__RequestVerificationToken"] = RunningApp.AntiforgeryToken(await owner.GetStringAsync(cohortPage)),
            ["Enrol.LeadersOfAgencyId"] = agencyId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }));
        Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
        var page = WebUtility.HtmlDecode(await enrolled.Content.ReadAsStringAsync());
        Assert.All(leaderNames, name => Assert.Contains(name, page, StringComparison.Ordinal));

        // A bad unit is named in the error, and nothing is added.
        var bad = await owner.PostAsync(cohortPage, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "enrol",
            ["__RequestVerificationToken"] = RunningApp.AntiforgeryToken(await owner.GetStringAsync(cohortPage)),
            ["Enrol.UnitId"] = "999999",
        }));
        Assert.Contains("Enhet", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Move one leader out of the cohort with the row's form.
        int participantId;
        await using (var db = app.Database.CreateContext())
        {
            participantId = await db.Participants.Where(p => p.CohortId == cohortId).OrderBy(p => p.Id).Select(p => p.Id).FirstAsync();
        }
        using var moved = await owner.PostAsync($"/learning/participants/{participantId}/move", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = RunningApp.AntiforgeryToken(await owner.GetStringAsync(cohortPage)),
            ["cohortId"] = "",
        }));
        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        Assert.Equal($"{cohortPage}?done=Moved", Location(moved));

        // Others: refused on the pages and on the row forms, and nothing changes.
        foreach (var client in new[] { otherOwner, employee })
        {
            foreach (var url in new[] { list, cohortPage })
            {
                using var refused = await client.GetAsync(url);
                Assert.True(refused.StatusCode == HttpStatusCode.Forbidden
                    || (refused.StatusCode == HttpStatusCode.Redirect && Location(refused).StartsWith("/account/access-denied", StringComparison.Ordinal)),
                    $"{url}: {refused.StatusCode} {Location(refused)}");
                Assert.DoesNotContain(leaderNames[0], WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
            }
        }
        var token = RunningApp.AntiforgeryToken(await otherOwner.GetStringAsync("/learning"));
        using (var remove = await otherOwner.PostAsync($"/learning/participants/{participantId}/remove",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token })))
        {
            Assert.True(remove.StatusCode == HttpStatusCode.Forbidden
                || (remove.StatusCode == HttpStatusCode.Redirect && Location(remove).StartsWith("/account/access-denied", StringComparison.Ordinal)),
                $"{remove.StatusCode} {Location(remove)}");
        }
        await using (var db = app.Database.CreateContext())
        {
            Assert.Equal(leaderNames.Count, await db.Participants.CountAsync(p => p.ProgrammeId == programmeId));
            Assert.Equal(leaderNames.Count - 1, await db.Participants.CountAsync(p => p.CohortId == cohortId));
            Assert.Equal([Owner], await db.AuditEntries.Where(a => a.Action == "learning.cohort.enrol").Select(a => a.Actor).ToListAsync());
        }
        Assert.Contains("id=\"programme-history\"", await owner.GetStringAsync($"/learning/programmes/{programmeId}"), StringComparison.Ordinal);

        // A cohort of a leader school's size is shown a hundred participants a page, with links between the pages.
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
            var people = await db.People.Where(p => p.IsActive).OrderBy(p => p.Id).Select(p => p.Id).Take(150).ToListAsync();
            var outcome = await scope.ServiceProvider.GetRequiredService<Cohorts>().EnrolAsync(cohortId, new EnrolmentRequest(people), Owner, default);
            Assert.True(outcome.Succeeded, outcome.Error);
        }
        int total;
        await using (var db = app.Database.CreateContext())
        {
            total = await db.Participants.CountAsync(p => p.CohortId == cohortId);
        }
        Assert.InRange(total, 101, 200);
        static int Rows(string html) => html.Split("/move\"", StringSplitOptions.None).Length - 1;
        var first = WebUtility.HtmlDecode(await owner.GetStringAsync(cohortPage));
        Assert.Equal(100, Rows(first));
        Assert.Contains("Deltakere, side 1 av 2", first, StringComparison.Ordinal);
        Assert.Contains($"href=\"{cohortPage}?page=2#participants\">Neste side</a>", first, StringComparison.Ordinal);
        Assert.DoesNotContain("Forrige side", first, StringComparison.Ordinal);
        var second = WebUtility.HtmlDecode(await owner.GetStringAsync($"{cohortPage}?page=2"));
        Assert.Equal(total - 100, Rows(second));
        Assert.Contains("Side 2 av 2", second, StringComparison.Ordinal);
        Assert.Contains($"href=\"{cohortPage}?page=1#participants\">Forrige side</a>", second, StringComparison.Ordinal);
        // A page past the last shows the last.
        Assert.Equal(total - 100, Rows(WebUtility.HtmlDecode(await owner.GetStringAsync($"{cohortPage}?page=9"))));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_script_creates_a_cohort_and_enrols_people_through_the_api_and_another_owner_is_refused(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        int programmeId;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            programmeId = (await scope.ServiceProvider.GetRequiredService<Programmes>().CreateAsync(new ProgrammeInput("Hybrid ledelse", "", "HR", Owner, null,
                ProgrammeAudience.Leaders, [], "", "", []), Owner, default)).Value!.Id;
        }
        int[] people;
        int agencyId;
        await using (var db = app.Database.CreateContext())
        {
            people = await db.People.Where(p => p.IsActive).OrderBy(p => p.Id).Select(p => p.Id).Take(3).ToArrayAsync();
            agencyId = await db.Agencies.OrderBy(a => a.Id).Select(a => a.Id).FirstAsync();
        }
        using var owner = await RunningApp.WithApiTokenAsync(await app.SignInAsAsync(Owner, Roles.Employee | Roles.ProgrammeOwner));
        using var otherOwner = await RunningApp.WithApiTokenAsync(await app.SignInAsync(Roles.Employee | Roles.ProgrammeOwner));
        var api = $"/api/learning/programmes/{programmeId}/cohorts";

        using var created = await owner.PostAsJsonAsync(api, new { name = "Kull 1", startsOn = "2026-03-01" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var cohortId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();

        using var enrol = await owner.PostAsJsonAsync($"{api}/{cohortId}/participants", new { personIds = people });
        Assert.Equal(HttpStatusCode.OK, enrol.StatusCode);
        Assert.Equal(3, (await enrol.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("added").GetInt32());
        using var again = await owner.PostAsJsonAsync($"{api}/{cohortId}/participants", new { personIds = people });
        Assert.Equal(3, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("alreadyEnrolled").GetInt32());

        using var badAgency = await owner.PostAsJsonAsync($"{api}/{cohortId}/participants", new { agencyId = 999_999 });
        Assert.Equal(HttpStatusCode.BadRequest, badAgency.StatusCode);
        Assert.Equal("agency", (await badAgency.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        using var badLeaders = await owner.PostAsJsonAsync($"{api}/{cohortId}/participants", new { leadersOf = 999_999, agencyId });
        Assert.Equal("leadersOf", (await badLeaders.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        // A value of the wrong type is refused naming its field and where it stands in the body, and enrols no one.
        using var badType = await owner.PostAsync($"{api}/{cohortId}/participants",
            new StringContent("{\n  \"personIds\": \"alle\"\n}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, badType.StatusCode);
        var badTypeProblem = await badType.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("personIds", badTypeProblem.GetProperty("field").GetString());
        Assert.Contains("personIds", badTypeProblem.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Matches(@"\(\D+ 2, \D+ \d+\)", badTypeProblem.GetProperty("title").GetString());

        var cohorts = await owner.GetFromJsonAsync<JsonElement>(api);
        Assert.Equal(3, cohorts[0].GetProperty("participants").GetInt32());
        var detail = await owner.GetFromJsonAsync<JsonElement>($"{api}/{cohortId}");
        Assert.Equal(3, detail.GetProperty("participants").GetArrayLength());

        Assert.Equal(HttpStatusCode.Forbidden, (await otherOwner.GetAsync(api)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherOwner.GetAsync($"{api}/{cohortId}")).StatusCode);
        using (var refused = await otherOwner.PostAsJsonAsync($"{api}/{cohortId}/participants", new { agencyId }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        using (var refused = await otherOwner.PostAsJsonAsync(api, new { name = "Kapret" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"/api/learning/programmes/{programmeId}/cohorts/999999")).StatusCode);
        await using (var db = app.Database.CreateContext())
        {
            Assert.Equal(3, await db.Participants.CountAsync(p => p.ProgrammeId == programmeId));
            Assert.Equal(1, await db.Cohorts.CountAsync(c => c.ProgrammeId == programmeId));
        }
    }
}
