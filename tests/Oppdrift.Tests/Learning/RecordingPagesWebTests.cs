using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Learning;

/// <summary>Expiring and expired recordings through the running app: the owner is warned and records what they did; an expired link is not offered.</summary>
public sealed class RecordingPagesWebTests
{
    private const string Owner = "eier-opptak@test.no";

    private const string Transcript = "WEBVTT\n\n00:00:05.000 --> 00:00:12.000\n<v Anne Vert>Velkommen til webinaret om dokumenthandtering.</v>\n";

    private static string Location(HttpResponseMessage response) =>
        response.Headers.Location is { } location ? (location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString) : "";

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_expired_recording_is_explained_instead_of_linked_and_the_owner_records_a_moved_one(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        int programmeId, expired, expiring;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var programmes = scope.ServiceProvider.GetRequiredService<Programmes>();
            programmeId = (await programmes.CreateAsync(new ProgrammeInput("Frokostwebinar", "Korte webinarer.", "Sentralt team", Owner, null,
                ProgrammeAudience.Everyone, [], "moter", "Teams", ["Moter"]), Owner, default)).Value!.Id;
            expired = (await programmes.AddRecordingAsync(programmeId, new RecordingInput("Gammelt opptak", "https://nordvik-my.sharepoint.com/personal/gammelt.mp4",
                TimeSpan.FromMinutes(30), null, null), new MemoryStream(Encoding.UTF8.GetBytes(Transcript)), "gammelt.vtt", Owner, default)).Value!.Id;
            expiring = (await programmes.AddRecordingAsync(programmeId, new RecordingInput("Nytt opptak", "https://nordvik-my.sharepoint.com/personal/nytt.mp4",
                TimeSpan.FromMinutes(30), null, null), null, null, Owner, default)).Value!.Id;
        }
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        await using (var db = app.Database.CreateContext())
        {
            await db.Recordings.Where(r => r.Id == expired).ExecuteUpdateAsync(u => u.SetProperty(r => r.ExpiresAt, now.AddDays(-2)));
            await db.Recordings.Where(r => r.Id == expiring).ExecuteUpdateAsync(u => u.SetProperty(r => r.ExpiresAt, now.AddDays(5)));
        }
        using var owner = await app.SignInAsAsync(Owner, Roles.Employee | Roles.ProgrammeOwner);

        var expiredPage = await owner.GetStringAsync($"/learning/recordings/{expired}");
        Assert.Contains("id=\"recording-expired\"", expiredPage, StringComparison.Ordinal);
        Assert.Contains("id=\"recording-keep\"", expiredPage, StringComparison.Ordinal);
        Assert.DoesNotContain("gammelt.mp4", expiredPage, StringComparison.Ordinal);
        Assert.DoesNotContain($"/learning/recordings/{expired}/watch", expiredPage, StringComparison.Ordinal);
        Assert.Contains("dokumenthandtering", expiredPage, StringComparison.Ordinal);
        var programmePage = await owner.GetStringAsync($"/learning/programmes/{programmeId}");
        Assert.Contains("id=\"expiring-recordings\"", programmePage, StringComparison.Ordinal);
        var search = await owner.GetStringAsync("/knowledge?q=dokumenthandtering");
        Assert.Contains("class=\"ds-tag\" data-color=\"warning\"", search, StringComparison.Ordinal);

        var expiringPage = await owner.GetStringAsync($"/learning/recordings/{expiring}");
        // A recording still there is played through the counting link, which leads on to the video.
        Assert.Contains($"href=\"/learning/recordings/{expiring}/watch\"", expiringPage, StringComparison.Ordinal);
        Assert.Contains("id=\"recording-keep\"", expiringPage, StringComparison.Ordinal);
        const string library = "https://nordvik.sharepoint.com/sites/frokost/Delte%20dokumenter/nytt.mp4";
        using var moved = await owner.PostAsync($"/learning/recordings/{expiring}/expiry", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = RunningApp.AntiforgeryToken(expiringPage),
            ["keep"] = "Moved",
            ["url"] = library,
        }));
        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        Assert.Equal($"/learning/recordings/{expiring}?done=Expiry", Location(moved));
        Assert.DoesNotContain("id=\"recording-keep\"", await owner.GetStringAsync($"/learning/recordings/{expiring}"), StringComparison.Ordinal);
        await using (var db = app.Database.CreateContext())
        {
            var stored = await db.Recordings.SingleAsync(r => r.Id == expiring);
            Assert.Equal(library, stored.Url);
            Assert.Null(stored.ExpiresAt);
            Assert.Equal([Owner], await db.AuditEntries.Where(a => a.Action == RecordingExpiry.Action).Select(a => a.Actor).ToListAsync());
        }
    }
}
