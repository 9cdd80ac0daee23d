using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Learning;

/// <summary>Who may read a programme's documents and recordings, and what the learning pages show of the messages in their address.</summary>
public sealed class LearningAccessTests
{
    private static async Task<(int Programme, int Session, int Document)> ProgrammeForAsync(RunningApp app, string code)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var agency = await services.GetRequiredService<OppdriftDb>().Agencies.Where(a => a.Code == code).Select(a => a.Id).SingleAsync();
        var programmes = services.GetRequiredService<Programmes>();
        var programme = (await programmes.CreateAsync(new ProgrammeInput("Lederskole i Bydel Nord", "Bare for bydelen.", "HR, Bydel Nord", "hr@bno.no", agency,
            ProgrammeAudience.Everyone, [agency], "ledelse", "Teams", []), "test", default)).Value!;
        var session = (await programmes.AddSessionsAsync(programme.Id, new SessionInput("Første samling", "", TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(3),
            TimeSpan.FromMinutes(45), SessionMode.Online, null, "https://teams.microsoft.com/l/meetup-join/abc", null), "test", default)).Value![0];
        using var content = new MemoryStream("Lønnsplan for Bydel Nord"u8.ToArray());
        var document = await programmes.AddDocumentAsync(programme.Id, session.Id, "Lønnsplan", content, "lonnsplan.txt", content.Length, "text/plain", "test", default);
        Assert.True(document.Succeeded, document.Error);
        return (programme.Id, session.Id, document.Value!.Id);
    }

    private const string RecordingTitle = "Gjennomgang av lønnsplanen";

    private static async Task<int> RecordingForAsync(RunningApp app, int programme, int session)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var recording = await scope.ServiceProvider.GetRequiredService<Programmes>().AddRecordingAsync(programme,
            new RecordingInput(RecordingTitle, "https://nordvik.sharepoint.com/sites/laering/opptak.mp4", TimeSpan.FromMinutes(40), session, null),
            null, null, "test", default);
        Assert.True(recording.Succeeded, recording.Error);
        return recording.Value!.Id;
    }

    /// <summary>The titles of the entries of one kind a knowledge-bank search for "lønnsplan" finds.</summary>
    private static async Task<List<string>> HitsAsync(HttpClient client, string kind = "Document")
    {
        using var json = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/api/knowledge/search?q=l%C3%B8nnsplan"));
        return [.. json.RootElement.GetProperty("hits").EnumerateArray().Where(h => h.GetProperty("kind").GetString() == kind)
            .Select(h => h.GetProperty("title").GetString()!)];
    }

    private static Task<List<string>> DocumentHitsAsync(HttpClient client) => HitsAsync(client);

    private static async Task<string> PersonOfAsync(RunningApp app, string code)
    {
        await using var db = app.Database.CreateContext();
        var agency = await db.Agencies.Where(a => a.Code == code).Select(a => a.Id).SingleAsync();
        return await db.People.Where(p => p.AgencyId == agency && p.IsActive).OrderBy(p => p.Id).Select(p => p.UserPrincipalName).FirstAsync();
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_programmes_documents_are_refused_to_those_outside_its_audience_and_given_to_those_in_it(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        var (programme, session, document) = await ProgrammeForAsync(app, "BNO");
        var recording = await RecordingForAsync(app, programme, session);
        using var outsider = await app.SignInAsAsync(await PersonOfAsync(app, "SYE"), Roles.Employee);
        using var otherLeader = await app.SignInAsync(Roles.AgencyLeader, "SYE");
        using var member = await app.SignInAsAsync(await PersonOfAsync(app, "BNO"), Roles.Employee);
        using var central = await app.SignInAsync(Roles.ChangeLeader);

        foreach (var refused in new[] { outsider, otherLeader })
        {
            using var download = await refused.GetAsync($"/learning/documents/{document}");
            // 403, which the cookie scheme turns into the access-denied page.
            Assert.Equal(HttpStatusCode.Redirect, download.StatusCode);
            Assert.StartsWith("/account/access-denied", download.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
            Assert.DoesNotContain("Lønnsplan for Bydel Nord", await download.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            // The pages do not offer it either.
            Assert.DoesNotContain($"/learning/documents/{document}", await refused.GetStringAsync($"/learning/programmes/{programme}"), StringComparison.Ordinal);
            Assert.DoesNotContain($"/learning/documents/{document}", await refused.GetStringAsync($"/learning/sessions/{session}"), StringComparison.Ordinal);
            // Nor does the knowledge bank, which indexes the documents' text.
            Assert.Empty(await DocumentHitsAsync(refused));
            Assert.DoesNotContain($"/learning/documents/{document}", await refused.GetStringAsync("/knowledge?q=l%C3%B8nnsplan"), StringComparison.Ordinal);
            // The programme's recordings are as private: not listed, not found in the knowledge bank, and their page is
            // not found, title and all.
            using var recordingPage = await refused.GetAsync($"/learning/recordings/{recording}");
            Assert.Equal(HttpStatusCode.NotFound, recordingPage.StatusCode);
            Assert.DoesNotContain(RecordingTitle, WebUtility.HtmlDecode(await recordingPage.Content.ReadAsStringAsync()), StringComparison.Ordinal);
            Assert.DoesNotContain($"/learning/recordings/{recording}", await refused.GetStringAsync($"/learning/programmes/{programme}"), StringComparison.Ordinal);
            Assert.DoesNotContain($"/learning/recordings/{recording}", await refused.GetStringAsync($"/learning/sessions/{session}"), StringComparison.Ordinal);
            Assert.Empty(await HitsAsync(refused, "Recording"));
        }
        foreach (var admitted in new[] { member, central })
        {
            Assert.Equal("Lønnsplan for Bydel Nord", await admitted.GetStringAsync($"/learning/documents/{document}"));
            Assert.Contains($"/learning/documents/{document}", await admitted.GetStringAsync($"/learning/programmes/{programme}"), StringComparison.Ordinal);
            Assert.Equal(["Lønnsplan"], await DocumentHitsAsync(admitted));
            Assert.Contains(RecordingTitle, WebUtility.HtmlDecode(await admitted.GetStringAsync($"/learning/recordings/{recording}")), StringComparison.Ordinal);
            Assert.Contains($"/learning/recordings/{recording}", await admitted.GetStringAsync($"/learning/sessions/{session}"), StringComparison.Ordinal);
            Assert.Equal([RecordingTitle], await HitsAsync(admitted, "Recording"));
        }
        using var missing = await member.GetAsync("/learning/documents/999999");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_session_and_programme_pages_show_only_messages_the_server_wrote_never_one_from_the_address(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        var (programme, session, _) = await ProgrammeForAsync(app, "BNO");
        // An account with no person in the directory cannot register: the endpoint sends it back with the reason.
        using var stranger = await app.SignInAsync(Roles.Employee);
        const string planted = "Kontoen din er sperret. Ring 99 99 99 99 og oppgi passordet ditt.";

        foreach (var page in new[] { $"/learning/sessions/{session}", $"/learning/programmes/{programme}" })
        {
            var html = WebUtility.HtmlDecode(await stranger.GetStringAsync($"{page}?error={Uri.EscapeDataString(planted)}&done=Kontakt%20oss"));
            Assert.Contains("<h1", html, StringComparison.Ordinal);
            Assert.DoesNotContain("Ring 99 99 99 99", html, StringComparison.Ordinal);
            Assert.DoesNotContain("role=\"alert\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("Kontakt oss", html, StringComparison.Ordinal);
        }

        var token = RunningApp.AntiforgeryToken(await stranger.GetStringAsync($"/learning/sessions/{session}"));
        using var register = await stranger.PostAsync($"/learning/sessions/{session}/register", new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        Assert.Equal(HttpStatusCode.Redirect, register.StatusCode);
        var back = register.Headers.Location!.OriginalString;
        Assert.StartsWith($"/learning/sessions/{session}?error=", back, StringComparison.Ordinal);
        var message = Bokmål(() => LearningText.Get("NoPersonForAccount"));
        var shown = WebUtility.HtmlDecode(await stranger.GetStringAsync(back));
        Assert.Contains($"role=\"alert\"><p class=\"ds-paragraph preserve-lines\">{message}</p>", shown, StringComparison.Ordinal);
        // The message travels protected: its text is not in the address, and a changed one shows nothing.
        Assert.DoesNotContain(Uri.EscapeDataString(message), back, StringComparison.Ordinal);
        var changed = WebUtility.HtmlDecode(await stranger.GetStringAsync(back[..^2] + (back[^1] == 'A' ? "BB" : "AA")));
        Assert.DoesNotContain("role=\"alert\"", changed, StringComparison.Ordinal);
    }

    private static string Bokmål(Func<string> text)
    {
        var saved = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = new CultureInfo("nb-NO");
        try
        {
            return text();
        }
        finally
        {
            CultureInfo.CurrentUICulture = saved;
        }
    }
}
