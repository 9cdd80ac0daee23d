using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Web;

/// <summary>
/// Walks every endpoint the app maps against every role, signed in through the real login form,
/// and checks the answer against the policy the endpoint declares.
/// </summary>
public sealed class AuthorizationMatrixTests
{
    private static readonly Roles[] SignedInRoles =
        [Roles.Employee, Roles.ProgrammeOwner, Roles.AgencyLeader, Roles.ChangeLeader, Roles.SystemOwner, Roles.Administrator];

    private sealed record Declared(string Route, string? Method, string? Policy, bool Anonymous, string? Name);

    private static List<Declared> DeclaredEndpoints(IServiceProvider services)
    {
        var endpoints = services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>();
        var declared = new List<Declared>();
        foreach (var endpoint in endpoints)
        {
            if (endpoint.Metadata.GetMetadata<StaticAssetDescriptor>() is not null)
            {
                continue; // CSS, scripts and images: anonymous by a single convention in the host.
            }
            if (endpoint.DisplayName == "Fallback {**path:file}")
            {
                // Static assets' fallback for files added after a build; only when running from a build
                // (not a publish), and the host's fallback policy still requires a signed-in user.
                continue;
            }
            var route = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            var method = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods is [var first, ..] ? first : null;
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var policy = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).LastOrDefault(p => p is not null);
            declared.Add(new Declared(route, method, policy, anonymous, endpoint.DisplayName));
        }
        return declared;
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Every_endpoint_declares_a_policy_and_every_role_gets_exactly_what_the_policy_admits(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind);
        var declared = DeclaredEndpoints(app.App.Services);

        var undeclared = declared.Where(d => !d.Anonymous && d.Policy is null).Select(d => $"{d.Method} {d.Route} ({d.Name})").ToList();
        Assert.True(undeclared.Count == 0, "Endpoints without a policy or [AllowAnonymous]: " + string.Join(", ", undeclared));
        Assert.Contains(declared, d => d.Route == "/organisation/rules");
        Assert.Contains(declared, d => d.Route == "/api/agencies");
        Assert.Contains(declared, d => d.Route == "/usage/workloads/{Workload}");
        Assert.Contains(declared, d => d.Route == "/api/usage/overview");
        Assert.Contains(declared, d => d.Route == "/benefits/measurements/{id:long}/delete" && d.Method == "POST" && d.Policy == Policies.Insight);
        Assert.Contains(declared, d => d.Route == "/api/processes/" && d.Policy == Policies.Insight);
        Assert.Contains(declared, d => d.Route == "/processes/export.csv" && d.Policy == Policies.Insight);
        Assert.Contains(declared, d => d.Route == "/processes/export.xlsx" && d.Policy == Policies.Insight);
        Assert.Contains(declared, d => d.Route == "/processes/{id:int}/summary.docx" && d.Policy == Policies.Insight);
        Assert.Contains(declared, d => d.Route == "/processes/{ProcessId:int}" && d.Policy == Policies.Insight);
        Assert.Contains(declared, d => d.Route == "/processes/candidates" && d.Policy == Policies.CentralTeam);
        Assert.Contains(declared, d => d.Route == "/surveys" && d.Policy == Policies.Insight);
        Assert.Contains(declared, d => d.Route == "/surveys/new" && d.Policy == Policies.CentralTeam);
        Assert.Contains(declared, d => d.Route == "/surveys/import/upload" && d.Method == "POST" && d.Policy == Policies.CentralTeam);
        Assert.Contains(declared, d => d.Route == "/surveys/{id:int}/results.csv" && d.Policy == Policies.Insight);
        Assert.Contains(declared, d => d.Route == "/api/surveys/import" && d.Method == "POST" && d.Policy == Policies.CentralTeam);
        // The answer page is reached by the personal link alone.
        Assert.Contains(declared, d => d.Route == "/survey/answer/{Token}" && d.Anonymous);

        var samples = await SampleValuesAsync(app);
        var clients = new Dictionary<string, HttpClient> { ["anonymous"] = app.Anonymous() };
        foreach (var role in SignedInRoles)
        {
            clients[role.ToString()] = await app.SignInAsync(role, "SYE");
        }

