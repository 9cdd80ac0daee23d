// Times the usage overview and an agency page of the real web app (Kestrel on loopback, signed in through the real
// login form as an administrator) on the database the import just filled.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Web;

namespace Oppdrift.Benchmarks.EndToEnd;

/// <summary>A page's wall-clock times, and the median CPU time this process spent per request (background jobs included).</summary>
internal sealed record Latency(double P50, double P95, double Max, double CpuP50, int Characters);

internal sealed record PageFigures(int Requests, Latency Overview, Latency Agency, string AgencyCode)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"/usage p50 {Overview.P50:F0} ms, p95 {Overview.P95:F0} ms; /usage/agencies/{AgencyCode} p50 {Agency.P50:F0} ms, p95 {Agency.P95:F0} ms ({Requests} requests each)");
}

internal static partial class PageLatency
{
    private const int WarmUp = 10;

    public static async Task<PageFigures> RunAsync(DatabaseProvider provider, string dataDirectory, string agencyCode, int requests)
    {
        var times = await TimePagesAsync(provider, dataDirectory, ["/usage", $"/usage/agencies/{agencyCode}"], requests);
        return new PageFigures(requests, times[0], times[1], agencyCode);
    }

    /// <summary>
    /// Starts the web app on the database, signs in as an administrator through the login form, and times each path in
    /// turn (after a warm-up), a page's full answer read each time. <paramref name="prepare"/>, when given, runs on the
    /// started app's services before the sign-in (to load what the pages show through the app's own services);
    /// <paramref name="extraArguments"/> are added to the app's command line (settings such as <c>--Effects:CheckSeconds=0</c>).
    /// </summary>
    public static async Task<IReadOnlyList<Latency>> TimePagesAsync(DatabaseProvider provider, string dataDirectory, IReadOnlyList<string> paths, int requests,
        Func<IServiceProvider, Task>? prepare = null, IReadOnlyList<string>? extraArguments = null)
    {
        var app = await OppdriftWebApp.BuildAsync(
        [
            $"--OPPDRIFT_DATABASE={provider.ConnectionString}",
            $"--Oppdrift:DataDirectory={dataDirectory}",
            "--urls=http://127.0.0.1:0",
            "--environment=Production",
            $"--webroot={WebRoot()}",
            // Plain HTTP on loopback: the cookies may go without TLS here, as nowhere in production.
            "--Access:SecureCookies=false",
            "--Logging:LogLevel:Default=Warning",
            .. extraArguments ?? [],
        ], builder => builder.WebHost.UseStaticWebAssets());
        await app.StartAsync();
        try
        {
            if (prepare is not null)
            {
                await prepare(app.Services);
            }
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            using var client = await SignInAsync(app.Services, address, Roles.Administrator, []);
            var times = new List<Latency>();
            foreach (var path in paths)
            {
                times.Add(await TimeAsync(client, path, requests));
            }
            return times;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task<Latency> TimeAsync(HttpClient client, string path, int requests)
    {
        for (var i = 0; i < WarmUp; i++)
        {
            await GetAsync(client, path);
        }
        var times = new double[requests];
        var cpu = new double[requests];
        var characters = 0;
        using var process = Process.GetCurrentProcess();
        for (var i = 0; i < requests; i++)
        {
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            characters = await GetAsync(client, path);
            times[i] = watch.Elapsed.TotalMilliseconds;
            process.Refresh();
            cpu[i] = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;
        }
        Array.Sort(times);
        Array.Sort(cpu);
        return new Latency(TimingTools.Percentile(times, 0.50), TimingTools.Percentile(times, 0.95), times[^1], TimingTools.Percentile(cpu, 0.50), characters);
    }

    private static async Task<int> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK || body.Length < 1000)
        {
            throw new InvalidOperationException($"{path}: {(int)response.StatusCode} with {body.Length} characters");
        }
        return body.Length;
    }

    /// <summary>
    /// The web app's own static files (wwwroot in its source folder): the benchmark's host runs from its own output folder,
    /// where there are none, and the app would warn that its WebRootPath was not found and serve its pages without them.
    /// </summary>
    public static string WebRoot() => Path.Combine(TimingTools.RepositoryRoot(), "src", "Oppdrift.Web", "wwwroot");

    /// <summary>A client signed in through the login form as a new account with the roles (and agencies) given.</summary>
    public static async Task<HttpClient> SignInAsync(IServiceProvider services, Uri address, Roles roles, IReadOnlyCollection<int> agencyIds)
    {
        var userName = $"bench-{Guid.NewGuid():N}@bench.no";
        const string password = "a long benchmark password";
        await using (var scope = services.CreateAsyncScope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
            var created = await accounts.CreateAsync(new AccountRequest(userName, userName, roles, agencyIds), "e2e", default);
            var changed = await accounts.ChangePasswordAsync(created.Value!.Account.Id, created.Value.OneTimePassword, password, default);
            if (!changed.Succeeded)
            {
                throw new InvalidOperationException(changed.Error);
            }
        }
#pragma warning disable CA2000 // The handler is owned and disposed by the client returned.
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = address };
#pragma warning restore CA2000
        var form = await client.GetStringAsync(new Uri("/account/login", UriKind.Relative));
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = TokenPattern().Match(form).Groups[1].Value,
            ["Input.UserName"] = userName,
            ["Input.Password"] = password,
        });
        using var response = await client.PostAsync(new Uri("/account/login", UriKind.Relative), content);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in answered {(int)response.StatusCode}");
        }
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
