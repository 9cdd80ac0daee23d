using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Organisation;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Learning;

/// <summary>
/// New leaders proposed through the running app: the owner switches a programme to take new leaders on its edit page and
/// answers the proposals on its next cohort's page; another owner sees and answers none.
/// </summary>
public sealed class LeaderProposalsWebTests
{
    private const string Owner = "eier-nye-ledere@test.no";

    private static string Location(HttpResponseMessage response) =>
        response.Headers.Location is { } location ? (location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString) : "";

    private static Dictionary<string, string> Decision(string token, string button, int personId) => new()
    {
        ["_handler"] = "proposals",
        ["__RequestVerificationToken"] = token,
        [$"Decision.{button}"] = personId.ToString(CultureInfo.InvariantCulture),
    };

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_owner_takes_new_leaders_and_enrols_or_dismisses_them_on_the_next_cohorts_page_and_another_owner_cannot(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        int programmeId, cohortId;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var programme = await scope.ServiceProvider.GetRequiredService<Programmes>().CreateAsync(new ProgrammeInput("Lederskolen", "For nye ledere.", "HR", Owner, null,
                ProgrammeAudience.Leaders, [], "ledelse", "Teams", ["Modul 1"]), Owner, default);
            Assert.True(programme.Succeeded, programme.Error);
            programmeId = programme.Value!.Id;
            var today = ViewCounting.Day(TimeProvider.System.GetUtcNow().UtcDateTime);
            cohortId = (await scope.ServiceProvider.GetRequiredService<Cohorts>().CreateAsync(programmeId, new CohortInput("Neste kull", today.AddDays(30)), Owner, default)).Value!.Id;
        }
        using var owner = await app.SignInAsAsync(Owner, Roles.Employee | Roles.ProgrammeOwner);
        using var otherOwner = await app.SignInAsync(Roles.Employee | Roles.ProgrammeOwner);

