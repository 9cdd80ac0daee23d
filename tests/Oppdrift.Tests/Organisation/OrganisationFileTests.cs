using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Organisation;

public sealed class OrganisationFileTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));

    private const string Header = "kind,code,name,sector,field,operator,value,unit\n";

    /// <summary>The setup the hand-written Entra export (entra-users.csv) is made for.</summary>
    private const string Setup = Header
        + "setting,municipality,,,,,Testvik kommune,\n"
        + "setting,leader-titles,,,,,\"leder, sjef\",\n"
        + "rule,SYE,,,CompanyName,Equals,Sykehjemsetaten,Department\n" // before its agency's line: the file is read whole
        + "agency,SYE,Sykehjemsetaten,Helse,,,,\n"
        + "agency,BNO,Bydel Nord,Bydeler,,,,\n"
        + "agency,KUL,Kulturetaten,,,,,\n"
        + "rule,BNO,,,Department,StartsWith,Bydel Nord,Department\n"
        + "rule,KUL,,,companyname,equals,Kulturetaten,\n";

    private async Task<SetupImportResult> ImportAsync(TestDatabase database, string text, string file = "oppsett.csv")
    {
        await using var db = database.CreateContext();
        await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        return await new OrganisationFile(db, _clock).ImportAsync(stream, file, "test", default);
    }

    private async Task<string> ExportAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        await using var writer = new StringWriter(CultureInfo.InvariantCulture);
        await new OrganisationFile(db, _clock).ExportAsync(writer, "test", default);
        return writer.ToString();
    }

    private async Task ImportPeopleAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        await using var stream = TestFiles.Open("organisation", "entra-users.csv");
        await new EntraUserImport(db, _clock).ImportAsync(stream, "entra-users.csv", "test");
    }

    /// <summary>Everything a setup import may change, as text.</summary>
    private static async Task<string> SnapshotAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        var settings = await db.OrganisationSettings.AsNoTracking().Select(s => s.MunicipalityName + "|" + s.LeaderTitleEndings).ToListAsync();
        var agencies = await db.Agencies.AsNoTracking().OrderBy(a => a.Code).Select(a => a.Code + "|" + a.Name + "|" + a.Sector).ToListAsync();
        var rules = await db.MappingRules.AsNoTracking().OrderBy(r => r.Position).Select(r => $"{r.Position}|{r.Agency!.Code}|{r.Field}|{r.Operator}|{r.Value}|{r.UnitFrom}").ToListAsync();
        var people = await db.People.AsNoTracking().OrderBy(p => p.UserPrincipalName).Select(p => p.UserPrincipalName + "|" + p.Agency!.Code + "|" + p.Unit!.Name).ToListAsync();
        var audit = await db.AuditEntries.CountAsync(a => a.Action.StartsWith("organisation.setup.import"));
        return string.Join('\n', [.. settings, .. agencies, .. rules, .. people, $"audit {audit}"]);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_setup_file_creates_agencies_and_rules_places_everyone_and_changes_nothing_the_second_time(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await ImportPeopleAsync(database);

        var first = await ImportAsync(database, Setup);

        Assert.Equal(SetupImportStatus.Imported, first.Status);
        Assert.Equal((3, 0, true, true, 3), (first.AgenciesCreated, first.AgenciesUpdated, first.SettingsChanged, first.RulesReplaced, first.Rules));
        Assert.Equal(8, first.PeopleMoved);
        Assert.Equal(1, first.Unassigned);
        await using (var db = database.CreateContext())
        {
            var people = await db.People.Include(p => p.Agency).Include(p => p.Unit).ToDictionaryAsync(p => p.GivenName!);
            Assert.Equal(("SYE", "Lindeberg sykehjem"), (people["Åse"].Agency!.Code, people["Åse"].Unit!.Name));
            Assert.Equal(("BNO", "Hjemmetjenesten"), (people["Jonas"].Agency!.Code, people["Jonas"].Unit!.Name));
            Assert.Null(people["Tjeneste"].AgencyId);
            Assert.Equal(["SYE", "BNO", "KUL"], await db.MappingRules.OrderBy(r => r.Position).Select(r => r.Agency!.Code).ToListAsync());
            Assert.Equal(UnitSource.None, (await db.MappingRules.SingleAsync(r => r.Agency!.Code == "KUL")).UnitFrom);
            var settings = await db.OrganisationSettings.SingleAsync();
            Assert.Equal(("Testvik kommune", "leder, sjef"), (settings.MunicipalityName, settings.LeaderTitleEndings));
        }
        var before = await SnapshotAsync(database);

        var second = await ImportAsync(database, Setup);

        Assert.Equal(SetupImportStatus.Unchanged, second.Status);
        Assert.False(second.RulesReplaced);
        Assert.Equal(before, await SnapshotAsync(database));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_exported_setup_imported_elsewhere_exports_the_same_file(DatabaseKind kind)
    {
        await using var test = await TestDatabase.CreateAsync(kind);
        await ImportAsync(test, Setup + "agency,SOS,Sosialetaten,\"Helse, omsorg\",,,,\nrule,SOS,,,Department,Contains,-sosial,OfficeLocation\n");
        var exported = await ExportAsync(test);
        Assert.Contains("rule,SOS,,,Department,Contains,-sosial,OfficeLocation", exported, StringComparison.Ordinal); // no apostrophe before a leading -
        Assert.Contains("\"Helse, omsorg\"", exported, StringComparison.Ordinal);

        await using var production = await TestDatabase.CreateAsync(kind);
        var imported = await ImportAsync(production, exported);

        Assert.Equal(SetupImportStatus.Imported, imported.Status);
        Assert.Equal(exported, await ExportAsync(production));
        await using var db = production.CreateContext();
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == "organisation.setup.export"));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Renaming_and_new_rules_update_in_place_and_agencies_left_out_of_the_file_are_kept(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await ImportPeopleAsync(database);
        await ImportAsync(database, Setup);
        int kulturId;
        await using (var db = database.CreateContext())
        {
            kulturId = await db.Agencies.Where(a => a.Code == "KUL").Select(a => a.Id).SingleAsync();
        }

        var changed = await ImportAsync(database, Header
            + "agency,SYE,Sykehjemsetaten KF,Helse og omsorg,,,,\n"
            + "agency,BNO,Bydel Nord,Bydeler,,,,\n"
            + "rule,BNO,,,Department,StartsWith,Bydel Nord,Department\n"
            + "rule,SYE,,,CompanyName,Equals,Sykehjemsetaten,Department\n");

        Assert.Equal(SetupImportStatus.Imported, changed.Status);
        Assert.Equal((0, 1, false, true, 2), (changed.AgenciesCreated, changed.AgenciesUpdated, changed.SettingsChanged, changed.RulesReplaced, changed.Rules));
        Assert.Equal(["KUL"], changed.AgenciesNotInFile);
        await using var check = database.CreateContext();
        Assert.Equal("Sykehjemsetaten KF", (await check.Agencies.SingleAsync(a => a.Code == "SYE")).Name);
        Assert.Equal(kulturId, (await check.Agencies.SingleAsync(a => a.Code == "KUL")).Id);
        Assert.Equal(["BNO", "SYE"], await check.MappingRules.OrderBy(r => r.Position).Select(r => r.Agency!.Code).ToListAsync());
        // Kulturetaten's rule is gone, so its people are no longer placed there.
        Assert.False(await check.People.AnyAsync(p => p.AgencyId == kulturId));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_file_with_errors_names_each_line_and_column_and_saves_nothing(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await ImportPeopleAsync(database);
        await ImportAsync(database, Setup);
        var before = await SnapshotAsync(database);

        var result = await ImportAsync(database, Header
            + "agency,NYE,Ny etat,,,,,\n"                                  // line 2: fine, but must not be saved
            + "agency,nye,Ny etat igjen,,,,,\n"                            // 3: the same agency twice
            + "rule,NYE,,,Avdeling,Equals,Ny,Department\n"                // 4: no such field
            + "rule,NYE,,,Department,Like,Ny,Department\n"                // 5: no such operator
            + "rule,ABC,,,Department,Equals,Abc,Department\n"             // 6: no such agency
            + "rule,NYE,,,Department,Equals,Ny etat,Department\n"         // 7: fine
            + "rule,SYE,,,department,equals,NY ETAT,None\n"               // 8: never reached after line 7
            + "setting,colour,,,,,blue,\n"                                // 9: no such setting
            + "team,X,,,,,,\n"                                            // 10: no such kind
            + "agency,KUL,,,,,,\n", "oppsett.csv");                       // 11: no name

        Assert.Equal(SetupImportStatus.Failed, result.Status);
        Assert.Equal(
        [
            "oppsett.csv:3:2 (code)",
            "oppsett.csv:4:5 (field)",
            "oppsett.csv:5:6 (operator)",
            "oppsett.csv:6:2 (code)",
            "oppsett.csv:8:7 (value)",
            "oppsett.csv:9:2 (code)",
            "oppsett.csv:10:1 (kind)",
            "oppsett.csv:11:3 (name)",
        ], result.Errors.Select(e => e.ToString().Split(": ")[0]));
        Assert.Contains("2", result.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("7", result.Errors[4].Message, StringComparison.Ordinal);
        Assert.Contains("ABC", result.Errors[3].Message, StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync(database));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_empty_file_or_one_without_the_columns_is_refused_with_what_is_missing(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);

        var empty = await ImportAsync(database, "", "tom.csv");
        var columns = await ImportAsync(database, "kind,code,name\nagency,A,A\n", "kolonner.csv");
        var notText = await ImportAsync(database, "kind,code,name,sector,field,operator,value,unit\nagency,A,\u00e6\n".Replace("\u00e6", "\uFFFD", StringComparison.Ordinal), "tegn.csv");

        Assert.Equal(SetupImportStatus.Failed, empty.Status);
        Assert.StartsWith("tom.csv: ", empty.Errors.Single().ToString(), StringComparison.Ordinal);
        Assert.Equal(SetupImportStatus.Failed, columns.Status);
        Assert.Contains("sector, field, operator, value, unit", columns.Errors.Single().Message, StringComparison.Ordinal);
        Assert.Equal(SetupImportStatus.Imported, notText.Status); // a replacement character in a name is text, not an error
        await using var db = database.CreateContext();
        Assert.Equal(1, await db.Agencies.CountAsync());
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_central_team_downloads_and_uploads_the_setup_on_the_organisation_page_and_agency_leaders_may_not(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        using var central = await app.SignInAsync(Roles.ChangeLeader);
        using var leader = await app.SignInAsync(Roles.AgencyLeader, "SYE");

        var file = await central.GetStringAsync("/organisation/setup.csv");
        Assert.StartsWith("kind,code,name,sector,field,operator,value,unit", file, StringComparison.Ordinal);
        Assert.Contains("agency,SYE,", file, StringComparison.Ordinal);
        using (var refused = await leader.GetAsync("/organisation/setup.csv"))
        {
            // A page's refusal is the access-denied page, as for every page of the central team.
            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
            Assert.Contains("/account/access-denied", refused.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        var page = await central.GetStringAsync("/organisation");
        Assert.Contains("href=\"/organisation/setup.csv\"", page, StringComparison.Ordinal);
        var renamed = file.Replace("agency,SYE,Sykehjemsetaten,", "agency,SYE,Sykehjemsetaten i Nordvik,", StringComparison.Ordinal);
        Assert.NotEqual(file, renamed);
        using var upload = new MultipartFormDataContent
        {
            { new StringContent(RunningApp.AntiforgeryToken(page)), "__RequestVerificationToken" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(renamed)), "file", "oppsett.csv" },
        };
        using var posted = await central.PostAsync("/organisation/setup", upload);

        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var result = WebUtility.HtmlDecode(await central.GetStringAsync(posted.Headers.Location!.OriginalString));
        Assert.Contains("Oppsettet er lest inn: 0 virksomheter opprettet, 1 endret.", result, StringComparison.Ordinal);
        await using (var db = app.Database.CreateContext())
        {
            Assert.Equal("Sykehjemsetaten i Nordvik", (await db.Agencies.SingleAsync(a => a.Code == "SYE")).Name);
            Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "organisation.setup.import" && a.Actor != null));
            Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action.EndsWith("organisation.setup") && a.Action.StartsWith("export")));
        }

        using var bad = new MultipartFormDataContent
        {
            { new StringContent(RunningApp.AntiforgeryToken(page)), "__RequestVerificationToken" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes("kind,code,name,sector,field,operator,value,unit\nagency,SYE,,,,,,\n")), "file", "feil.csv" },
        };
        using var refusedPost = await central.PostAsync("/organisation/setup", bad);
        var error = WebUtility.HtmlDecode(await central.GetStringAsync(refusedPost.Headers.Location!.OriginalString));
        Assert.Contains("feil.csv:2:3 (name)", error, StringComparison.Ordinal);
        // A message typed into the address is not shown: only what the server wrote.
        Assert.DoesNotContain(">Lurt<", await central.GetStringAsync("/organisation?setup=Lurt"), StringComparison.Ordinal);
    }
}