        var failures = new List<string>();
        foreach (var endpoint in declared.Where(d => d.Method is null or "GET"))
        {
            var url = Fill(endpoint.Route, samples);
            if (url is null || endpoint.Route.StartsWith("/_", StringComparison.Ordinal))
            {
                continue;
            }
            foreach (var (who, client) in clients)
            {
                var roles = who == "anonymous" ? Roles.None : Enum.Parse<Roles>(who) | Roles.Employee;
                var admitted = endpoint.Anonymous || (Policies.Admits[endpoint.Policy!] & roles) != 0;
                using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                HttpResponseMessage response;
                try
                {
                    response = await client.GetAsync(url, cancel.Token);
                }
                catch (TaskCanceledException)
                {
                    failures.Add($"{who} GET {url}: no answer in 30 s");
                    continue;
                }
                using var _ = response;
                var outcome = Classify(response);
                var expected = admitted ? "allowed" : who == "anonymous" ? "challenged" : "forbidden";
                if (outcome != expected)
                {
                    failures.Add($"{who} GET {url} ({endpoint.Policy ?? "anonymous"}): expected {expected}, got {outcome} ({(int)response.StatusCode} {response.Headers.Location})");
                }
            }
        }
        foreach (var endpoint in declared.Where(d => d.Method is "POST" && !d.Anonymous))
        {
            using var response = await clients["anonymous"].PostAsync(Fill(endpoint.Route, samples), new FormUrlEncodedContent([]));
            if (Classify(response) is "allowed")
            {
                failures.Add($"anonymous POST {endpoint.Route} was allowed ({(int)response.StatusCode})");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Every_form_post_a_signed_in_browser_makes_requires_the_pages_antiforgery_token(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        var posts = app.App.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("POST") == true
                && e.Metadata.GetMetadata<IAllowAnonymous>() is null
                && !e.RoutePattern.RawText!.TrimStart('/').StartsWith("api/", StringComparison.Ordinal))
            .ToList();

        Assert.Contains(posts, e => e.RoutePattern.RawText == "/benefits/measurements/{id:long}/delete");
        Assert.Contains(posts, e => e.RoutePattern.RawText == "/surveys/import/upload");
        var unguarded = posts.Where(e => e.Metadata.GetMetadata<IAntiforgeryMetadata>() is not { RequiresValidation: true })
            .Select(e => e.RoutePattern.RawText).ToList();
        Assert.True(unguarded.Count == 0, "Form posts that accept a request without the page's antiforgery token: " + string.Join(", ", unguarded));
    }

    /// <summary>
    /// CSRF: every route that accepts POST, PUT, PATCH or DELETE, pages, form endpoints and the JSON API alike, is sent the
    /// request another site could make a signed-in browser send (the cookie, no token) and must answer 400. Route values are
    /// filled with placeholders: the refusal comes before the handler looks anything up, so a new route cannot slip through
    /// for want of sample data.
    /// </summary>
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Every_state_changing_route_refuses_a_cookie_request_without_the_antiforgery_token(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        string[] changing = [HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete];
        var routes = app.App.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<StaticAssetDescriptor>() is null)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? changing).Intersect(changing)
                .Select(method => (Method: method, Route: "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .Where(r => !r.Route.Contains("{*", StringComparison.Ordinal) && r.Route != "/{**path:file}")
            .Distinct()
            .ToList();
        Assert.Contains(routes, r => r.Method == "POST" && r.Route == "/api/usage/imports");
        Assert.Contains(routes, r => r.Method == "DELETE" && r.Route == "/api/learning/sessions/{id:int}/registration");
        Assert.Contains(routes, r => r.Method == "POST" && r.Route == "/account/logout");
        Assert.Contains(routes, r => r.Method == "POST" && r.Route == "/admin/accounts/{Id:int}");

        var placeholders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["code"] = "SYE", ["workload"] = "teams", ["token"] = "x" };
        using var administrator = await app.SignInAsync(Roles.Administrator);
        var failures = new List<string>();
        foreach (var (method, route) in routes)
        {
            var url = Fill(route, placeholders, fallback: "1")!;
            using var request = new HttpRequestMessage(new HttpMethod(method), url)
            {
                Content = method == HttpMethods.Delete ? null : new FormUrlEncodedContent([new("_handler", "x")]),
            };
            using var response = await administrator.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.BadRequest)
            {
                failures.Add($"{method} {url} without a token answered {(int)response.StatusCode}");
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));

        // The same API call with the token from /api/antiforgery is let through to its handler (which finds no such session).
        using var script = await RunningApp.WithApiTokenAsync(await app.SignInAsync(Roles.Administrator));
        using var withToken = await script.DeleteAsync("/api/learning/sessions/999999/registration");
        Assert.NotEqual(HttpStatusCode.BadRequest, withToken.StatusCode);
        using var withoutCookie = await app.Anonymous().DeleteAsync("/api/learning/sessions/999999/registration");
        Assert.Equal(HttpStatusCode.Unauthorized, withoutCookie.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_agency_leader_sees_only_their_own_agencies(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind);
        var leader = await app.SignInAsync(Roles.AgencyLeader, "SYE");

        var own = await leader.GetAsync("/agencies/SYE");
        var other = await leader.GetAsync("/agencies/BNO");
        var otherApi = await leader.GetAsync("/api/agencies/BNO");
        var list = await leader.GetStringAsync("/api/agencies");
        var missing = await leader.GetAsync("/api/agencies/NOPE");
        var missingPage = await leader.GetAsync("/no-such-page");

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.DoesNotContain("Bydel Nord", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, otherApi.StatusCode);
        Assert.Contains("\"SYE\"", list, StringComparison.Ordinal);
        Assert.DoesNotContain("\"BNO\"", list, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, missingPage.StatusCode);
        Assert.Contains("Fant ikke siden", await missingPage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Routes with ids, with real objects in two agencies: the leader of one gets their own objects (200: a 404 here would
    /// be a wrong id, not a pass) and, for the other agency's, 403 or 404 (or the access-denied page) without its data.
    /// </summary>
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Another_agencys_objects_answer_an_agency_leader_403_or_404_and_never_show_their_data(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        int ownBenefit, otherBenefit, ownIndicator, otherIndicator;
        long otherMeasurement;
        string otherName;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
            var editor = scope.ServiceProvider.GetRequiredService<Oppdrift.Benefits.BenefitsEditor>();
            var central = Oppdrift.Benefits.BenefitsTemplate.System("endringsleder");
            var agencies = await db.Agencies.Where(a => a.Code == "SYE" || a.Code == "BNO").ToDictionaryAsync(a => a.Code);
            otherName = agencies["BNO"].Name;
            var baseline = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime).AddDays(-30);
            var goal = (await editor.SaveGoalAsync(null, new Oppdrift.Benefits.GoalInput("Mindre papir", null), central, default)).Value!.Id;
            async Task<(int Benefit, int Indicator)> SeedAsync(string name, int agencyId)
            {
                var benefit = (await editor.SaveBenefitAsync(null, new Oppdrift.Benefits.BenefitInput(goal, name, null, "Direktør", baseline, baseline.AddYears(1),
                    false, true, null, null, [agencyId]), central, default)).Value!.Id;
                var indicator = (await editor.SaveIndicatorAsync(null, Oppdrift.Tests.Benefits.BenefitsServices.Survey(benefit, baseline), central, default)).Value!.Id;
                return (benefit, indicator);
            }
            (ownBenefit, ownIndicator) = await SeedAsync("Hemmelig gevinst i egen etat", agencies["SYE"].Id);
            (otherBenefit, otherIndicator) = await SeedAsync("Hemmelig gevinst i Bydel Nord", agencies["BNO"].Id);
            otherMeasurement = (await editor.AddMeasurementAsync(new Oppdrift.Benefits.MeasurementInput(otherIndicator, agencies["BNO"].Id, baseline.AddDays(10), 4.2,
                "Kun for Bydel Nord"), central, default)).Value!.Id;
        }
        using var leader = await app.SignInAsync(Roles.AgencyLeader, "SYE");

        string[] own =
        [
            "/agencies/SYE", "/api/agencies/SYE", "/usage/agencies/SYE", "/api/usage/agencies/SYE", $"/benefits/{ownBenefit}", $"/benefits/{ownBenefit}/edit",
            $"/benefits/{ownBenefit}/indicators/new", $"/benefits/{ownBenefit}/indicators/{ownIndicator}", "/api/benefits?agency=SYE",
            "/benefits/report.docx?agency=SYE", "/benefits/report.xlsx?agency=SYE", "/migration/agencies/SYE/spmt.csv",
        ];
        string[] other =
        [
            "/agencies/BNO", "/api/agencies/BNO", "/usage/agencies/BNO", "/api/usage/agencies/BNO", $"/benefits/{otherBenefit}", $"/benefits/{otherBenefit}?agency=BNO",
            $"/benefits/{otherBenefit}/edit", $"/benefits/{otherBenefit}/indicators/new", $"/benefits/{otherBenefit}/indicators/{otherIndicator}",
            "/api/benefits?agency=BNO", "/benefits/report.docx?agency=BNO", "/benefits/report.xlsx?agency=BNO", "/migration/agencies/BNO/spmt.csv",
            "/usage/export.csv?view=agency&agency=BNO", "/benefits/climate?agency=BNO",
        ];
        var failures = new List<string>();
        foreach (var url in own)
        {
            using var response = await leader.GetAsync(url);
            if (response.StatusCode != HttpStatusCode.OK && !(response.StatusCode == HttpStatusCode.Redirect && url.EndsWith("spmt.csv", StringComparison.Ordinal)))
            {
                failures.Add($"own {url}: {(int)response.StatusCode} {response.Headers.Location}");
            }
        }
        foreach (var url in other)
        {
            using var response = await leader.GetAsync(url);
            var body = System.Text.Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
            var refused = response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound
                || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString.Contains("/account/access-denied", StringComparison.Ordinal) == true);
            if (!refused)
            {
                failures.Add($"other {url}: {(int)response.StatusCode} {response.Headers.Location}");
            }
            foreach (var secret in new[] { "Hemmelig gevinst i Bydel Nord", "Kun for Bydel Nord", otherName })
            {
                if (WebUtility.HtmlDecode(body).Contains(secret, StringComparison.Ordinal))
                {
                    failures.Add($"other {url} shows \"{secret}\"");
                }
            }
        }
        // The other agency's measurement cannot be deleted either (with the page's token, so it is the check that refuses).
        var token = RunningApp.AntiforgeryToken(await leader.GetStringAsync("/"));
        using (var delete = await leader.PostAsync($"/benefits/measurements/{otherMeasurement}/delete", new FormUrlEncodedContent([new("__RequestVerificationToken", token)])))
        {
            if (Classify(delete) != "forbidden")
            {
                failures.Add($"delete of the other agency's measurement: {(int)delete.StatusCode} {delete.Headers.Location}");
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private static string Classify(HttpResponseMessage response)
    {
        var location = response.Headers.Location?.OriginalString ?? "";
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => "challenged",
            HttpStatusCode.Forbidden => "forbidden",
            HttpStatusCode.Redirect or HttpStatusCode.Found when location.Contains("/account/login", StringComparison.Ordinal) => "challenged",
            HttpStatusCode.Redirect when location.Contains("/account/access-denied", StringComparison.Ordinal) => "forbidden",
            HttpStatusCode.BadRequest => "rejected",
            _ => "allowed",
        };
    }

    private static async Task<Dictionary<string, string>> SampleValuesAsync(RunningApp app)
    {
        await using var db = app.Database.CreateContext();
        return new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["code"] = "SYE",
            ["workload"] = "teams",
            ["processid"] = "1",
            ["id"] = (await db.DirectoryImports.Select(i => i.Id).FirstAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Fills route parameters ({Code}, {Id:int}) with sample values; null when one is unknown.</summary>
    private static string? Fill(string route, Dictionary<string, string> samples, string? fallback = null)
    {
        var result = route;
        while (result.IndexOf('{', StringComparison.Ordinal) is var start and >= 0)
        {
            var end = result.IndexOf('}', start);
            var name = result[(start + 1)..end].Split(':')[0].TrimStart('*');
            if (!samples.TryGetValue(name, out var value))
            {
                if (fallback is null)
                {
                    return null;
                }
                value = fallback;
            }
            result = result[..start] + value + result[(end + 1)..];
        }
        return result;
    }
}
