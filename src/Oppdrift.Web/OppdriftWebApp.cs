using System.Globalization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Localization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration.Memory;
using Oppdrift.Access;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Demo;
using Oppdrift.Learning;
using Oppdrift.Learning.Knowledge;
using Oppdrift.Organisation;
using Oppdrift.Shared;
using Oppdrift.ShareMigration;
using Oppdrift.Surveys;
using Oppdrift.Usage;
using Oppdrift.Web.Components;

namespace Oppdrift.Web;

/// <summary>Builds the web app: configuration, services, the request pipeline, and first-start work.</summary>
public static class OppdriftWebApp
{
    public static readonly CultureInfo[] Cultures = [new("nb-NO"), new("en-GB")];

    /// <summary>The log levels of appsettings.json; see docs/operations.md for turning SQL statements on.</summary>
    private static readonly Dictionary<string, string?> LoggingDefaults = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Warning",
    };

    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The application name is the host's even when a test starts it, so its static asset manifest is found.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = typeof(OppdriftWebApp).Assembly.GetName().Name });
        // appsettings.json is read from the content root, the working directory: a service started from another folder
        // misses it, and would then log every SQL statement. These defaults come first, so they hold wherever the host
        // starts and appsettings.json, environment variables and the command line still override them.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = LoggingDefaults });
        if (args.Contains("--demo"))
        {
            builder.Configuration["Oppdrift:LoadDemo"] = "true";
        }
        configure?.Invoke(builder);
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddOppdriftDb(builder.Configuration);
        services.AddOrganisation();
        services.AddAccess();
        services.AddUsage(builder.Configuration);
        services.AddLearning(builder.Configuration);
        services.AddKnowledge();
        services.AddBenefits(builder.Configuration);
        services.AddShareMigration(builder.Configuration);
        services.AddSurveys(builder.Configuration);
        // The demo is a guest: its first-start load runs before the server listens, and only with Oppdrift:LoadDemo.
        services.AddDemo(builder.Configuration);
        services.AddLocalization();
        services.AddRazorComponents();
        services.AddCascadingAuthenticationState();
        services.AddHttpContextAccessor();
        services.AddOpenApi();
        services.AddProblemDetails();
        // Keys for sign-in cookies and antiforgery live beside the data, so a restart does not sign everyone out.
        services.AddDataProtection().SetApplicationName("Oppdrift")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(DataDirectory.Resolve(builder.Configuration), "keys")));
        SignIn.Add(services, builder.Configuration);
        services.AddAuthorization(options =>
        {
            Policies.Add(options);
            // Anything that forgets to declare a policy still requires a signed-in user.
            options.FallbackPolicy = options.GetPolicy(Policies.SignedIn);
        });
        services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(o => o.MultipartBodyLengthLimit = UploadLimits.DirectoryFileBytes);
        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = UploadLimits.DirectoryFileBytes);

        var app = builder.Build();
        await FirstStart.RunAsync(app.Services, app.Logger, app.Lifetime.ApplicationStopping);

        if (app.Configuration.GetValue<bool>("Oppdrift:BehindProxy"))
        {
            // Behind a TLS-terminating proxy the scheme and client address arrive in X-Forwarded-* headers;
            // trusted only when configured, since a directly exposed app would let anyone set them.
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            app.UseForwardedHeaders(forwarded);
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
        app.UseMiddleware<PasswordChangeGate>();
        app.UseAntiforgery();
        app.UseMiddleware<AntiforgeryRefusal>();

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
        app.MapOpenApi().AllowAnonymous();
        app.MapShellApi();
        app.MapAccessApi();
        app.MapOrganisationApi();
        app.MapUsageApi();
        app.MapLearningApi();
        app.MapKnowledgeApi();
        app.MapBenefitsApi();
        app.MapShareMigrationApi();
        app.MapSurveysApi();
        return app;
    }
}

public static class UploadLimits
{
    /// <summary>A directory export for 54,000 people is about 15 MB; allow generous headroom.</summary>
    public const long DirectoryFileBytes = 512L * 1024 * 1024;
}

/// <summary>Work done when the app is built, before it starts: migrate, create the first administrator.</summary>
internal static partial class FirstStart
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Database: {Database}")]
    private static partial void LogDatabase(ILogger logger, string database);

    public static async Task RunAsync(IServiceProvider services, ILogger logger, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
        var provider = scope.ServiceProvider.GetRequiredService<DatabaseProvider>();
        LogDatabase(logger, provider.Describe());
        await db.Database.MigrateAsync(cancellationToken);

        var admin = await scope.ServiceProvider.GetRequiredService<AccountService>().EnsureAdministratorAsync(cancellationToken);
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
