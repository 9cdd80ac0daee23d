// `cluster-load`: many signed-in users browsing the usage and learning pages through the round-robin proxy, against one
// web node and against two on the same PostgreSQL, in turn in one run, so that the two answers are compared on the same
// machine at the same moment. Each node is the built Oppdrift.Web.dll in its own process, as in production; the proxy is
// the cluster's own (Oppdrift.Proxy), in front of one node as of two, so both layouts pay the same extra hop.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Oppdrift.Access;
using Oppdrift.Access.KeyRing;
using Oppdrift.Benchmarks.EndToEnd;
using Oppdrift.Data;
using Oppdrift.Demo;
using Oppdrift.Proxy;
using Oppdrift.Web;

namespace Oppdrift.Benchmarks;

internal static partial class ClusterLoad
{
    private const string Usage = """
        cluster-load [--postgres CONNECTION] [--database NAME] [--data DIR] [--days N] [--users N] [--seconds N]
                     [--think-ms N] [--saturate-seconds N] [--rounds N] [--nodes 1,2] [--node-cpus X] [--markdown FILE]

          --postgres          the server (default OPPDRIFT_TEST_POSTGRES); the database is created and kept
          --database NAME     the database (default cluster_load); the demo is loaded into it when it has no agencies
          --data DIR          the folder with the demo's key files (keyring.key, pseudonym.key) that every node is
                              given (default /tmp/oppdrift-cluster-load/NAME); reuse the one the database was loaded with
          --days N            days of demo usage loaded into a new database (default 90)
          --users N           signed-in users at once (default 200): a tenth administrators, the rest agency leaders
          --seconds N         seconds of browsing timed per layout (default 60), after a warm-up pass over every page
          --think-ms N        mean pause between a user's pages while browsing, drawn from 0.5–1.5 times it (default 5000)
          --saturate-seconds  seconds of the same users without pauses, for the most requests a second (default 30; 0 skips)
          --rounds N          how many times each layout is run, in turn (default 2)
          --nodes LIST        the layouts, as node counts (default 1,2)
          --node-cpus X       give each node a CPU quota of X cores of its own (a Linux control group; needs root), as if
                              each ran on a machine of that size; without it the nodes share all of this machine's cores
          --markdown FILE     also write the table as Markdown to FILE
        """;

    private sealed record Options(string Server, string Database, string Data, int Days, int Users, int Seconds, int ThinkMs, int SaturateSeconds,
        int Rounds, int[] Nodes, double? NodeCpus, string? Markdown);

    /// <summary>A page a user browses: its route (as the tables name it) and its address.</summary>
    private sealed record Page(string Route, string Path);

    /// <summary>A user: its client (signed in through the proxy) and the pages it browses.</summary>
    private sealed record User(HttpClient Client, Page[] Pages);

    private sealed record Sample(string Route, double Milliseconds, int Status, string Node);

    private sealed record Row(int Round, int Nodes, string Phase, int Users, double Seconds, int Requests, int Errors, double PerSecond,
        double P50, double P95, double P99, double Max, string Shares, double NodeCores, string Load,
        IReadOnlyList<(string Route, int Requests, double P50, double P95)> Routes);

    /// <summary>What the users browse: the agencies (code), the programmes and the sessions of the demo.</summary>
    private sealed record Samples(IReadOnlyList<(int Id, string Code)> Agencies, IReadOnlyList<int> Programmes, IReadOnlyList<int> Sessions);

