using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Oppdrift.EndToEnd.Infrastructure;

/// <summary>
/// The real web app, started from its build output as its own process with the demo municipality in a
/// fresh data folder, and one headless Chromium. Shared by every test; each test opens its own
/// browser context, so cookies (sign-in, language) never leak between tests.
/// </summary>
public sealed partial class OppdriftApp : IAsyncLifetime
{
    public const string AdminUserName = "admin";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(300);

    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource<string> _oneTimePassword = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _modulesLoaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _firstStartGate = new(1, 1);
    private readonly string _newAdminPassword = "e2e-admin-" + Guid.NewGuid().ToString("N")[..12];
    private bool _passwordFollows;
    private bool _oneTimePasswordUsed;
    private Process? _process;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private string? _adminPassword;

    public string RepositoryRoot { get; } = FindRepositoryRoot();

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "oppdrift-e2e-" + Guid.NewGuid().ToString("N"));

    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The administrator's one-time password, as the first start printed it.</summary>
    public string OneTimePassword { get; private set; } = "";

    /// <summary>The Entra user list the demo wrote and loaded at start: uploading it restores the demo municipality.</summary>
    public string DemoUserList => Path.Combine(DataDirectory, "demo", "entra-users.csv");

    public string ScreenshotDirectory => Path.Combine(RepositoryRoot, "artifacts", "screenshots");

    /// <summary>Set to 1 for a screenshot of every page the tests check, not only of those they find at fault.</summary>
    public const string ScreenshotsVariable = "OPPDRIFT_SCREENSHOTS";

    public static bool EveryScreenshot => Environment.GetEnvironmentVariable(ScreenshotsVariable) == "1";

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser is not started.");

    /// <summary>Everything the app wrote to stdout and stderr so far, for failure messages.</summary>
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

    public static string TestData(string relativePath) => Path.Combine(AppContext.BaseDirectory, "testdata", relativePath);

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(DataDirectory);
        var port = FreePort();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        StartApp(port);
        await WaitUntilHealthyAsync();
        try
        {
            // The banner is printed before the demo loads, so it is there once the app answers.
            OneTimePassword = await _oneTimePassword.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"The app never printed the administrator's one-time password.\n{Log}");
        }
        // The app answers once the municipality is loaded; learning, migration, surveys, processes and effects load beside
        // it. The tests expect all of them, so they wait for the line the background load ends with.
        var modules = await _modulesLoaded.Task.WaitAsync(StartTimeout);
        if (!modules.Contains("Demo modules loaded", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The demo's modules did not load: {modules}\n{Log}");
        }

        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
        }
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying process: the temp folder is cleaned up by the system.
        }
        _firstStartGate.Dispose();
    }

    /// <summary>A fresh browser context (own cookies) whose relative URLs go to the app.</summary>
    public Task<IBrowserContext> NewContextAsync(string browserLocale = "nb-NO") =>
        Browser.NewContextAsync(new()
        {
            BaseURL = BaseUrl.ToString(),
            Locale = browserLocale,
            ViewportSize = new() { Width = 1280, Height = 900 },
        });

    /// <summary>
    /// The first-start journey: signs in as admin with the printed one-time password and chooses a new
    /// one, in <paramref name="page"/>. The password works once, so this can happen once per app.
    /// </summary>
    public async Task CompleteFirstStartAsync(IPage page)
    {
        await _firstStartGate.WaitAsync();
        try
        {
            if (_oneTimePasswordUsed)
            {
                throw new InvalidOperationException("The administrator's one-time password was already used by another test; CollectionOrder should have run the first-start test first.");
            }
            await FirstStartJourneyAsync(page);
        }
        finally
        {
            _firstStartGate.Release();
        }
    }

    /// <summary>Opens a page in <paramref name="context"/> signed in as the administrator, on the overview.</summary>
    public async Task<IPage> SignInAsAdminAsync(IBrowserContext context)
    {
        var password = await AdminPasswordAsync();
        var page = await context.NewPageAsync();
        await Journeys.SignInAsync(page, AdminUserName, password);
        await Assertions.Expect(page).ToHaveURLAsync(BaseUrl.ToString());
        return page;
    }

    /// <summary>The administrator's own password; completes the first start if no test has done so yet.</summary>
    private async Task<string> AdminPasswordAsync()
    {
        if (_adminPassword is not null)
        {
            return _adminPassword;
        }
        await _firstStartGate.WaitAsync();
        try
        {
            if (_adminPassword is null)
            {
                if (_oneTimePasswordUsed)
                {
                    throw new InvalidOperationException("The first start failed half-way: the one-time password is used, but no new administrator password was set.");
                }
                await using var context = await NewContextAsync();
                await FirstStartJourneyAsync(await context.NewPageAsync());
            }
            return _adminPassword!;
        }
        finally
        {
            _firstStartGate.Release();
        }
    }

    private async Task FirstStartJourneyAsync(IPage page)
    {
        _oneTimePasswordUsed = true;
        await Journeys.SignInAsync(page, AdminUserName, OneTimePassword);
        await Journeys.ChooseOwnPasswordAsync(page, OneTimePassword, _newAdminPassword);
        _adminPassword = _newAdminPassword;
    }

    private void StartApp(int port)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var webFolder = Path.Combine(RepositoryRoot, "src", "Oppdrift.Web");
        var dll = Path.Combine(webFolder, "bin", configuration, "net10.0", "Oppdrift.Web.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} does not exist. Build the solution with -c {configuration} before running the end-to-end tests.");
        }

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = webFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { dll, "--urls", $"http://127.0.0.1:{port}", "--demo" })
        {
            start.ArgumentList.Add(argument);
        }
        // Whatever the developer's shell configures, this app gets an embedded database in its own folder.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("Oppdrift__", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase) || k is "OPPDRIFT_DATABASE" or "ASPNETCORE_URLS" or "DOTNET_ENVIRONMENT").ToList())
        {
            start.Environment.Remove(name);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Oppdrift__DataDirectory"] = DataDirectory;
        start.Environment["Oppdrift__DemoSeed"] = "7";
        // A week of usage keeps the usage pages populated without the 13 months a real demo loads in the background.
        start.Environment["Oppdrift__DemoUsageDays"] = "7";
        // Every test signs in from one address, most as the one administrator, many times a minute: the sign-in rate
        // limits (tested on their own in PasswordSignInTests) would answer the later tests 429.
        start.Environment["Access__SignInAttemptsPerUserName"] = "1000";
        start.Environment["Access__SignInAttemptsPerAddress"] = "1000";

        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnOutput(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Exited += (_, _) => _modulesLoaded.TrySetResult("the app exited before they had loaded");
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }
        Append(line);
        lock (_log)
        {
            if (_passwordFollows && !string.IsNullOrWhiteSpace(line))
            {
                _passwordFollows = false;
                _oneTimePassword.TrySetResult(line.Trim());
            }
            else if (OneTimePasswordBanner().IsMatch(line))
            {
                _passwordFollows = true;
            }
            if (ModulesLoadEnded().IsMatch(line))
            {
                _modulesLoaded.TrySetResult(line);
            }
        }
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
        }
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < StartTimeout)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"The app exited with code {_process.ExitCode} before it was ready.\n{Log}");
            }
            try
            {
                using var response = await http.GetAsync(new Uri("/health", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet: the demo municipality is still loading.
            }
            catch (TaskCanceledException)
            {
                // The request timed out; try again.
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"The app did not answer GET /health with 200 within {StartTimeout.TotalSeconds} s.\n{Log}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Oppdrift.slnx")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds Oppdrift.slnx.");
    }

    [GeneratedRegex(@"Sign in as '[^']+' with this one-time password:")]
    private static partial Regex OneTimePasswordBanner();

    /// <summary>The line the demo's background load of the later modules ends with, loaded or failed (<c>DemoModulesJob</c>).</summary>
    [GeneratedRegex(@"Demo modules (loaded in the background|not loaded)")]
    private static partial Regex ModulesLoadEnded();
}
