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
/// The recording page's "fetch views from Stream": offered to the programme's owner for a recording kept in SharePoint or
/// OneDrive, it reads the views through the real Graph SDK (against recorded exchanges) and the page says where they came from.
/// </summary>
public sealed class StreamViewsWebTests
{
    private const string Owner = "eier-frokost@test.no";

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_owner_fetches_a_recordings_views_from_Stream_and_the_page_says_where_and_when_they_were_read(DatabaseKind kind)
    {
        var graph = RecordedExchanges.Options();
        var network = RecordedExchanges.In(["learning", "graph"], "token.json", "stream-share.json", "stream-analytics.json");
        await using var app = await RunningApp.StartAsync(kind, 300, builder => builder.Services.AddKeyedSingleton<HttpMessageHandler>(StreamViewsJob.Key, network),
            "--Learning:StreamViews:Enabled=true", $"--Usage:Graph:TenantId={graph.TenantId}", $"--Usage:Graph:ClientId={graph.ClientId}",
            $"--Usage:Graph:ClientSecret={graph.ClientSecret}");
        int recordingId;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var programmes = scope.ServiceProvider.GetRequiredService<Programmes>();
            var programme = (await programmes.CreateAsync(new ProgrammeInput("Frokostwebinar", "", "M365-teamet", Owner, null, ProgrammeAudience.Everyone, [], "", "", []),
                Owner, default)).Value!;
            recordingId = (await programmes.AddRecordingAsync(programme.Id, new RecordingInput("Opptak: bedre møter", StreamViewsTests.VideoUrl,
                TimeSpan.FromMinutes(45), null, 12), null, null, Owner, default)).Value!.Id;
        }
        using var owner = await app.SignInAsAsync(Owner, Roles.Employee | Roles.ProgrammeOwner);
        using var employee = await app.SignInAsync(Roles.Employee);
        var page = $"/learning/recordings/{recordingId}";

        var before = WebUtility.HtmlDecode(await owner.GetStringAsync(page));
        Assert.Contains("12 (registrert for hånd)", before, StringComparison.Ordinal);
        Assert.Contains("Hent visninger fra Stream", before, StringComparison.Ordinal);
        Assert.DoesNotContain("Hent visninger fra Stream", WebUtility.HtmlDecode(await employee.GetStringAsync(page)), StringComparison.Ordinal);

        using (var fetched = await owner.PostAsync($"{page}/views/stream",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = RunningApp.AntiforgeryToken(before) })))
        {
            Assert.Equal(HttpStatusCode.Redirect, fetched.StatusCode);
            Assert.Equal($"{page}?done=StreamViews#views", fetched.Headers.Location!.OriginalString);
        }
        Assert.True(network.Mismatches.Count == 0, string.Join("\n", network.Mismatches));
        Assert.Equal(0, network.Unused);

        var after = WebUtility.HtmlDecode(await owner.GetStringAsync($"{page}?done=StreamViews"));
        Assert.Contains("Visningene er hentet fra Stream.", after, StringComparison.Ordinal);
        Assert.Matches(@"137 av 96 personer, fra Stream, lest \d", after);
        Assert.DoesNotContain("registrert for hånd)", after, StringComparison.Ordinal);
        // Others see the views but not how many people they were.
        var seen = WebUtility.HtmlDecode(await employee.GetStringAsync(page));
        Assert.Matches(@"137 fra Stream, lest \d", seen);

        await using var db = app.Database.CreateContext();
        var audit = await db.AuditEntries.AsNoTracking().Where(a => a.Action == StreamViewsHarvest.Action).ToListAsync();
        Assert.Equal(Owner, Assert.Single(audit).Actor);
    }
}
