using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Effects;
using Oppdrift.Organisation;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Tests.Learning;
using Oppdrift.Tests.Processes;

namespace Oppdrift.Tests.Effects;

/// <summary>
/// Interventions done to units within an agency: recorded with their agencies, judged on the agencies' figures with the
/// units' share of the people as the dose, and not judged at all where the units are too small a part of their agency.
/// </summary>
public sealed class InterventionUnitTests
{
    /// <summary>Splits <paramref name="people"/> of an agency into units of the sizes given, named "Enhet 1", "Enhet 2"…</summary>
    private static async Task<List<Unit>> UnitsAsync(OppdriftDb db, int agencyId, string prefix, params int[] sizes)
    {
        var units = sizes.Select((_, i) => new Unit { AgencyId = agencyId, Name = $"Enhet {i + 1}" }).ToList();
        db.Units.AddRange(units);
        await db.SaveChangesAsync();
        var people = await LearningSeed.PeopleAsync(db, sizes.Sum(), agencyId, prefix);
        var at = 0;
        for (var u = 0; u < sizes.Length; u++)
        {
            foreach (var person in people.Skip(at).Take(sizes[u]))
            {
                person.UnitId = units[u].Id;
            }
            at += sizes[u];
        }
        await db.SaveChangesAsync();
        return units;
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Units_name_their_agency_and_a_large_enough_share_is_judged_on_the_agency_with_the_units_dose(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await EffectSeed.SeedAsync(db);
        // A00 (50 people) has the planted jump: its units of 30 and 20 people. A05 (100): a unit of 5 (5 %).
        var a00 = await UnitsAsync(db, ids["A00"], "a00-", 30, 20);
        var a05 = await UnitsAsync(db, ids["A05"], "a05-", 5, 95);
        var clock = EffectSeed.Clock();
        var log = EffectSeed.Log(db, clock);

        var saved = await log.SaveAsync(null, new InterventionInput
        {
            Name = "Hjelp på to avdelinger",
            Kind = InterventionKind.Help,
            StartsOn = EffectSeed.JumpDay,
            UnitIds = [a00[0].Id, a05[0].Id],
            Metrics = ["teams.active7"],
        }, ProcessUsers.Central, default);
        Assert.True(saved.Succeeded, saved.Error);
        await EffectSeed.Estimator(db, clock).EstimateAllAsync(default);

        var row = Assert.Single(await EffectSeed.Queries(db).ListAsync(null, null, default));
        Assert.Equal(["Etat A00", "Etat A05"], row.Agencies.Select(a => a.Name));
        Assert.Equal([(ids["A00"], "Enhet 1"), (ids["A05"], "Enhet 1")], row.Units.Select(u => (u.AgencyId, u.Name)));
        var result = Assert.Single(row.Effects).Result;
        // A05's unit holds 5 % of it, under the minimum dose: neither treated nor compared with.
        Assert.Equal([ids["A00"]], result.Treated);
        Assert.DoesNotContain(ids["A05"], result.Comparison);
        Assert.Equal(30.0 / 50, result.Dose!.Value, 9);
        // The whole of A00 jumped in the seed, so its figures show it.
        Assert.Equal(EffectVerdict.Effect, result.Verdict);
        Assert.InRange(EffectSeed.Jump, result.Low!.Value, result.High!.Value);
        var audit = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "effects.intervention.create");
        Assert.Contains($"\"Units\":[{Math.Min(a00[0].Id, a05[0].Id)},{Math.Max(a00[0].Id, a05[0].Id)}]", audit.After, StringComparison.Ordinal);
        var response = Assert.Single(EffectsModule.Responses([row]));
        Assert.Equal(["A00:Enhet 1", "A05:Enhet 1"], response.Units);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Units_too_small_a_part_of_their_agency_give_cannot_tell_and_an_agency_named_whole_is_treated_whole(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await EffectSeed.SeedAsync(db);
        var a05 = await UnitsAsync(db, ids["A05"], "a05-", 5, 95);
        var clock = EffectSeed.Clock();
        var log = EffectSeed.Log(db, clock);
        var small = (await log.SaveAsync(null, new InterventionInput
        {
            Name = "Drop-in på ett kontor",
            Kind = InterventionKind.Help,
            StartsOn = EffectSeed.JumpDay,
            UnitIds = [a05[0].Id],
            Metrics = ["teams.active7"],
        }, ProcessUsers.Central, default)).Value!;
        var whole = (await log.SaveAsync(null, new InterventionInput
        {
            Name = "Teams-uke",
            Kind = InterventionKind.Training,
            StartsOn = EffectSeed.JumpDay,
            AgencyIds = [ids["A00"]],
            Metrics = ["teams.active7"],
        }, ProcessUsers.Central, default)).Value!;

        await EffectSeed.Estimator(db, clock).EstimateAllAsync(default);

        var results = await db.EffectResults.AsNoTracking().ToDictionaryAsync(r => r.InterventionId);
        Assert.Equal(EffectVerdict.CannotTell, results[small.Id].Verdict);
        Assert.Equal(CannotTellReason.DoseTooLow, results[small.Id].Reason);
        Assert.Null(results[small.Id].Estimate);
        Assert.Empty(results[small.Id].Treated);
        // Help and training work on the same habits, and the help starts inside the training's window: A05 is no comparison
        // for the training either.
        Assert.Equal([ids["A00"]], results[whole.Id].Treated);
        Assert.DoesNotContain(ids["A05"], results[whole.Id].Comparison);
        Assert.Null(results[whole.Id].Dose);
        Assert.Equal(EffectVerdict.Effect, results[whole.Id].Verdict);
        // The stored agencies are those named: nothing is taken away by the estimate.
        Assert.Equal([ids["A05"]], await db.InterventionAgencies.Where(a => a.InterventionId == small.Id).Select(a => a.AgencyId).ToListAsync());
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_unknown_unit_or_units_with_a_programme_are_refused_naming_the_field_and_nothing_is_saved(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await EffectSeed.SeedAsync(db);
        var units = await UnitsAsync(db, ids["A00"], "a00-", 10);
        var (programme, _) = await LearningSeed.ProgrammeAsync(db, capacity: null);
        var log = EffectSeed.Log(db, EffectSeed.Clock());

        var unknown = await log.SaveAsync(null, new InterventionInput
        {
            Name = "Hjelp",
            Kind = InterventionKind.Help,
            StartsOn = EffectSeed.JumpDay,
            UnitIds = [units[0].Id + 1000],
        }, ProcessUsers.Central, default);
        var withProgramme = await log.SaveAsync(null, new InterventionInput
        {
            Name = "Kurs",
            Kind = InterventionKind.Training,
            StartsOn = EffectSeed.JumpDay,
            ProgrammeId = programme.Id,
            UnitIds = [units[0].Id],
        }, ProcessUsers.Central, default);

        Assert.Equal("units", unknown.Field);
        Assert.Contains((units[0].Id + 1000).ToString(System.Globalization.CultureInfo.InvariantCulture), unknown.Error, StringComparison.Ordinal);
        Assert.Equal("units", withProgramme.Field);
        Assert.Equal(0, await db.Interventions.CountAsync());
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Editing_replaces_the_units_and_the_audit_shows_them_before_and_after(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await EffectSeed.SeedAsync(db);
        var units = await UnitsAsync(db, ids["A00"], "a00-", 30, 20);
        var log = EffectSeed.Log(db, EffectSeed.Clock());
        var id = (await log.SaveAsync(null, new InterventionInput
        {
            Name = "Hjelp",
            Kind = InterventionKind.Help,
            StartsOn = EffectSeed.JumpDay,
            UnitIds = [units[0].Id],
        }, ProcessUsers.Central, default)).Value!.Id;

        var changed = await log.SaveAsync(id, new InterventionInput
        {
            Name = "Hjelp",
            Kind = InterventionKind.Help,
            StartsOn = EffectSeed.JumpDay,
            AgencyIds = [ids["A01"]],
            UnitIds = [units[1].Id],
        }, ProcessUsers.Central, default);

        Assert.True(changed.Succeeded, changed.Error);
        await using var read = database.CreateContext();
        var stored = await read.Interventions.AsNoTracking().Include(i => i.Agencies).Include(i => i.Units).AsSplitQuery().SingleAsync(i => i.Id == id);
        Assert.Equal([units[1].Id], stored.Units.Select(u => u.UnitId));
        Assert.Equal([ids["A00"], ids["A01"]], stored.Agencies.Select(a => a.AgencyId).Order());
        var update = await read.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "effects.intervention.update");
        Assert.Contains($"\"Units\":[{units[0].Id}]", update.Before, StringComparison.Ordinal);
        Assert.Contains($"\"Units\":[{units[1].Id}]", update.After, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_central_team_chooses_units_on_the_form_and_the_intervention_and_agency_pages_name_them(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        Dictionary<string, int> ids;
        List<Unit> units;
        await using (var db = app.Database.CreateContext())
        {
            ids = await EffectSeed.SeedAsync(db);
            units = await UnitsAsync(db, ids["A00"], "a00-", 30, 20);
        }
        using var central = await app.SignInAsync(Roles.ChangeLeader);
        var blank = await central.GetStringAsync("/effects/new");
        Assert.Contains("<optgroup label=\"Etat A00\">", blank, StringComparison.Ordinal);

        using var created = await central.PostAsync("/effects/new", new FormUrlEncodedContent(
        [
            new("_handler", "intervention"),
            new("__RequestVerificationToken", RunningApp.AntiforgeryToken(blank)),
            new("Form.Name", "Hjelp på Enhet 1"),
            new("Form.Kind", "Help"),
            new("Form.StartsOn", "2026-04-06"),
            new("Form.UnitIds", units[0].Id.ToString(CultureInfo.InvariantCulture)),
        ]));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var page = created.Headers.Location!.OriginalString;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<EffectEstimator>().EstimateAllAsync(default);
        }

        var detail = WebUtility.HtmlDecode(await central.GetStringAsync(page));
        Assert.Contains("Enhet 1 (Etat A00)", detail, StringComparison.Ordinal);
        Assert.Contains("effekten måles på virksomhetens tall", detail, StringComparison.Ordinal);
        Assert.Contains("(Enhet 1)", WebUtility.HtmlDecode(await central.GetStringAsync("/agencies/A00")), StringComparison.Ordinal);
        // The edit form names the agency through its unit, not as a whole.
        var edit = await central.GetStringAsync(page + "/edit");
        string List(string id) => edit[edit.IndexOf($"id=\"{id}\"", StringComparison.Ordinal)..][..edit[edit.IndexOf($"id=\"{id}\"", StringComparison.Ordinal)..].IndexOf("</select>", StringComparison.Ordinal)];
        Assert.Contains($"<option value=\"{units[0].Id}\" selected", List("i-units"), StringComparison.Ordinal);
        Assert.DoesNotContain("selected", List("i-agencies"), StringComparison.Ordinal);
    }
}
