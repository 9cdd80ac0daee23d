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
        Assert.Contains("<dd>Pågår</dd>", page, StringComparison.Ordinal);

        // A cohort that starts later says when, rather than that it is running.
        using (var later = await owner.PostAsync(list, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "new-cohort",
            ["__RequestVerificationToken"] = RunningApp.AntiforgeryToken(await owner.GetStringAsync(list)),
            ["Form.Name"] = "Ledergruppe langt fram",
            ["Form.StartsOn"] = "2099-01-05",
        })))
        {
            Assert.Equal(HttpStatusCode.Redirect, later.StatusCode);
            var laterPage = WebUtility.HtmlDecode(await owner.GetStringAsync(Location(later).Split('?')[0]));
            Assert.Contains("<dd>Starter ", laterPage, StringComparison.Ordinal);
            Assert.DoesNotContain("<dd>Pågår</dd>", laterPage, StringComparison.Ordinal);
        }

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

    private static FormUrlEncodedContent Form(string handler, string token, params (string Key, string Value)[] fields) =>
        new(new Dictionary<string, string>(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)))
        {
            ["_handler"] = handler,
            ["__RequestVerificationToken"] = token,
        });

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_leader_group_is_set_up_enrolled_and_keeps_dated_notes_on_its_page_and_through_the_api_and_goes_on_as_a_network(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        int programmeId;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var programme = await scope.ServiceProvider.GetRequiredService<Programmes>().CreateAsync(new ProgrammeInput("Hybrid ledelse", "For ledergrupper.", "Sentralt M365-team",
                Owner, null, ProgrammeAudience.Leaders, [], "", "", ["Bedre møter", "Dokumenthåndtering"]), Owner, default);
            Assert.True(programme.Succeeded, programme.Error);
            programmeId = programme.Value!.Id;
        }
        int agencyId;
        string agencyName;
        List<string> leaderNames;
        await using (var db = app.Database.CreateContext())
        {
            agencyId = await db.People.Where(p => p.IsActive && p.IsLeader && p.AgencyId != null).GroupBy(p => p.AgencyId!.Value)
                .OrderByDescending(g => g.Count()).Select(g => g.Key).FirstAsync();
            agencyName = await db.Agencies.Where(a => a.Id == agencyId).Select(a => a.Name).SingleAsync();
            leaderNames = await db.People.Where(p => p.IsActive && p.IsLeader && p.AgencyId == agencyId).Select(p => p.DisplayName).ToListAsync();
        }
        using var owner = await app.SignInAsAsync(Owner, Roles.Employee | Roles.ProgrammeOwner);
        using var otherOwner = await app.SignInAsync(Roles.Employee | Roles.ProgrammeOwner);
        var list = $"/learning/programmes/{programmeId}/cohorts";
        var agency = agencyId.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // An end before the start is refused on the field, and nothing is created.
        using (var early = await owner.PostAsync(list, Form("new-cohort", RunningApp.AntiforgeryToken(await owner.GetStringAsync(list)),
            ("Form.Name", "Ledergruppe helse"), ("Form.StartsOn", "2024-01-10"), ("Form.EndsOn", "2024-01-09"), ("Form.AgencyId", agency))))
        {
            Assert.Equal(HttpStatusCode.OK, early.StatusCode);
            var html = WebUtility.HtmlDecode(await early.Content.ReadAsStringAsync());
            Assert.Contains("<p class=\"ds-validation-message\" id=\"c-ends-error\">Sluttdato: kan ikke være før oppstart.</p>", html, StringComparison.Ordinal);
            Assert.Matches("id=\"c-ends\"[^>]*aria-invalid=\"true\"", html);
        }
        using var created = await owner.PostAsync(list, Form("new-cohort", RunningApp.AntiforgeryToken(await owner.GetStringAsync(list)),
            ("Form.Name", "Ledergruppe helse"), ("Form.StartsOn", "2024-01-10"), ("Form.EndsOn", "2024-06-30"), ("Form.AgencyId", agency)));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var cohortPage = Location(created).Split('?')[0];
        var cohortId = int.Parse(cohortPage[(list.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);

        // The group's page names its agency and says it has ended and goes on as a network; the list puts it under "Nettverk".
        var page = WebUtility.HtmlDecode(await owner.GetStringAsync(cohortPage));
        Assert.Contains($"Ledergruppen i {agencyName}", page, StringComparison.Ordinal);
        Assert.Contains("fortsetter som nettverk", page, StringComparison.Ordinal);
        var cohorts = WebUtility.HtmlDecode(await owner.GetStringAsync(list));
        var networks = cohorts.IndexOf("id=\"networks\">Nettverk</h2>", StringComparison.Ordinal);
        Assert.True(networks > 0, "no network heading");
        Assert.True(cohorts.IndexOf($">Ledergruppe helse</a>", networks, StringComparison.Ordinal) > networks);
        Assert.Contains($"<td>{agencyName}</td>", cohorts, StringComparison.Ordinal);

        // One button enrols the agency's leaders, also after the end.
        using (var enrolled = await owner.PostAsync(cohortPage, Form("enrol-leader-group", RunningApp.AntiforgeryToken(page))))
        {
            Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
            var html = WebUtility.HtmlDecode(await enrolled.Content.ReadAsStringAsync());
            Assert.All(leaderNames, name => Assert.Contains(name, html, StringComparison.Ordinal));
        }

        // A note too long is refused on its field, keeping what was written; a good one is saved and shown.
        var tooLong = new string('x', CohortNotes.MaxText + 1);
        using (var refused = await owner.PostAsync(cohortPage, Form("note", RunningApp.AntiforgeryToken(await owner.GetStringAsync(cohortPage)),
            ("Note.On", "2024-03-01"), ("Note.Topic", "MeetingRules"), ("Note.Text", tooLong))))
        {
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
            Assert.Contains("id=\"n-text-error\">Hva dere ble enige om kan ha høyst 2", html, StringComparison.Ordinal);
            Assert.Contains(tooLong, html, StringComparison.Ordinal);
        }
        using var added = await owner.PostAsync(cohortPage, Form("note", RunningApp.AntiforgeryToken(await owner.GetStringAsync(cohortPage)),
            ("Note.On", "2024-03-01"), ("Note.Topic", "MeetingRules"), ("Note.Text", "Vi starter møtene presis og avslutter fem på.")));
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        Assert.StartsWith($"{cohortPage}?done=NoteAdded", Location(added), StringComparison.Ordinal);
        int noteId;
        await using (var db = app.Database.CreateContext())
        {
            var note = await db.CohortNotes.SingleAsync(n => n.CohortId == cohortId);
            Assert.Equal(new DateOnly(2024, 3, 1), note.On);
            Assert.Equal(CohortNoteTopic.MeetingRules, note.Topic);
            Assert.Equal(Owner, note.Author);
            noteId = note.Id;
        }
        page = WebUtility.HtmlDecode(await owner.GetStringAsync(cohortPage));
        Assert.Contains("Vi starter møtene presis og avslutter fem på.", page, StringComparison.Ordinal);
        Assert.Contains("Møteregler", page, StringComparison.Ordinal);
        Assert.Contains("Uten modul", page, StringComparison.Ordinal);

        // Edited from its own link, then tied to the first module.
        var edit = WebUtility.HtmlDecode(await owner.GetStringAsync($"{cohortPage}?note={noteId}"));
        Assert.Contains("Endre avtalen", edit, StringComparison.Ordinal);
        Assert.Contains($"name=\"Note.Id\" value=\"{noteId}\"", edit, StringComparison.Ordinal);
        int firstModule;
        await using (var db = app.Database.CreateContext())
        {
            firstModule = await db.ProgrammeModules.Where(m => m.ProgrammeId == programmeId && m.Position == 1).Select(m => m.Id).SingleAsync();
        }
        using (var changed = await owner.PostAsync($"{cohortPage}?note={noteId}", Form("note", RunningApp.AntiforgeryToken(edit), ("Note.Id", $"{noteId}"),
            ("Note.On", "2024-03-01"), ("Note.Topic", "DocumentLocation"), ("Note.ModuleId", $"{firstModule}"), ("Note.Text", "Dokumentene ligger i teamets SharePoint."))))
        {
            Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
            Assert.StartsWith($"{cohortPage}?done=NoteUpdated", Location(changed), StringComparison.Ordinal);
        }
        page = WebUtility.HtmlDecode(await owner.GetStringAsync(cohortPage));
        Assert.Contains("Mellom modul 1: Bedre møter og modul 2: Dokumenthåndtering", page, StringComparison.Ordinal);
        Assert.Contains("Hvor dokumentene ligger", page, StringComparison.Ordinal);

        // Another owner can neither write nor delete a note of this programme.
        var otherToken = RunningApp.AntiforgeryToken(await otherOwner.GetStringAsync("/learning"));
        foreach (var (handler, field) in new[] { ("note", "Note.Id"), ("delete-note", "DeleteNote.Id") })
        {
            using var refused = await otherOwner.PostAsync(cohortPage, Form(handler, otherToken, (field, $"{noteId}"), ("Note.On", "2024-03-02"), ("Note.Topic", "Other"),
                ("Note.Text", "Kapret")));
            Assert.True(refused.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.BadRequest
                || (refused.StatusCode == HttpStatusCode.Redirect && Location(refused).StartsWith("/account/access-denied", StringComparison.Ordinal)),
                $"{handler}: {refused.StatusCode} {Location(refused)}");
        }

        // The API: a script reads the notes and adds one; bad input is refused by field; another owner is refused.
        var ownerApi = await RunningApp.WithApiTokenAsync(owner);
        var otherApi = await RunningApp.WithApiTokenAsync(otherOwner);
        var api = $"/api/learning/programmes/{programmeId}/cohorts/{cohortId}/notes";
        using (var posted = await ownerApi.PostAsJsonAsync(api, new { on = "2024-09-01", topic = "SharingPractice", text = "Vi deler erfaringer i kanalen hver fredag." }))
        {
            Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
            var body = await posted.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("SharingPractice", body.GetProperty("topic").GetString());
            Assert.Equal(JsonValueKind.Null, body.GetProperty("afterModule").ValueKind);
        }
        foreach (var (body, field) in new (object Body, string Field)[]
        {
            (new { on = "2024-09-01", topic = "Lunsj", text = "Tekst" }, "topic"),
            (new { on = "2024-09-01", topic = "Other", text = tooLong }, "text"),
            (new { topic = "Other", text = "Tekst" }, "on"),
            (new { on = "2024-09-01", topic = "Other", text = "Tekst", moduleId = 999_999 }, "moduleId"),
        })
        {
            using var bad = await ownerApi.PostAsJsonAsync(api, body);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal(field, (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        }
        var notes = await ownerApi.GetFromJsonAsync<JsonElement>(api);
        Assert.Equal(2, notes.GetArrayLength());
        Assert.Equal("2024-09-01", notes[0].GetProperty("on").GetString());
        Assert.Equal("Dokumentene ligger i teamets SharePoint.", notes[1].GetProperty("text").GetString());
        var detail = await ownerApi.GetFromJsonAsync<JsonElement>($"/api/learning/programmes/{programmeId}/cohorts/{cohortId}");
        Assert.True(detail.GetProperty("network").GetBoolean());
        Assert.Equal(agencyId, detail.GetProperty("agencyId").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, (await otherApi.GetAsync(api)).StatusCode);
        using (var refused = await otherApi.PostAsJsonAsync(api, new { on = "2024-09-01", topic = "Other", text = "Kapret" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await ownerApi.GetAsync($"/api/learning/programmes/{programmeId}/cohorts/999999/notes")).StatusCode);

        // Deleted from the edit view; every change is in the programme's history.
        edit = await owner.GetStringAsync($"{cohortPage}?note={noteId}");
        using (var deleted = await owner.PostAsync(cohortPage, Form("delete-note", RunningApp.AntiforgeryToken(edit), ("DeleteNote.Id", $"{noteId}"))))
        {
            Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
            Assert.StartsWith($"{cohortPage}?done=NoteDeleted", Location(deleted), StringComparison.Ordinal);
        }
        await using (var db = app.Database.CreateContext())
        {
            Assert.Equal(["Vi deler erfaringer i kanalen hver fredag."], await db.CohortNotes.Where(n => n.CohortId == cohortId).Select(n => n.Text).ToListAsync());
            Assert.Equal([CohortNotes.CreateAction, CohortNotes.UpdateAction, CohortNotes.CreateAction, CohortNotes.DeleteAction],
                await db.AuditEntries.Where(a => a.Action.StartsWith("learning.cohort.note.")).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
            Assert.All(await db.AuditEntries.Where(a => a.Action.StartsWith("learning.cohort.note.")).Select(a => a.Actor).ToListAsync(), a => Assert.Equal(Owner, a));
        }
        var programmePage = WebUtility.HtmlDecode(await owner.GetStringAsync($"/learning/programmes/{programmeId}"));
        Assert.Contains("Avtale skrevet ned", programmePage, StringComparison.Ordinal);
        Assert.Contains("Avtale slettet", programmePage, StringComparison.Ordinal);
    }

    private static async Task<string?> FieldAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString();

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_script_changes_and_deletes_cohorts_moves_and_removes_participants_and_edits_notes_through_the_api_and_another_owner_is_refused(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        int programmeId, first, second, noteId;
        int[] participants;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var services = scope.ServiceProvider;
            programmeId = (await services.GetRequiredService<Programmes>().CreateAsync(new ProgrammeInput("Hybrid ledelse", "", "HR", Owner, null,
                ProgrammeAudience.Leaders, [], "", "", ["Bedre møter"]), Owner, default)).Value!.Id;
            var cohorts = services.GetRequiredService<Cohorts>();
            first = (await cohorts.CreateAsync(programmeId, new CohortInput("Kull 1", new DateOnly(2026, 3, 1)), Owner, default)).Value!.Id;
            second = (await cohorts.CreateAsync(programmeId, new CohortInput("Kull 2", new DateOnly(2026, 8, 1)), Owner, default)).Value!.Id;
            var db = services.GetRequiredService<OppdriftDb>();
            var people = await db.People.Where(p => p.IsActive).OrderBy(p => p.Id).Select(p => p.Id).Take(3).ToListAsync();
            Assert.True((await cohorts.EnrolAsync(first, new EnrolmentRequest(people), Owner, default)).Succeeded);
            participants = await db.Participants.Where(p => p.CohortId == first).OrderBy(p => p.PersonId).Select(p => p.Id).ToArrayAsync();
            noteId = (await services.GetRequiredService<CohortNotes>().AddAsync(first, new CohortNoteInput(new DateOnly(2026, 3, 1), CohortNoteTopic.MeetingRules,
                "Vi starter presis.", null), Owner, default)).Value!.Id;
        }
        using var owner = await RunningApp.WithApiTokenAsync(await app.SignInAsAsync(Owner, Roles.Employee | Roles.ProgrammeOwner));
        using var otherOwner = await RunningApp.WithApiTokenAsync(await app.SignInAsync(Roles.Employee | Roles.ProgrammeOwner));
        var api = $"/api/learning/programmes/{programmeId}/cohorts";
        var agencyId = 0;
        await using (var db = app.Database.CreateContext())
        {
            agencyId = await db.Agencies.OrderBy(a => a.Id).Select(a => a.Id).FirstAsync();
        }

        // Another owner can change, move, remove and delete nothing of this programme.
        foreach (var (method, url, body) in new (HttpMethod, string, object?)[]
        {
            (HttpMethod.Put, $"{api}/{first}", new { name = "Kapret" }),
            (HttpMethod.Delete, $"{api}/{first}", null),
            (HttpMethod.Post, $"{api}/{first}/participants/{participants[0]}/move", new { toCohortId = second }),
            (HttpMethod.Delete, $"{api}/{first}/participants/{participants[0]}", null),
            (HttpMethod.Put, $"{api}/{first}/notes/{noteId}", new { on = "2026-03-02", topic = "Other", text = "Kapret" }),
            (HttpMethod.Delete, $"{api}/{first}/notes/{noteId}", null),
        })
        {
            using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
            using var refused = await otherOwner.SendAsync(request);
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{method} {url}: {refused.StatusCode}");
        }

        // A cohort is changed with all its fields; bad ones are refused naming the field as the body spells it.
        using (var changed = await owner.PutAsJsonAsync($"{api}/{first}", new { name = "Kull 1 våren", startsOn = "2026-03-08", endsOn = "2026-06-30", agencyId }))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            var body = await changed.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Kull 1 våren", body.GetProperty("name").GetString());
            Assert.Equal("2026-06-30", body.GetProperty("endsOn").GetString());
            Assert.Equal(agencyId, body.GetProperty("agencyId").GetInt32());
            Assert.Equal(3, body.GetProperty("participants").GetInt32());
        }
        foreach (var (body, field) in new (object Body, string Field)[]
        {
            (new { name = " " }, "name"),
            (new { name = "Kull 1", startsOn = "2026-03-08", endsOn = "2026-03-01" }, "endsOn"),
            (new { name = "Kull 1", agencyId = 999_999 }, "agencyId"),
            (new { name = "Kull 1", startsOn = "i morgen" }, "startsOn"),
        })
        {
            using var bad = await owner.PutAsJsonAsync($"{api}/{first}", body);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal(field, await FieldAsync(bad));
        }
        using (var notJson = await owner.PutAsync($"{api}/{first}", new StringContent("name=Kull", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
            Assert.Equal("body", await FieldAsync(notJson));
        }
        Assert.Equal(HttpStatusCode.NotFound, (await owner.PutAsJsonAsync($"{api}/999999", new { name = "Kull" })).StatusCode);

        // Participants are moved (to another cohort, or to none) and removed; the target must be given and be of the programme.
        using (var moved = await owner.PostAsJsonAsync($"{api}/{first}/participants/{participants[0]}/move", new { toCohortId = second }))
        {
            Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
            Assert.Equal(second, (await moved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("cohortId").GetInt32());
        }
        using (var noCohort = await owner.PostAsJsonAsync($"{api}/{first}/participants/{participants[1]}/move", new { toCohortId = (int?)null }))
        {
            Assert.Equal(HttpStatusCode.OK, noCohort.StatusCode);
            Assert.Equal(JsonValueKind.Null, (await noCohort.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("cohortId").ValueKind);
        }
        foreach (var body in new object[] { new { cohortId = second }, new { toCohortId = "Kull 2" }, new { toCohortId = 999_999 } })
        {
            using var bad = await owner.PostAsJsonAsync($"{api}/{first}/participants/{participants[2]}/move", body);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("toCohortId", await FieldAsync(bad));
        }
        // The first participant is no longer in the first cohort: its address there finds no one.
        Assert.Equal(HttpStatusCode.NotFound, (await owner.PostAsJsonAsync($"{api}/{first}/participants/{participants[0]}/move", new { toCohortId = first })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"{api}/{first}/participants/{participants[2]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.DeleteAsync($"{api}/{first}/participants/{participants[2]}")).StatusCode);

        // A note is changed with all its fields, refused by field, and deleted.
        using (var changed = await owner.PutAsJsonAsync($"{api}/{first}/notes/{noteId}", new { on = "2026-03-02", topic = "DocumentLocation", text = "Dokumentene ligger i kanalen." }))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            var body = await changed.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("DocumentLocation", body.GetProperty("topic").GetString());
            Assert.Equal("2026-03-02", body.GetProperty("on").GetString());
            Assert.Equal(JsonValueKind.String, body.GetProperty("updatedAt").ValueKind);
        }
        foreach (var (body, field) in new (object Body, string Field)[]
        {
            (new { on = "2026-03-02", topic = "Lunsj", text = "Tekst" }, "topic"),
            (new { topic = "Other", text = "Tekst" }, "on"),
            (new { on = "2026-03-02", topic = "Other", text = "" }, "text"),
            (new { on = "2026-03-02", topic = "Other", text = "Tekst", moduleId = 999_999 }, "moduleId"),
        })
        {
            using var bad = await owner.PutAsJsonAsync($"{api}/{first}/notes/{noteId}", body);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal(field, await FieldAsync(bad));
        }
        Assert.Equal(HttpStatusCode.NotFound, (await owner.PutAsJsonAsync($"{api}/{second}/notes/{noteId}", new { on = "2026-03-02", topic = "Other", text = "Tekst" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"{api}/{first}/notes/{noteId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.DeleteAsync($"{api}/{first}/notes/{noteId}")).StatusCode);

        // Deleting a cohort leaves its participants in the programme without a cohort, as the page's button does.
        using (var deleted = await owner.DeleteAsync($"{api}/{second}"))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
            Assert.Equal(1, (await deleted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("participantsWithoutCohort").GetInt32());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await owner.DeleteAsync($"{api}/{second}")).StatusCode);

        await using (var db = app.Database.CreateContext())
        {
            var cohort = await db.Cohorts.SingleAsync(c => c.ProgrammeId == programmeId);
            Assert.Equal(("Kull 1 våren", new DateOnly(2026, 3, 8), (DateOnly?)new DateOnly(2026, 6, 30), (int?)agencyId), (cohort.Name, cohort.StartsOn!.Value, cohort.EndsOn, cohort.AgencyId));
            var left = await db.Participants.Where(p => p.ProgrammeId == programmeId).OrderBy(p => p.Id).Select(p => new { p.Id, p.CohortId }).ToListAsync();
            Assert.Equal([participants[0], participants[1]], left.Select(p => p.Id).Order());
            Assert.All(left, p => Assert.Null(p.CohortId));
            Assert.False(await db.CohortNotes.AnyAsync());
            var audit = await db.AuditEntries.Where(a => a.Action.StartsWith("learning.") && a.Action != "learning.programme.create").OrderBy(a => a.Id)
                .Select(a => new { a.Action, a.Actor }).ToListAsync();
            Assert.Equal(["learning.cohort.create", "learning.cohort.create", "learning.cohort.enrol", CohortNotes.CreateAction, "learning.cohort.update",
                "learning.participant.move", "learning.participant.move", "learning.participant.remove", CohortNotes.UpdateAction, CohortNotes.DeleteAction,
                "learning.cohort.delete"], audit.Select(a => a.Action));
            Assert.All(audit, a => Assert.Equal(Owner, a.Actor));
        }
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_script_reads_and_answers_the_leader_proposals_through_the_api_and_another_owner_is_refused(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        int programmeId, withoutCohort, cohortId;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var programmes = scope.ServiceProvider.GetRequiredService<Programmes>();
            programmeId = (await programmes.CreateAsync(new ProgrammeInput("Lederskolen", "For nye ledere.", "HR", Owner, null, ProgrammeAudience.Leaders, [], "ledelse",
                "Teams", ["Modul 1"], ProposeNewLeaders: true), Owner, default)).Value!.Id;
            withoutCohort = (await programmes.CreateAsync(new ProgrammeInput("Lederskolen uten kull", "", "HR", Owner, null, ProgrammeAudience.Leaders, [], "", "", [],
                ProposeNewLeaders: true), Owner, default)).Value!.Id;
            var today = ViewCounting.Day(TimeProvider.System.GetUtcNow().UtcDateTime);
            var cohorts = scope.ServiceProvider.GetRequiredService<Cohorts>();
            Assert.True((await cohorts.CreateAsync(programmeId, new CohortInput("Kull i fjor", today.AddDays(-300)), Owner, default)).Succeeded);
            cohortId = (await cohorts.CreateAsync(programmeId, new CohortInput("Neste kull", today.AddDays(30)), Owner, default)).Value!.Id;
        }
        // A directory import brought two leaders: one new, one from another agency; and someone else stays a plain employee.
        (int Id, int Agency) newcomer, mover;
        int elsewhere, employee;
        await using (var db = app.Database.CreateContext())
        {
            var leaders = await db.People.Where(p => p.IsActive && p.IsLeader && p.AgencyId != null).OrderBy(p => p.Id).Take(2).ToListAsync();
            elsewhere = await db.Agencies.Where(a => a.Id != leaders[1].AgencyId).Select(a => a.Id).FirstAsync();
            employee = await db.People.Where(p => p.IsActive && !p.IsLeader).OrderBy(p => p.Id).Select(p => p.Id).FirstAsync();
            var now = TimeProvider.System.GetUtcNow().UtcDateTime;
            var import = new Oppdrift.Organisation.DirectoryImport
            {
                FileName = "users.csv",
                Sha256 = new string('0', 64),
                ImportedBy = "test",
                StartedAt = now,
                FinishedAt = now,
                Status = Oppdrift.Organisation.ImportStatus.Succeeded,
            };
            db.LeaderArrivals.AddRange(
                new Oppdrift.Organisation.LeaderArrival { PersonId = leaders[0].Id, Kind = Oppdrift.Organisation.LeaderArrivalKind.New, AgencyId = leaders[0].AgencyId!.Value, Import = import, At = now },
                new Oppdrift.Organisation.LeaderArrival
                {
                    PersonId = leaders[1].Id,
                    Kind = Oppdrift.Organisation.LeaderArrivalKind.Moved,
                    AgencyId = leaders[1].AgencyId!.Value,
                    FromAgencyId = elsewhere,
                    Import = import,
                    At = now,
                });
            await db.SaveChangesAsync();
            (newcomer, mover) = ((leaders[0].Id, leaders[0].AgencyId!.Value), (leaders[1].Id, leaders[1].AgencyId!.Value));
        }
        using var owner = await RunningApp.WithApiTokenAsync(await app.SignInAsAsync(Owner, Roles.Employee | Roles.ProgrammeOwner));
        using var otherOwner = await RunningApp.WithApiTokenAsync(await app.SignInAsync(Roles.Employee | Roles.ProgrammeOwner));
        var api = $"/api/learning/programmes/{programmeId}/proposals";

        var listed = await owner.GetFromJsonAsync<JsonElement>(api);
        Assert.True(listed.GetProperty("takesNewLeaders").GetBoolean());
        Assert.Equal(cohortId, listed.GetProperty("nextCohort").GetProperty("id").GetInt32());
        Assert.Equal("Neste kull", listed.GetProperty("nextCohort").GetProperty("name").GetString());
        var proposals = listed.GetProperty("proposals").EnumerateArray().ToList();
        Assert.Equal([newcomer.Id, mover.Id], proposals.Select(p => p.GetProperty("personId").GetInt32()).Order());
        var moved = proposals.Single(p => p.GetProperty("personId").GetInt32() == mover.Id);
        Assert.Equal("Moved", moved.GetProperty("kind").GetString());
        Assert.Equal(mover.Agency, moved.GetProperty("agencyId").GetInt32());
        Assert.Equal(elsewhere, moved.GetProperty("fromAgencyId").GetInt32());
        var arrived = proposals.Single(p => p.GetProperty("personId").GetInt32() == newcomer.Id);
        Assert.Equal("New", arrived.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, arrived.GetProperty("fromAgencyId").ValueKind);
        Assert.False(string.IsNullOrEmpty(arrived.GetProperty("name").GetString()));
        Assert.Equal(JsonValueKind.String, arrived.GetProperty("at").ValueKind);

        // Another owner reads and answers nothing.
        Assert.Equal(HttpStatusCode.Forbidden, (await otherOwner.GetAsync(api)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherOwner.PostAsync($"{api}/{newcomer.Id}/accept", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherOwner.PostAsync($"{api}/{mover.Id}/dismiss", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync("/api/learning/programmes/999999/proposals")).StatusCode);

        // Someone not proposed is refused by field; a programme without a dated cohort ahead has nowhere to enrol.
        using (var notProposed = await owner.PostAsync($"{api}/{employee}/accept", null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, notProposed.StatusCode);
            Assert.Equal("personId", await FieldAsync(notProposed));
        }
        using (var nowhere = await owner.PostAsync($"/api/learning/programmes/{withoutCohort}/proposals/{newcomer.Id}/accept", null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, nowhere.StatusCode);
            Assert.Equal("cohort", await FieldAsync(nowhere));
        }

        using (var accepted = await owner.PostAsync($"{api}/{newcomer.Id}/accept", null))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
            var body = await accepted.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(cohortId, body.GetProperty("cohortId").GetInt32());
            Assert.Equal(newcomer.Id, body.GetProperty("personId").GetInt32());
        }
        Assert.Equal(HttpStatusCode.NoContent, (await owner.PostAsync($"{api}/{mover.Id}/dismiss", null)).StatusCode);
        using (var again = await owner.PostAsync($"{api}/{mover.Id}/dismiss", null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
            Assert.Equal("personId", await FieldAsync(again));
        }
        Assert.Equal(0, (await owner.GetFromJsonAsync<JsonElement>(api)).GetProperty("proposals").GetArrayLength());

        await using (var db = app.Database.CreateContext())
        {
            Assert.Equal([newcomer.Id], await db.Participants.Where(p => p.CohortId == cohortId).Select(p => p.PersonId).ToListAsync());
            Assert.Equal([(newcomer.Id, true), (mover.Id, false)],
                (await db.LeaderProposalDecisions.Where(d => d.ProgrammeId == programmeId).OrderBy(d => d.Id).ToListAsync()).Select(d => (d.PersonId, d.Accepted)));
            var audit = await db.AuditEntries.Where(a => a.Action.StartsWith("learning.proposal.")).OrderBy(a => a.Id).Select(a => new { a.Action, a.Actor }).ToListAsync();
            Assert.Equal([LeaderProposals.AcceptAction, LeaderProposals.DismissAction], audit.Select(a => a.Action));
            Assert.All(audit, a => Assert.Equal(Owner, a.Actor));
        }
    }
}
