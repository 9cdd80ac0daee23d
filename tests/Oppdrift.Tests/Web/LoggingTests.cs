using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Web;

namespace Oppdrift.Tests.Web;

/// <summary>What the web host logs by default, wherever it is started from.</summary>
public sealed class LoggingTests
{
    private const string SqlStatements = "Microsoft.EntityFrameworkCore.Database.Command";

    /// <summary>
    /// Builds the web host with its content root in an empty folder, as a service started from another working
    /// directory finds it: no appsettings.json there. Returns whether SQL statements would be logged at Information.
    /// </summary>
    private static async Task<bool> LogsSqlStatementsAsync(params string[] settings)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        var elsewhere = Directory.CreateDirectory(Path.Combine(database.Folder, "elsewhere"));
        await using var app = await OppdriftWebApp.BuildAsync(
        [
            $"--OPPDRIFT_DATABASE={database.Provider.ConnectionString}",
            $"--Oppdrift:DataDirectory={database.Folder}",
            $"--contentRoot={elsewhere.FullName}",
            "--environment=Production",
            .. settings,
        ]);
        Assert.False(File.Exists(Path.Combine(app.Environment.ContentRootPath, "appsettings.json")));
        return app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(SqlStatements).IsEnabled(LogLevel.Information);
    }

    [Fact]
    public async Task The_web_host_does_not_log_every_SQL_statement_by_default()
    {
        Assert.False(await LogsSqlStatementsAsync());
    }

    [Fact]
    public async Task SQL_statements_are_logged_when_the_setting_asks_for_them()
    {
        Assert.True(await LogsSqlStatementsAsync($"--Logging:LogLevel:{SqlStatements}=Information"));
    }
}
