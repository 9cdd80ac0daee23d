using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Data;

public sealed class MigrationTests
{
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Migrations_are_up_to_date_with_the_model(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();

        Assert.False(db.Database.HasPendingModelChanges(),
            $"The model has changes with no {kind} migration: run dotnet ef migrations add for both providers (docs/operations.md).");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Migrating_an_up_to_date_database_again_changes_nothing(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var before = (await db.Database.GetAppliedMigrationsAsync()).ToList();

        await db.Database.MigrateAsync();

        Assert.Equal(before, await db.Database.GetAppliedMigrationsAsync());
        Assert.NotEmpty(before);
    }

    [Fact]
    public async Task Sqlite_runs_in_write_ahead_mode_with_foreign_keys_on()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        await using var db = database.CreateContext();
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();

        Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode"));
        Assert.Equal("1", await ScalarAsync(connection, "PRAGMA foreign_keys"));
    }

    private static async Task<string?> ScalarAsync(System.Data.Common.DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    [Theory]
    [InlineData("Host=db;Username=oppdrift;Password=secret;Database=oppdrift", DatabaseKind.Postgres)]
    [InlineData("postgres://oppdrift:secret@db:5433/oppdrift", DatabaseKind.Postgres)]
    [InlineData("Data Source=/var/lib/oppdrift/oppdrift.db", DatabaseKind.Sqlite)]
    [InlineData("/var/lib/oppdrift/oppdrift.db", DatabaseKind.Sqlite)]
    public void A_configured_connection_string_chooses_the_provider(string value, DatabaseKind kind)
    {
        var provider = DatabaseProvider.Parse(value);

        Assert.Equal(kind, provider.Kind);
        Assert.DoesNotContain("secret", provider.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_postgres_url_becomes_a_keyword_connection_string()
    {
        var provider = DatabaseProvider.Parse("postgres://oppdrift:s%40cret@db:5433/oppdrift");

        Assert.Equal("Host=db;Port=5433;Database=oppdrift;Username=oppdrift;Password=s@cret", provider.ConnectionString);
    }
}
