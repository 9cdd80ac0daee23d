using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Learning.Knowledge;
using Oppdrift.Organisation;
using Oppdrift.Proxy;
using Oppdrift.Shared;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Tests.Learning;

namespace Oppdrift.Tests.Cluster;

/// <summary>
/// Two real web processes (the built Oppdrift.Web.dll) on one PostgreSQL database and one shared folder, behind the
/// round-robin proxy with no sticky sessions, as a load-balanced installation runs: a user signs in and works through
/// the proxy whichever node answers, one node is killed half-way, and every scheduled pass ran on one node only.
/// </summary>
public sealed partial class TwoNodeTests : IAsyncDisposable
{
    private const string Password = "a long cluster test password";
    private const int Learners = 12;

    private readonly List<Node> _nodes = [];
    private TestDatabase? _database;
    private WebApplication? _proxy;

    [Fact]
    public async Task Two_nodes_behind_a_proxy_serve_one_user_survive_losing_one_and_run_every_job_pass_once()
    {
        var ct = TestContext.Current.CancellationToken;
        _database = await TestDatabase.CreateAsync(DatabaseKind.Postgres);
        var shared = Directory.CreateDirectory(Path.Combine(_database.Folder, "shared")).FullName;
        var (programmeId, outboxBefore) = await SeedLearnersAsync(_database, shared);
        Assert.Equal(Learners, outboxBefore);
        await using var smtp = new SmtpListener();

        // Both nodes share the keys from the secret store and the folder; each has its own data folder.
        var keys = new Dictionary<string, string>
        {
            ["DataProtection__Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Privacy__PseudonymKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Learning__Smtp__Host"] = "127.0.0.1",
            ["Learning__Smtp__Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Learning__Smtp__Security"] = "None",
            // Longer than this test however slow the machine, so the mail job's one due pass is the one at start.
            ["Learning__MailIntervalSeconds"] = "3600",
            ["Oppdrift__SharedDirectory"] = shared,
            ["Benefits__MeasureCheckSeconds"] = "2",
        };
        var first = StartNode("node1", keys);
        var oneTimePassword = await first.OneTimePasswordAsync(ct);
        var second = StartNode("node2", keys);
        await Task.WhenAll(first.WaitReadyAsync(ct), second.WaitReadyAsync(ct));
        Assert.DoesNotContain("one-time password", second.Log, StringComparison.Ordinal);

        _proxy = ClusterProxy.Build(new Uri("http://127.0.0.1:0"), [first.Address, second.Address], TimeSpan.FromSeconds(0.5));
        await _proxy.StartAsync(ct);
        var proxyAddress = new Uri(_proxy.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var user = RunningApp.Client(proxyAddress, new CookieContainer());
        // Once the proxy has checked both nodes, it takes them strictly in turn.
        await WaitForAsync(async () => (await ProxyNodesAsync(user, ct)).All(n => n.Checked && n.Healthy), "the proxy to find both nodes ready", ct);

        // Sign in with the one-time password, then choose a password: each form comes from one node and is posted to the other.
        var login = await GetAsync(user, "/account/login", ct);
        var signIn = await PostAsync(user, "/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = RunningApp.AntiforgeryToken(login.Body),
            ["Input.UserName"] = "admin",
            ["Input.Password"] = oneTimePassword,
        }), ct);
        Assert.Equal(HttpStatusCode.Redirect, signIn.Status);
        var change = await GetAsync(user, "/account/change-password", ct);
        var changed = await PostAsync(user, "/account/change-password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "change-password",
            ["__RequestVerificationToken"] = RunningApp.AntiforgeryToken(change.Body),
            ["Input.Current"] = oneTimePassword,
            ["Input.Next"] = Password,
            ["Input.Repeat"] = Password,
        }), ct);
        Assert.True(changed.Status is HttpStatusCode.OK or HttpStatusCode.Redirect, $"{changed.Status}: {changed.Body}");
        await using (var db = _database.CreateContext())
        {
            Assert.False(await db.Accounts.Where(a => a.UserName == "admin").Select(a => a.MustChangePassword).SingleAsync(ct));
        }

        // Pages alternate between the nodes, signed in on both with the one cookie.
        // (A node whose health check a loaded machine delays is out for a moment: the pages go round until both served.)
        var served = new List<string>();
        string[] paths = ["/usage", "/learning", $"/learning/programmes/{programmeId}", "/usage", "/learning", "/"];
        for (var i = 0; i < paths.Length || (served.Distinct().Count() < 2 && i < 10 * paths.Length); i++)
        {
            var path = paths[i % paths.Length];
            var page = await GetAsync(user, path, ct);
            Assert.True(page.Status == HttpStatusCode.OK, $"{path} on {page.Node}: {page.Status}");
            served.Add(page.Node);
        }
        Assert.Contains("node1", served);
        Assert.Contains("node2", served);

        // A document uploaded through one node is read back through the other, from the shared folder.
        var document = Encoding.UTF8.GetBytes($"Cluster notes {Guid.NewGuid()}\n");
        var programme = await GetAsync(user, $"/learning/programmes/{programmeId}", ct);
        using var upload = new MultipartFormDataContent
        {
            { new StringContent(RunningApp.AntiforgeryToken(programme.Body)), "__RequestVerificationToken" },
            { new StringContent("Cluster notes"), "title" },
            { new ByteArrayContent(document) { Headers = { ContentType = new("text/plain") } }, "file", "cluster-notes.txt" },
        };
        var uploaded = await PostAsync(user, $"/learning/programmes/{programmeId}/documents", upload, ct);
        Assert.Equal(HttpStatusCode.Redirect, uploaded.Status);
        int documentId;
        await using (var db = _database.CreateContext())
        {
            documentId = await db.LearningDocuments.Where(d => d.ProgrammeId == programmeId).Select(d => d.Id).SingleAsync(ct);
        }
        using (var download = await user.GetAsync(new Uri($"/learning/documents/{documentId}", UriKind.Relative), ct))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal(document, await download.Content.ReadAsByteArrayAsync(ct));
        }
        // Read straight from the node that did not receive it, signed in with the same cookie.
        using (var other = RunningApp.Client((uploaded.Node == first.Name ? second : first).Address, RunningApp.CookiesOf(user)))
        using (var download = await other.GetAsync(new Uri($"/learning/documents/{documentId}", UriKind.Relative), ct))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal(document, await download.Content.ReadAsByteArrayAsync(ct));
        }

        // A form one node rendered is accepted by the other, with the same cookie and antiforgery token. (The proxy's turns
        // usually cross them too, but a health check a loaded machine delays can leave one node answering for a moment.)
        using (var onFirst = RunningApp.Client(first.Address, RunningApp.CookiesOf(user)))
        using (var onSecond = RunningApp.Client(second.Address, RunningApp.CookiesOf(user)))
        {
            var rendered = await onFirst.GetStringAsync(new Uri($"/learning/programmes/{programmeId}", UriKind.Relative), ct);
            using var crossed = new MultipartFormDataContent
            {
                { new StringContent(RunningApp.AntiforgeryToken(rendered)), "__RequestVerificationToken" },
                { new StringContent("Cluster notes, crossed"), "title" },
                { new ByteArrayContent(document) { Headers = { ContentType = new("text/plain") } }, "file", "cluster-notes-crossed.txt" },
            };
            using var posted = await onSecond.PostAsync(new Uri($"/learning/programmes/{programmeId}/documents", UriKind.Relative), crossed, ct);
            Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
            Assert.DoesNotContain("/account/", posted.Headers.Location?.ToString() ?? "", StringComparison.Ordinal);
        }
        await using (var db = _database.CreateContext())
        {
            Assert.Equal(2, await db.LearningDocuments.CountAsync(d => d.ProgrammeId == programmeId, ct));
        }

        // The outbox (a confirmation per learner, and a reminder each, as the session starts within a day) went out once.
        await WaitForAsync(() => smtp.Messages.Count >= 2 * Learners, "the learning e-mails to be sent", ct);

        // One node dies; the proxy takes it out and the user carries on through the other, still signed in.
        var killed = first;
        var killedAt = TimeProvider.System.GetUtcNow().UtcDateTime;
        killed.Kill();
        await WaitForAsync(async () => (await ProxyNodesAsync(user, ct)).Single(n => n.Name == killed.Name) is { Healthy: false }, "the proxy to take the killed node out", ct);
        foreach (var path in new[] { "/usage", "/learning", $"/learning/documents/{documentId}", "/learning/me" })
        {
            var page = await GetAsync(user, path, ct);
            Assert.True(page.Status == HttpStatusCode.OK, $"{path} after the kill: {page.Status}");
            Assert.Equal(second.Name, page.Node);
        }
        var afterKill = await GetAsync(user, $"/learning/programmes/{programmeId}", ct);
        using (var again = new MultipartFormDataContent
        {
            { new StringContent(RunningApp.AntiforgeryToken(afterKill.Body)), "__RequestVerificationToken" },
            { new StringContent("More notes"), "title" },
            { new ByteArrayContent(document) { Headers = { ContentType = new("text/plain") } }, "file", "more-notes.txt" },
        })
        {
            Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(user, $"/learning/programmes/{programmeId}/documents", again, ct)).Status);
        }
        // The short benefits job keeps running, on the node that is left.
        await WaitForAsync(() => second.Passes().Any(p => p.Job == BenefitsMeasurementJob.Key && p.At > killedAt), "the surviving node to take over the benefits job", ct);
        await second.StopAsync();

        // Every pass of every job ran on one node: the passes both nodes logged are the lease's passes 1..n, each once.
        var passes = first.Passes().Concat(second.Passes()).ToList();
        List<JobLease> leases;
        await using (var db = _database.CreateContext())
        {
            leases = await db.JobLeases.AsNoTracking().ToListAsync(ct);
        }
        Assert.Contains(leases, l => l.Name == LearningMailJob.Key);
        Assert.Contains(leases, l => l.Name == BenefitsMeasurementJob.Key);
        foreach (var lease in leases)
        {
            var numbers = passes.Where(p => p.Job == lease.Name).Select(p => p.Run).Order().ToList();
            Assert.Equal(Enumerable.Range(1, (int)lease.Runs).Select(n => (long)n), numbers);
        }
        // Both nodes started every job at start; each job with an interval longer than this test ran once, on one node.
        Assert.Equal(1, leases.Single(l => l.Name == LearningMailJob.Key).Runs);
        Assert.Contains($"Job {LearningMailJob.Key}: another node holds the lease", first.Log + second.Log, StringComparison.Ordinal);
        // The two-second job ran once per due time: never two passes closer than the lease allows (0.9 of the interval).
        var benefits = passes.Where(p => p.Job == BenefitsMeasurementJob.Key).OrderBy(p => p.Run).ToList();
        Assert.True(benefits.Count >= 3, $"{benefits.Count} benefit passes");
        Assert.Contains(benefits, p => p.Node == first.Name);
        Assert.Contains(benefits, p => p.Node == second.Name);
        for (var i = 1; i < benefits.Count; i++)
        {
            Assert.True(benefits[i].At - benefits[i - 1].At >= TimeSpan.FromSeconds(1.8 - 0.05),
                $"Benefit passes {benefits[i - 1].Run} and {benefits[i].Run} started {(benefits[i].At - benefits[i - 1].At).TotalMilliseconds} ms apart");
        }

        // No e-mail was sent twice: the server got each outbox row once, and every row is marked sent.
        await using (var db = _database.CreateContext())
        {
            var outbox = await db.OutgoingMail.AsNoTracking().ToListAsync(ct);
            Assert.Equal(2 * Learners, outbox.Count);
            Assert.All(outbox, m => Assert.NotNull(m.SentAt));
        }
        var messageIds = smtp.Messages.Select(m => MimeMessage.Load(new MemoryStream(m.Data)).MessageId).ToList();
        Assert.Equal(2 * Learners, messageIds.Count);
        Assert.Equal(messageIds.Count, messageIds.Distinct(StringComparer.Ordinal).Count());
    }

    /// <summary>An agency of learners, a programme and a session in three hours with a seat for each, as the app would have them.</summary>
    private static async Task<(int ProgrammeId, int Outbox)> SeedLearnersAsync(TestDatabase database, string shared)
    {
        await using var db = database.CreateContext();
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var agency = new Agency { Code = "KLY", Name = "Klynge", CreatedAt = now };
        db.Agencies.Add(agency);
        await db.SaveChangesAsync();
        var people = Enumerable.Range(1, Learners).Select(i => new Person
        {
            UserPrincipalName = $"learner{i}@klynge.no",
            NormalizedUserPrincipalName = $"learner{i}@klynge.no",
            DisplayName = $"Learner {i}",
            Mail = $"learner{i}@klynge.no",
            AgencyId = agency.Id,
            IsActive = true,
            AccountEnabled = true,
            FirstSeenAt = now,
        }).ToList();
        db.People.AddRange(people);
        await db.SaveChangesAsync();
        var storage = new LearningStorage(Path.Combine(shared, "learning", "documents"));
        var programmes = new Programmes(db, TimeProvider.System, Options.Create(new LearningOptions()), storage, new KnowledgeSync(db, new KnowledgeIndex(db), storage));
        var programme = (await programmes.CreateAsync(new ProgrammeInput("Klynge", "", "Klynge", "cluster", null, ProgrammeAudience.Everyone, [], "", "", []), "test", default)).Value!;
        var session = (await programmes.AddSessionsAsync(programme.Id, new SessionInput("Frokost", "", now.AddHours(3), TimeSpan.FromMinutes(45),
            SessionMode.Online, null, null, Learners), "test", default)).Value![0];
        var registrations = new Registrations(db, TimeProvider.System, Options.Create(new LearningOptions()));
        foreach (var person in people)
        {
            Assert.True((await registrations.RegisterAsync(session.Id, person.Id, "test", default)).Succeeded);
        }
        return (programme.Id, await db.OutgoingMail.CountAsync());
    }

    private Node StartNode(string name, Dictionary<string, string> settings)
    {
        var node = new Node(name, FreePort());
        var configuration = typeof(TwoNodeTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var webFolder = Path.Combine(TestFiles.RepositoryRoot(), "src", "Oppdrift.Web");
        var dll = Path.Combine(webFolder, "bin", configuration, "net10.0", "Oppdrift.Web.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = webFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { dll, "--urls", node.Address.ToString() })
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var key in start.Environment.Keys.Where(k => k.Contains("__", StringComparison.Ordinal) || k is "OPPDRIFT_DATABASE" or "ASPNETCORE_URLS" or "DOTNET_ENVIRONMENT" or "ASPNETCORE_ENVIRONMENT").ToList())
        {
            start.Environment.Remove(key);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["OPPDRIFT_DATABASE"] = _database!.Provider.ConnectionString;
        start.Environment["Oppdrift__DataDirectory"] = Directory.CreateDirectory(Path.Combine(_database.Folder, name)).FullName;
        start.Environment["Oppdrift__BehindProxy"] = "true";
        start.Environment["Access__SecureCookies"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Oppdrift.Shared.JobLeases"] = "Debug";
        start.Environment["Logging__LogLevel__Oppdrift.Web"] = "Information";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }
        node.Start(start);
        _nodes.Add(node);
        return node;
    }

    private static async Task<(HttpStatusCode Status, string Node, string Body)> GetAsync(HttpClient client, string path, CancellationToken ct)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), ct);
        return (response.StatusCode, NodeOf(response), await response.Content.ReadAsStringAsync(ct));
    }

    private static async Task<(HttpStatusCode Status, string Node, string Body)> PostAsync(HttpClient client, string path, HttpContent content, CancellationToken ct)
    {
        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), content, ct);
        // A redirect leads back through the proxy, never to the node that answered.
        if (response.Headers.Location is { IsAbsoluteUri: true } location)
        {
            Assert.Equal(client.BaseAddress!.Authority, location.Authority);
        }
        return (response.StatusCode, NodeOf(response), await response.Content.ReadAsStringAsync(ct));
    }

    private static string NodeOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues(ClusterProxy.NodeHeader, out var values) ? values.Single() : throw new InvalidOperationException($"No {ClusterProxy.NodeHeader} header: {response.StatusCode}");

    private static async Task<List<ProxiedNode>> ProxyNodesAsync(HttpClient client, CancellationToken ct) =>
        (await client.GetFromJsonAsync<List<ProxiedNode>>(new Uri(ClusterProxy.StatusPath, UriKind.Relative), ct))!;

    private static Task WaitForAsync(Func<bool> done, string what, CancellationToken ct) => WaitForAsync(() => Task.FromResult(done()), what, ct);

    private static async Task WaitForAsync(Func<Task<bool>> done, string what, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (!await done())
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                Assert.Fail($"Waited 30 s for {what}.");
            }
            await Task.Delay(100, ct);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_proxy is not null)
        {
            await _proxy.StopAsync();
            await _proxy.DisposeAsync();
        }
        foreach (var node in _nodes)
        {
            node.Dispose();
        }
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    /// <summary>One job pass a node logged: the job, its number among all the job's passes, and when it started.</summary>
    private sealed record Pass(string Node, string Job, long Run, DateTime At);

    /// <summary>One web process, its log kept in memory.</summary>
    private sealed partial class Node(string name, int port) : IDisposable
    {
        private readonly StringBuilder _log = new();
        private readonly TaskCompletionSource<string> _oneTimePassword = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Process? _process;
        private bool _passwordFollows;

        public string Name { get; } = name;
        public Uri Address { get; } = new($"http://127.0.0.1:{port}/");

        public string Log
        {
            get
            {
                lock (_log)
                {
                    return _log.ToString();
                }
            }
        }

        public void Start(ProcessStartInfo start)
        {
            _process = new Process { StartInfo = start };
            _process.OutputDataReceived += (_, e) => Append(e.Data);
            _process.ErrorDataReceived += (_, e) => Append(e.Data);
            _process.Start();
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (_log)
            {
                _log.AppendLine(line);
                if (_passwordFollows && !string.IsNullOrWhiteSpace(line))
                {
                    _passwordFollows = false;
                    _oneTimePassword.TrySetResult(line.Trim());
                }
                else if (line.Contains("with this one-time password:", StringComparison.Ordinal))
                {
                    _passwordFollows = true;
                }
            }
        }

        public async Task<string> OneTimePasswordAsync(CancellationToken ct)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            try
            {
                return await _oneTimePassword.Task.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new InvalidOperationException($"{Name} printed no one-time password.\n{Log}");
            }
        }

        public async Task WaitReadyAsync(CancellationToken ct)
        {
            using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
            var waited = Stopwatch.StartNew();
            while (true)
            {
                if (_process!.HasExited || waited.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new InvalidOperationException($"{Name} did not become ready.\n{Log}");
                }
                try
                {
                    using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative), ct);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // Not listening yet.
                }
                await Task.Delay(200, ct);
            }
        }

        /// <summary>The job passes this node logged.</summary>
        public List<Pass> Passes() =>
            [.. PassLine().Matches(Log).Select(m => new Pass(Name, m.Groups["job"].Value, long.Parse(m.Groups["run"].Value, CultureInfo.InvariantCulture),
                DateTime.Parse(m.Groups["at"].Value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal)))];

        public void Kill()
        {
            _process!.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        /// <summary>Stops the node as systemd would (SIGTERM), letting it release its leases.</summary>
        public async Task StopAsync()
        {
            if (_process is { HasExited: false })
            {
                using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                await _process.WaitForExitAsync(timeout.Token);
            }
        }

        [GeneratedRegex(@"Job (?<job>[\w:]+): pass (?<run>\d+) runs on this node \([^)]*\), started (?<at>\S+)")]
        private static partial Regex PassLine();

        public void Dispose()
        {
            if (_process is { HasExited: false })
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
            _process?.Dispose();
        }
    }
}