        // Switched on on the edit page.
        var editPage = $"/learning/programmes/{programmeId}/edit";
        using (var saved = await owner.PostAsync(editPage, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "edit-programme",
            ["__RequestVerificationToken"] = RunningApp.AntiforgeryToken(await owner.GetStringAsync(editPage)),
            ["Form.Name"] = "Lederskolen",
            ["Form.OwnerName"] = "HR",
            ["Form.Audience"] = "Leaders",
            ["Form.Topics"] = "ledelse",
            ["Form.Tools"] = "Teams",
            ["Form.Description"] = "For nye ledere.",
            ["Form.Modules"] = "Modul 1",
            ["Form.ProposeNewLeaders"] = "true",
        })))
        {
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        }
        await using (var db = app.Database.CreateContext())
        {
            Assert.NotNull(await db.Programmes.Where(p => p.Id == programmeId).Select(p => p.NewLeadersSince).SingleAsync());
        }

        // Then a directory import brings two leaders: one new, one from another agency.
        (int Id, string Name) newcomer, mover;
        await using (var db = app.Database.CreateContext())
        {
            var leaders = await db.People.Where(p => p.IsActive && p.IsLeader && p.AgencyId != null).OrderBy(p => p.Id).Take(2).ToListAsync();
            var elsewhere = await db.Agencies.Where(a => a.Id != leaders[1].AgencyId).Select(a => a.Id).FirstAsync();
            var now = TimeProvider.System.GetUtcNow().UtcDateTime;
            var import = new DirectoryImport { FileName = "users.csv", Sha256 = new string('0', 64), ImportedBy = "test", StartedAt = now, FinishedAt = now, Status = ImportStatus.Succeeded };
            db.LeaderArrivals.AddRange(
                new LeaderArrival { PersonId = leaders[0].Id, Kind = LeaderArrivalKind.New, AgencyId = leaders[0].AgencyId!.Value, Import = import, At = now },
                new LeaderArrival { PersonId = leaders[1].Id, Kind = LeaderArrivalKind.Moved, AgencyId = leaders[1].AgencyId!.Value, FromAgencyId = elsewhere, Import = import, At = now });
            await db.SaveChangesAsync();
            (newcomer, mover) = ((leaders[0].Id, leaders[0].DisplayName), (leaders[1].Id, leaders[1].DisplayName));
        }

        var cohortPage = $"/learning/programmes/{programmeId}/cohorts/{cohortId}";
        var page = WebUtility.HtmlDecode(await owner.GetStringAsync(cohortPage));
        Assert.Contains("id=\"proposals\"", page, StringComparison.Ordinal);
        Assert.Contains(newcomer.Name, page, StringComparison.Ordinal);
        Assert.Contains(mover.Name, page, StringComparison.Ordinal);
        Assert.Contains($"/cohorts/{cohortId}#proposals", await owner.GetStringAsync($"/learning/programmes/{programmeId}/cohorts"), StringComparison.Ordinal);

        // Another owner sees none of it and cannot answer.
        using (var refused = await otherOwner.GetAsync(cohortPage))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.DoesNotContain(newcomer.Name, WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }
        using (var refused = await otherOwner.PostAsync(cohortPage, new FormUrlEncodedContent(Decision(RunningApp.AntiforgeryToken(await otherOwner.GetStringAsync("/learning")), "Accept", newcomer.Id))))
        {
            Assert.Contains(refused.StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.BadRequest });
        }
        // Without the antiforgery token the post is refused too.
        using (var forged = await owner.PostAsync(cohortPage, new FormUrlEncodedContent(new Dictionary<string, string> { ["_handler"] = "proposals", ["Decision.Accept"] = newcomer.Id.ToString(CultureInfo.InvariantCulture) })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }
        await using (var db = app.Database.CreateContext())
        {
            Assert.False(await db.LeaderProposalDecisions.AnyAsync());
        }

        using (var accepted = await owner.PostAsync(cohortPage, new FormUrlEncodedContent(Decision(RunningApp.AntiforgeryToken(page), "Accept", newcomer.Id))))
        {
            Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
            Assert.Equal($"{cohortPage}?done=ProposalAccepted", Location(accepted));
        }
        using (var dismissed = await owner.PostAsync(cohortPage, new FormUrlEncodedContent(Decision(RunningApp.AntiforgeryToken(await owner.GetStringAsync(cohortPage)), "Dismiss", mover.Id))))
        {
            Assert.Equal(HttpStatusCode.Redirect, dismissed.StatusCode);
            Assert.Equal($"{cohortPage}?done=ProposalDismissed", Location(dismissed));
        }
        // Answering again finds nobody proposed, and says so.
        using (var again = await owner.PostAsync(cohortPage, new FormUrlEncodedContent(Decision(RunningApp.AntiforgeryToken(await owner.GetStringAsync(cohortPage)), "Dismiss", mover.Id))))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Contains(LearningText.Get("ProposalNotFound"), WebUtility.HtmlDecode(await again.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }

        var after = WebUtility.HtmlDecode(await owner.GetStringAsync(cohortPage));
        Assert.Contains(LearningText.Get("ProposalsNone"), after, StringComparison.Ordinal);
        Assert.DoesNotContain("Decision.Accept", after, StringComparison.Ordinal);
        await using (var db = app.Database.CreateContext())
        {
            Assert.Equal([newcomer.Id], await db.Participants.Where(p => p.CohortId == cohortId).Select(p => p.PersonId).ToListAsync());
            Assert.Equal([(newcomer.Id, true), (mover.Id, false)],
                (await db.LeaderProposalDecisions.OrderBy(d => d.Id).ToListAsync()).Select(d => (d.PersonId, d.Accepted)));
            Assert.Equal([Owner, Owner], await db.AuditEntries.Where(a => a.Action.StartsWith("learning.proposal.")).OrderBy(a => a.Id).Select(a => a.Actor).ToListAsync());
        }
    }
}
