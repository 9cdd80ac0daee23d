using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Tests.Usage.Graph;

namespace Oppdrift.Tests.Learning;

/// <summary>
/// The recording page's "fetch the transcript from Teams now": offered to the programme's owner for a recording of a
/// Teams session without a transcript, it stores and indexes the transcript through the real Graph SDK (against recorded
/// exchanges), and a second press changes nothing and asks Graph nothing.
/// </summary>
public sealed class TranscriptFetchWebTests
{
    private const string Owner = "eier-frokost@test.no";

    private const string JoinUrl = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NzY0ZjFhYjItOWM3Mi00ZjQ2LTg1ZDMtMmE5YjFjN2Q4ZTBm%40thread.v2/0"
        + "?context=%7b%22Tid%22%3a%225b3c8a1e-7d42-4f0e-9c61-2a8e4f1d9b07%22%2c%22Oid%22%3a%22a1c2e3f4-5b6d-4e7f-8a9b-0c1d2e3f4a5b%22%7d";

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_owner_fetches_a_recordings_transcript_from_Teams_from_its_page_and_a_second_press_changes_nothing(DatabaseKind kind)
    {
        var graph = RecordedExchanges.Options();
        var network = RecordedExchanges.In(["learning", "graph"], "token.json", "meeting-by-link.json", "transcripts.json", "transcript-content.json", "recordings.json");
        // The session is long past the scheduled fetch's look-back, so only the button fetches it.
        await using var app = await RunningApp.StartAsync(kind, 300, builder => builder.Services.AddKeyedSingleton<HttpMessageHandler>(TeamsTranscriptJob.Key, network),
            "--Learning:TeamsTranscripts:Enabled=true", $"--Usage:Graph:TenantId={graph.TenantId}", $"--Usage:Graph:ClientId={graph.ClientId}",
            $"--Usage:Graph:ClientSecret={graph.ClientSecret}");
        int recordingId;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var programmes = scope.ServiceProvider.GetRequiredService<Programmes>();
            var programme = (await programmes.CreateAsync(new ProgrammeInput("Frokostwebinar", "", "M365-teamet", Owner, null, ProgrammeAudience.Everyone, [], "", "", []),
                Owner, default)).Value!;
            var start = new DateTime(2025, 3, 14, 9, 0, 0, DateTimeKind.Utc);
            var session = (await programmes.AddSessionsAsync(programme.Id, new SessionInput("Bedre møter", "", start, TimeSpan.FromMinutes(45), SessionMode.Online, null, JoinUrl, null),
                Owner, default)).Value![0];
            recordingId = (await programmes.AddRecordingAsync(programme.Id, new RecordingInput("Opptak: bedre møter", "https://nordvik-my.sharepoint.com/personal/anne_vert/opptak.mp4",
                TimeSpan.FromMinutes(45), session.Id, null), null, null, Owner, default)).Value!.Id;
        }
        using var owner = await app.SignInAsAsync(Owner, Roles.Employee | Roles.ProgrammeOwner);
        using var employee = await app.SignInAsync(Roles.Employee);
        var page = $"/learning/recordings/{recordingId}";

        var before = WebUtility.HtmlDecode(await owner.GetStringAsync(page));
        Assert.Contains("Hent transkripsjonen fra Teams nå", before, StringComparison.Ordinal);
        Assert.DoesNotContain("Hent transkripsjonen fra Teams nå", WebUtility.HtmlDecode(await employee.GetStringAsync(page)), StringComparison.Ordinal);

