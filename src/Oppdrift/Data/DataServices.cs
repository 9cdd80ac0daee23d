using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
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

    public static void Configure(DbContextOptionsBuilder options, DatabaseProvider provider)
    {
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
        if (StrictQueries)
        {
            // A First, Skip or Take without an order gives whichever row the database reads first: a result that may change
            // from run to run. The test command turns these warnings into errors, so every query the tests run is ordered.
            options.ConfigureWarnings(w => w.Throw(CoreEventId.FirstWithoutOrderByAndFilterWarning,
                CoreEventId.RowLimitingOperationWithoutOrderByWarning));
        }
    }

    /// <summary>Set by the test command (<c>OPPDRIFT_STRICT_QUERIES=1</c>): an unordered First, Skip or Take throws.</summary>
    public static bool StrictQueries { get; } = Environment.GetEnvironmentVariable("OPPDRIFT_STRICT_QUERIES") == "1";

    public static DbContextOptions<OppdriftDb> Options(DatabaseProvider provider)
    {
        var builder = new DbContextOptionsBuilder<OppdriftDb>();
        Configure(builder, provider);
        return builder.Options;
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
