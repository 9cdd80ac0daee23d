using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Learning;

/// <summary>The programme and session edit pages through the running app: the owner changes, another owner and an employee cannot.</summary>
public sealed class EditPagesWebTests
{
    private const string Owner = "eier-frokost@test.no";

    private static async Task<(int Programme, int Session)> SeedAsync(RunningApp app)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var programmes = scope.ServiceProvider.GetRequiredService<Programmes>();
        var programme = await programmes.CreateAsync(new ProgrammeInput("Frokostwebinar", "Korte webinarer.", "Sentralt team", Owner, null,
            ProgrammeAudience.Everyone, [], "moter", "Teams", ["Moter"]), Owner, default);
        Assert.True(programme.Succeeded, programme.Error);
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var start = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc).AddDays(7);
        var sessions = await programmes.AddSessionsAsync(programme.Value!.Id, new SessionInput("Bedre moter", "", start,
            TimeSpan.FromMinutes(45), SessionMode.Online, null, "https://teams.microsoft.com/l/meetup-join/abc", 20), Owner, default);
        Assert.True(sessions.Succeeded, sessions.Error);
        return (programme.Value.Id, sessions.Value![0].Id);
    }

    private static string Location(HttpResponseMessage response) =>
        response.Headers.Location is { } location ? (location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString) : "";

    private static Dictionary<string, string> ProgrammeForm(string token, string name) => new()
    {
        ["_handler"] = "edit-programme",
        ["__RequestVerificationToken"] = token,
        ["Form.Name"] = name,
        ["Form.OwnerName"] = "Sentralt team",
        ["Form.Audience"] = "Everyone",
        ["Form.Topics"] = "moter",
        ["Form.Tools"] = "Teams",
        ["Form.Description"] = "Korte webinarer.",
        ["Form.Modules"] = "Moter",
    };

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_owner_edits_a_programme_and_a_session_and_another_owner_and_an_employee_are_refused(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        var (programmeId, sessionId) = await SeedAsync(app);
        using var owner = await app.SignInAsAsync(Owner, Roles.Employee | Roles.ProgrammeOwner);
        using var otherOwner = await app.SignInAsync(Roles.Employee | Roles.ProgrammeOwner);
        using var employee = await app.SignInAsync(Roles.Employee);
        var editPage = $"/learning/programmes/{programmeId}/edit";

        var form = await owner.GetStringAsync(editPage);
        Assert.Contains("Frokostwebinar", form, StringComparison.Ordinal);
        using var saved = await owner.PostAsync(editPage, new FormUrlEncodedContent(ProgrammeForm(RunningApp.AntiforgeryToken(form), "Frokostwebinar 2025")));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal($"/learning/programmes/{programmeId}?done=Updated", Location(saved));
        var page = await owner.GetStringAsync($"/learning/programmes/{programmeId}");
        Assert.Contains("Frokostwebinar 2025", page, StringComparison.Ordinal);
        Assert.Contains("id=\"programme-history\"", page, StringComparison.Ordinal);

        // Another programme owner and an employee: refused on the page and on the post, and nothing changes.
        using (var other = await otherOwner.GetAsync(editPage))
        {
            Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
            Assert.DoesNotContain("Frokostwebinar 2025", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var token = RunningApp.AntiforgeryToken(await otherOwner.GetStringAsync("/learning"));
        using (var otherPost = await otherOwner.PostAsync(editPage, new FormUrlEncodedContent(ProgrammeForm(token, "Kapret"))))
        {
            // The page renders no form for them, so the post finds none to handle (400) if the 403 is not answered first.
            Assert.Contains(otherPost.StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.BadRequest });
            Assert.DoesNotContain("Kapret", await otherPost.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var employeePage = await employee.GetAsync(editPage))
        {
            Assert.True(employeePage.StatusCode == HttpStatusCode.Forbidden
                || (employeePage.StatusCode == HttpStatusCode.Redirect && Location(employeePage).StartsWith("/account/access-denied", StringComparison.Ordinal)),
                $"{employeePage.StatusCode} {Location(employeePage)}");
            Assert.DoesNotContain("Frokostwebinar 2025", await employeePage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await otherOwner.GetAsync($"/learning/sessions/{sessionId}/edit")).StatusCode);

        // The owner moves the session by an hour through its page.
        var sessionPage = $"/learning/sessions/{sessionId}/edit";
        DateTime startsAt;
        await using (var db = app.Database.CreateContext())
        {
            startsAt = (await db.LearningSessions.SingleAsync(s => s.Id == sessionId)).StartsAt;
        }
        var local = TimeZoneInfo.ConvertTimeFromUtc(startsAt, LearningMail.Oslo).AddHours(1);
        using var moved = await owner.PostAsync(sessionPage, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "edit-session",
            ["__RequestVerificationToken"] = RunningApp.AntiforgeryToken(await owner.GetStringAsync(sessionPage)),
            ["Form.Title"] = "Bedre moter",
            ["Form.Date"] = local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["Form.Time"] = local.ToString("HH:mm", CultureInfo.InvariantCulture),
            ["Form.Minutes"] = "45",
            ["Form.Mode"] = "Online",
            ["Form.TeamsUrl"] = "https://teams.microsoft.com/l/meetup-join/abc",
            ["Form.Capacity"] = "20",
            ["Form.Description"] = "",
        }));
        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);

        await using (var db = app.Database.CreateContext())
        {
            var programme = await db.Programmes.SingleAsync(p => p.Id == programmeId);
            Assert.Equal("Frokostwebinar 2025", programme.Name);
            var session = await db.LearningSessions.SingleAsync(s => s.Id == sessionId);
            Assert.Equal(startsAt.AddHours(1), session.StartsAt);
            Assert.Equal(1, session.CalendarSequence);
            Assert.Equal([Owner], await db.AuditEntries.Where(a => a.Action == "learning.programme.update").Select(a => a.Actor).ToListAsync());
        }
    }
}
