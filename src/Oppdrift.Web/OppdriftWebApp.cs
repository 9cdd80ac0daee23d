using System.Globalization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Localization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Oppdrift.Access;
using Oppdrift.Access.KeyRing;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Demo;
using Oppdrift.Effects;
using Oppdrift.Learning;
using Oppdrift.Learning.Knowledge;
using Oppdrift.Organisation;
using Oppdrift.Processes;
using Oppdrift.Shared;
using Oppdrift.ShareMigration;
using Oppdrift.Surveys;
using Oppdrift.Usage;
using Oppdrift.Web.Components;

namespace Oppdrift.Web;

/// <summary>Builds the web app: configuration, services, the request pipeline, and first-start work.</summary>
public static class OppdriftWebApp
{
    public static readonly CultureInfo[] Cultures = [.. Localized.Cultures];

    /// <summary>The log levels of appsettings.json; see docs/operations.md for turning SQL statements on.</summary>
    private static readonly Dictionary<string, string?> LoggingDefaults = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Warning",
    };

    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The application name is the host's even when a test starts it, so its static asset manifest is found. The content
        // root (appsettings.json, wwwroot) is the app's own folder, not the working directory, so a service manager may
        // start it from anywhere.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(OppdriftWebApp).Assembly.GetName().Name,
            ContentRootPath = ContentRoot(args),
        });
        // These defaults come first, so they hold even when appsettings.json is missing, and appsettings.json, environment
        // variables and the command line still override them.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = LoggingDefaults });
        if (args.Contains("--demo"))
        {
            builder.Configuration["Oppdrift:LoadDemo"] = "true";
        }
        configure?.Invoke(builder);
        var services = builder.Services;
        // A test may have put its own clock in first.
        services.TryAddSingleton(TimeProvider.System);
        services.AddOppdriftDb(builder.Configuration);
        services.AddOrganisation();
        services.AddAccess(builder.Configuration);
        services.AddUsage(builder.Configuration);
        services.AddLearning(builder.Configuration);
        services.AddKnowledge();
        services.AddBenefits(builder.Configuration);
        services.AddShareMigration(builder.Configuration);
        services.AddProcesses();
        services.AddSurveys(builder.Configuration);
        services.AddEffects(builder.Configuration);
        // The demo is a guest: its first-start load runs before the server listens, and only with Oppdrift:LoadDemo.
        services.AddDemo(builder.Configuration);
        services.AddLocalization();
        services.AddRazorComponents();
        services.AddCascadingAuthenticationState();
        services.AddHttpContextAccessor();
        services.AddOpenApi();
        services.AddOutputCache(o => o.AddPolicy(OpenApiDocumentCache.Name, new OpenApiDocumentCache()));
        services.AddProblemDetails();
        Telemetry.Add(builder);
        // Keys for sign-in cookies and antiforgery live in the database, encrypted, so a restart does not sign everyone out
        // and every web node reads the others' cookies.
        services.AddDataProtection().SetApplicationName("Oppdrift").PersistKeysToDatabase(builder.Configuration);
        var development = builder.Environment.IsDevelopment();
        var access = builder.Configuration.GetSection(AccessSettings.Section).Get<AccessSettings>() ?? new AccessSettings();
        SignIn.Add(services, builder.Configuration, development);
        SignInLimits.Add(services, access);
        services.AddAntiforgery(o => o.Cookie.SecurePolicy = SignIn.SecureCookies(access, development));
        services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
        services.AddAuthorization(options =>
        {
            Policies.Add(options);
            // Anything that forgets to declare a policy still requires a signed-in user.
            options.FallbackPolicy = options.GetPolicy(Policies.SignedIn);
        });
        // Every request body is limited; the few imports that need more raise it on their own endpoint.
        services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(o => o.MultipartBodyLengthLimit = UploadLimits.DefaultBytes);
        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = UploadLimits.DefaultBytes);

        // Held shared while the app runs, so `oppdrift db restore` refuses to replace the database under it.
        services.AddSingleton(provider => DataDirectoryLock.HoldShared(DataDirectory.Resolve(provider.GetRequiredService<IConfiguration>())));

        var app = builder.Build();
        try
        {
            app.Services.GetRequiredService<DataDirectoryLock>();
            await FirstStart.RunAsync(app.Services, app.Logger, app.Lifetime.ApplicationStopping);
        }
        catch
        {
            // Releases the lock and the database of an app that does not start (a database too new for it, say).
            await app.DisposeAsync();
            throw;
        }

        app.UseMiddleware<SecurityHeaders>();
        if (app.Configuration.GetValue<bool>("Oppdrift:BehindProxy"))
        {
            app.UseForwardedHeaders(Proxies.Options(app.Configuration));
        }
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
            app.UseHsts();
        }
        // Pages get a friendly page for a bare status code; the JSON API gets problem details.
        app.UseWhen(context => !context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase),
            pages => pages.UseStatusCodePagesWithReExecute("/not-found"));
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase),
            api => api.UseStatusCodePages());
        // Routing runs after the status code pages so a re-executed request finds the not-found page.
        app.UseRouting();
        app.Use(UploadLimits.RefuseOversizedAsync);
        app.Use(SignInLimits.ReadUserNameAsync);
        app.UseRateLimiter();
        app.UseRequestLocalization(new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(Cultures[0]),
            SupportedCultures = Cultures,
            SupportedUICultures = Cultures,
            // Norwegian first: only the user's own choice (cookie or ?culture=) changes the language.
            RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider()],
        });
        app.UseAuthentication();
        app.UseAuthorization();
        // Only endpoints that ask for it are cached: the OpenAPI document.
        app.UseOutputCache();
        app.UseMiddleware<PasswordChangeGate>();
        // Upload forms marked StreamedForm give the antiforgery check their token without it reading the file.
        app.UseStreamedForms();
        app.UseAntiforgery();
        app.UseMiddleware<AntiforgeryRefusal>();
        // Downloads and views of one agency's figures that succeed are recorded in the audit log (AuditedReadAttribute).
        app.UseAuditedReads();

        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>().AddAdditionalAssemblies(typeof(Agency).Assembly)
            .Add(endpoint =>
            {
                // Blazor's own redirect helper carries no page; every page declares its policy itself.
                if (endpoint is RouteEndpointBuilder { RoutePattern.RawText: "/_framework/opaque-redirect" })
                {
                    endpoint.Metadata.Add(new Microsoft.AspNetCore.Authorization.AllowAnonymousAttribute());
                }
            });
        app.MapOpenApi().AllowAnonymous().CacheOutput(OpenApiDocumentCache.Name);
        app.MapShellApi();
        app.MapAccessApi();
        app.MapOrganisationApi();
        app.MapUsageApi();
        app.MapLearningApi();
        app.MapKnowledgeApi();
        app.MapBenefitsApi();
        app.MapShareMigrationApi();
        app.MapProcessesApi();
        app.MapSurveysApi();
        app.MapEffectsApi();
        return app;
    }

    /// <summary>
    /// The folder the app's files are in (AppContext.BaseDirectory), unless the content root is given on the command
    /// line (<c>--contentRoot</c>) or in <c>ASPNETCORE_CONTENTROOT</c> / <c>DOTNET_CONTENTROOT</c>.
    /// </summary>
    internal static string? ContentRoot(string[] args)
    {
        var given = args.Any(a => a.TrimStart('-', '/').StartsWith("contentRoot", StringComparison.OrdinalIgnoreCase))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT"));
        return given ? null : AppContext.BaseDirectory;
    }
}

