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
            var person = await db.People.FirstAsync();
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
}
