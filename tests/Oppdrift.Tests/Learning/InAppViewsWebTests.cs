using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Learning;

/// <summary>Recordings opened and documents downloaded through Oppdrift are counted once a person and day, and only when a person opens them.</summary>
public sealed class InAppViewsWebTests
{
    private const string Owner = "eier-frokost@test.no";
    private const string Video = "https://nordvik.sharepoint.com/sites/laering/opptak.mp4";
    private const string Browser = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";

    private static HttpRequestMessage Open(string url, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("User-Agent", Browser);
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Mode", "navigate");
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Dest", "document");
        foreach (var (name, value) in headers)
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return request;
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Opening_a_recording_or_a_document_counts_once_a_person_and_day_and_never_for_robots_embeds_or_the_anonymous(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        int programmeId, recordingId, expiredId, documentId, sessionId;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var programmes = scope.ServiceProvider.GetRequiredService<Programmes>();
            var programme = (await programmes.CreateAsync(new ProgrammeInput("Frokostwebinar", "", "M365-teamet", Owner, null, ProgrammeAudience.Everyone, [], "", "", []),
                Owner, default)).Value!;
            programmeId = programme.Id;
            sessionId = (await programmes.AddSessionsAsync(programme.Id, new SessionInput("Møter", "", TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(-2), TimeSpan.FromMinutes(45),
                SessionMode.Online, null, null, null), Owner, default)).Value![0].Id;
            recordingId = (await programmes.AddRecordingAsync(programme.Id, new RecordingInput("Opptak: møter", Video, TimeSpan.FromMinutes(40), sessionId, 17),
                null, null, Owner, default)).Value!.Id;
            expiredId = (await programmes.AddRecordingAsync(programme.Id, new RecordingInput("Gammelt opptak", Video + "?gammel=1", TimeSpan.FromMinutes(40), null, null),
                null, null, Owner, default)).Value!.Id;
            using var content = new MemoryStream("Notater fra økta"u8.ToArray());
            documentId = (await programmes.AddDocumentAsync(programme.Id, null, "Notater", content, "notater.txt", content.Length, "text/plain", Owner, default)).Value!.Id;
        }
        string person;
        await using (var db = app.Database.CreateContext())
        {
            person = await db.People.Where(p => p.IsActive).OrderBy(p => p.Id).Select(p => p.UserPrincipalName).FirstAsync();
            var expired = await db.Recordings.SingleAsync(r => r.Id == expiredId);
            expired.ExpiresAt = TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(-1);
            await db.SaveChangesAsync();
        }
        using var employee = await app.SignInAsAsync(person, Roles.Employee);
        using var owner = await app.SignInAsAsync(Owner, Roles.Employee | Roles.ProgrammeOwner);

        // The recording page's button and transcript links go through the counting link.
        var page = await employee.GetStringAsync($"/learning/recordings/{recordingId}");
        Assert.Contains($"href=\"/learning/recordings/{recordingId}/watch\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain($"href=\"{Video}\"", page, StringComparison.Ordinal);

        var watch = $"/learning/recordings/{recordingId}/watch";
        using (var first = await employee.SendAsync(Open(watch)))
        {
            Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
            Assert.Equal(Video, first.Headers.Location!.OriginalString);
        }
        using (var again = await employee.SendAsync(Open(watch + "?t=95")))
        {
            Assert.Equal(Video + "?t=95", again.Headers.Location!.OriginalString);
        }
        // Not a person opening it: an image or frame another page embeds, a prefetch, a link preview, a script; and HEAD.
        using var otherEmployee = await app.SignInAsAsync(await OtherPersonAsync(app, person), Roles.Employee);
        foreach (var request in new[]
        {
            Open(watch, ("Sec-Fetch-Dest", "image")), Open(watch, ("Sec-Fetch-Mode", "no-cors")), Open(watch, ("Sec-Purpose", "prefetch;prerender")),
            Open(watch, ("User-Agent", "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5")), Open(watch, ("User-Agent", "curl/8.5.0")),
            new HttpRequestMessage(HttpMethod.Head, watch),
        })
        {
            using var _ = request;
            using var response = await otherEmployee.SendAsync(request);
            Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotFound, $"{response.StatusCode}");
        }
        using (var anonymous = await app.Anonymous().SendAsync(Open(watch)))
        {
            Assert.NotEqual(Video, anonymous.Headers.Location?.OriginalString);
        }
        // An expired recording's link is dead: back to its page, nothing counted.
        using (var expired = await employee.SendAsync(Open($"/learning/recordings/{expiredId}/watch")))
        {
            Assert.Equal($"/learning/recordings/{expiredId}", expired.Headers.Location!.OriginalString);
        }
        using (var missing = await employee.SendAsync(Open("/learning/recordings/999999/watch")))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        for (var i = 0; i < 2; i++)
        {
            using var download = await employee.SendAsync(Open($"/learning/documents/{documentId}"));
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal("Notater fra økta", await download.Content.ReadAsStringAsync());
        }
        using (var embedded = await otherEmployee.SendAsync(Open($"/learning/documents/{documentId}", ("Sec-Fetch-Dest", "iframe"))))
        {
            Assert.Equal(HttpStatusCode.OK, embedded.StatusCode);
        }