public static class UploadLimits
{
    /// <summary>The limit of every request body unless its endpoint declares another (ASVS 12.1.1).</summary>
    public const long DefaultBytes = 30L * 1024 * 1024;

    /// <summary>
    /// A request that says it is larger than its endpoint takes is answered 413 before anything reads it. (A body sent
    /// without a length is stopped by the server's own limit when it passes it.)
    /// </summary>
    public static Task RefuseOversizedAsync(HttpContext context, RequestDelegate next)
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? DefaultBytes;
        if (context.Request.ContentLength > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return Task.CompletedTask;
        }
        return next(context);
    }
}

/// <summary>
/// Behind a TLS-terminating proxy the scheme and client address arrive in X-Forwarded-* headers. They are read only with
/// <c>Oppdrift:BehindProxy</c>, and only from the proxies listed in <c>Oppdrift:TrustedProxies</c> (addresses or
/// networks such as 10.0.0.0/24; the local machine when none is listed): anyone else could set them.
/// </summary>
internal static class Proxies
{
    public static ForwardedHeadersOptions Options(IConfiguration configuration)
    {
        var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        var listed = Listed(configuration);
        if (listed.Count > 0)
        {
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            foreach (var entry in listed)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(entry.Contains('/', StringComparison.Ordinal)
                    ? entry
                    : entry + (entry.Contains(':', StringComparison.Ordinal) ? "/128" : "/32")));
            }
        }
        return forwarded;
    }

    /// <summary>The configured proxies, as a list (Oppdrift:TrustedProxies:0, …) or one comma-separated value.</summary>
    private static List<string> Listed(IConfiguration configuration)
    {
        var section = configuration.GetSection("Oppdrift:TrustedProxies");
        var values = section.Value is { } single ? single.Split(',') : section.GetChildren().Select(c => c.Value ?? "").ToArray();
        return [.. values.Select(v => v.Trim()).Where(v => v.Length > 0)];
    }
}