    public static async Task<int> RunAsync(string[] args)
    {
        Options options;
        try
        {
            options = Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            await Console.Error.WriteLineAsync($"{e.Message}\n\n{Usage}");
            return 2;
        }
        var web = Path.Combine(TimingTools.RepositoryRoot(), "src", "Oppdrift.Web", "bin", "Release", "net10.0", "Oppdrift.Web.dll");
        if (!File.Exists(web))
        {
            await Console.Error.WriteLineAsync($"{web} is missing: build the benchmark (or src/Oppdrift.Web) in Release first.");
            return 2;
        }
        Directory.CreateDirectory(options.Data);
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(options.Server) { Database = options.Database, MaxPoolSize = 100 }.ConnectionString;
        Console.WriteLine($"== {options.Database}: the demo and {options.Users} accounts (load {TimingTools.LoadAverage()})");
        var watch = Stopwatch.StartNew();
        var (samples, accounts) = await PrepareAsync(options, connection);
        Console.WriteLine($"   ready in {watch.Elapsed.TotalSeconds:F0} s: {samples.Agencies.Count} agencies, {samples.Programmes.Count} programmes, {samples.Sessions.Count} sessions");

        var rows = new List<Row>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var nodes in options.Nodes)
            {
                rows.AddRange(await RunLayoutAsync(options, web, connection, samples, accounts, round, nodes));
            }
        }
        var table = Table(options, rows);
        Console.WriteLine();
        Console.WriteLine(table);
        if (options.Markdown is not null)
        {
            await File.WriteAllTextAsync(options.Markdown, table);
        }
        return rows.Any(r => r.Errors > 0) ? 1 : 0;
    }

    private static Options Parse(string[] args)
    {
        var server = Environment.GetEnvironmentVariable("OPPDRIFT_TEST_POSTGRES");
        var database = "cluster_load";
        string? data = null, markdown = null;
        int days = 90, users = 200, seconds = 60, think = 5000, saturate = 30, rounds = 2;
        int[] nodes = [1, 2];
        double? nodeCpus = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Number() => int.Parse(Next(), CultureInfo.InvariantCulture) is var n and >= 0 ? n : throw new ArgumentException($"{args[i - 1]} must not be negative");
            switch (args[i])
            {
                case "--postgres": server = Next(); break;
                case "--database": database = Next(); break;
                case "--data": data = Next(); break;
                case "--days": days = Number(); break;
                case "--users": users = Number(); break;
                case "--seconds": seconds = Number(); break;
                case "--think-ms": think = Number(); break;
                case "--saturate-seconds": saturate = Number(); break;
                case "--rounds": rounds = Number(); break;
                case "--nodes": nodes = [.. Next().Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture))]; break;
                case "--node-cpus": nodeCpus = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--markdown": markdown = Next(); break;
                default: throw new ArgumentException($"Unknown option {args[i]}");
            }
        }
        if (string.IsNullOrEmpty(server))
        {
            throw new ArgumentException("The cluster needs PostgreSQL: --postgres or OPPDRIFT_TEST_POSTGRES");
        }
        if (!DatabaseName().IsMatch(database))
        {
            throw new ArgumentException($"--database {database}: letters, digits and _ only");
        }
        if (users < 10 || nodes.Length == 0 || nodes.Any(n => n is < 1 or > 8) || rounds < 1)
        {
            throw new ArgumentException("--users at least 10, --nodes between 1 and 8 each, --rounds at least 1");
        }
        if (nodeCpus is <= 0 or > 64)
        {
            throw new ArgumentException("--node-cpus between 0 and 64 cores");
        }
        return new Options(server, database, data ?? Path.Combine(Path.GetTempPath(), "oppdrift-cluster-load", database), days, users, seconds, think, saturate,
            rounds, nodes, nodeCpus, markdown);
    }

    /// <summary>
    /// Loads the demo into the database when it has none (through the app's own first start, as a newcomer's), then reads
    /// what the pages will show and creates the users' accounts: a tenth administrators, the rest agency leaders spread
    /// over the agencies. Returns the samples and each account's user name and roles.
    /// </summary>
    private static async Task<(Samples, List<(string UserName, Roles Roles, int? Agency)>)> PrepareAsync(Options options, string connection)
    {
        var app = await OppdriftWebApp.BuildAsync(
        [
            $"--OPPDRIFT_DATABASE={connection}",
            $"--Oppdrift:DataDirectory={options.Data}",
            "--Oppdrift:LoadDemo=true",
            $"--Oppdrift:DemoUsageDays={options.Days.ToString(CultureInfo.InvariantCulture)}",
            "--urls=http://127.0.0.1:0",
            "--environment=Production",
            $"--webroot={PageLatency.WebRoot()}",
            "--Access:SecureCookies=false",
            "--Logging:LogLevel:Default=Warning",
        ], builder => builder.WebHost.UseStaticWebAssets());
        await app.StartAsync();
        try
        {
            // The modules after the municipality load beside the running app, the usage history after them.
            await app.Services.GetRequiredService<DemoModulesJob>().Done;
            if (app.Services.GetServices<IHostedService>().OfType<DemoUsageJob>().Single().ExecuteTask is { } usageLoad)
            {
                await usageLoad;
            }
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
            var agencies = (await db.Agencies.AsNoTracking().OrderBy(a => a.Code).Select(a => new { a.Id, a.Code }).ToListAsync()).Select(a => (a.Id, a.Code)).ToList();
            var programmes = await db.Programmes.AsNoTracking().OrderBy(p => p.Id).Select(p => p.Id).ToListAsync();
            var sessions = await db.LearningSessions.AsNoTracking().OrderBy(s => s.Id).Select(s => s.Id).ToListAsync();
            if (agencies.Count == 0 || programmes.Count == 0 || sessions.Count == 0)
            {
                throw new InvalidOperationException($"{options.Database} has no demo to browse: {agencies.Count} agencies, {programmes.Count} programmes, {sessions.Count} sessions");
            }
            var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
            var users = new List<(string, Roles, int?)>();
            for (var i = 0; i < options.Users; i++)
            {
                var roles = i % 10 == 0 ? Roles.Administrator : Roles.AgencyLeader;
                int? agency = roles == Roles.Administrator ? null : agencies[i % agencies.Count].Id;
                int[] agencyIds = agency is { } a ? [a] : [];
                // The same accounts serve every run on the database: hashing two passwords for each new one is most of the setup.
                var userName = string.Create(CultureInfo.InvariantCulture, $"load-{i}@bench.no");
                if (await accounts.FindAsync(userName, default) is { } existing)
                {
                    var updated = await accounts.UpdateAsync(existing.Id, roles, agencyIds, disabled: false, "bench", default);
                    if (!updated.Succeeded)
                    {
                        throw new InvalidOperationException(updated.Error);
                    }
                }
                else
                {
                    var created = await accounts.CreateAsync(new AccountRequest(userName, userName, roles, agencyIds), "bench", default);
                    var changed = await accounts.ChangePasswordAsync(created.Value!.Account.Id, created.Value.OneTimePassword, Password, default);
                    if (!changed.Succeeded)
                    {
                        throw new InvalidOperationException(changed.Error);
                    }
                }
                users.Add((userName, roles, agency));
            }
            return (new Samples(agencies, programmes, sessions), users);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Npgsql.NpgsqlConnection.ClearAllPools();
        }
    }

    private const string Password = "a long cluster load password";

    /// <summary>The pages a user browses: the usage overview and its own (or, for the central team, any) agency's usage, and the learning pages.</summary>
    private static Page[] PagesOf(Roles roles, int? agency, Samples samples, Random random)
    {
        string Pick<T>(IReadOnlyList<T> list) => Convert.ToString(list[random.Next(list.Count)], CultureInfo.InvariantCulture)!;
        var code = agency is { } own ? samples.Agencies.First(a => a.Id == own).Code : samples.Agencies[random.Next(samples.Agencies.Count)].Code;
        var other = roles == Roles.Administrator ? samples.Agencies[random.Next(samples.Agencies.Count)].Code : code;
        return
        [
            new("/usage", "/usage"),
            new("/usage/agencies/{code}", $"/usage/agencies/{code}"),
            new("/usage/agencies/{code}", $"/usage/agencies/{other}"),
            new("/learning", "/learning"),
            new("/learning/programmes/{id}", $"/learning/programmes/{Pick(samples.Programmes)}"),
            new("/learning/programmes/{id}", $"/learning/programmes/{Pick(samples.Programmes)}"),
            new("/learning/sessions/{id}", $"/learning/sessions/{Pick(samples.Sessions)}"),
            new("/knowledge", "/knowledge"),
        ];
    }

    private static async Task<List<Row>> RunLayoutAsync(Options options, string web, string connection, Samples samples,
        List<(string UserName, Roles Roles, int? Agency)> accounts, int round, int count)
    {
        Console.WriteLine($"== round {round}, {count} node{(count == 1 ? "" : "s")} (load {TimingTools.LoadAverage()})");
        var nodes = new List<Process>();
        var quotas = new List<CpuQuota>();
        WebApplication? proxy = null;
        var users = new List<User>();
        try
        {
            var addresses = new List<Uri>();
            for (var i = 1; i <= count; i++)
            {
                var port = FreePort();
                addresses.Add(new Uri($"http://127.0.0.1:{port}/"));
                var quota = options.NodeCpus is { } cpus ? CpuQuota.Create($"oppdrift-cluster-load-{Environment.ProcessId}-node{i}", cpus) : null;
                if (quota is not null)
                {
                    quotas.Add(quota);
                }
                nodes.Add(StartNode(options, web, connection, $"node{i}", port, quota));
            }
            using (var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
            {
                foreach (var (address, node) in addresses.Zip(nodes))
                {
                    await WaitAsync(async () => !node.HasExited && (await probe.GetAsync(new Uri(address, "/health/ready"))).IsSuccessStatusCode,
                        $"{address} to be ready", TimeSpan.FromMinutes(5));
                }
            }
            proxy = ClusterProxy.Build(new Uri("http://127.0.0.1:0"), addresses, TimeSpan.FromSeconds(1));
            await proxy.StartAsync();
            var front = new Uri(proxy.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            using (var probe = new HttpClient { BaseAddress = front })
            {
                await WaitAsync(async () => (await probe.GetFromJsonAsync<List<ProxiedNode>>(new Uri(ClusterProxy.StatusPath, UriKind.Relative)))!
                    .All(n => n.Checked && n.Healthy), "the proxy to find every node ready", TimeSpan.FromMinutes(1));
            }

            // Sign every user in through the proxy, a few at a time, as people arriving in the morning.
            var random = new Random(2026 + round);
            var pages = accounts.Select(a => PagesOf(a.Roles, a.Agency, samples, random)).ToList();
            var signedIn = new User?[accounts.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, accounts.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
                signedIn[i] = new User(await SignInAsync(front, accounts[i].UserName, ct), pages[i]));
            users.AddRange(signedIn.Select(u => u!));

            // Every user opens each of its pages once: the nodes compile and cache what the timed part reads.
            var warm = await BrowseAsync(users, TimeSpan.Zero, 0, onePass: true);
            var refused = warm.Where(s => s.Status != 200).ToList();
            if (refused.Count > 0)
            {
                throw new InvalidOperationException($"{refused.Count} of {warm.Count} pages answered other than 200 while warming up: "
                    + string.Join(", ", refused.Select(s => s.Status).Distinct()));
            }
            var rows = new List<Row>();
            var used = NodeSeconds(nodes);
            var browse = await BrowseAsync(users, TimeSpan.FromSeconds(options.Seconds), options.ThinkMs, onePass: false);
            rows.Add(Summarise(round, count, "browsing", users.Count, options.Seconds, browse, (NodeSeconds(nodes) - used) / options.Seconds));
            Console.WriteLine($"   {Describe(rows[^1])}");
            if (options.SaturateSeconds > 0)
            {
                used = NodeSeconds(nodes);
                var saturate = await BrowseAsync(users, TimeSpan.FromSeconds(options.SaturateSeconds), 0, onePass: false);
                rows.Add(Summarise(round, count, "no pauses", users.Count, options.SaturateSeconds, saturate,
                    (NodeSeconds(nodes) - used) / options.SaturateSeconds));
                Console.WriteLine($"   {Describe(rows[^1])}");
            }
            return rows;
        }
        finally
        {
            foreach (var user in users)
            {
                user.Client.Dispose();
            }
            if (proxy is not null)
            {
                await proxy.StopAsync();
                await proxy.DisposeAsync();
            }
            foreach (var node in nodes)
            {
                if (!node.HasExited)
                {
                    node.Kill(entireProcessTree: true);
                    await node.WaitForExitAsync();
                }
                Running.TryRemove(node.Id, out _);
                node.Dispose();
            }
            quotas.ForEach(q => q.Dispose());
        }
    }

    /// <summary>The CPU time the nodes have used so far, in seconds.</summary>
    private static double NodeSeconds(List<Process> nodes) => nodes.Sum(n => n.TotalProcessorTime.TotalSeconds);

    /// <summary>The nodes running now, stopped with the bench however it ends (Ctrl-C or a signal included).</summary>
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    static ClusterLoad()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();
        Console.CancelKeyPress += (_, _) => StopAll();
    }

    private static void StopAll()
    {
        foreach (var node in Running.Values)
        {
            try
            {
                node.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It had already exited.
            }
        }
    }

    private static Process StartNode(Options options, string web, string connection, string name, int port, CpuQuota? quota)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        // With a quota the node joins its group before the runtime starts (a shell that moves itself, then becomes the
        // node), so that the runtime sizes its thread pool and garbage collector for the cores it is given.
        var start = new ProcessStartInfo(quota is null ? dotnet : "/bin/sh")
        {
            WorkingDirectory = Path.GetDirectoryName(web)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments = quota is null
            ? [web, "--urls", $"http://127.0.0.1:{port}"]
            : ["-c", "echo $$ > \"$0\" && exec \"$@\"", quota.Procs, dotnet, web, "--urls", $"http://127.0.0.1:{port}"];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var key in start.Environment.Keys.Where(k => k.Contains("__", StringComparison.Ordinal) || k is "OPPDRIFT_DATABASE" or "ASPNETCORE_URLS" or "ASPNETCORE_ENVIRONMENT").ToList())
        {
            start.Environment.Remove(key);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["OPPDRIFT_DATABASE"] = connection;
        start.Environment["Oppdrift__DataDirectory"] = Directory.CreateDirectory(Path.Combine(options.Data, name)).FullName;
        start.Environment["Oppdrift__SharedDirectory"] = Directory.CreateDirectory(Path.Combine(options.Data, "shared")).FullName;
        // Every node decrypts the one key ring in the database and pseudonymises with the one key: the demo's, from its folder.
        start.Environment["DataProtection__KeyFile"] = Path.Combine(options.Data, KeyRingServices.KeyFileName);
        start.Environment["Privacy__PseudonymKeyFile"] = Path.Combine(options.Data, "pseudonym.key");
        start.Environment["Oppdrift__BehindProxy"] = "true";
        start.Environment["Access__SecureCookies"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        // Every user of the bench signs in from this machine's one address, within a minute; the limit per user name stays.
        start.Environment["Access__SignInAttemptsPerAddress"] = "100000";
        var process = Process.Start(start)!;
        Running[process.Id] = process;
        // Read both streams so a chatty node never blocks on a full pipe; its warnings go to the bench's error output.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                Console.Error.WriteLine($"   {name}: {line}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<HttpClient> SignInAsync(Uri front, string userName, CancellationToken ct)
    {
#pragma warning disable CA2000 // The handler is owned and disposed by the client returned.
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), UseCookies = true })
        {
            BaseAddress = front,
            Timeout = TimeSpan.FromSeconds(100),
        };
#pragma warning restore CA2000
        var form = await client.GetStringAsync(new Uri("/account/login", UriKind.Relative), ct);
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = TokenPattern().Match(form).Groups[1].Value,
            ["Input.UserName"] = userName,
            ["Input.Password"] = Password,
        });
        using var response = await client.PostAsync(new Uri("/account/login", UriKind.Relative), content, ct);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            client.Dispose();
            throw new InvalidOperationException($"Sign-in of {userName} answered {(int)response.StatusCode}");
        }
        return client;
    }

    /// <summary>
    /// Every user browses at once: a page drawn from its own, read whole, then a pause of 0.5–1.5 times
    /// <paramref name="thinkMs"/>. With <paramref name="onePass"/>, each user opens each of its pages once instead.
    /// </summary>
    private static async Task<List<Sample>> BrowseAsync(List<User> users, TimeSpan duration, int thinkMs, bool onePass)
    {
        var samples = new ConcurrentBag<Sample>();
        var end = Stopwatch.StartNew();
        await Task.WhenAll(users.Select(async (user, index) =>
        {
            var random = new Random(index);
            // Users do not start in step: each waits up to one pause before its first page.
            if (thinkMs > 0)
            {
                await Task.Delay(random.Next(thinkMs));
            }
            for (var n = 0; onePass ? n < user.Pages.Length : end.Elapsed < duration; n++)
            {
                var page = onePass ? user.Pages[n] : user.Pages[random.Next(user.Pages.Length)];
                samples.Add(await GetAsync(user.Client, page));
                if (thinkMs > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(thinkMs * (0.5 + random.NextDouble())));
                }
            }
        }));
        return [.. samples];
    }

    private static async Task<Sample> GetAsync(HttpClient client, Page page)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await client.GetAsync(new Uri(page.Path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
            await response.Content.CopyToAsync(Stream.Null);
            var node = response.Headers.TryGetValues(ClusterProxy.NodeHeader, out var names) ? names.First() : "?";
            return new Sample(page.Route, watch.Elapsed.TotalMilliseconds, (int)response.StatusCode, node);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new Sample(page.Route, watch.Elapsed.TotalMilliseconds, 0, "?");
        }
    }

    private static Row Summarise(int round, int nodes, string phase, int users, int seconds, List<Sample> samples, double nodeCores)
    {
        var times = samples.Select(s => s.Milliseconds).Order().ToArray();
        var shares = string.Join(" / ", samples.GroupBy(s => s.Node).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {100.0 * g.Count() / samples.Count:F0} %")));
        var routes = samples.GroupBy(s => s.Route).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var sorted = g.Select(s => s.Milliseconds).Order().ToArray();
            return (g.Key, sorted.Length, TimingTools.Percentile(sorted, 0.50), TimingTools.Percentile(sorted, 0.95));
        }).ToList();
        return new Row(round, nodes, phase, users, seconds, samples.Count, samples.Count(s => s.Status != 200), samples.Count / (double)seconds,
            TimingTools.Percentile(times, 0.50), TimingTools.Percentile(times, 0.95), TimingTools.Percentile(times, 0.99), times[^1], shares, nodeCores,
            TimingTools.LoadAverage(), routes);
    }

    private static string Describe(Row row) => string.Create(CultureInfo.InvariantCulture,
        $"{row.Phase}: {row.Requests} requests, {row.PerSecond:F1}/s, p50 {row.P50:F0} ms, p95 {row.P95:F0} ms, p99 {row.P99:F0} ms, max {row.Max:F0} ms, {row.Errors} errors ({row.Shares}; nodes used {row.NodeCores:F2} cores; load {row.Load})")
        + string.Concat(row.Routes.Select(r => string.Create(CultureInfo.InvariantCulture, $"\n      {r.Route}: {r.Requests} requests, p50 {r.P50:F0} ms, p95 {r.P95:F0} ms")));

    private static string Table(Options options, List<Row> rows)
    {
        var text = new StringBuilder();
        var cores = options.NodeCpus is { } cpus
            ? string.Create(CultureInfo.InvariantCulture, $"each node limited to {cpus} cores of its own.")
            : "the nodes share the machine's cores.";
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{options.Users} signed-in users through the proxy on database {options.Database}: {options.Seconds} s browsing (pauses of {options.ThinkMs / 2}–{options.ThinkMs * 3 / 2} ms), then {options.SaturateSeconds} s without pauses; {options.Rounds} rounds of the layouts in turn; {cores}");
        text.AppendLine();
        text.AppendLine("| round | nodes | phase | requests | requests/s | p50 ms | p95 ms | p99 ms | max ms | errors | answered by | nodes' CPU, cores | load |");
        text.AppendLine("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---|");
        foreach (var row in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Round} | {row.Nodes} | {row.Phase} | {row.Requests} | {row.PerSecond:F1} | {row.P50:F0} | {row.P95:F0} | {row.P99:F0} | {row.Max:F0} | {row.Errors} | {row.Shares} | {row.NodeCores:F2} | {row.Load} |");
        }
        text.AppendLine();
        text.AppendLine("| round | nodes | phase | route | requests | p50 ms | p95 ms |");
        text.AppendLine("|---:|---:|---|---|---:|---:|---:|");
        foreach (var row in rows)
        {
            foreach (var route in row.Routes)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Round} | {row.Nodes} | {row.Phase} | `{route.Route}` | {route.Requests} | {route.P50:F0} | {route.P95:F0} |");
            }
        }
        // The ratio that answers "do two nodes serve more": each round's layouts against its first, phase by phase.
        var first = options.Nodes[0];
        foreach (var phase in rows.Select(r => r.Phase).Distinct())
        {
            foreach (var nodes in options.Nodes.Skip(1))
            {
                var ratios = rows.Where(r => r.Phase == phase && r.Nodes == nodes)
                    .Select(r => r.PerSecond / rows.Single(b => b.Round == r.Round && b.Phase == phase && b.Nodes == first).PerSecond).ToList();
                text.AppendLine();
                text.Append(CultureInfo.InvariantCulture, $"{phase}: {nodes} nodes against {first}, requests a second: ")
                    .AppendJoin(", ", ratios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture) + "×"));
            }
        }
        text.AppendLine();
        return text.ToString();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitAsync(Func<Task<bool>> done, string what, TimeSpan limit)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await done())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (waited.Elapsed > limit)
            {
                throw new TimeoutException($"Waited {limit.TotalSeconds:F0} s for {what}");
            }
            await Task.Delay(250);
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex DatabaseName();
}
