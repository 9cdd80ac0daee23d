using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Demo;
using Oppdrift.Web;

namespace Oppdrift.Tests.Infrastructure;

/// <summary>
/// The real web app on Kestrel at a free loopback port, on a test database with a small demo
/// municipality (loaded once per size and database kind, and copied), and a way to sign in as any role through the
/// real login form.
/// </summary>
public sealed partial class RunningApp : IAsyncDisposable
{
    private readonly TestDatabase _database;

    private RunningApp(TestDatabase database, WebApplication app, Uri address)
    {
        _database = database;
        App = app;
        Address = address;
    }

    public WebApplication App { get; }
    public Uri Address { get; }
    public TestDatabase Database => _database;

    public static Task<RunningApp> StartAsync(DatabaseKind kind, int demoPeople = 2_000, params string[] settings) =>
        StartAsync(kind, demoPeople, configure: null, settings);

    /// <summary>Starts the app with <paramref name="configure"/> applied to its builder first (a test's own clock, say).</summary>
    public static async Task<RunningApp> StartAsync(DatabaseKind kind, int demoPeople, Action<WebApplicationBuilder>? configure, params string[] settings)
    {
        var database = await TestDatabase.CreateAsync(kind, $"demo-{demoPeople}", async template =>
        {
            await using var db = template.CreateContext();
            await new DemoLoader(db, TimeProvider.System).LoadAsync(DemoMunicipality.Generate(9, demoPeople), Path.Combine(template.Folder, "demo"));
        });
        var app = await OppdriftWebApp.BuildAsync(
        [
            $"--OPPDRIFT_DATABASE={database.Provider.ConnectionString}",
            $"--Oppdrift:DataDirectory={database.Folder}",
            "--urls=http://127.0.0.1:0",
            "--environment=Production",
            "--Logging:LogLevel:Default=Warning",
            // The tests talk plain HTTP to the loopback address; outside Development cookies are otherwise HTTPS-only.
            "--Access:SecureCookies=false",
            .. settings,
        ], configure);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningApp(database, app, new Uri(address));
    }

    public HttpClient Anonymous() => Client(Address, new CookieContainer());

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<HttpClient, CookieContainer> Jars = [];

    /// <summary>A client of <paramref name="address"/> with these cookies (those of another client, say).</summary>
    public static HttpClient Client(Uri address, CookieContainer cookies)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = address };
        Jars.Add(client, cookies);
        return client;
    }

    /// <summary>The cookies a client of this class holds.</summary>
    public static CookieContainer CookiesOf(HttpClient client) => Jars.TryGetValue(client, out var cookies) ? cookies : throw new ArgumentException("Not a RunningApp client.", nameof(client));

    /// <summary>
    /// A second web node on the same database and data folder, as a load-balanced installation runs; the caller stops
    /// and disposes it.
    /// </summary>
    public async Task<(WebApplication App, Uri Address)> StartSecondNodeAsync(params string[] settings)
    {
        var app = await OppdriftWebApp.BuildAsync(
        [
            $"--OPPDRIFT_DATABASE={_database.Provider.ConnectionString}",
            $"--Oppdrift:DataDirectory={_database.Folder}",
            "--urls=http://127.0.0.1:0",
            "--environment=Production",
            "--Logging:LogLevel:Default=Warning",
            "--Access:SecureCookies=false",
            .. settings,
        ]);
        await app.StartAsync();
        return (app, new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()));
    }

    /// <summary>Creates an account with the roles (password already chosen) and signs in through the login form.</summary>
    public Task<HttpClient> SignInAsync(Roles roles, params string[] agencyCodes) =>
        SignInAsAsync($"{roles.ToString().Replace(", ", "-", StringComparison.Ordinal)}-{Guid.NewGuid():N}@test.no".ToLowerInvariant(), roles, agencyCodes);

    /// <summary>
    /// Creates an account named <paramref name="userName"/> (a directory person's user principal name, say, so that the
    /// account is that person) with the roles, and signs in through the login form.
    /// </summary>
    public async Task<HttpClient> SignInAsAsync(string userName, Roles roles, params string[] agencyCodes)
    {
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
            var agencies = await db.Agencies.Where(a => agencyCodes.Contains(a.Code)).Select(a => a.Id).ToListAsync();
            var created = await scope.ServiceProvider.GetRequiredService<AccountService>()
                .CreateAsync(new AccountRequest(userName, userName, roles, agencies), "test", default);
            Assert.True(created.Succeeded, created.Error);
            // The password as if its owner had chosen it (the change itself is tested in AccountServiceTests and
            // AccessWebTests): its hash is made once per run, as each hash costs the production 210,000 rounds.
            var account = await db.Accounts.SingleAsync(a => a.Id == created.Value!.Account.Id);
            account.PasswordHash = TestPasswordHash.Value;
            account.MustChangePassword = false;
            await db.SaveChangesAsync();
        }
        var client = Anonymous();
        var form = await client.GetStringAsync("/account/login");
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = AntiforgeryToken(form),
            ["Input.UserName"] = userName,
            ["Input.Password"] = TestPassword,
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    private const string TestPassword = "a long test password";

    private static readonly Lazy<string> TestPasswordHash = new(() =>
        new Microsoft.AspNetCore.Identity.PasswordHasher<Account>(Microsoft.Extensions.Options.Options.Create(
            new Microsoft.AspNetCore.Identity.PasswordHasherOptions { IterationCount = AccountService.PasswordIterations }))
        .HashPassword(new Account { UserName = "test", NormalizedUserName = "TEST", DisplayName = "test" }, TestPassword));

    /// <summary>
    /// Makes a signed-in client behave as a script using the JSON API does: it asks for the antiforgery token once and sends
    /// it in the header with every request. Returns the same client.
    /// </summary>
    public static async Task<HttpClient> WithApiTokenAsync(HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var answer = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/api/antiforgery"));
        client.DefaultRequestHeaders.Add(answer.RootElement.GetProperty("headerName").GetString()!, answer.RootElement.GetProperty("token").GetString());
        return client;
    }

    public static string AntiforgeryToken(string html) =>
        TokenPattern().Match(html) is { Success: true } match ? match.Groups[1].Value : throw new InvalidOperationException("No antiforgery token in the page.");

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await _database.DisposeAsync();
    }
}
