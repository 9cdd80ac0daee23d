using System.Net;
using System.Net.Http.Json;
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
using Oppdrift.Tests.ShareMigration;

namespace Oppdrift.Tests.Web;

/// <summary>
/// Walks every endpoint the app maps against every role, signed in through the real login form,
/// and checks the answer against the policy the endpoint declares.
/// </summary>
public sealed class AuthorizationMatrixTests
{
    private static readonly Roles[] SignedInRoles =
        [Roles.Employee, Roles.ProgrammeOwner, Roles.AgencyLeader, Roles.ChangeLeader, Roles.SystemOwner, Roles.Administrator];

    private static readonly string[] AllVerbs = [HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete, HttpMethods.Patch];

    private sealed record Declared(string Route, string? Method, IReadOnlyList<string> Methods, string? Policy, bool Anonymous, string? Name);

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
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods is { Count: > 0 } accepted ? accepted : null;
            var method = methods?[0];
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var policy = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).LastOrDefault(p => p is not null);
            declared.Add(new Declared(route, method, [.. (methods ?? AllVerbs).Intersect(AllVerbs)], policy, anonymous, endpoint.DisplayName));
        }
        return declared;
    }

    /// <summary>
    /// Every mapped route, every verb it accepts, every role: with real objects in the route values (the samples of
    /// <see cref="MatrixSamples"/>, in the agency the agency leader leads) and a valid antiforgery token, so that what
    /// answers is the authorisation. A role the policy admits must get an answer that is neither a refusal nor 404 (a 404
    /// means the sample is wrong), a server error, nor the antiforgery refusal; a 400 for an empty form is fine, as the
    /// request got past the policy. A role the policy does not admit gets 403 (or the access-denied page), anonymous 401
    /// (or the login page). A route whose ids the samples cannot fill fails the test by name.
    /// </summary>
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Every_route_and_verb_with_real_ids_answers_every_role_exactly_what_its_policy_admits(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        var declared = DeclaredEndpoints(app.App.Services);

        var undeclared = declared.Where(d => !d.Anonymous && d.Policy is null).Select(d => $"{d.Method} {d.Route} ({d.Name})").ToList();
        Assert.True(undeclared.Count == 0, "Endpoints without a policy or [AllowAnonymous]: " + string.Join(", ", undeclared));
        Assert.Contains(declared, d => d.Route == "/organisation/rules");
        Assert.Contains(declared, d => d.Route == "/organisation/setup.csv" && d.Policy == Policies.CentralTeam);
        Assert.Contains(declared, d => d.Route == "/organisation/proposal" && d.Policy == Policies.CentralTeam);
        Assert.Contains(declared, d => d.Route == "/organisation/proposal/file" && d.Method == "POST" && d.Policy == Policies.CentralTeam);
        Assert.Contains(declared, d => d.Route == "/organisation/setup" && d.Method == "POST" && d.Policy == Policies.CentralTeam);
        Assert.Contains(declared, d => d.Route == "/api/agencies");
        Assert.Contains(declared, d => d.Route == "/usage/workloads/{Workload}");
        Assert.Contains(declared, d => d.Route == "/api/usage/overview");
        Assert.Contains(declared, d => d.Route == "/benefits/measurements/{id:long}/delete" && d.Method == "POST" && d.Policy == Policies.Planning);
        Assert.Contains(declared, d => d.Route == "/benefits/goals/{GoalId:int}/edit" && d.Policy == Policies.CentralTeam);
        Assert.Contains(declared, d => d.Route == "/learning/programmes/{Id:int}/edit" && d.Policy == Policies.ProgrammeOwner);
        Assert.Contains(declared, d => d.Route == "/learning/sessions/{Id:int}/edit" && d.Policy == Policies.ProgrammeOwner);
        Assert.Contains(declared, d => d.Route == "/learning/programmes/{Id:int}/cohorts/{CohortId:int}" && d.Policy == Policies.ProgrammeOwner);
        Assert.Contains(declared, d => d.Route == "/learning/participants/{id:int}/remove" && d.Method == "POST" && d.Policy == Policies.ProgrammeOwner);
        Assert.Contains(declared, d => d.Route == "/api/learning/programmes/{id:int}/cohorts/{cohortId:int}/participants" && d.Method == "POST" && d.Policy == Policies.ProgrammeOwner);
        Assert.Contains(declared, d => d.Route == "/api/learning/programmes/{id:int}/cohorts/{cohortId:int}/notes" && d.Method == "GET" && d.Policy == Policies.ProgrammeOwner);
        Assert.Contains(declared, d => d.Route == "/api/learning/programmes/{id:int}/cohorts/{cohortId:int}/notes" && d.Method == "POST" && d.Policy == Policies.ProgrammeOwner);
        foreach (var (route, method) in new[]
        {
            ("/api/learning/programmes/{id:int}/cohorts/{cohortId:int}", "PUT"), ("/api/learning/programmes/{id:int}/cohorts/{cohortId:int}", "DELETE"),
            ("/api/learning/programmes/{id:int}/cohorts/{cohortId:int}/participants/{participantId:int}/move", "POST"),
            ("/api/learning/programmes/{id:int}/cohorts/{cohortId:int}/participants/{participantId:int}", "DELETE"),
            ("/api/learning/programmes/{id:int}/cohorts/{cohortId:int}/notes/{noteId:int}", "PUT"),
            ("/api/learning/programmes/{id:int}/cohorts/{cohortId:int}/notes/{noteId:int}", "DELETE"),
            ("/api/learning/programmes/{id:int}/proposals", "GET"), ("/api/learning/programmes/{id:int}/proposals/{personId:int}/accept", "POST"),
            ("/api/learning/programmes/{id:int}/proposals/{personId:int}/dismiss", "POST"),
        })
        {
            Assert.True(declared.Any(d => d.Route == route && d.Method == method && d.Policy == Policies.ProgrammeOwner), $"{method} {route} is not declared with its policy");
        }
        Assert.Contains(declared, d => d.Route == "/learning/recordings/{id:int}/watch" && d.Method == "GET" && d.Policy == Policies.SignedIn);
        Assert.Contains(declared, d => d.Route == "/api/learning/programmes/{id:int}/completion" && d.Method == "GET" && d.Policy == Policies.ProgrammeOwner);
        Assert.Contains(declared, d => d.Route == "/api/processes/" && d.Policy == Policies.Insight);
        Assert.Contains(declared, d => d.Route == "/processes/export.csv" && d.Policy == Policies.Insight);
        Assert.Contains(declared, d => d.Route == "/processes/export.xlsx" && d.Policy == Policies.Insight);
        Assert.Contains(declared, d => d.Route == "/processes/{id:int}/summary.docx" && d.Policy == Policies.Insight);
        Assert.Contains(declared, d => d.Route == "/processes/{ProcessId:int}" && d.Policy == Policies.Insight);
        Assert.Contains(declared, d => d.Route == "/processes/candidates" && d.Policy == Policies.CentralTeam);
        Assert.Contains(declared, d => d.Route == "/surveys" && d.Policy == Policies.Insight);
        Assert.Contains(declared, d => d.Route == "/effects" && d.Policy == Policies.Insight);
        Assert.Contains(declared, d => d.Route == "/effects/new" && d.Policy == Policies.CentralTeam);
        Assert.Contains(declared, d => d.Route == "/api/effects/" && d.Policy == Policies.Insight);
        Assert.Contains(declared, d => d.Route == "/surveys/new" && d.Policy == Policies.CentralTeam);
        Assert.Contains(declared, d => d.Route == "/surveys/import/upload" && d.Method == "POST" && d.Policy == Policies.CentralTeam);
        Assert.Contains(declared, d => d.Route == "/surveys/{id:int}/results.csv" && d.Policy == Policies.Insight);
        Assert.Contains(declared, d => d.Route == "/api/surveys/import" && d.Method == "POST" && d.Policy == Policies.CentralTeam);
        // A load balancer asks each node without signing in.
        Assert.Contains(declared, d => d.Route == "/health/live" && d.Anonymous);
        Assert.Contains(declared, d => d.Route == "/health/ready" && d.Anonymous);
        // The answer page is reached by the personal link alone.
        Assert.Contains(declared, d => d.Route == "/survey/answer/{Token}" && d.Anonymous);

        // The signed-in roles are directory people of the agency, as real users are: learning acts for the person behind the account.
        List<string> people;
        await using (var db = app.Database.CreateContext())
        {
            var sye = await db.Agencies.Where(a => a.Code == "SYE").Select(a => a.Id).SingleAsync();
            people = await db.People.Where(p => p.AgencyId == sye && p.IsActive).OrderBy(p => p.Id).Select(p => p.UserPrincipalName).Take(SignedInRoles.Length).ToListAsync();
        }
        var headerName = app.App.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AntiforgeryOptions>>().Value.HeaderName!;
        var anonymous = app.Anonymous();
        anonymous.DefaultRequestHeaders.Add(headerName, RunningApp.AntiforgeryToken(await anonymous.GetStringAsync("/account/login")));
        var clients = new List<(string Who, Roles Roles, HttpClient Client)> { ("anonymous", Roles.None, anonymous) };
        for (var i = 0; i < SignedInRoles.Length; i++)
        {
            clients.Add((SignedInRoles[i].ToString(), SignedInRoles[i], await RunningApp.WithApiTokenAsync(await app.SignInAsAsync(people[i], SignedInRoles[i], "SYE"))));
        }
        int accountId;
        await using (var db = app.Database.CreateContext())
        {
            accountId = await db.Accounts.Where(a => a.UserName == people[0]).Select(a => a.Id).SingleAsync();
        }
        using var share = await PlanShare.CreateAsync();
        var samples = await MatrixSamples.SeedAsync(app, "SYE", people[Array.IndexOf(SignedInRoles, Roles.ProgrammeOwner)], share.Inventory, "Sykehjem");
        var upload = await app.App.Services.GetRequiredService<Oppdrift.Surveys.SurveyUploads>().SaveAsync(Oppdrift.Tests.Surveys.FormsWorkbook.Write(["Hvor enig er du?.Møtene er effektive."],
            [new("anonymous", new DateTime(2026, 2, 1, 10, 0, 0), ["Enig"])]), "puls.xlsx", default);

        // Requests that remove their object come after the rest, signing out last of all; a DELETE after the POST to the same route.
        var rows = declared.Where(d => !d.Route.StartsWith("/_", StringComparison.Ordinal))
            .SelectMany(d => d.Methods.Select(method => (Endpoint: d, Method: method)))
            .OrderBy(r => r.Endpoint.Route == "/account/logout" ? 2 : MatrixSamples.Destructive.Contains(r.Endpoint.Route) ? 1 : 0)
            .ThenBy(r => r.Method == HttpMethods.Delete ? 1 : 0)
            .ToList();
        var refusedForm = FormRefusedTexts();
        var failures = new List<string>();
        var requests = 0;
        foreach (var (endpoint, method) in rows)
        {
            foreach (var (who, roles, client) in clients)
            {
                var admitted = endpoint.Anonymous || (Policies.Admits[endpoint.Policy!] & roles) != 0;
                string? url;
                try
                {
                    url = await samples.UrlAsync(endpoint.Route, fresh: admitted, "SYE", accountId, upload);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    failures.Add($"{who} {method} {endpoint.Route}: its sample could not be made: {ex.Message}");
                    continue;
                }
                if (url is null)
                {
                    failures.Add($"{endpoint.Route} ({endpoint.Name}) has route values the matrix cannot fill: add a sample to MatrixSamples.UrlAsync");
                    break;
                }
                using var request = new HttpRequestMessage(new HttpMethod(method), url)
                {
                    // Multipart, which every form endpoint and page reads (an upload endpoint would answer any other type 415).
                    Content = method == HttpMethods.Get || method == HttpMethods.Delete ? null : new MultipartFormDataContent { { new StringContent("1"), "matrix" } },
                };
                using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                HttpResponseMessage response;
                try
                {
                    response = await client.SendAsync(request, cancel.Token);
                    requests++;
                }
                catch (TaskCanceledException)
                {
                    failures.Add($"{who} {method} {url}: no answer in 30 s");
                    continue;
                }
                using var _ = response;
                var outcome = Classify(response);
                var body = response.StatusCode == HttpStatusCode.BadRequest ? await response.Content.ReadAsStringAsync(cancel.Token) : "";
                string? wrong;
                if (endpoint.Route == "/account/login/entra")
                {
                    // With Entra ID not configured (as here), the Entra link sends everyone back to the login form.
                    wrong = response.StatusCode == HttpStatusCode.Redirect
                        && response.Headers.Location?.OriginalString.StartsWith("/account/login?returnUrl=", StringComparison.Ordinal) == true ? null : "not the login form";
                }
                else if (admitted && endpoint.Route == "/account/logout")
                {
                    // Signing out ends at the login page; the same client then counts as anonymous.
                    var location = response.Headers.Location?.OriginalString ?? "";
                    using var after = await client.GetAsync("/api/antiforgery", cancel.Token);
                    wrong = response.StatusCode == HttpStatusCode.Redirect && !location.Contains("ReturnUrl", StringComparison.OrdinalIgnoreCase)
                        && after.StatusCode == HttpStatusCode.Unauthorized ? null : $"not signed out ({(int)after.StatusCode} afterwards)";
                }
                else if (admitted)
                {
                    wrong = outcome is "challenged" or "forbidden" ? "admitted by the policy but refused"
                        : response.StatusCode == HttpStatusCode.NotFound ? "admitted but 404: the sample is wrong or the object is hidden"
                        : response.StatusCode == HttpStatusCode.MethodNotAllowed ? "a verb the route declares answered 405"
                        : (int)response.StatusCode >= 500 ? "server error"
                        : refusedForm.Any(text => body.Contains(text, StringComparison.Ordinal)) ? "refused by the antiforgery check, not answered by the route"
                        : null;
                }
                else
                {
                    var expected = who == "anonymous" ? "challenged" : "forbidden";
                    wrong = outcome == expected ? null : $"expected {expected}";
                }
                if (wrong is not null)
                {
                    failures.Add($"{who} {method} {url} ({endpoint.Policy ?? "anonymous"}): {wrong}, got {(int)response.StatusCode} {response.Headers.Location}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {requests} requests:\n" + string.Join('\n', failures));
        // Every role of every route was asked: seven clients, at least one verb a route.
        Assert.True(requests >= rows.Count * clients.Count, $"{requests} requests for {rows.Count} route verbs");
    }

    /// <summary>The antiforgery refusal's text in both languages.</summary>
    private static string[] FormRefusedTexts()
    {
        var saved = System.Globalization.CultureInfo.CurrentUICulture;
        try
        {
            return [.. new[] { "nb-NO", "en" }.Select(name =>
            {
                System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo(name);
                return Oppdrift.Shared.SharedText.Get("FormRefused");
            })];
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentUICulture = saved;
        }
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
    /// Routes with ids, with real objects in two agencies in every module (benefits, learning, processes, surveys, migration):
    /// the leader of one gets their own objects (200: a 404 here would be a wrong id, not a pass) and, for the other agency's,
    /// 403 or 404 (or the access-denied page) without its data; survey results, which are read per agency, show only the
    /// leader's own agency. A programme owner cannot run another owner's programme, and an employee outside a programme's
    /// audience cannot read its documents.
    /// </summary>
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Another_agencys_objects_answer_an_agency_leader_403_or_404_and_never_show_their_data(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        string otherName;
        List<string> people;
        await using (var db = app.Database.CreateContext())
        {
            var agencies = await db.Agencies.Where(a => a.Code == "SYE" || a.Code == "BNO").ToDictionaryAsync(a => a.Code);
            otherName = agencies["BNO"].Name;
            people = await db.People.Where(p => p.AgencyId == agencies["SYE"].Id && p.IsActive).OrderBy(p => p.Id).Select(p => p.UserPrincipalName).Take(3).ToListAsync();
        }
        using var leader = await RunningApp.WithApiTokenAsync(await app.SignInAsAsync(people[0], Roles.AgencyLeader, "SYE"));
        using var owner = await RunningApp.WithApiTokenAsync(await app.SignInAsAsync(people[1], Roles.ProgrammeOwner));
        using var employee = await RunningApp.WithApiTokenAsync(await app.SignInAsAsync(people[2], Roles.Employee));
        using var share = await PlanShare.CreateAsync();
        var mine = await MatrixSamples.SeedAsync(app, "SYE", people[1], share.Inventory, "Sykehjemshemmelighet");
        var theirs = await MatrixSamples.SeedAsync(app, "BNO", "hr-bydel-nord@nordvik.kommune.no", share.Inventory, "Nordhemmelighet");

        string[] own =
        [
            "/agencies/SYE", "/api/agencies/SYE", "/usage/agencies/SYE", "/api/usage/agencies/SYE", $"/benefits/{mine.Benefit}", $"/benefits/{mine.Benefit}/edit",
            $"/benefits/{mine.Benefit}/indicators/new", $"/benefits/{mine.Benefit}/indicators/{mine.Indicator}", "/api/benefits?agency=SYE",
            "/benefits/report.docx?agency=SYE", "/benefits/report.xlsx?agency=SYE", "/migration/agencies/SYE/spmt.csv",
            $"/processes/{mine.Process}", $"/processes/{mine.Process}/edit", $"/processes/{mine.Process}/summary.docx",
            $"/migration/shares/{mine.Share}", $"/migration/shares/{mine.Share}/spmt.csv", $"/migration/shares/{mine.Share}/findings.xlsx",
            $"/surveys/{mine.Survey}", $"/api/surveys/{mine.Survey}/results", $"/surveys/{mine.Survey}/results.csv",
            $"/learning/programmes/{mine.Programme}", $"/learning/sessions/{mine.Session}", $"/learning/documents/{mine.Document}",
            $"/effects/{mine.Intervention}", "/effects?agency=SYE",
        ];
        string[] other =
        [
            "/agencies/BNO", "/api/agencies/BNO", "/usage/agencies/BNO", "/api/usage/agencies/BNO", $"/benefits/{theirs.Benefit}", $"/benefits/{theirs.Benefit}?agency=BNO",
            $"/benefits/{theirs.Benefit}/edit", $"/benefits/{theirs.Benefit}/indicators/new", $"/benefits/{theirs.Benefit}/indicators/{theirs.Indicator}",
            "/api/benefits?agency=BNO", "/benefits/report.docx?agency=BNO", "/benefits/report.xlsx?agency=BNO", "/migration/agencies/BNO/spmt.csv",
            "/usage/export.csv?view=agency&agency=BNO", "/benefits/climate?agency=BNO",
            $"/processes/{theirs.Process}", $"/processes/{theirs.Process}/edit", $"/processes/{theirs.Process}/summary.docx",
            $"/migration/shares/{theirs.Share}", $"/migration/shares/{theirs.Share}/spmt.csv", $"/migration/shares/{theirs.Share}/findings.xlsx",
            $"/learning/documents/{theirs.Document}", $"/surveys/{theirs.Survey}/edit", $"/surveys/{mine.Survey}/edit",
            $"/effects/{theirs.Intervention}", $"/effects/{theirs.Intervention}/edit", "/effects?agency=BNO",
        ];
        // Read per agency: the leader's own figures only.
        string[] scoped =
        [
            $"/surveys/{theirs.Survey}", $"/api/surveys/{theirs.Survey}/results", $"/surveys/{theirs.Survey}/results.csv", "/api/surveys", "/surveys",
            "/processes", "/api/processes", "/processes/export.csv", "/migration", "/api/migration", "/benefits", "/effects", "/api/effects",
        ];
        // Open to everyone signed in, but without the documents of a programme for another agency.
        string[] open = [$"/learning/programmes/{theirs.Programme}", $"/learning/sessions/{theirs.Session}", "/learning", "/knowledge"];
        string[] secrets = ["Nordhemmelighet", otherName];
        var failures = new List<string>();
        async Task<string> BodyAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(System.Text.Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()));
        void NoSecrets(string url, string body)
        {
            foreach (var secret in secrets.Where(secret => body.Contains(secret, StringComparison.Ordinal)))
            {
                failures.Add($"other {url} shows \"{secret}\"");
            }
        }
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
            if (!Refused(response))
            {
                failures.Add($"other {url}: {(int)response.StatusCode} {response.Headers.Location}");
            }
            NoSecrets(url, await BodyAsync(response));
        }
        foreach (var url in scoped)
        {
            using var response = await leader.GetAsync(url);
            if (response.StatusCode != HttpStatusCode.OK && !Refused(response))
            {
                failures.Add($"scoped {url}: {(int)response.StatusCode} {response.Headers.Location}");
            }
            NoSecrets(url, await BodyAsync(response));
        }
        foreach (var url in open)
        {
            using var response = await employee.GetAsync(url);
            var body = await BodyAsync(response);
            if (response.StatusCode != HttpStatusCode.OK || body.Contains(theirs.Secret, StringComparison.Ordinal)
                || body.Contains($"/learning/documents/{theirs.Document}\"", StringComparison.Ordinal))
            {
                failures.Add($"open {url}: {(int)response.StatusCode}, shows the other agency's document: {body.Contains(theirs.Secret, StringComparison.Ordinal)}");
            }
        }
        // The other agency's objects cannot be changed or deleted either (with a valid token, so it is the check that refuses).
        string[] changes =
        [
            $"/benefits/measurements/{theirs.Measurement}/delete", $"/migration/mappings/{theirs.Mapping}/state", $"/migration/mappings/{theirs.Mapping}/delete",
            $"/migration/scans/{theirs.Scan}/delete",
        ];
        foreach (var url in changes)
        {
            using var response = await leader.PostAsync(url, new MultipartFormDataContent { { new StringContent("Done"), "state" } });
            if (!Refused(response))
            {
                failures.Add($"other POST {url}: {(int)response.StatusCode} {response.Headers.Location}");
            }
        }
        // A programme owner runs their own programme, not another owner's; an employee outside the audience gets no documents.
        string[] managing =
        [
            $"/learning/sessions/{theirs.Session}/attendance", $"/learning/sessions/{theirs.Session}/attendance/teams", $"/learning/sessions/{theirs.Session}/cancel-session", $"/learning/programmes/{theirs.Programme}/documents",
            $"/learning/programmes/{theirs.Programme}/recordings", $"/learning/documents/{theirs.Document}/delete", $"/learning/recordings/{theirs.Recording}/delete",
            $"/learning/recordings/{theirs.Recording}/expiry", $"/learning/recordings/{theirs.Recording}/transcript/teams",
            $"/learning/recordings/{theirs.Recording}/views/stream",
            $"/learning/participants/{theirs.Participant}/move", $"/learning/participants/{theirs.Participant}/remove",
            $"/api/learning/programmes/{theirs.Programme}/cohorts/{theirs.Cohort}/notes",
            $"/api/learning/programmes/{theirs.Programme}/cohorts/{theirs.Cohort}/participants/{theirs.Participant}/move",
            $"/api/learning/programmes/{theirs.Programme}/proposals/{theirs.Participant}/accept", $"/api/learning/programmes/{theirs.Programme}/proposals/{theirs.Participant}/dismiss",
        ];
        foreach (var url in managing)
        {
            using var response = await owner.PostAsync(url, new MultipartFormDataContent { { new StringContent("x"), "title" } });
            if (!Refused(response))
            {
                failures.Add($"other programme POST {url}: {(int)response.StatusCode} {response.Headers.Location}");
            }
        }
        // Nor change or delete its cohort, participants or notes through the API.
        foreach (var (method, url) in new[]
        {
            (HttpMethod.Put, $"/api/learning/programmes/{theirs.Programme}/cohorts/{theirs.Cohort}"),
            (HttpMethod.Delete, $"/api/learning/programmes/{theirs.Programme}/cohorts/{theirs.Cohort}"),
            (HttpMethod.Delete, $"/api/learning/programmes/{theirs.Programme}/cohorts/{theirs.Cohort}/participants/{theirs.Participant}"),
            (HttpMethod.Put, $"/api/learning/programmes/{theirs.Programme}/cohorts/{theirs.Cohort}/notes/{theirs.Note}"),
            (HttpMethod.Delete, $"/api/learning/programmes/{theirs.Programme}/cohorts/{theirs.Cohort}/notes/{theirs.Note}"),
        })
        {
            using var request = new HttpRequestMessage(method, url) { Content = method == HttpMethod.Put ? JsonContent.Create(new { name = "Kapret", on = "2026-01-01", topic = "Other", text = "Kapret" }) : null };
            using var response = await owner.SendAsync(request);
            if (!Refused(response))
            {
                failures.Add($"other programme {method} {url}: {(int)response.StatusCode}");
            }
        }
        using (var results = await owner.GetAsync($"/learning/programmes/{theirs.Programme}/results"))
        {
            if (!Refused(results))
            {
                failures.Add($"other programme's results: {(int)results.StatusCode}");
            }
            NoSecrets("results", await BodyAsync(results));
        }
        using (var results = await owner.GetAsync($"/learning/programmes/{mine.Programme}/results"))
        {
            if (results.StatusCode != HttpStatusCode.OK)
            {
                failures.Add($"own programme's results: {(int)results.StatusCode}");
            }
        }
        foreach (var edit in new[] { "/learning/programmes/{0}/edit", "/learning/sessions/{1}/edit", "/learning/programmes/{0}/cohorts", "/learning/programmes/{0}/cohorts/{2}",
            "/api/learning/programmes/{0}/cohorts/", "/api/learning/programmes/{0}/cohorts/{2}", "/api/learning/programmes/{0}/cohorts/{2}/notes",
            "/api/learning/programmes/{0}/completion", "/api/learning/programmes/{0}/proposals" })
        {
            using (var response = await owner.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, edit, theirs.Programme, theirs.Session, theirs.Cohort)))
            {
                if (!Refused(response))
                {
                    failures.Add($"other programme's edit page {edit}: {(int)response.StatusCode}");
                }
                NoSecrets(edit, await BodyAsync(response));
            }
            using (var response = await owner.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, edit, mine.Programme, mine.Session, mine.Cohort)))
            {
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add($"own programme's edit page {edit}: {(int)response.StatusCode}");
                }
            }
        }
        using (var document = await employee.GetAsync($"/learning/documents/{theirs.Document}"))
        {
            if (!Refused(document))
            {
                failures.Add($"employee, other agency's programme document: {(int)document.StatusCode}");
            }
        }
        await using (var db = app.Database.CreateContext())
        {
            if (!await db.LearningDocuments.AnyAsync(d => d.Id == theirs.Document) || !await db.ShareMappings.AnyAsync(m => m.Id == theirs.Mapping)
                || !await db.ShareScans.AnyAsync(s => s.Id == theirs.Scan) || await db.LearningSessions.AnyAsync(s => s.Id == theirs.Session && s.CancelledAt != null)
                || !await db.Cohorts.AnyAsync(c => c.Id == theirs.Cohort && c.Name == $"Kull BNO")
                || !await db.Participants.AnyAsync(p => p.Id == theirs.Participant && p.CohortId == theirs.Cohort)
                || !await db.CohortNotes.AnyAsync(n => n.Id == theirs.Note && n.Text == $"Avtale {theirs.Secret}")
                || await db.LeaderProposalDecisions.AnyAsync())
            {
                failures.Add("the other agency's objects were changed");
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private static bool Refused(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound
        || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString.Contains("/account/access-denied", StringComparison.Ordinal) == true);

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
