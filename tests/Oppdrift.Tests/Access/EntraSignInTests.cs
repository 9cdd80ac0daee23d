using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Access;

/// <summary>
/// Sign-in through Microsoft Entra ID with the app's real OpenID Connect handler (tokens signed by <see cref="FakeEntra"/>,
/// validated by the handler, mapped by the app): accounts are linked by tenant and object id only, app roles follow
/// Entra ID both ways, and a person disabled in the directory loses their sessions.
/// </summary>
public sealed class EntraSignInTests
{
    private const string OtherTenant = "0e6f2a4c-1b3d-4e5f-8a7b-9c0d1e2f3a4b";
    private const string ThirdTenant = "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

    private static string Oid(int n) => $"3f2504e0-4f89-41d3-9a0c-{n:D12}";

    private static async Task<(RunningApp App, FakeEntra Entra, FakeTimeProvider Clock)> StartAsync(DatabaseKind kind, params string[] settings)
    {
        var entra = new FakeEntra();
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var app = await RunningApp.StartAsync(kind, 300, builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(clock);
            entra.Configure(builder);
        }, FakeEntra.Settings(["--Access:SessionRevalidation=00:01:00", .. settings]));
        return (app, entra, clock);
    }

    private static string Location(HttpResponseMessage response) =>
        response.Headers.Location is { } location ? (location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString) : "";

    private static async Task<string> RedirectOfAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return response.StatusCode == HttpStatusCode.OK ? "ok" : Location(response);
    }

    private static async Task<HttpClient> SignedInAsync(RunningApp app, FakeEntra entra, string objectId, string userName, params string[] roles)
    {
        var client = app.Anonymous();
        using var response = await entra.SignInAsync(client, FakeEntra.HomeTenant, objectId, userName, roles);
        Assert.Equal("/", Location(response));
        return client;
    }

    private static async Task<Account> AccountAsync(RunningApp app, string objectId)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OppdriftDb>().Accounts.AsNoTracking().SingleAsync(a => a.ExternalId == objectId);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_token_with_a_known_user_name_but_another_object_id_does_not_get_that_account(DatabaseKind kind)
    {
        var (app, entra, _) = await StartAsync(kind);
        await using var _app = app;
        int prepared;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var created = await scope.ServiceProvider.GetRequiredService<AccountService>()
                .CreateAsync(new AccountRequest("kari@nordvik.kommune.no", "Kari", Roles.Administrator, []), "admin", default);
            prepared = created.Value!.Account.Id;
        }
        using var formerHolder = await SignedInAsync(app, entra, Oid(1), "per@nordvik.kommune.no", "ChangeLeader");

        // Someone else's identity with Kari's user name, and a new holder of Per's user name.
        using var impostor = app.Anonymous();
        using var byName = await entra.SignInAsync(impostor, FakeEntra.HomeTenant, Oid(2), "Kari@Nordvik.kommune.no", []);
        using var newcomer = app.Anonymous();
        using var reused = await entra.SignInAsync(newcomer, FakeEntra.HomeTenant, Oid(3), "per@nordvik.kommune.no", []);

        Assert.Equal("/account/login?entra=not-linked", Location(byName));
        Assert.Equal("/account/login?entra=not-linked", Location(reused));
        Assert.StartsWith("/account/login", await RedirectOfAsync(impostor, "/admin/accounts"), StringComparison.Ordinal);
        Assert.StartsWith("/account/login", await RedirectOfAsync(newcomer, "/organisation/rules"), StringComparison.Ordinal);
        Assert.Contains("ikke koblet til identiteten din", WebUtility.HtmlDecode(await impostor.GetStringAsync(Location(byName))), StringComparison.Ordinal);

        // An administrator links the prepared account to Kari's real object id on the account page; then she gets it.
        using var administrator = await SignedInAsync(app, entra, Oid(9), "admin.entra@nordvik.kommune.no", "Administrator");
        var page = await administrator.GetStringAsync($"/admin/accounts/{prepared}");
        using (var link = await administrator.PostAsync($"/admin/accounts/{prepared}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "link-entra",
            ["__RequestVerificationToken"] = RunningApp.AntiforgeryToken(page),
            ["ObjectId"] = Oid(4),
        })))
        {
            Assert.Contains("Koblingen til Entra ID er lagret", WebUtility.HtmlDecode(await link.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }
        using var impostorAgain = await entra.SignInAsync(impostor, FakeEntra.HomeTenant, Oid(2), "kari@nordvik.kommune.no", []);
        using var kari = app.Anonymous();
        using var linked = await entra.SignInAsync(kari, FakeEntra.HomeTenant, Oid(4), "kari.nordmann@nordvik.kommune.no", []);

        Assert.Equal("/account/login?entra=not-linked", Location(impostorAgain));
        Assert.Equal("/", Location(linked));
        Assert.Equal("ok", await RedirectOfAsync(kari, "/admin/accounts"));
        var account = await AccountAsync(app, Oid(4));
        Assert.Equal((prepared, FakeEntra.HomeTenant, "kari@nordvik.kommune.no"), (account.Id, account.TenantId, account.UserName));
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
            Assert.Equal(Oid(1), (await db.Accounts.SingleAsync(a => a.UserName == "per@nordvik.kommune.no")).ExternalId);
            var refusals = await db.AuditEntries.Where(e => e.Action == "account.entra-sign-in-failed").Select(e => e.After!).ToListAsync();
            Assert.Equal(3, refusals.Count);
            Assert.All(refusals, r => Assert.Contains("UserNameHeld", r, StringComparison.Ordinal));
            Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == "account.link-entra" && e.Target == "kari@nordvik.kommune.no"));
        }
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_token_from_another_tenant_is_refused_unless_that_tenant_is_configured(DatabaseKind kind)
    {
        var (app, entra, _) = await StartAsync(kind);
        await using (app)
        {
            using var stranger = app.Anonymous();
            // Issued by the other tenant: its issuer is not one this app accepts.
            using var issued = await entra.SignInAsync(stranger, OtherTenant, Oid(1), "ola@other.example", ["Administrator"]);
            // Issued as the home tenant's but naming another tenant: refused by the app's own check.
            using var named = await entra.SignInAsync(stranger, OtherTenant, Oid(1), "ola@other.example", ["Administrator"], issuerTenant: FakeEntra.HomeTenant);
            // No tenant or no object id at all.
            using var noTenant = await entra.SignInAsync(stranger, null, Oid(1), "ola@other.example", [], issuerTenant: FakeEntra.HomeTenant);
            using var noObject = await entra.SignInAsync(stranger, FakeEntra.HomeTenant, null, "ola@other.example", []);

            Assert.Equal("/account/login?entra=failed", Location(issued));
            Assert.Equal("/account/login?entra=tenant", Location(named));
            Assert.Equal("/account/login?entra=refused", Location(noTenant));
            Assert.Equal("/account/login?entra=refused", Location(noObject));
            Assert.StartsWith("/account/login", await RedirectOfAsync(stranger, "/"), StringComparison.Ordinal);
            await using var scope = app.App.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
            Assert.False(await db.Accounts.AnyAsync(a => a.ExternalId != null));
            var reasons = await db.AuditEntries.Where(e => e.Action == "account.entra-sign-in-failed").OrderBy(e => e.Id).Select(e => e.After!).ToListAsync();
            Assert.Equal(3, reasons.Count);
            Assert.Contains("OtherTenant", reasons[0], StringComparison.Ordinal);
            Assert.Contains("NoIdentity", reasons[1], StringComparison.Ordinal);
        }

        // A tenant named in Authentication:Entra:AllowedTenants signs in; any other is still refused.
        (app, entra, _) = await StartAsync(kind, $"--Authentication:Entra:AllowedTenants:0={OtherTenant}");
        await using (app)
        {
            using var partner = app.Anonymous();
            using var allowed = await entra.SignInAsync(partner, OtherTenant, Oid(1), "ola@other.example", []);
            using var outsider = app.Anonymous();
            using var third = await entra.SignInAsync(outsider, ThirdTenant, Oid(2), "eva@third.example", []);
            using var thirdNamed = await entra.SignInAsync(outsider, ThirdTenant, Oid(2), "eva@third.example", [], issuerTenant: OtherTenant);

            Assert.Equal("/", Location(allowed));
            Assert.Equal("ok", await RedirectOfAsync(partner, "/"));
            Assert.Equal(OtherTenant, (await AccountAsync(app, Oid(1))).TenantId);
            Assert.Equal("/account/login?entra=failed", Location(third));
            Assert.Equal("/account/login?entra=tenant", Location(thirdNamed));
        }
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_app_role_removed_in_Entra_is_removed_at_the_next_sign_in_and_the_open_session_is_refused_within_the_interval(DatabaseKind kind)
    {
        var (app, entra, clock) = await StartAsync(kind);
        await using var _app = app;
        using var office = await SignedInAsync(app, entra, Oid(1), "kari@nordvik.kommune.no", "Administrator", "ChangeLeader");
        Assert.Equal("ok", await RedirectOfAsync(office, "/admin/accounts"));
        // The account page tells the roles from Entra ID apart from those set here (none but Employee).
        var page = WebUtility.HtmlDecode(await office.GetStringAsync($"/admin/accounts/{(await AccountAsync(app, Oid(1))).Id}"));
        Assert.Contains("Roller fra approllene i Entra ID ved siste innlogging: Administrator", page, StringComparison.Ordinal);
        Assert.DoesNotContain("checked", page[page.IndexOf("Input.RoleNames", StringComparison.Ordinal)..page.IndexOf("Input.IsDisabled", StringComparison.Ordinal)], StringComparison.Ordinal);

        // The Administrator app role is removed in Entra ID; Kari signs in again on another device.
        using var laptop = await SignedInAsync(app, entra, Oid(1), "kari@nordvik.kommune.no", "ChangeLeader");
        Assert.Equal("/account/access-denied", Location(await laptop.GetAsync("/admin/accounts")).Split('?')[0]);
        Assert.Equal("ok", await RedirectOfAsync(laptop, "/organisation/rules"));
        var account = await AccountAsync(app, Oid(1));
        Assert.Equal((Roles.Employee, Roles.ChangeLeader), (account.Roles, account.EntraRoles));

        // The session opened with the old roles holds until its next check, and is refused at it.
        Assert.Equal("ok", await RedirectOfAsync(office, "/admin/accounts"));
        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.StartsWith("/account/login", await RedirectOfAsync(office, "/admin/accounts"), StringComparison.Ordinal);
        Assert.StartsWith("/account/login", await RedirectOfAsync(office, "/"), StringComparison.Ordinal);
        Assert.Equal("ok", await RedirectOfAsync(laptop, "/organisation/rules"));

        // The same roles again change nothing, so no session ends.
        using var phone = await SignedInAsync(app, entra, Oid(1), "kari@nordvik.kommune.no", "ChangeLeader");
        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal("ok", await RedirectOfAsync(laptop, "/organisation/rules"));
        Assert.Equal(account.SecurityStamp, (await AccountAsync(app, Oid(1))).SecurityStamp);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_person_disabled_or_deleted_in_the_directory_import_loses_their_sessions_within_the_interval(DatabaseKind kind)
    {
        var (app, entra, clock) = await StartAsync(kind);
        await using var _app = app;
        using var kari = await SignedInAsync(app, entra, Oid(1), "kari@nordvik.kommune.no", "ChangeLeader");
        using var per = await SignedInAsync(app, entra, Oid(2), "per@nordvik.kommune.no");
        using var ola = await SignedInAsync(app, entra, Oid(3), "ola@nordvik.kommune.no");

        async Task<DirectoryImport> ImportAsync(params (int Oid, string Name, bool Enabled)[] users)
        {
            var text = "userPrincipalName,objectId,displayName,accountEnabled\r\n"
                + string.Concat(users.Select(u => $"{u.Name}@nordvik.kommune.no,{Oid(u.Oid)},{u.Name},{(u.Enabled ? "true" : "false")}\r\n"));
            await using var scope = app.App.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<EntraUserImport>()
                .ImportAsync(TestFiles.Text(text), "users.csv", "central", new DirectoryImportOptions(AllowMassDeactivation: true));
        }

        Assert.Equal(ImportStatus.Succeeded, (await ImportAsync((1, "kari", true), (2, "per", true), (3, "ola", true))).Status);
        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal("ok", await RedirectOfAsync(kari, "/organisation/rules"));

        // Kari is disabled in Entra ID, Per deleted from it (gone from the export), Ola unchanged.
        Assert.Equal(ImportStatus.Succeeded, (await ImportAsync((1, "kari", false), (3, "ola", true))).Status);
        Assert.True((await AccountAsync(app, Oid(1))).DisabledInDirectory);
        Assert.True((await AccountAsync(app, Oid(2))).DisabledInDirectory);
        Assert.False((await AccountAsync(app, Oid(3))).DisabledInDirectory);
        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.StartsWith("/account/login", await RedirectOfAsync(kari, "/organisation/rules"), StringComparison.Ordinal);
        Assert.StartsWith("/account/login", await RedirectOfAsync(per, "/"), StringComparison.Ordinal);
        Assert.Equal("ok", await RedirectOfAsync(ola, "/"));

        // Enabled again in the next export: the account is too, and Kari signs in again.
        await ImportAsync((1, "kari", true), (2, "per", true), (3, "ola", true));
        Assert.False((await AccountAsync(app, Oid(1))).DisabledInDirectory);
        using var again = await SignedInAsync(app, entra, Oid(1), "kari@nordvik.kommune.no", "ChangeLeader");
        Assert.Equal("ok", await RedirectOfAsync(again, "/organisation/rules"));
        await using var scope = app.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
        Assert.Equal(2, await db.AuditEntries.CountAsync(e => e.Action == "account.disabled-in-entra" && e.Actor == "central"));
        Assert.Equal(2, await db.AuditEntries.CountAsync(e => e.Action == "account.enabled-in-entra"));
    }
}
