using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Organisation;

public sealed class OrganisationProposalTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// Fifty-one people: two agencies by company name (11, more than a fifth of everyone, and 8), one company name of two people, and thirty under the
    /// municipality's own name whose departments name their district first ("Bydel Nord - Hjemmetjenesten").
    /// </summary>
    private static async Task<TestDatabase> WithPeopleAsync(DatabaseKind kind)
    {
        var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var n = 0;
        void Add(string company, string department, string office)
        {
            var upn = $"p{++n}@testvik.kommune.no";
            db.People.Add(new Person
            {
                UserPrincipalName = upn,
                NormalizedUserPrincipalName = upn.ToUpperInvariant(),
                DisplayName = $"Person {n}",
                CompanyName = company,
                Department = department,
                OfficeLocation = office,
                IsActive = true,
                AccountEnabled = true,
                FirstSeenAt = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            });
        }
        for (var i = 0; i < 11; i++)
        {
            Add("Kulturetaten", i < 5 ? "Biblioteket" : "Kulturhuset", "Rådhusgata 1");
        }
        for (var i = 0; i < 8; i++)
        {
            Add("Sykehjemsetaten", "Lindeberg sykehjem", "Lindeberg");
        }
        Add("Eldreombudet", "Ombudet", "Rådhusgata 1");
        Add("eldreombudet ", "Ombudet", "Rådhusgata 1");
        for (var i = 0; i < 30; i++)
        {
            Add("Testvik kommune", i < 15 ? $"Bydel Nord - Enhet {i % 3}" : $"Bydel Sør - Enhet {i % 4}", $"Kontor {i % 7}");
        }
        await db.SaveChangesAsync();
        return database;
    }

    private static List<ProposalChoice> Choices(Proposal proposal) =>
        [.. proposal.Rows.Select(r => new ProposalChoice(r.Field, r.Operator, r.Value, r.Include, r.Code, r.Name, null))];

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_proposal_splits_on_the_company_name_and_finds_the_districts_inside_the_municipalitys_own_name(DatabaseKind kind)
    {
        await using var database = await WithPeopleAsync(kind);
        await using var db = database.CreateContext();
        var proposer = new OrganisationProposer(db, _clock);

        var proposal = (await proposer.ProposeAsync(null, default))!;

        Assert.Equal(DirectoryField.CompanyName, proposal.Field);
        Assert.Equal(51, proposal.People);
        Assert.Equal(
        [
            "Department StartsWith Bydel Nord 15 BN True",
            "Department StartsWith Bydel Sør 15 BS True",
            "CompanyName Equals Testvik kommune 30 TK False", // the whole municipality: its districts are proposed instead
            "CompanyName Equals Kulturetaten 11 KUL True", // large, but not split: an agency
            "CompanyName Equals Sykehjemsetaten 8 SYK True",
            "CompanyName Equals Eldreombudet 2 ELD False", // too few people to propose, listed to decide
        ], proposal.Rows.Select(r => $"{r.Field} {r.Operator} {r.Value} {r.People} {r.Code} {r.Include}"));
        var company = proposal.Fields.Single(f => f.Field == DirectoryField.CompanyName);
        Assert.Equal((4, 3, 49), (company.Values, company.Groups, company.Covered));

        var preview = await proposer.PreviewAsync(Choices(proposal), default);

        Assert.Equal(new ProposalPreview(49, 2, 4, 4), preview.Value);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Applying_creates_the_renamed_and_merged_agencies_and_places_everyone_in_one_go(DatabaseKind kind)
    {
        await using var database = await WithPeopleAsync(kind);
        Proposal proposal;
        await using (var db = database.CreateContext())
        {
            proposal = (await new OrganisationProposer(db, _clock).ProposeAsync(null, default))!;
        }
        var choices = Choices(proposal);
        choices[3] = choices[3] with { Code = "KUL", Name = "Kulturetaten i Testvik" };
        choices[5] = choices[5] with { Include = true, Into = "KUL" }; // the ombud's two people go with culture

        await using (var db = database.CreateContext())
        {
            var applied = await new OrganisationProposer(db, _clock).ApplyAsync(choices, proposal.Basis, "kari", default);
            Assert.True(applied.Succeeded, applied.Error);
            Assert.Equal(51, applied.Value!.Moved);
            Assert.Equal(0, applied.Value.Unassigned);
        }

        await using var check = database.CreateContext();
        Assert.Equal(["BN Bydel Nord", "BS Bydel Sør", "KUL Kulturetaten i Testvik", "SYK Sykehjemsetaten"],
            await check.Agencies.OrderBy(a => a.Code).Select(a => a.Code + " " + a.Name).ToListAsync());
        Assert.Equal(["BN", "BS", "KUL", "SYK", "KUL"], await check.MappingRules.OrderBy(r => r.Position).Select(r => r.Agency!.Code).ToListAsync());
        var units = await check.People.Where(p => p.Agency!.Code == "BN").Select(p => p.Unit!.Name).Distinct().OrderBy(u => u).ToListAsync();
        Assert.Equal(["Enhet 0", "Enhet 1", "Enhet 2"], units); // the district's name is taken off the department
        Assert.Equal(13, await check.People.CountAsync(p => p.Agency!.Code == "KUL"));
        Assert.Equal("kari", (await check.AuditEntries.SingleAsync(a => a.Action == "organisation.proposal.apply")).Actor);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_proposal_read_before_a_newer_import_or_with_a_code_given_twice_is_refused_and_saves_nothing(DatabaseKind kind)
    {
        await using var database = await WithPeopleAsync(kind);
        Proposal proposal;
        await using (var db = database.CreateContext())
        {
            proposal = (await new OrganisationProposer(db, _clock).ProposeAsync(null, default))!;
        }
        var twice = Choices(proposal);
        twice[1] = twice[1] with { Code = "bn" };
        await using (var db = database.CreateContext())
        {
            var refused = await new OrganisationProposer(db, _clock).ApplyAsync(twice, proposal.Basis, "kari", default);
            Assert.False(refused.Succeeded);
            Assert.Contains("BN", refused.Error, StringComparison.Ordinal);
        }
        var intoNothing = Choices(proposal);
        intoNothing[5] = intoNothing[5] with { Include = true, Into = "TK" }; // the municipality's row is not included
        await using (var db = database.CreateContext())
        {
            var refused = await new OrganisationProposer(db, _clock).ApplyAsync(intoNothing, proposal.Basis, "kari", default);
            Assert.Equal("into", refused.Field);
        }

        await using (var db = database.CreateContext())
        {
            var person = await db.People.OrderBy(p => p.Id).FirstAsync();
            person.IsActive = false; // a newer import deactivated someone
            await db.SaveChangesAsync();
        }
        await using (var db = database.CreateContext())
        {
            var stale = await new OrganisationProposer(db, _clock).ApplyAsync(Choices(proposal), proposal.Basis, "kari", default);
            Assert.Equal("basis", stale.Field);
        }

        await using var check = database.CreateContext();
        Assert.Equal(0, await check.Agencies.CountAsync());
        Assert.Equal(0, await check.MappingRules.CountAsync());
        Assert.Equal(0, await check.People.CountAsync(p => p.AgencyId != null));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_central_team_previews_and_applies_on_the_page_and_an_agency_leader_may_not_open_it(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        using var central = await app.SignInAsync(Roles.ChangeLeader);
        using var leader = await app.SignInAsync(Roles.AgencyLeader, "SYE");
        using (var refused = await leader.GetAsync("/organisation/proposal"))
        {
            Assert.Contains("/account/access-denied", refused.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        var page = WebUtility.HtmlDecode(await central.GetStringAsync("/organisation/proposal"));
        // The demo is set up already: its agencies are found by name, and nothing new is proposed for them.
        Assert.Contains("finnes fra før", page, StringComparison.Ordinal);
        Assert.Contains("name=\"field\" value=\"CompanyName\"", page, StringComparison.Ordinal);
        var form = new List<KeyValuePair<string, string>>
        {
            new("__RequestVerificationToken", RunningApp.AntiforgeryToken(page)),
            new("_handler", "proposal"),
            new("basis", System.Text.RegularExpressions.Regex.Match(page, "name=\"basis\" value=\"([^\"]+)\"").Groups[1].Value),
            new("field", System.Text.RegularExpressions.Regex.Match(page, "name=\"field\" value=\"([^\"]+)\"").Groups[1].Value),
            new("action", "preview"),
        };
        var keys = System.Text.RegularExpressions.Regex.Matches(page, "name=\"key-(\\d+)\" value=\"([^\"]+)\"");
        var codes = System.Text.RegularExpressions.Regex.Matches(page, "name=\"code-(\\d+)\" value=\"([^\"]*)\"");
        Assert.True(keys.Count > 3);
        for (var i = 0; i < keys.Count; i++)
        {
            form.Add(new($"key-{i}", keys[i].Groups[2].Value));
            form.Add(new($"code-{i}", codes[i].Groups[2].Value));
            form.Add(new($"name-{i}", "x"));
            form.Add(new($"into-{i}", ""));
        }
        form.Add(new("include-0", "on"));

        using var previewed = await central.PostAsync("/organisation/proposal", new FormUrlEncodedContent(form));
        var preview = WebUtility.HtmlDecode(await previewed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, previewed.StatusCode);
        Assert.Matches("Med disse valgene blir [0-9\\s]+ ansatte plassert og [0-9\\s]+ stående uten virksomhet \\([01] nye virksomheter, 1 nye regler\\)", preview);

        form[4] = new("action", "apply");
        using var applied = await central.PostAsync("/organisation/proposal", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Redirect, applied.StatusCode);
        var result = WebUtility.HtmlDecode(await central.GetStringAsync(applied.Headers.Location!.OriginalString));
        Assert.Contains("Virksomhetene og reglene er opprettet", result, StringComparison.Ordinal);
        await using var db = app.Database.CreateContext();
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == "organisation.proposal.apply"));
    }

    /// <summary>
    /// An Entra export not imported yet: twelve people in Teknisk etat, eight in Skoleetaten Testvik, one alone in Ensom
    /// etat, and two disabled accounts that are not counted.
    /// </summary>
    private static string Export()
    {
        var text = new System.Text.StringBuilder("userPrincipalName,displayName,companyName,department,officeLocation,accountEnabled\r\n");
        for (var i = 0; i < 23; i++)
        {
            var company = i < 12 ? "Teknisk etat" : i < 20 ? "Skoleetaten Testvik" : i == 20 ? "Ensom etat" : "Teknisk etat";
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"f{i}@testvik.kommune.no,Fil {i},{company},Avdeling {i % 3},Kontor,{(i > 20 ? "False" : "True")}\r\n");
        }
        return text.ToString();
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_export_not_imported_yet_is_proposed_from_and_previewed_without_anything_saved(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var proposer = new OrganisationProposer(db, _clock);
        var file = EntraUserFile.Read(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Export())), "brukere.csv");
        Assert.Empty(file.Errors);

        Assert.Null(await proposer.ProposeAsync(null, default));
        var proposal = (await proposer.ProposeAsync(null, file, default))!;

        Assert.Equal(DirectoryField.CompanyName, proposal.Field);
        Assert.Equal(21, proposal.People);
        Assert.Equal(0, proposal.AlreadyPlaced);
        Assert.Equal([("Teknisk etat", 12, true), ("Skoleetaten Testvik", 8, true), ("Ensom etat", 1, false)],
            proposal.Rows.Select(r => (r.Value, r.People, r.Include)));
        var preview = await proposer.PreviewAsync(Choices(proposal), file, default);
        Assert.Equal(new ProposalPreview(20, 1, 2, 2), preview.Value);
        Assert.Equal(0, await db.Agencies.CountAsync());
        Assert.Equal(0, await db.People.CountAsync());
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task On_the_first_day_the_uploaded_export_is_proposed_from_applied_and_imported_in_one_go(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        using var central = await app.SignInAsync(Roles.ChangeLeader);
        await using (var empty = app.Database.CreateContext())
        {
            // A new installation: nobody imported yet (the signed-in account stays; it is not a directory person).
            await empty.People.ExecuteDeleteAsync();
        }
        var page = WebUtility.HtmlDecode(await central.GetStringAsync("/organisation/proposal"));
        Assert.Contains("action=\"/organisation/proposal/file\"", page, StringComparison.Ordinal);
        Assert.Contains("Ingen ansatte er importert ennå", page, StringComparison.Ordinal);

        // A bad line is refused with its file, line and column, and nothing is kept.
        using var bad = new MultipartFormDataContent
        {
            { new StringContent(RunningApp.AntiforgeryToken(page)), "__RequestVerificationToken" },
            { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes("userPrincipalName,displayName,accountEnabled\r\nkari@k.no,Kari,kanskje\r\n")), "file", "feil.csv" },
        };
        using var refused = await central.PostAsync("/organisation/proposal/file", bad);
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        var error = WebUtility.HtmlDecode(await central.GetStringAsync(refused.Headers.Location!.OriginalString));
        Assert.Contains("Filen ble ikke lest, og ingenting er lagret", error, StringComparison.Ordinal);
        Assert.Contains("feil.csv:2:3", error, StringComparison.Ordinal);
        var folder = Path.Combine(app.Database.Folder, "directory-uploads");
        Assert.False(Directory.Exists(folder) && Directory.EnumerateFiles(folder).Any());

        using var upload = new MultipartFormDataContent
        {
            { new StringContent(RunningApp.AntiforgeryToken(page)), "__RequestVerificationToken" },
            { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(Export())), "file", "brukere.csv" },
        };
        using var uploaded = await central.PostAsync("/organisation/proposal/file", upload);
        Assert.Equal(HttpStatusCode.Redirect, uploaded.StatusCode);
        var location = uploaded.Headers.Location!.OriginalString;
        Assert.StartsWith("/organisation/proposal?upload=", location, StringComparison.Ordinal);
        var proposed = WebUtility.HtmlDecode(await central.GetStringAsync(location));
        Assert.Contains("Forslaget bygger på filen brukere.csv", proposed, StringComparison.Ordinal);
        Assert.Contains("«Teknisk etat»", proposed, StringComparison.Ordinal);
        Assert.Contains("name=\"upload\" value=\"", proposed, StringComparison.Ordinal);

        var form = new List<KeyValuePair<string, string>>
        {
            new("__RequestVerificationToken", RunningApp.AntiforgeryToken(proposed)),
            new("_handler", "proposal"),
            new("basis", System.Text.RegularExpressions.Regex.Match(proposed, "name=\"basis\" value=\"([^\"]+)\"").Groups[1].Value),
            new("field", "CompanyName"),
            new("upload", System.Text.RegularExpressions.Regex.Match(proposed, "name=\"upload\" value=\"([^\"]+)\"").Groups[1].Value),
            new("action", "apply"),
        };
        var keys = System.Text.RegularExpressions.Regex.Matches(proposed, "name=\"key-(\\d+)\" value=\"([^\"]+)\"");
        var codes = System.Text.RegularExpressions.Regex.Matches(proposed, "name=\"code-(\\d+)\" value=\"([^\"]*)\"");
        var names = System.Text.RegularExpressions.Regex.Matches(proposed, "name=\"name-(\\d+)\" value=\"([^\"]*)\"");
        for (var i = 0; i < keys.Count; i++)
        {
            form.Add(new($"key-{i}", keys[i].Groups[2].Value));
            form.Add(new($"code-{i}", codes[i].Groups[2].Value));
            form.Add(new($"name-{i}", names[i].Groups[2].Value));
            form.Add(new($"into-{i}", ""));
            if (keys[i].Groups[2].Value.Contains("Teknisk etat", StringComparison.Ordinal) || keys[i].Groups[2].Value.Contains("Skoleetaten Testvik", StringComparison.Ordinal))
            {
                form.Add(new($"include-{i}", "on"));
            }
        }
        using var applied = await central.PostAsync("/organisation/proposal", new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.Redirect, applied.StatusCode);
        Assert.Contains("/organisation/imports/", applied.Headers.Location!.OriginalString, StringComparison.Ordinal);
        await using var db = app.Database.CreateContext();
        var teknisk = await db.Agencies.SingleAsync(a => a.Name == "Teknisk etat");
        Assert.Equal(12, await db.People.CountAsync(p => p.AgencyId == teknisk.Id && p.IsActive));
        Assert.Equal(8, await db.People.CountAsync(p => p.Agency!.Name == "Skoleetaten Testvik" && p.IsActive));
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == "organisation.proposal.apply"));
        Assert.Equal(ImportStatus.Succeeded, (await db.DirectoryImports.OrderByDescending(i => i.Id).FirstAsync()).Status);
        // The export held names and addresses: it is not kept once imported.
        Assert.Empty(Directory.EnumerateFiles(folder));
    }
}
