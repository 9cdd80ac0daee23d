using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Learning;

/// <summary>
/// The follow-up on the session's edit page: the owner writes it, a bad link is named, another owner cannot; the session
/// page shows it to the owner at once and to the programme's audience once it has been sent.
/// </summary>
public sealed class FollowUpWebTests
{
    private const string Owner = "eier-frokost@test.no";

    private static Dictionary<string, string> Form(string token, string links) => new()
    {
        ["_handler"] = "edit-session",
        ["__RequestVerificationToken"] = token,
        ["Form.Title"] = "Bedre møter",
        ["Form.Date"] = "2030-03-14",
        ["Form.Time"] = "08:30",
        ["Form.Minutes"] = "45",
        ["Form.Mode"] = "Online",
        ["Form.TeamsUrl"] = "",
        ["Form.Location"] = "",
        ["Form.Capacity"] = "",
        ["Form.Description"] = "",
        ["Form.FollowUpText"] = "Takk for sist!",
        ["Form.FollowUpLinks"] = links,
    };

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_owner_writes_the_follow_up_on_the_session_edit_page_and_the_audience_reads_it_on_the_session_page_once_sent(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        int sessionId;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var programmes = scope.ServiceProvider.GetRequiredService<Programmes>();
            var programme = (await programmes.CreateAsync(new ProgrammeInput("Frokostwebinar", "", "M365-teamet", Owner, null, ProgrammeAudience.Everyone, [], "", "", []),
                Owner, default)).Value!;
            var start = TimeZoneInfo.ConvertTimeToUtc(new DateTime(2030, 3, 14, 8, 30, 0, DateTimeKind.Unspecified), LearningMail.Oslo);
            sessionId = (await programmes.AddSessionsAsync(programme.Id, new SessionInput("Bedre møter", "", start, TimeSpan.FromMinutes(45), SessionMode.Online, null, null, null),
                Owner, default)).Value![0].Id;
        }
        using var owner = await app.SignInAsAsync(Owner, Roles.Employee | Roles.ProgrammeOwner);
        using var otherOwner = await app.SignInAsync(Roles.Employee | Roles.ProgrammeOwner);
        using var employee = await app.SignInAsync(Roles.Employee);
        var edit = $"/learning/sessions/{sessionId}/edit";

        var page = WebUtility.HtmlDecode(await owner.GetStringAsync(edit));
        Assert.Contains("Oppfølging etter økta", page, StringComparison.Ordinal);
        using (var bad = await owner.PostAsync(edit, new FormUrlEncodedContent(Form(RunningApp.AntiforgeryToken(page), "ikke en lenke"))))
        {
            Assert.Contains("Linje 1 i lenkene er ikke en nettadresse", WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }
        using (var saved = await owner.PostAsync(edit, new FormUrlEncodedContent(Form(RunningApp.AntiforgeryToken(page), "Lysark | https://nordvik.sharepoint.com/lysark.pptx"))))
        {
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        }
        using (var refused = await otherOwner.PostAsync(edit, new FormUrlEncodedContent(Form(RunningApp.AntiforgeryToken(await otherOwner.GetStringAsync("/learning")), ""))))
        {
            Assert.NotEqual(HttpStatusCode.Redirect, refused.StatusCode);
        }
        await using var db = app.Database.CreateContext();
        var session = await db.LearningSessions.SingleAsync(s => s.Id == sessionId);
        Assert.Equal("Takk for sist!", session.FollowUpText);
        Assert.Equal("Lysark | https://nordvik.sharepoint.com/lysark.pptx", session.FollowUpLinks);
        Assert.Null(session.FollowUpSentAt);

        // Before it is sent, the owner sees it on the session page with the time it will go (45 minutes after 08:30, and
        // two hours more); the audience does not.
        var sessionPage = $"/learning/sessions/{sessionId}";
        var ownerView = WebUtility.HtmlDecode(await owner.GetStringAsync(sessionPage));
        Assert.Contains("Ikke sendt ennå: oppfølgingen sendes på e-post 14. mar. 2030 11:15.", ownerView, StringComparison.Ordinal);
        Assert.Contains("<a class=\"ds-link\" href=\"https://nordvik.sharepoint.com/lysark.pptx\">Lysark</a>", ownerView, StringComparison.Ordinal);
        var employeeView = WebUtility.HtmlDecode(await employee.GetStringAsync(sessionPage));
        Assert.DoesNotContain("Takk for sist!", employeeView, StringComparison.Ordinal);
        Assert.DoesNotContain("lysark.pptx", employeeView, StringComparison.Ordinal);

        // Once sent, the audience reads it there too.
        session.FollowUpSentAt = session.EndsAt.AddHours(2);
        await db.SaveChangesAsync();
        employeeView = WebUtility.HtmlDecode(await employee.GetStringAsync(sessionPage));
        Assert.Contains("Oppfølgingen ble sendt 14. mar. 2030 11:15.", employeeView, StringComparison.Ordinal);
        Assert.Contains("Takk for sist!", employeeView, StringComparison.Ordinal);
        Assert.Contains("<a class=\"ds-link\" href=\"https://nordvik.sharepoint.com/lysark.pptx\">Lysark</a>", employeeView, StringComparison.Ordinal);
    }
}