/// <summary>Work done when the app is built, before it starts: migrate, create the first administrator.</summary>
internal static partial class FirstStart
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Database: {Database}")]
    private static partial void LogDatabase(ILogger logger, string database);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The pseudonymisation key file {KeyFile} is inside the data folder, so a backup of the folder "
        + "holds both the per-person usage rows and the key that links them to user names. Move it elsewhere and set Privacy:PseudonymKeyFile, "
        + "or give the key in Privacy:PseudonymKey from a secret store (docs/privacy.md).")]
    private static partial void LogKeyBesideData(ILogger logger, string keyFile);

    public static async Task RunAsync(IServiceProvider services, ILogger logger, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
        var provider = scope.ServiceProvider.GetRequiredService<DatabaseProvider>();
        LogDatabase(logger, provider.Describe());
        if (Oppdrift.Shared.Privacy.PrivacyServices.KeyFileInsideDataDirectory(scope.ServiceProvider.GetRequiredService<IConfiguration>()) is { } keyFile)
        {
            LogKeyBesideData(logger, keyFile);
        }
        // A database a newer version migrated is refused before anything touches it (DatabaseTooNewException). The first
        // administrator is made under the migration lock, so two nodes starting on a new database make one, not two.
        NewAccount? admin = null;
        DataServices.PrepareRelationalModel(db);
        await DatabaseSchema.MigrateAsync(db, provider.Describe(), cancellationToken, async () =>
        {
            KeyRingServices.MoveKeyFilesIntoDatabase(services, DataDirectory.Resolve(scope.ServiceProvider.GetRequiredService<IConfiguration>()), logger);
            admin = await scope.ServiceProvider.GetRequiredService<AccountService>().EnsureAdministratorAsync(cancellationToken);
        });
        if (admin is not null)
        {
            var banner = $"""

                ================================================================
                 Oppdrift: first start. Sign in as '{admin.Account.UserName}' with this one-time password:

                     {admin.OneTimePassword}

                 You will be asked to choose your own password. It is shown only now.
                ================================================================

                """;
            Console.Out.WriteLine(banner);
            await Console.Out.FlushAsync(cancellationToken);
        }
    }
}
