using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Deploy;

/// <summary>
/// The published app as an operator installs it: the web app and the `oppdrift` command published into one folder of a
/// temporary root (from the build the tests already ran, so it costs a copy, not a build), started from another working
/// directory the way systemd starts it, behind a proxy that forwards HTTPS.
/// </summary>
public sealed partial class PublishedAppTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("oppdrift-install-").FullName;

    [Fact]
    public async Task The_published_app_started_from_another_folder_serves_a_page_and_its_styles_in_production()
    {
        var app = Path.Combine(_root, "opt", "oppdrift");
        var data = Path.Combine(_root, "var", "lib", "oppdrift");
        var elsewhere = Path.Combine(_root, "elsewhere");
        Directory.CreateDirectory(data);
        Directory.CreateDirectory(elsewhere);
        foreach (var project in new[] { "Oppdrift.Web", "Oppdrift.Cli" })
        {
            var publish = await RunAsync(elsewhere, ["publish", Path.Combine(TestFiles.RepositoryRoot(), "src", project), "-c", Configuration, "--no-build", "-o", app, "-nologo", "-v", "quiet"]);
            Assert.True(publish.ExitCode == 0, publish.Output);
        }
        Assert.True(File.Exists(Path.Combine(app, "Oppdrift.Migrations.Sqlite.dll")));
        Assert.True(File.Exists(Path.Combine(app, "Oppdrift.Migrations.Postgres.dll")));

        // The command beside the web app works from the shared folder.
        var migrate = await RunAsync(elsewhere, [Path.Combine(app, "Oppdrift.Cli.dll"), "db", "migrate", "--data", data]);
        Assert.True(migrate.ExitCode == 0, migrate.Output);

        var port = FreePort();
        var start = new ProcessStartInfo(Dotnet)
        {
            WorkingDirectory = elsewhere,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Path.Combine(app, "Oppdrift.Web.dll"), "--urls", $"http://127.0.0.1:{port}" })
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("Oppdrift__", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) || k.StartsWith("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase)
            || k is "OPPDRIFT_DATABASE" || k.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }
        start.Environment["Oppdrift__DataDirectory"] = data;
        start.Environment["Oppdrift__BehindProxy"] = "true";
        var log = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            // As nginx forwards it: the request arrived over HTTPS.
            client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
            var page = await WaitForPageAsync(client, process, log);
            var styles = Stylesheets().Matches(page).Select(m => m.Groups[1].Value).ToList();
            Assert.Contains(styles, s => s.StartsWith("css/oppdrift.", StringComparison.Ordinal));
            foreach (var stylesheet in styles)
            {
                using var css = await client.GetAsync(new Uri(stylesheet, UriKind.Relative), TestContext.Current.CancellationToken);
                Assert.Equal(HttpStatusCode.OK, css.StatusCode);
                Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
                Assert.NotEmpty(await css.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
            }
            string text;
            lock (log)
            {
                text = log.ToString();
            }
            Assert.Contains("Hosting environment: Production", text, StringComparison.Ordinal);
            Assert.Contains($"Content root path: {app}", text, StringComparison.Ordinal);
            Assert.DoesNotContain("WebRootPath was not found", text, StringComparison.Ordinal);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    private static async Task<string> WaitForPageAsync(HttpClient client, Process process, StringBuilder log)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await client.GetAsync(new Uri("account/login", UriKind.Relative), TestContext.Current.CancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                lock (log)
                {
                    Assert.Fail($"The published app did not serve the sign-in page.\n{log}");
                }
            }
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
    }

    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    private static string Configuration =>
        typeof(PublishedAppTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    private static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, string[] arguments)
    {
        var start = new ProcessStartInfo(Dotnet)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment.Remove("OPPDRIFT_DATABASE");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output + await error);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex("<link rel=\"stylesheet\" href=\"([^\"]+)\"")]
    private static partial Regex Stylesheets();

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by the stopped process; the temporary folder is the system's to clean.
        }
    }
}
