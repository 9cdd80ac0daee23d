using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Effects;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Effects;

/// <summary>The effects pages, the change-log form and the API through the running app.</summary>
public sealed class EffectsWebTests
{
    private static string Location(HttpResponseMessage response) =>
        response.Headers.Location is { } location ? (location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString) : "";

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_central_team_records_an_intervention_on_the_page_and_reads_its_effect_on_the_page_and_in_the_api(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        Dictionary<string, int> ids;
        await using (var db = app.Database.CreateContext())
        {
            ids = await EffectSeed.SeedAsync(db);
        }
        using var central = await app.SignInAsync(Roles.ChangeLeader);
        using var leader = await app.SignInAsync(Roles.AgencyLeader, "A00");
        using var otherLeader = await app.SignInAsync(Roles.AgencyLeader, "A01");

        async Task<HttpResponseMessage> PostAsync(string name, string date, params string[] agencies)
        {
            var form = new List<KeyValuePair<string, string>>
            {
                new("_handler", "intervention"),
                new("__RequestVerificationToken", RunningApp.AntiforgeryToken(await central.GetStringAsync("/effects/new"))),
                new("Form.Name", name),
                new("Form.Kind", "Training"),
                new("Form.StartsOn", date),
                new("Form.Note", "Opplæring for alle"),
            };
            form.AddRange(agencies.Select(a => new KeyValuePair<string, string>("Form.AgencyIds", ids[a].ToString(System.Globalization.CultureInfo.InvariantCulture))));
            return await central.PostAsync("/effects/new", new FormUrlEncodedContent(form));
        }

        using (var refused = await PostAsync("Teams-uke", ""))
        {
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            var body = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
            Assert.Contains("Startdato må fylles ut", body, StringComparison.Ordinal);
        }
        using var created = await PostAsync("Teams-uke", "2026-04-06", "A00");
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var page = Location(created);
        Assert.StartsWith("/effects/", page, StringComparison.Ordinal);

        // Before the estimates run, the page says so; then the effects are computed as the job would.
        Assert.Contains("Ikke beregnet ennå", WebUtility.HtmlDecode(await central.GetStringAsync(page)), StringComparison.Ordinal);
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            Assert.Equal(2, await scope.ServiceProvider.GetRequiredService<EffectEstimator>().EstimateAllAsync(default));
        }

        var detail = WebUtility.HtmlDecode(await central.GetStringAsync(page));
        Assert.Contains("Teams-uke", detail, StringComparison.Ordinal);
        Assert.Contains("data-chart=", detail, StringComparison.Ordinal);
        Assert.Contains("Uke for uke", detail, StringComparison.Ordinal);
        Assert.Contains("Uke −12", detail, StringComparison.Ordinal);
        Assert.Contains("prosentpoeng", detail, StringComparison.Ordinal);
        Assert.Contains(">Effekt</span>", detail, StringComparison.Ordinal);
        Assert.Contains("Slett tiltaket", detail, StringComparison.Ordinal);

        var overview = WebUtility.HtmlDecode(await leader.GetStringAsync("/effects"));
        Assert.Contains("Teams-uke", overview, StringComparison.Ordinal);
        Assert.DoesNotContain("Registrer et tiltak", overview, StringComparison.Ordinal); // leaders read, the central team records
        Assert.DoesNotContain("Teams-uke", await otherLeader.GetStringAsync("/effects"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await otherLeader.GetAsync(page)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherLeader.GetAsync("/effects?agency=A00")).StatusCode);
        using (var form = await leader.GetAsync("/effects/new"))
        {
            Assert.Contains("/account/access-denied", Location(form), StringComparison.Ordinal);
        }
        Assert.Contains("Teams-uke", await leader.GetStringAsync("/agencies/A00"), StringComparison.Ordinal);

        using (var json = JsonDocument.Parse(await leader.GetStringAsync("/api/effects")))
        {
            var rows = json.RootElement.EnumerateArray().ToList();
            Assert.Equal(["teams.active7", "teams.chatMessages"], rows.Select(r => r.GetProperty("metric").GetString()));
            var share = rows[0];
            Assert.Equal("Teams-uke", share.GetProperty("intervention").GetString());
            Assert.Equal("training", share.GetProperty("kind").GetString());
            Assert.Equal("share", share.GetProperty("unit").GetString());
            Assert.Equal(["A00"], share.GetProperty("treatedAgencies").EnumerateArray().Select(a => a.GetString()));
            Assert.Equal(5, share.GetProperty("comparisonAgencies").GetArrayLength());
            Assert.Equal("effect", share.GetProperty("verdict").GetString());
            Assert.True(share.GetProperty("preTrendOk").GetBoolean());
            Assert.InRange(EffectSeed.Jump, share.GetProperty("ciLow").GetDouble(), share.GetProperty("ciHigh").GetDouble());
            Assert.Equal(20, share.GetProperty("eventStudy").GetArrayLength());
        }
        Assert.Equal("[]", await otherLeader.GetStringAsync("/api/effects"));

