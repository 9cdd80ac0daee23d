using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Processes;
using Oppdrift.Shared.Privacy;
using Oppdrift.ShareMigration;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Usage;

namespace Oppdrift.Tests.Processes;

/// <summary>Suggested processes: agencies with much e-mail and little sharing, case-like folders of the scans, and the team's answers.</summary>
public sealed class ProcessCandidatesTests
{
    [Theory]
    [InlineData("Byggesak", "byggesak")]
    [InlineData("Byggesaker 2024", "byggesak")]
    [InlineData("Husleiesøknader", "søknad")]
    [InlineData("Klagesaker", "klage")]
    [InlineData("VEDTAK", "vedtak")]
    [InlineData("Postmottak", "postmottak")]
    [InlineData("Innkommende post", "post")]
    [InlineData("Fjernarkiv", "arkiv")]
    [InlineData("Skjemaer", "skjema")]
    [InlineData("Timelister_papir", "timeliste")]
    [InlineData("Saker", "sak")]
    [InlineData("Saksbehandling barnevern", "saksbehandl")]
    [InlineData("Årsaksanalyse", null)]
    [InlineData("Kompost", null)]
    [InlineData("Møtereferater", null)]
    [InlineData("Bilder", null)]
    public void Folder_names_like_case_work_are_recognised_and_others_are_not(string name, string? word) =>
        Assert.Equal(word, ProcessCandidates.CaseWord(name));

    [Theory]
    [InlineData("Hjemmeområder/Ola Nordmann/Søknader", true)]
    [InlineData("Felles/Brukere/kari/Arkiv", true)]
    [InlineData("Personlig", true)]
    [InlineData("Plan og bygg/Byggesak", false)]
    [InlineData("Arkiv", false)]
    public void Folders_below_personal_areas_are_never_suggested(string path, bool personal) =>
        Assert.Equal(personal, ProcessCandidates.IsPersonal(path));

    [Fact]
    public void The_median_of_an_even_count_is_the_mean_of_the_middle_two()
    {
        Assert.Equal(2.5, ProcessCandidates.Median([4, 1, 3, 2]));
        Assert.Equal(3, ProcessCandidates.Median([5, 1, 3]));
        Assert.True(double.IsNaN(ProcessCandidates.Median([])));
    }

    [Fact]
    public void An_agency_is_e_mail_heavy_only_with_e_mail_above_and_both_teams_and_sharing_below_the_median()
    {
        var median = new UsagePattern(10, 20, 2, 100);
        Assert.True(ProcessCandidates.EmailHeavy(new UsagePattern(15, 5, 1, 100), median));
        Assert.False(ProcessCandidates.EmailHeavy(new UsagePattern(10, 5, 1, 100), median));
        Assert.False(ProcessCandidates.EmailHeavy(new UsagePattern(15, 25, 1, 100), median));
        Assert.False(ProcessCandidates.EmailHeavy(new UsagePattern(15, 5, 2, 100), median));
    }

    private static readonly DateOnly LastDay = new(2026, 11, 24);