        var fetch = $"{page}/transcript/teams";
        using (var fetched = await owner.PostAsync(fetch, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = RunningApp.AntiforgeryToken(before) })))
        {
            Assert.Equal(HttpStatusCode.Redirect, fetched.StatusCode);
            Assert.Equal($"{page}?done=TranscriptStored#transcript", fetched.Headers.Location!.OriginalString);
        }
        Assert.True(network.Mismatches.Count == 0, string.Join("\n", network.Mismatches));
        Assert.Equal(0, network.Unused);

        var after = WebUtility.HtmlDecode(await owner.GetStringAsync($"{page}?done=TranscriptStored"));
        Assert.Contains("Transkripsjonen er hentet fra Teams og kan søkes i kunnskapsbanken.", after, StringComparison.Ordinal);
        Assert.DoesNotContain("Hent transkripsjonen fra Teams nå", after, StringComparison.Ordinal);
        Assert.Contains("class=\"transcript\"", after, StringComparison.Ordinal);

        // Pressed again (a second tab, say): the recording has its transcript, so Graph is not asked and nothing changes.
        using (var again = await owner.PostAsync(fetch, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = RunningApp.AntiforgeryToken(before) })))
        {
            Assert.Equal($"{page}?done=TranscriptKept#transcript", again.Headers.Location!.OriginalString);
        }
        Assert.Equal(0, network.Unused);
        Assert.True(network.Mismatches.Count == 0, string.Join("\n", network.Mismatches));

        await using var db = app.Database.CreateContext();
        var stored = await db.Recordings.AsNoTracking().SingleAsync(r => r.Id == recordingId);
        Assert.NotNull(stored.Transcript);
        var audit = await db.AuditEntries.AsNoTracking().Where(a => a.Action == TeamsTranscriptHarvest.Action).ToListAsync();
        Assert.Equal(Owner, Assert.Single(audit).Actor);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_transcript_joined_from_three_parts_in_Teams_says_so_on_the_recordings_page(DatabaseKind kind)
    {
        var graph = RecordedExchanges.Options();
        var network = RecordedExchanges.In(["learning", "graph"], "token.json", "meeting-by-link.json", "transcripts-three.json", "transcript-content.json",
            "transcript-part-2.json", "transcript-part-3.json", "recordings.json");
        await using var app = await RunningApp.StartAsync(kind, 300, builder => builder.Services.AddKeyedSingleton<HttpMessageHandler>(TeamsTranscriptJob.Key, network),
            "--Learning:TeamsTranscripts:Enabled=true", $"--Usage:Graph:TenantId={graph.TenantId}", $"--Usage:Graph:ClientId={graph.ClientId}",
            $"--Usage:Graph:ClientSecret={graph.ClientSecret}");
        int recordingId;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var programmes = scope.ServiceProvider.GetRequiredService<Programmes>();
            var programme = (await programmes.CreateAsync(new ProgrammeInput("Frokostwebinar", "", "M365-teamet", Owner, null, ProgrammeAudience.Everyone, [], "", "", []),
                Owner, default)).Value!;
            var start = new DateTime(2025, 3, 14, 9, 0, 0, DateTimeKind.Utc);
            var session = (await programmes.AddSessionsAsync(programme.Id, new SessionInput("Bedre møter", "", start, TimeSpan.FromMinutes(45), SessionMode.Online, null, JoinUrl, null),
                Owner, default)).Value![0];
            recordingId = (await programmes.AddRecordingAsync(programme.Id, new RecordingInput("Opptak: bedre møter", "https://nordvik-my.sharepoint.com/personal/anne_vert/opptak.mp4",
                TimeSpan.FromMinutes(45), session.Id, null), null, null, Owner, default)).Value!.Id;
        }
        using var owner = await app.SignInAsAsync(Owner, Roles.Employee | Roles.ProgrammeOwner);
        using var employee = await app.SignInAsync(Roles.Employee);
        var page = $"/learning/recordings/{recordingId}";
        var before = WebUtility.HtmlDecode(await owner.GetStringAsync(page));
        Assert.DoesNotContain("deler fra Teams", before, StringComparison.Ordinal);

        using (var fetched = await owner.PostAsync($"{page}/transcript/teams",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = RunningApp.AntiforgeryToken(before) })))
        {
            Assert.Equal($"{page}?done=TranscriptStored#transcript", fetched.Headers.Location!.OriginalString);
        }

        Assert.True(network.Mismatches.Count == 0, string.Join("\n", network.Mismatches));
        Assert.Equal(0, network.Unused);
        const string parts = "Transkripsjonen er satt sammen av 3 deler fra Teams (transkripsjonen ble stoppet og startet igjen i møtet), i tidsrekkefølge.";
        Assert.Contains(parts, WebUtility.HtmlDecode(await owner.GetStringAsync(page)), StringComparison.Ordinal);
        // Every reader of the recording sees it, and the third part's cue is listed where it was said in the session.
        var seen = WebUtility.HtmlDecode(await employee.GetStringAsync(page));
        Assert.Contains(parts, seen, StringComparison.Ordinal);
        Assert.Contains("id=\"t1955\"", seen, StringComparison.Ordinal);
    }
}
