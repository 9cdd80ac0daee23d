using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Access;

/// <summary>Sign-in, the one-time password, sign-out, accounts and the audit log through the running app, as a browser uses them.</summary>
public sealed class AccessWebTests
{
    private const string OwnPassword = "a sentence I remember";

    private static async Task<HttpResponseMessage> LogInAsync(HttpClient client, string userName, string password, string? returnUrl = null)
    {
        var path = returnUrl is null ? "/account/login" : "/account/login?returnUrl=" + Uri.EscapeDataString(returnUrl);
        var form = await client.GetStringAsync(path);
        return await client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = RunningApp.AntiforgeryToken(form),
            ["Input.UserName"] = userName,
            ["Input.Password"] = password,
        }));
    }

    /// <summary>Creates an account as an administrator would; returns its one-time password.</summary>
    private static async Task<string> CreateAccountAsync(RunningApp app, string userName, Roles roles, bool choosePassword = false)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
        var created = await accounts.CreateAsync(new AccountRequest(userName, userName, roles, []), "admin", default);
        Assert.True(created.Succeeded, created.Error);
        if (choosePassword)
        {
            Assert.True((await accounts.ChangePasswordAsync(created.Value!.Account.Id, created.Value.OneTimePassword, OwnPassword, default)).Succeeded);
        }
        return created.Value!.OneTimePassword;
    }

    private static string Location(HttpResponseMessage response) =>
        response.Headers.Location is { } location ? (location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString) : "";

    /// <summary>The page as a reader sees it: the renderer writes letters like å as character references.</summary>
    private static async Task<string> TextAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    private static async Task<string> RedirectOfAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return response.StatusCode == HttpStatusCode.OK ? "ok" : Location(response);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_one_time_password_opens_only_the_page_for_choosing_ones_own(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        var oneTime = await CreateAccountAsync(app, "kari@nordvik.kommune.no", Roles.ChangeLeader);
        using var client = app.Anonymous();

        var wrong = await LogInAsync(client, "kari@nordvik.kommune.no", "not the password");
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("Feil brukernavn eller passord", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.StartsWith("/account/login", await RedirectOfAsync(client, "/benefits"), StringComparison.Ordinal);

        var signedIn = await LogInAsync(client, "kari@nordvik.kommune.no", oneTime, returnUrl: "/benefits");
        Assert.Equal("/account/change-password", Location(signedIn));
        Assert.Equal("/account/change-password", await RedirectOfAsync(client, "/benefits"));
        Assert.Equal("/account/change-password", await RedirectOfAsync(client, "/"));
        // Nothing else either: no download, no API call, no form post, though a change leader's roles would allow them.
        using (var api = await client.GetAsync("/api/agencies"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
        }
        using (var export = await client.GetAsync("/usage/export.csv"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, export.StatusCode);
        }
        var pageToken = RunningApp.AntiforgeryToken(await client.GetStringAsync("/account/change-password"));
        using (var post = await client.PostAsync("/migration/scans/1/delete", new FormUrlEncodedContent([new("__RequestVerificationToken", pageToken)])))
        {
            Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        }
        using (var asset = await client.GetAsync("/favicon.svg"))
        {
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        }

        async Task<HttpResponseMessage> ChangeAsync(string current, string next, string repeat)
        {
            var form = await client.GetStringAsync("/account/change-password");
            return await client.PostAsync("/account/change-password", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "change-password",
                ["__RequestVerificationToken"] = RunningApp.AntiforgeryToken(form),
                ["Input.Current"] = current,
                ["Input.Next"] = next,
                ["Input.Repeat"] = repeat,
            }));
        }
        var wrongCurrent = await ChangeAsync("not the password", OwnPassword, OwnPassword);
        var differ = await ChangeAsync(oneTime, OwnPassword, OwnPassword + "!");
        var tooShort = await ChangeAsync(oneTime, "short", "short");
        Assert.Contains("Nåværende passord er feil", await TextAsync(wrongCurrent), StringComparison.Ordinal);
        Assert.Contains("Passordene er ikke like", await TextAsync(differ), StringComparison.Ordinal);
        Assert.Contains($"minst {AccountService.MinimumPasswordLength} tegn", await TextAsync(tooShort), StringComparison.Ordinal);
        Assert.Equal("/account/change-password", await RedirectOfAsync(client, "/benefits"));

        var changed = await ChangeAsync(oneTime, OwnPassword, OwnPassword);
        Assert.Equal("/?password=changed", Location(changed));
        Assert.Equal("ok", await RedirectOfAsync(client, "/benefits"));
        using var again = app.Anonymous();
        Assert.Equal("/benefits", Location(await LogInAsync(again, "kari@nordvik.kommune.no", OwnPassword, returnUrl: "/benefits")));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Signing_in_returns_only_to_addresses_on_this_site(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        await CreateAccountAsync(app, "ola@nordvik.kommune.no", Roles.SystemOwner, choosePassword: true);

        foreach (var (returnUrl, expected) in new[]
        {
            ("/benefits?agency=SYE", "/benefits?agency=SYE"),
            ("//evil.example/", "/"),
            ("/\\evil.example/", "/"),
            ("https://evil.example/", "/"),
            ("/\t/evil.example/", "/"),
        })
        {
            using var client = app.Anonymous();
            var response = await LogInAsync(client, "ola@nordvik.kommune.no", OwnPassword, returnUrl);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.True(response.Headers.Location is { } location && (!location.IsAbsoluteUri || location.Host == app.Address.Host),
                $"{returnUrl} sent the browser to {response.Headers.Location}");
            Assert.Equal(expected, Location(response));
        }
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Disabling_an_account_changing_its_roles_or_resetting_its_password_ends_its_open_sessions_within_the_interval(DatabaseKind kind)
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var app = await RunningApp.StartAsync(kind, 300, builder => builder.Services.AddSingleton<TimeProvider>(clock),
            "--Access:SessionRevalidation=00:01:00");
        using var administrator = await app.SignInAsync(Roles.Administrator);
        using var changeLeader = await app.SignInAsync(Roles.ChangeLeader);
        using var programmeOwner = await app.SignInAsync(Roles.ProgrammeOwner);
        using var untouched = await app.SignInAsync(Roles.SystemOwner);
        Assert.Equal("ok", await RedirectOfAsync(administrator, "/admin/accounts"));
        Assert.Equal("ok", await RedirectOfAsync(changeLeader, "/organisation/rules"));

        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
            var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
            var demoted = await db.Accounts.SingleAsync(a => a.UserName.StartsWith("administrator-"));
            var disabled = await db.Accounts.SingleAsync(a => a.UserName.StartsWith("changeleader-"));
            var reset = await db.Accounts.SingleAsync(a => a.UserName.StartsWith("programmeowner-"));
            Assert.True((await accounts.UpdateAsync(demoted.Id, Roles.Employee, [], disabled: false, "admin", default)).Succeeded);
            Assert.True((await accounts.UpdateAsync(disabled.Id, Roles.ChangeLeader, [], disabled: true, "admin", default)).Succeeded);
            Assert.True((await accounts.ResetPasswordAsync(reset.Id, "admin", default)).Succeeded);
        }

        // Within the interval the session is not checked against the database: the cookie still holds.
        Assert.Equal("ok", await RedirectOfAsync(changeLeader, "/organisation/rules"));

        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.StartsWith("/account/login", await RedirectOfAsync(administrator, "/admin/accounts"), StringComparison.Ordinal);
        Assert.StartsWith("/account/login", await RedirectOfAsync(administrator, "/"), StringComparison.Ordinal);
        Assert.StartsWith("/account/login", await RedirectOfAsync(changeLeader, "/organisation/rules"), StringComparison.Ordinal);
        Assert.StartsWith("/account/login", await RedirectOfAsync(programmeOwner, "/"), StringComparison.Ordinal);
        using var api = await changeLeader.GetAsync("/api/agencies");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        // An account nobody changed keeps its session through the check.
        Assert.Equal("ok", await RedirectOfAsync(untouched, "/"));
        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal("ok", await RedirectOfAsync(untouched, "/"));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_session_ends_at_its_absolute_lifetime_however_much_it_is_used(DatabaseKind kind)
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var app = await RunningApp.StartAsync(kind, 300, builder => builder.Services.AddSingleton<TimeProvider>(clock),
            "--Access:SessionLifetime=02:00:00", "--Access:SessionIdleTimeout=1.00:00:00");
        using var employee = await app.SignInAsync(Roles.Employee);

        for (var i = 0; i < 8; i++)
        {
            Assert.Equal("ok", await RedirectOfAsync(employee, "/"));
            clock.Advance(TimeSpan.FromMinutes(17));
        }
        Assert.StartsWith("/account/login", await RedirectOfAsync(employee, "/"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Accounts_and_the_audit_log_are_for_administrators_only_and_the_log_shows_each_change(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        using var administrator = await app.SignInAsync(Roles.Administrator);
        using var changeLeader = await app.SignInAsync(Roles.ChangeLeader);

        async Task<HttpResponseMessage> NewAccountAsync(HttpClient client, string tokenPage, string userName) =>
            await client.PostAsync("/admin/accounts", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "new-account",
                ["__RequestVerificationToken"] = RunningApp.AntiforgeryToken(await client.GetStringAsync(tokenPage)),
                ["Input.UserName"] = userName,
                ["Input.DisplayName"] = "Ny bruker",
                ["Input.RoleNames"] = "Administrator",
            }));

        var refused = await NewAccountAsync(changeLeader, "/", "snik@nordvik.kommune.no");
        var created = await NewAccountAsync(administrator, "/admin/accounts", "ny@nordvik.kommune.no");

        Assert.StartsWith("/account/access-denied", Location(refused), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        await using (var db = app.Database.CreateContext())
        {
            Assert.False(await db.Accounts.AnyAsync(a => a.UserName == "snik@nordvik.kommune.no"));
            Assert.True(await db.Accounts.AnyAsync(a => a.UserName == "ny@nordvik.kommune.no"));
        }
        Assert.StartsWith("/account/access-denied", await RedirectOfAsync(changeLeader, "/admin/audit"), StringComparison.Ordinal);

        var creations = await administrator.GetStringAsync("/admin/audit?action=account.create");
        var passwordChanges = await administrator.GetStringAsync("/admin/audit?action=account.change-password");
        Assert.Contains("ny@nordvik.kommune.no", creations, StringComparison.Ordinal);
        Assert.Contains("Etter:", creations, StringComparison.Ordinal);
        Assert.Contains("&quot;Roles&quot;:&quot;Employee, Administrator&quot;", creations, StringComparison.Ordinal);
        Assert.DoesNotContain("account.change-password", creations, StringComparison.Ordinal);
        Assert.Contains("account.change-password", passwordChanges, StringComparison.Ordinal);
        Assert.DoesNotContain("ny@nordvik.kommune.no", passwordChanges, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Signing_out_needs_the_pages_token_and_ends_the_session(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        using var employee = await app.SignInAsync(Roles.Employee);

        // Another site could post this form without a token; it must not sign anyone out.
        using var forged = await employee.PostAsync("/account/logout", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal("ok", await RedirectOfAsync(employee, "/"));

        var token = RunningApp.AntiforgeryToken(await employee.GetStringAsync("/"));
        using var signedOut = await employee.PostAsync("/account/logout", new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));

        Assert.Equal("/account/login", Location(signedOut));
        Assert.StartsWith("/account/login", await RedirectOfAsync(employee, "/"), StringComparison.Ordinal);
    }
}