    /// <summary>
    /// Seven agencies with 56 days of figures: five ordinary ones (e-mail 8–12, Teams 18–22, shares 1.8–2.2 per person a
    /// day), MAIL with 300 people and twice the e-mail, a quarter of the Teams and sharing, and TINY with the same habits
    /// but four people, so its figures are hidden. MAIL and BY have department shares; MAIL also home folders.
    /// </summary>
    private static async Task<Dictionary<string, int>> SeedAsync(OppdriftDb db)
    {
        (string Code, int People, double Mail, double Teams, double Shares)[] agencies =
        [
            ("A1", 100, 8, 18, 1.8), ("A2", 110, 9, 19, 1.9), ("A3", 120, 10, 20, 2.0), ("A4", 130, 11, 21, 2.1), ("BY", 140, 12, 22, 2.2),
            ("MAIL", 300, 20, 5, 0.5), ("TINY", 4, 20, 5, 0.5),
        ];
        foreach (var a in agencies)
        {
            db.Agencies.Add(new Agency { Code = a.Code, Name = "Etat " + a.Code, CreatedAt = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) });
        }
        await db.SaveChangesAsync();
        var ids = await db.Agencies.ToDictionaryAsync(a => a.Code, a => a.Id);
        var rows = new List<UsageFigureRow>();
        for (var date = LastDay.AddDays(-55); date <= LastDay; date = date.AddDays(1))
        {
            foreach (var a in agencies)
            {
                foreach (var metric in UsageMetrics.All.Where(m => m.Report is "getEmailActivityUserDetail" or "getTeamsUserActivityUserDetail"
                    or "getOneDriveActivityUserDetail" or "getSharePointActivityUserDetail" or "getOffice365ActiveUserDetail"))
                {
                    var value = metric.Code switch
                    {
                        "exchange.sent" => a.People * a.Mail,
                        "teams.chatMessages" => a.People * a.Teams,
                        "sharepoint.sharedInternally" => a.People * a.Shares,
                        "exchange.licensed" => a.People,
                        _ when metric.Kind == UsageMetricKind.People => a.People,
                        _ => 0,
                    };
                    rows.Add(new UsageFigureRow(date, 1, metric.Code, ids[a.Code], (long)Math.Round(value), a.People));
                }
            }
        }
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await UsageStore.InsertFiguresAsync(db, rows, default);
            await transaction.CommitAsync();
        }

        var scanned = new DateTime(2026, 11, 1, 12, 0, 0, DateTimeKind.Utc);
        void Share(string agency, string name, ShareKind kind, params (string Path, long Files)[] folders)
        {
            var share = new SourceShare { AgencyId = ids[agency], Name = name, Kind = kind, CreatedAt = scanned, CreatedBy = "drift" };
            var scan = new ShareScan { UploadedAt = scanned, UploadedBy = "drift", ScannedAt = scanned, Root = "/srv/" + name, StoredName = name + ".scan.sqlite", Sha256 = new string('a', 64) };
            scan.FolderProfile.AddRange(folders.Select(f => new ShareScanFolder
            {
                Path = f.Path,
                Depth = f.Path.Count(c => c == '/') + 1,
                Files = f.Files,
                Bytes = f.Files * 100_000,
                Lengths = "",
                NewestModified = scanned.AddDays(-3),
            }));
            share.Scans.Add(scan);
            db.SourceShares.Add(share);
        }
        Share("MAIL", "plan$", ShareKind.Department, ("Byggesak", 120), ("Byggesak/Klager", 40), ("Felles", 10), ("Felles/Møtereferater", 10),
            ("Hjemmeområder", 5), ("Hjemmeområder/Ola Nordmann", 5), ("Hjemmeområder/Ola Nordmann/Søknader", 5), ("Tomt arkiv", 0), ("Økonomi", 30), ("Økonomi/Fakturaer", 30));
        Share("MAIL", "home$", ShareKind.HomeFolders, ("kari.nordmann", 50), ("kari.nordmann/Søknad om permisjon", 3));
        Share("BY", "by$", ShareKind.Department, ("Postmottak", 400));
        await db.SaveChangesAsync();
        return ids;
    }

    private static ProcessCandidates Candidates(OppdriftDb db, ProcessServices services) =>
        new(db, new UsageQueries(db, new SuppressionOptions(), services.Clock, new UsageFigureCache()), new MigrationQueries(db), services.Editor, services.Clock);

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Agencies_with_much_e_mail_and_little_sharing_and_case_like_shared_folders_are_suggested_with_their_figures(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await SeedAsync(db);
        var list = await Candidates(db, new ProcessServices(db)).ListAsync(null, default);

        Assert.Equal(LastDay, list.UsageDate);
        // TINY is hidden (4 people), and one more agency with it so TINY cannot be worked out from the total.
        Assert.Equal(2, list.AgenciesHidden);
        Assert.Equal(5, list.AgenciesCompared);
        var usage = Assert.Single(list.Usage);
        Assert.Equal(ids["MAIL"], usage.Agency.Id);
        Assert.Equal(20 * 28, usage.Current.EmailsPerPerson, 6);
        Assert.Equal(5 * 28, usage.Current.TeamsMessagesPerPerson, 6);
        Assert.Equal(0.5 * 28, usage.Current.FilesSharedPerPerson, 6);
        Assert.Equal(300, usage.Current.People);
        Assert.Equal(20 * 28, usage.Earlier.EmailsPerPerson, 6);
        Assert.True(list.Median!.EmailsPerPerson < usage.Current.EmailsPerPerson);
        Assert.Contains(560.0.ToString("N1", System.Globalization.CultureInfo.CurrentCulture), ProcessCandidates.Reason(usage, list), StringComparison.Ordinal);

        // The top of a case-like nest, named like case work, with files; not personal areas, home folders or empty folders.
        Assert.Equal(["by$/Postmottak", "plan$/Byggesak", "plan$/Økonomi/Fakturaer"],
            list.Folders.Select(f => f.Folder.ShareName + "/" + f.Folder.Path).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(list.Folders, f => f.Folder.Path.Contains("Nordmann", StringComparison.Ordinal) || f.Folder.Path.Contains("nordmann", StringComparison.Ordinal));
        var byggesak = list.Folders.Single(f => f.Folder.Path == "Byggesak");
        Assert.Equal(120, byggesak.Folder.Files);
        Assert.Equal("byggesak", byggesak.Keyword);

        // An agency leader's scope: only their agency's folders, and no usage suggestion for another agency.
        var scoped = await Candidates(db, new ProcessServices(db)).ListAsync(new HashSet<int> { ids["BY"] }, default);
        Assert.Empty(scoped.Usage);
        Assert.Equal(["Postmottak"], scoped.Folders.Select(f => f.Folder.Path));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Confirming_registers_an_identified_process_linked_to_the_candidate_and_dismissing_keeps_it_from_coming_back(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await SeedAsync(db);
        var services = new ProcessServices(db);
        var candidates = Candidates(db, services);
        var list = await candidates.ListAsync(null, default);
        var usageKey = list.Usage.Single().Key;
        var folderKey = list.Folders.Single(f => f.Folder.Path == "Byggesak").Key;

        // Only the central team answers; a leader of the agency itself is refused and nothing is saved.
        var refused = await candidates.ConfirmAsync(usageKey, ProcessUsers.Leader(ids["MAIL"]), default);
        Assert.False(refused.Succeeded);
        Assert.Empty(await db.Processes.ToListAsync());

        var confirmed = await candidates.ConfirmAsync(usageKey, ProcessUsers.Central, default);
        Assert.True(confirmed.Succeeded, confirmed.Error);
        var dismissed = await candidates.DismissAsync(folderKey, ProcessUsers.Central, default);
        Assert.True(dismissed.Succeeded, dismissed.Error);
        Assert.False((await candidates.DismissAsync(folderKey, ProcessUsers.Central, default)).Succeeded);
        Assert.False((await candidates.ConfirmAsync("folder:999:nothing", ProcessUsers.Central, default)).Succeeded);

        db.ChangeTracker.Clear();
        var process = await db.Processes.SingleAsync();
        Assert.Equal(ProcessState.Identified, process.State);
        Assert.Equal(ids["MAIL"], process.OwnerAgencyId);
        Assert.Equal(WorkingWay.EmailAttachments, process.CurrentWay);
        Assert.Equal(services.Today, process.RegisteredOn);
        Assert.Contains(560.0.ToString("N1", System.Globalization.CultureInfo.CurrentCulture), process.Description, StringComparison.Ordinal);
        var answers = await db.ProcessCandidates.OrderBy(c => c.Id).ToListAsync();
        Assert.Equal(2, answers.Count);
        Assert.Equal((CandidateDecision.Confirmed, (int?)process.Id, "endringsleder"), (answers[0].Decision, answers[0].ProcessId, answers[0].DecidedBy));
        Assert.Equal((CandidateDecision.Dismissed, (int?)null, CandidateKind.Folder), (answers[1].Decision, answers[1].ProcessId, answers[1].Kind));
        Assert.Equal(services.Clock.GetUtcNow().UtcDateTime, answers[1].DecidedAt);
        Assert.Equal(answers[0].Id, (await ProcessCandidates.OriginAsync(db, process.Id, default))!.Id);

        var after = await candidates.ListAsync(null, default);
        Assert.Empty(after.Usage);
        Assert.DoesNotContain(after.Folders, f => f.Key == folderKey);
        Assert.Equal(2, after.Folders.Count);
        Assert.Equal(2, after.Decided.Count);

        var audit = await db.AuditEntries.Where(a => a.Action.StartsWith("processes.")).Select(a => a.Action).ToListAsync();
        Assert.Contains("processes.candidates.confirm", audit);
        Assert.Contains("processes.candidates.dismiss", audit);
        Assert.Contains("processes.create", audit);
        Assert.Equal(3, audit.Count);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_central_team_confirms_a_folder_on_the_page_and_others_cannot_open_it(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        int agency;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
            agency = (await db.Agencies.FirstAsync(a => a.Code == "BNO")).Id;
            var share = new SourceShare { AgencyId = agency, Name = "bydelnord$", Kind = ShareKind.Department, CreatedAt = TimeProvider.System.GetUtcNow().UtcDateTime, CreatedBy = "drift" };
            var scan = new ShareScan { UploadedAt = TimeProvider.System.GetUtcNow().UtcDateTime, UploadedBy = "drift", ScannedAt = TimeProvider.System.GetUtcNow().UtcDateTime, Root = "/srv/bno", StoredName = "bno.scan.sqlite", Sha256 = new string('b', 64) };
            scan.FolderProfile.Add(new ShareScanFolder { Path = "Timelister", Depth = 1, Files = 75, Bytes = 1_000_000, Lengths = "" });
            share.Scans.Add(scan);
            db.SourceShares.Add(share);
            await db.SaveChangesAsync();
        }
        using var central = await app.SignInAsync(Roles.ChangeLeader);
        using var leader = await app.SignInAsync(Roles.AgencyLeader, "BNO");

        var page = await central.GetStringAsync("/processes/candidates");
        Assert.Contains("Timelister", page, StringComparison.Ordinal);
        using (var refused = await leader.GetAsync("/processes/candidates"))
        {
            Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
        }

        await using (var db = app.Database.CreateContext())
        {
            var key = ProcessCandidates.FolderKey(await db.SourceShares.Select(s => s.Id).SingleAsync(), "Timelister");
            using var posted = await central.PostAsync("/processes/candidates", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "decide",
                ["__RequestVerificationToken"] = RunningApp.AntiforgeryToken(page),
                ["Decision.Answer"] = "confirm:" + key,
            }));
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
            Assert.Contains("bekreftet", await posted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            var answer = await db.ProcessCandidates.SingleAsync(c => c.Key == key);
            var process = await db.Processes.SingleAsync(p => p.Id == answer.ProcessId);
            Assert.Contains("Timelister", process.Name, StringComparison.Ordinal);
            Assert.Equal((agency, WorkingWay.FileShare, ProcessState.Identified), (process.OwnerAgencyId, process.CurrentWay, process.State));
            Assert.Contains("Timelister", await central.GetStringAsync($"/processes/{process.Id}"), StringComparison.Ordinal);
        }
    }
}