        // The effect holds: the central team carries it into a benefit's hand-measured indicator.
        int indicator;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var editor = scope.ServiceProvider.GetRequiredService<BenefitsEditor>();
            var user = BenefitsTemplate.System("endringsleder");
            var goal = (await editor.SaveGoalAsync(null, new GoalInput("Økt digital samhandling", null), user, default)).Value!.Id;
            var benefit = (await editor.SaveBenefitAsync(null, new BenefitInput(goal, "Mer samhandling i Teams", null, "Direktør", new DateOnly(2026, 1, 1),
                new DateOnly(2027, 12, 31), false, true, null, null, [ids["A00"]]), user, default)).Value!.Id;
            indicator = (await editor.SaveIndicatorAsync(null, new IndicatorInput(benefit, "Økning i andel aktive etter opplæring", null, "prosentpoeng", true,
                IndicatorSource.Manual, null, new DateOnly(2026, 1, 1), 0, MeasurementSchedule.Quarterly, null, null, null, [new TargetInput(new DateOnly(2027, 6, 30), 10)]), user, default)).Value!.Id;
        }
        var carryPage = WebUtility.HtmlDecode(await central.GetStringAsync(page));
        Assert.Contains("Før inn i gevinstrealiseringen", carryPage, StringComparison.Ordinal);
        Assert.DoesNotContain("Før inn i gevinstrealiseringen", WebUtility.HtmlDecode(await leader.GetStringAsync(page)), StringComparison.Ordinal);
        using (var carried = await central.PostAsync(page, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "carry",
            ["__RequestVerificationToken"] = RunningApp.AntiforgeryToken(carryPage),
            ["Carry.Metric"] = "teams.active7",
            ["Carry.IndicatorId"] = indicator.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })))
        {
            Assert.Equal(HttpStatusCode.OK, carried.StatusCode);
            Assert.Contains("er ført inn som måling", WebUtility.HtmlDecode(await carried.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }
        await using (var stored = app.Database.CreateContext())
        {
            var result = await stored.EffectResults.SingleAsync(r => r.Metric == "teams.active7");
            var measurement = await stored.Measurements.SingleAsync(m => m.IndicatorId == indicator);
            Assert.Equal(Math.Round(result.Estimate!.Value * 100, 1), measurement.Value);
            Assert.Equal(ids["A00"], measurement.AgencyId);
            Assert.Equal(new DateOnly(2026, 6, 7), measurement.Date); // the Sunday of the eighth week after
            Assert.Contains("95 %-intervall", measurement.Comment, StringComparison.Ordinal);
            Assert.Contains("Teams-uke", measurement.Comment, StringComparison.Ordinal);
        }

        using var deleted = await central.PostAsync(page, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "delete",
            ["__RequestVerificationToken"] = RunningApp.AntiforgeryToken(await central.GetStringAsync(page)),
            ["Delete.Confirm"] = "true",
        }));
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal("/effects", Location(deleted));
        Assert.Equal(HttpStatusCode.NotFound, (await central.GetAsync(page)).StatusCode);
        await using var check = app.Database.CreateContext();
        Assert.Equal(0, await check.EffectResults.CountAsync());
        Assert.Equal(["effects.intervention.create", "effects.intervention.delete"],
            await check.AuditEntries.Where(a => a.Action.StartsWith("effects.")).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_derived_intervention_links_to_its_source_and_a_leader_sees_no_level_of_agencies_outside_their_scope(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        Dictionary<string, int> ids;
        int shareId, derivedId, sharedId;
        await using (var db = app.Database.CreateContext())
        {
            ids = await EffectSeed.SeedAsync(db);
            var share = new Oppdrift.ShareMigration.SourceShare { AgencyId = ids["A03"], Name = @"\\fil01\a03$", CreatedAt = new DateTime(2026, 1, 5, 0, 0, 0, DateTimeKind.Utc), CreatedBy = "test" };
            db.SourceShares.Add(share);
            await db.SaveChangesAsync();
            var migrated = new DateTime(2026, 4, 8, 10, 0, 0, DateTimeKind.Utc);
            var mapping = new Oppdrift.ShareMigration.ShareMapping
            {
                ShareId = share.Id,
                SourceFolder = "",
                SiteUrl = "https://kommune.sharepoint.com/sites/a03",
                Library = "Shared Documents",
                TargetFolder = "",
                State = Oppdrift.ShareMigration.MappingState.Migrated,
                StateChangedAt = migrated,
                StateChangedBy = "test",
            };
            mapping.History.Add(new Oppdrift.ShareMigration.ShareMappingChange { State = Oppdrift.ShareMigration.MappingState.Migrated, At = migrated, By = "test" });
            db.ShareMappings.Add(mapping);
            await db.SaveChangesAsync();
            shareId = share.Id;
        }
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var saved = await scope.ServiceProvider.GetRequiredService<InterventionLog>().SaveAsync(null, new InterventionInput
            {
                Name = "Teams-uke for to etater",
                Kind = InterventionKind.Training,
                StartsOn = EffectSeed.JumpDay,
                AgencyIds = [ids["A00"], ids["A01"]],
                Metrics = ["teams.active7"],
            }, BenefitsTemplate.System("endringsleder"), default);
            Assert.True(saved.Succeeded, saved.Error);
            sharedId = saved.Value!.Id;
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<InterventionSources>().SyncAsync(default));
            await scope.ServiceProvider.GetRequiredService<EffectEstimator>().EstimateAllAsync(default);
        }
        await using (var db = app.Database.CreateContext())
        {
            derivedId = (await db.Interventions.SingleAsync(i => i.SourceKind == InterventionSource.Share)).Id;
        }
        using var central = await app.SignInAsync(Roles.ChangeLeader);
        using var leader = await app.SignInAsync(Roles.AgencyLeader, "A00");

        // The derived one: its source instead of the edit and delete forms; its edit address leads back to its page.
        var derived = WebUtility.HtmlDecode(await central.GetStringAsync($"/effects/{derivedId}"));
        Assert.Contains($"href=\"/migration/shares/{shareId}\"", derived, StringComparison.Ordinal);
        Assert.Contains("følger kilden", derived, StringComparison.Ordinal);
        Assert.DoesNotContain("Slett tiltaket", derived, StringComparison.Ordinal);
        Assert.DoesNotContain($"/effects/{derivedId}/edit", derived, StringComparison.Ordinal);
        using (var edit = await central.GetAsync($"/effects/{derivedId}/edit"))
        {
            Assert.Equal($"/effects/{derivedId}", Location(edit));
        }
        Assert.Contains(@"\\fil01\a03$", WebUtility.HtmlDecode(await central.GetStringAsync("/effects")), StringComparison.Ordinal);

        // Done to A00 and A01: the leader of A00 reads the combined estimate, but not the treated group's level, head count or dose.
        static JsonElement Row(string json) => JsonDocument.Parse(json).RootElement.EnumerateArray().Single(r => r.GetProperty("intervention").GetString() == "Teams-uke for to etater");
        var full = Row(await central.GetStringAsync("/api/effects"));
        var scoped = Row(await leader.GetStringAsync("/api/effects"));
        Assert.NotEqual(JsonValueKind.Null, full.GetProperty("before").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, full.GetProperty("treatedPeople").ValueKind);
        Assert.Equal(JsonValueKind.Null, scoped.GetProperty("before").ValueKind);
        Assert.Equal(JsonValueKind.Null, scoped.GetProperty("treatedPeople").ValueKind);
        Assert.Equal(full.GetProperty("estimate").GetDouble(), scoped.GetProperty("estimate").GetDouble());
        Assert.Equal(full.GetProperty("ciLow").GetDouble(), scoped.GetProperty("ciLow").GetDouble());
        var centralPage = WebUtility.HtmlDecode(await central.GetStringAsync($"/effects/{sharedId}"));
        var leaderPage = WebUtility.HtmlDecode(await leader.GetStringAsync($"/effects/{sharedId}"));
        Assert.Matches("Nivå før</dt><dd>[0-9]", centralPage);
        Assert.Contains("Nivå før</dt><dd>–", leaderPage, StringComparison.Ordinal);
        Assert.Matches(@"\([0-9][0-9\s\u00a0\u202f]* ansatte\)", centralPage);
        Assert.DoesNotMatch(@"\([0-9][0-9\s\u00a0\u202f]* ansatte\)", leaderPage);
    }
}
