using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Shared;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Tests.Usage.Graph;

namespace Oppdrift.Tests.Access;

/// <summary>
/// The directory poll against recorded Microsoft Graph exchanges (testdata/access/graph) under the real Graph SDK, on
/// both databases: what each round of the users delta query does to the linked accounts and to the saved delta link.
/// </summary>
public sealed class EntraDirectoryPollTests
{
    private const string OtherTenant = "0e6f2a4c-1b3d-4e5f-8a7b-9c0d1e2f3a4b";
    private const string Graph = "https://graph.microsoft.com/v1.0/users/delta()";
    private const string FirstDeltaLink = Graph + "?$deltatoken=MDAwMTE3MDkzMC5Eb0l0Q2x1c3Rlcl9ub3JkdmlrLjE";
    private const string SecondDeltaLink = Graph + "?$deltatoken=MDAwMTE3MDk5MS5Eb0l0Q2x1c3Rlcl9ub3JkdmlrLjI";
    private const string ResyncDeltaLink = Graph + "?$deltatoken=MDAwMTE3MTEwMi5Eb0l0Q2x1c3Rlcl9ub3JkdmlrLjQ";

    private static readonly string[] Folder = ["access", "graph"];
    private static readonly string[] FullRound = ["token.json", "delta-initial.json", "delta-initial-next.json"];

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 5, 16, 30, 0, TimeSpan.Zero));

    public static string Oid(int n) => $"3f2504e0-4f89-41d3-9a0c-{n:D12}";

    public static EntraSettings Settings() => new()
    {
        TenantId = FakeEntra.HomeTenant,
        ClientId = FakeEntra.ClientId,
        ClientSecret = "not-a-real-secret",
    };

    /// <summary>The job as the host builds it, on <paramref name="database"/>, its network replaced by <paramref name="network"/>.</summary>
    private sealed class Poll : IAsyncDisposable
    {
        private readonly ServiceProvider _services;

        public Poll(TestDatabase database, RecordedExchanges network, FakeTimeProvider clock)
        {
            _services = new ServiceCollection().AddScoped(_ => database.CreateContext()).BuildServiceProvider();
            Network = network;
            Job = new EntraDirectoryPollJob(Settings(), EntraDirectoryReader.Create(Settings(), network),
                _services.GetRequiredService<IServiceScopeFactory>(), new JobLeases(database.Provider, clock, NullLogger<JobLeases>.Instance), clock,
                NullLogger<EntraDirectoryPollJob>.Instance);
        }

        public RecordedExchanges Network { get; }

        public EntraDirectoryPollJob Job { get; }

        public async ValueTask DisposeAsync()
        {
            Job.Dispose();
            await _services.DisposeAsync();
        }
    }

    /// <summary>Kari, Per, Ola and Eva linked in the home tenant; an account linked to a user the tenant does not list;
    /// one linked in another tenant under Kari's object id; a local account.</summary>
    private static async Task SeedAsync(OppdriftDb db)
    {
        Account Linked(string name, string? objectId, string? tenant = FakeEntra.HomeTenant) => new()
        {
            UserName = name,
            NormalizedUserName = name,
            DisplayName = name,
            Roles = Roles.Employee,
            ExternalId = objectId,
            TenantId = objectId is null ? null : tenant,
            SecurityStamp = AccountService.NewSecurityStamp(),
        };
        db.Accounts.AddRange(
            Linked("kari@nordvik.kommune.no", Oid(1)),
            Linked("per@nordvik.kommune.no", Oid(2)),
            // Linked before tenant ids were stored: counts as the home tenant's.
            Linked("ola@nordvik.kommune.no", Oid(3), tenant: null),
            Linked("eva@nordvik.kommune.no", Oid(4)),
            Linked("gone@nordvik.kommune.no", Oid(5)),
            Linked("kari@partner.example", Oid(1), OtherTenant),
            Linked("lokal", null));
        await db.SaveChangesAsync();
    }

    private static async Task<Dictionary<string, Account>> AccountsAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        return await db.Accounts.AsNoTracking().ToDictionaryAsync(a => a.UserName);
    }

    private static async Task<EntraDirectoryState> StateAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        return await db.EntraDirectoryStates.AsNoTracking().SingleAsync();
    }

    private static void AssertAllSent(RecordedExchanges network)
    {
        Assert.Empty(network.Mismatches);
        Assert.Equal(0, network.Unused);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_first_poll_reads_every_user_page_by_page_saves_the_delta_link_and_disables_a_linked_user_the_tenant_does_not_list(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using (var db = database.CreateContext())
        {
            await SeedAsync(db);
        }
        var before = await AccountsAsync(database);
        await using var poll = new Poll(database, RecordedExchanges.In(Folder, FullRound), _clock);

        var run = await poll.Job.RunAsync(TestContext.Current.CancellationToken);

        AssertAllSent(poll.Network);
        Assert.Equal((true, false, 2, 6, 1, 0, null), (run.Full, run.Resynced, run.Pages, run.Users, run.Disabled, run.Enabled, run.Error));
        var graphCalls = poll.Network.Sent.Where(s => s.Url.Host == "graph.microsoft.com").ToList();
        Assert.Equal(Graph + "?$select=id,accountEnabled", Uri.UnescapeDataString(graphCalls[0].Url.AbsoluteUri));
        Assert.All(graphCalls, s => Assert.StartsWith("Bearer ", s.Authorization, StringComparison.Ordinal));
        var state = await StateAsync(database);
        Assert.Equal(FirstDeltaLink, Uri.UnescapeDataString(state.DeltaLink!));
        Assert.Equal((_clock.GetUtcNow().UtcDateTime, _clock.GetUtcNow().UtcDateTime, (string?)null), (state.LastFullSyncAt, state.LastSucceededAt, state.LastError));
        var after = await AccountsAsync(database);
        Assert.True(after["gone@nordvik.kommune.no"].DisabledInDirectory);
        Assert.NotEqual(before["gone@nordvik.kommune.no"].SecurityStamp, after["gone@nordvik.kommune.no"].SecurityStamp);
        foreach (var name in after.Keys.Where(n => n != "gone@nordvik.kommune.no"))
        {
            Assert.False(after[name].DisabledInDirectory, name);
            Assert.Equal(before[name].SecurityStamp, after[name].SecurityStamp);
        }
        await using var check = database.CreateContext();
        var audit = await check.AuditEntries.SingleAsync(e => e.Action == "account.disabled-in-entra");
        Assert.Equal((EntraDirectoryPollJob.Actor, "gone@nordvik.kommune.no"), (audit.Actor, audit.Target));
        Assert.Contains("\"Reason\":\"absent\"", audit.After, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_next_polls_reuse_the_saved_delta_link_disable_the_disabled_and_the_deleted_and_enable_the_enabled_again(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using (var db = database.CreateContext())
        {
            await SeedAsync(db);
            // Eva was also disabled here by an administrator: enabled in Entra ID again, she stays disabled here.
            (await db.Accounts.SingleAsync(a => a.UserName == "eva@nordvik.kommune.no")).IsDisabled = true;
            await db.SaveChangesAsync();
        }
        await using (var first = new Poll(database, RecordedExchanges.In(Folder, FullRound), _clock))
        {
            await first.Job.RunAsync(TestContext.Current.CancellationToken);
        }
        var before = await AccountsAsync(database);
        var firstPoll = _clock.GetUtcNow().UtcDateTime;
        _clock.Advance(TimeSpan.FromMinutes(1));

        // A new job, as after a restart: the delta link comes from the database.
        await using var poll = new Poll(database, RecordedExchanges.In(Folder, "token.json", "delta-changes.json", "delta-enabled-again.json"), _clock);
        var changes = await poll.Job.RunAsync(TestContext.Current.CancellationToken);
        var afterChanges = await AccountsAsync(database);
        var stateAfterChanges = await StateAsync(database);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var enabledAgain = await poll.Job.RunAsync(TestContext.Current.CancellationToken);
        var afterEnabled = await AccountsAsync(database);

        AssertAllSent(poll.Network);
        Assert.Equal((false, 1, 4, 3, 0), (changes.Full, changes.Pages, changes.Users, changes.Disabled, changes.Enabled));
        Assert.Equal(SecondDeltaLink, Uri.UnescapeDataString(stateAfterChanges.DeltaLink!));
        Assert.Equal(firstPoll, stateAfterChanges.LastFullSyncAt);
        foreach (var name in new[] { "kari@nordvik.kommune.no", "per@nordvik.kommune.no", "eva@nordvik.kommune.no" })
        {
            Assert.True(afterChanges[name].DisabledInDirectory, name);
            Assert.NotEqual(before[name].SecurityStamp, afterChanges[name].SecurityStamp);
        }
        // Ola did not change; Kari's namesake in another tenant, the local account and the unlinked object id 7 are not touched.
        foreach (var name in new[] { "ola@nordvik.kommune.no", "kari@partner.example", "lokal" })
        {
            Assert.False(afterChanges[name].DisabledInDirectory, name);
            Assert.Equal(before[name].SecurityStamp, afterChanges[name].SecurityStamp);
        }

        Assert.Equal((0, 2), (enabledAgain.Disabled, enabledAgain.Enabled));
        Assert.False(afterEnabled["kari@nordvik.kommune.no"].DisabledInDirectory);
        Assert.False(afterEnabled["eva@nordvik.kommune.no"].DisabledInDirectory);
        Assert.True(afterEnabled["eva@nordvik.kommune.no"].IsDisabled);
        Assert.True(afterEnabled["per@nordvik.kommune.no"].DisabledInDirectory);
        await using var db2 = database.CreateContext();
        var accounts = new AccountService(db2, _clock);
        Assert.NotNull(await accounts.ActiveSecurityStampAsync(afterEnabled["kari@nordvik.kommune.no"].Id, default));
        Assert.Null(await accounts.ActiveSecurityStampAsync(afterEnabled["eva@nordvik.kommune.no"].Id, default));
        var audit = await db2.AuditEntries.Where(e => e.Actor == EntraDirectoryPollJob.Actor).OrderBy(e => e.Id).Select(e => new { e.Action, e.Target, e.After }).ToListAsync();
        Assert.Equal(6, audit.Count);
        Assert.Contains(audit, e => e.Action == "account.disabled-in-entra" && e.Target == "per@nordvik.kommune.no" && e.After!.Contains("\"Reason\":\"removed\"", StringComparison.Ordinal));
        Assert.Contains(audit, e => e.Action == "account.disabled-in-entra" && e.Target == "kari@nordvik.kommune.no" && e.After!.Contains("\"Reason\":\"disabled\"", StringComparison.Ordinal));
        Assert.Equal(2, audit.Count(e => e.Action == "account.enabled-in-entra"));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_delta_link_Graph_no_longer_knows_starts_a_full_round_that_also_finds_users_deleted_meanwhile(DatabaseKind kind)
    {
        foreach (var refusal in new[] { "delta-gone.json", "delta-expired.json" })
        {
            await using var database = await TestDatabase.CreateAsync(kind);
            await using (var db = database.CreateContext())
            {
                await SeedAsync(db);
            }
            await using var poll = new Poll(database, RecordedExchanges.In(Folder, [.. FullRound, refusal, "delta-resync.json"]), _clock);
            await poll.Job.RunAsync(TestContext.Current.CancellationToken);
            var before = await AccountsAsync(database);
            _clock.Advance(TimeSpan.FromMinutes(1));

            var run = await poll.Job.RunAsync(TestContext.Current.CancellationToken);

            AssertAllSent(poll.Network);
            Assert.Equal((true, true, 5, 2, null), (run.Full, run.Resynced, run.Users, run.Disabled, run.Error));
            var after = await AccountsAsync(database);
            // Per was deleted while the link was lost: not listed in the full round, so gone. Kari is disabled.
            Assert.True(after["per@nordvik.kommune.no"].DisabledInDirectory, refusal);
            Assert.True(after["kari@nordvik.kommune.no"].DisabledInDirectory, refusal);
            Assert.NotEqual(before["per@nordvik.kommune.no"].SecurityStamp, after["per@nordvik.kommune.no"].SecurityStamp);
            Assert.False(after["ola@nordvik.kommune.no"].DisabledInDirectory);
            Assert.False(after["kari@partner.example"].DisabledInDirectory);
            var state = await StateAsync(database);
            Assert.Equal(ResyncDeltaLink, Uri.UnescapeDataString(state.DeltaLink!));
            Assert.Equal(_clock.GetUtcNow().UtcDateTime, state.LastFullSyncAt);
        }
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_full_read_that_leaves_out_many_linked_accounts_disables_none_for_that_but_still_the_disabled(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using (var db = database.CreateContext())
        {
            await SeedAsync(db);
            for (var n = 100; n < 125; n++)
            {
                db.Accounts.Add(new Account
                {
                    UserName = $"user{n}",
                    NormalizedUserName = $"user{n}",
                    DisplayName = $"User {n}",
                    Roles = Roles.Employee,
                    ExternalId = Oid(n),
                    TenantId = FakeEntra.HomeTenant,
                    SecurityStamp = AccountService.NewSecurityStamp(),
                });
            }
            await db.SaveChangesAsync();
        }
        // One page listing Kari disabled and Ola, Eva enabled; Per, the unlisted account and the 25 above are left out.
        await using var poll = new Poll(database, RecordedExchanges.In(Folder, "token.json", "delta-resync.json"), _clock);

        var run = await poll.Job.RunAsync(TestContext.Current.CancellationToken);

        AssertAllSent(poll.Network);
        Assert.Equal((true, 1, 27, null), (run.Full, run.Disabled, run.AbsentSpared, run.Error));
        var after = await AccountsAsync(database);
        Assert.True(after["kari@nordvik.kommune.no"].DisabledInDirectory);
        Assert.Equal(["kari@nordvik.kommune.no"], after.Values.Where(a => a.DisabledInDirectory).Select(a => a.UserName));
        Assert.NotNull((await StateAsync(database)).DeltaLink);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_refused_poll_changes_no_account_keeps_the_delta_link_and_records_why(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using (var db = database.CreateContext())
        {
            await SeedAsync(db);
        }
        await using var poll = new Poll(database, RecordedExchanges.In(Folder, [.. FullRound, "delta-forbidden.json", "delta-nothing-changed.json"]), _clock);
        await poll.Job.RunAsync(TestContext.Current.CancellationToken);
        var before = await AccountsAsync(database);
        _clock.Advance(TimeSpan.FromMinutes(1));

        var refused = await poll.Job.RunAsync(TestContext.Current.CancellationToken);
        var stateRefused = await StateAsync(database);
        var afterRefused = await AccountsAsync(database);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var next = await poll.Job.RunAsync(TestContext.Current.CancellationToken);
        var stateNext = await StateAsync(database);

        AssertAllSent(poll.Network);
        Assert.False(refused.Succeeded);
        Assert.Contains("User.Read.All", refused.Error, StringComparison.Ordinal);
        Assert.Contains("Authorization_RequestDenied", stateRefused.LastError, StringComparison.Ordinal);
        Assert.Equal(FirstDeltaLink, Uri.UnescapeDataString(stateRefused.DeltaLink!));
        Assert.Equal(_clock.GetUtcNow().UtcDateTime.AddMinutes(-1), stateRefused.LastPolledAt);
        Assert.Equal(_clock.GetUtcNow().UtcDateTime.AddMinutes(-2), stateRefused.LastSucceededAt);
        Assert.Equal(before.ToDictionary(a => a.Key, a => a.Value.SecurityStamp), afterRefused.ToDictionary(a => a.Key, a => a.Value.SecurityStamp));
        // The next poll asks with the same link again, and succeeds; nothing changed, so no account does.
        Assert.Equal((true, 0, 0, 0), (next.Succeeded, next.Users, next.Disabled, next.Enabled));
        Assert.Null(stateNext.LastError);
        Assert.Equal(SecondDeltaLink, Uri.UnescapeDataString(stateNext.DeltaLink!));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_user_disabled_or_deleted_in_Entra_loses_their_session_at_the_next_check_after_one_poll(DatabaseKind kind)
    {
        var network = RecordedExchanges.In(Folder, [.. FullRound, "delta-changes.json"]);
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var entra = new FakeEntra();
        await using var app = await RunningApp.StartAsync(kind, 300, builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(clock);
            builder.Services.AddKeyedSingleton<HttpMessageHandler>(EntraDirectoryPollJob.Key, network);
            entra.Configure(builder);
        }, FakeEntra.Settings("--Access:SessionRevalidation=00:01:00", "--Authentication:Entra:DirectoryPoll=true"));
        var job = app.App.Services.GetRequiredService<EntraDirectoryPollJob>();
        var first = await NextRunAsync(job, null);
        Assert.True(first.Full);

        async Task<HttpClient> SignedInAsync(int oid, string userName, params string[] roles)
        {
            var client = app.Anonymous();
            using var response = await entra.SignInAsync(client, FakeEntra.HomeTenant, Oid(oid), userName, roles);
            Assert.Equal("/", Location(response));
            return client;
        }

        using var kari = await SignedInAsync(1, "kari@nordvik.kommune.no", "ChangeLeader");
        using var per = await SignedInAsync(2, "per@nordvik.kommune.no");
        using var ola = await SignedInAsync(3, "ola@nordvik.kommune.no");
        using var admin = await SignedInAsync(9, "admin.entra@nordvik.kommune.no", "Administrator");
        Assert.Equal(HttpStatusCode.OK, (await kari.GetAsync("/organisation/rules")).StatusCode);

        // A minute on, the poll asks with its delta link: Kari is disabled in Entra ID and Per deleted.
        clock.Advance(TimeSpan.FromMinutes(1));
        var second = await NextRunAsync(job, first);
        clock.Advance(TimeSpan.FromSeconds(1));

        AssertAllSent(network);
        Assert.Equal((false, 2, null), (second.Full, second.Disabled, second.Error));
        Assert.StartsWith("/account/login", await RedirectOfAsync(kari, "/organisation/rules"), StringComparison.Ordinal);
        Assert.StartsWith("/account/login", await RedirectOfAsync(per, "/"), StringComparison.Ordinal);
        Assert.Equal("ok", await RedirectOfAsync(ola, "/"));
        // The accounts page tells when the directory was last read, and that it did not fail.
        var page = WebUtility.HtmlDecode(await admin.GetStringAsync("/admin/accounts"));
        Assert.Contains("Brukere i Microsoft Entra ID", page, StringComparison.Ordinal);
        Assert.Contains("Sist lest:", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Siste lesing feilet", page, StringComparison.Ordinal);
    }

    private static async Task<EntraDirectoryPollRun> NextRunAsync(EntraDirectoryPollJob job, EntraDirectoryPollRun? previous)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (job.LastRun is null || ReferenceEquals(job.LastRun, previous))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "The directory poll did not run.");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        return job.LastRun;
    }

    private static async Task<string> RedirectOfAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return response.StatusCode == HttpStatusCode.OK ? "ok" : Location(response);
    }

    private static string Location(HttpResponseMessage response) =>
        response.Headers.Location is { } location ? (location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString) : response.StatusCode.ToString();

    [Fact]
    public void The_poll_is_off_without_sign_in_a_credential_or_when_turned_off()
    {
        Assert.True(Settings().DirectoryPollConfigured);
        Assert.False(new EntraSettings().DirectoryPollConfigured);
        var noCredential = Settings();
        noCredential.ClientSecret = null;
        Assert.False(noCredential.DirectoryPollConfigured);
        noCredential.CertificatePath = "/etc/oppdrift/graph.pfx";
        Assert.True(noCredential.DirectoryPollConfigured);
        var off = Settings();
        off.DirectoryPoll = false;
        Assert.False(off.DirectoryPollConfigured);
        var tooOften = Settings();
        tooOften.DirectoryPollInterval = TimeSpan.FromSeconds(1);
        Assert.Contains(tooOften.DirectoryPollProblems(), p => p.Contains("DirectoryPollInterval", StringComparison.Ordinal));
    }
}