        await using (var db = app.Database.CreateContext())
        {
            var views = await db.RecordingViews.ToListAsync();
            var view = Assert.Single(views);
            Assert.Equal(recordingId, view.RecordingId);
            Assert.Equal(ViewCounting.Day(TimeProvider.System.GetUtcNow().UtcDateTime), view.Day);
            Assert.Single(await db.DocumentDownloads.Where(d => d.DocumentId == documentId).ToListAsync());
            // Another day is another view.
            db.RecordingViews.Add(new RecordingView { RecordingId = recordingId, PersonId = view.PersonId, Day = view.Day.AddDays(-1) });
            await db.SaveChangesAsync();
        }

        // The owner sees the in-app count beside the one entered from Stream, each labelled; the employee sees neither count.
        var ownersPage = WebUtility.HtmlDecode(await owner.GetStringAsync($"/learning/recordings/{recordingId}"));
        Assert.Contains("Åpnet i Oppdrift", ownersPage, StringComparison.Ordinal);
        Assert.Contains("2 ganger av 1 personer", ownersPage, StringComparison.Ordinal);
        Assert.Contains("<dt>Visninger i Stream</dt>", ownersPage, StringComparison.Ordinal);
        Assert.Matches(@"<dd>[\d\s\u00a0]+ \(registrert for hånd\)</dd>", ownersPage);
        Assert.DoesNotContain("Åpnet i Oppdrift", WebUtility.HtmlDecode(await employee.GetStringAsync($"/learning/recordings/{recordingId}")), StringComparison.Ordinal);
        var programmePage = WebUtility.HtmlDecode(await owner.GetStringAsync($"/learning/programmes/{programmeId}"));
        Assert.Contains("åpnet 2 ganger av 1 personer i Oppdrift", programmePage, StringComparison.Ordinal);
        Assert.Contains("lastet ned 1 ganger av 1 personer i Oppdrift", programmePage, StringComparison.Ordinal);
        Assert.DoesNotContain("ganger av", WebUtility.HtmlDecode(await employee.GetStringAsync($"/learning/programmes/{programmeId}")), StringComparison.Ordinal);

        // The results page counts them per session, beside the views entered from Stream: another person opened it too.
        await using (var db = app.Database.CreateContext())
        {
            var other = await db.People.Where(p => p.IsActive).OrderBy(p => p.Id).Select(p => p.Id).Skip(5).FirstAsync();
            db.RecordingViews.Add(new RecordingView { RecordingId = recordingId, PersonId = other, Day = ViewCounting.Day(TimeProvider.System.GetUtcNow().UtcDateTime) });
            await db.SaveChangesAsync();
        }
        var results = WebUtility.HtmlDecode(await owner.GetStringAsync($"/learning/programmes/{programmeId}/results"));
        var at = results.IndexOf($"/learning/sessions/{sessionId}\"", StringComparison.Ordinal);
        var sessionRow = results[at..results.IndexOf("</tr>", at, StringComparison.Ordinal)];
        Assert.Contains("<td class=\"numeric\">17</td>", sessionRow, StringComparison.Ordinal);
        Assert.Contains("<td class=\"numeric\">3 ganger av 2 personer</td>", sessionRow, StringComparison.Ordinal);
    }

    private static async Task<string> OtherPersonAsync(RunningApp app, string person)
    {
        await using var db = app.Database.CreateContext();
        return await db.People.Where(p => p.IsActive && p.UserPrincipalName != person).OrderBy(p => p.Id).Select(p => p.UserPrincipalName).FirstAsync();
    }
}
