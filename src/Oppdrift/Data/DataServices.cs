using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Oppdrift.Data;

public static class DataServices
{
    public const string SqliteMigrationsAssembly = "Oppdrift.Migrations.Sqlite";
    public const string PostgresMigrationsAssembly = "Oppdrift.Migrations.Postgres";

    public static IServiceCollection AddOppdriftDb(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = DatabaseProvider.FromConfiguration(configuration);
        services.AddSingleton(provider);
        services.AddDbContext<OppdriftDb>(options => Configure(options, provider));
        services.AddDbContextFactory<OppdriftDb>(options => Configure(options, provider), ServiceLifetime.Scoped);
        services.AddSingleton(services => new Shared.JobLeases(provider, services.GetService<TimeProvider>() ?? TimeProvider.System,
            services.GetService<ILogger<Shared.JobLeases>>() ?? NullLogger<Shared.JobLeases>.Instance));
        return services;
    }

    /// <summary>
    /// Configures the context for the provider. <paramref name="compiledModel"/>: use the provider's compiled model
    /// (<c>CompiledModel/</c> in its migrations assembly, written by <c>dotnet ef dbcontext optimize</c>) instead of building
    /// the model from <see cref="OppdriftDb"/>'s configuration, which costs every process about a second and a half of CPU
    /// when it first opens the database. Only the design-time factories (migrations, the compiled model itself) build it.
    /// </summary>
    public static void Configure(DbContextOptionsBuilder options, DatabaseProvider provider, bool compiledModel = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(provider);
        switch (provider.Kind)
        {
            case DatabaseKind.Sqlite:
                options.UseSqlite(provider.ConnectionString, o => o.MigrationsAssembly(SqliteMigrationsAssembly));
                options.AddInterceptors(SqlitePragmas.Instance);
                break;
            case DatabaseKind.Postgres:
                options.UseNpgsql(provider.ConnectionString, o => o.MigrationsAssembly(PostgresMigrationsAssembly));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(provider));
        }
        if (compiledModel)
        {
            options.UseModel(CompiledModel(provider.Kind));
            // Migrating compares the model with the last migration's snapshot first, and to do so builds the model from
            // the configuration after all. MigrationTests and CompiledModelTests make that comparison once, in the tests.
            options.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
        }
        if (StrictQueries)
        {
            // A First, Skip or Take without an order gives whichever row the database reads first: a result that may change
            // from run to run. Two collections loaded in one query multiply each other's rows (a cartesian explosion).
            // The test command turns these warnings into errors, so every query the tests run is ordered and says how
            // it loads its collections.
            options.ConfigureWarnings(w => w.Throw(CoreEventId.FirstWithoutOrderByAndFilterWarning,
                CoreEventId.RowLimitingOperationWithoutOrderByWarning, RelationalEventId.MultipleCollectionIncludeWarning));
        }
    }

    /// <summary>Set by the test command (<c>OPPDRIFT_STRICT_QUERIES=1</c>): an unordered First, Skip or Take throws.</summary>
    public static bool StrictQueries { get; } = Environment.GetEnvironmentVariable("OPPDRIFT_STRICT_QUERIES") == "1";

    public static DbContextOptions<OppdriftDb> Options(DatabaseProvider provider, bool compiledModel = true)
    {
        var builder = new DbContextOptionsBuilder<OppdriftDb>();
        Configure(builder, provider, compiledModel);
        return builder.Options;
    }

    /// <summary>
    /// The compiled model of the provider, from its migrations assembly (which references this one, hence found by name
    /// once per process: the web app configures a context's options for every request scope).
    /// </summary>
    public static IModel CompiledModel(DatabaseKind kind) =>
        kind == DatabaseKind.Postgres ? PostgresModel.Value : SqliteModel.Value;

    /// <summary>
    /// Starts building the relational mapping of <paramref name="db"/>'s model (each entity's table and columns) on a pool
    /// thread. EF Core builds it at a process's first query, about half a second of CPU for our 74 entity types that the
    /// compiled model does not hold; a command that migrates and reads its file first finds it ready, built on the other core.
    /// </summary>
    public static void PrepareRelationalModel(OppdriftDb db)
    {
        // The model is shared by every context and thread-safe once initialised, which reading it here does.
        var model = db.Model;
        _ = Task.Run(() => model.GetRelationalModel());
    }

    private static readonly Lazy<IModel> SqliteModel = new(() => LoadCompiledModel(SqliteMigrationsAssembly));
    private static readonly Lazy<IModel> PostgresModel = new(() => LoadCompiledModel(PostgresMigrationsAssembly));

    internal static IModel LoadCompiledModel(string assembly)
    {
        Type type;
        try
        {
            type = Type.GetType($"{assembly}.CompiledModel.OppdriftDbModel, {assembly}", throwOnError: true)!;
        }
        catch (FileNotFoundException e)
        {
            // `scripts/run.sh` builds the app without PostgreSQL's part when no PostgreSQL database is configured.
            throw new InvalidOperationException(
                $"{assembly}.dll is not in this build of Oppdrift, so it cannot open this database. Set OPPDRIFT_DATABASE (or " +
                "ConnectionStrings__Oppdrift) before running scripts/run.sh, which then builds it in, or build the app with " +
                "-p:OppdriftPostgres=true.", e);
        }
        return (IModel)type.GetProperty("Instance")!.GetValue(null)!;
    }
}

/// <summary>
/// Sets SQLite's pragmas on every connection it opens: write-ahead logging so readers do not block
/// the importer, foreign keys on, and a busy timeout so concurrent writers wait instead of failing.
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    public static readonly SqlitePragmas Instance = new();

    private const string ReadPragmas = "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;";

    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; " + ReadPragmas;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (connection is SqliteConnection sqlite)
        {
            using var command = sqlite.CreateCommand();
            command.CommandText = For(sqlite);
            command.ExecuteNonQuery();
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (connection is SqliteConnection sqlite)
        {
            await using var command = sqlite.CreateCommand();
            command.CommandText = For(sqlite);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Switching to write-ahead logging writes to the file, which a read-only connection may not do. EF Core opens one to ask
    /// whether the database exists; when another process has just created the file and not yet switched it, the switch failed
    /// with "attempt to write a readonly database".
    /// </summary>
    private static string For(SqliteConnection connection) =>
        new SqliteConnectionStringBuilder(connection.ConnectionString).Mode == SqliteOpenMode.ReadOnly ? ReadPragmas : Pragmas;
}
