using System.Net;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Usage;

namespace Oppdrift.Tests.Web;

/// <summary>What a load balancer asks each node: is the process up, and may it take requests.</summary>
public sealed class HealthTests
{
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_node_is_live_and_ready_for_anyone_and_administrators_see_which_node_ran_each_job(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, 200);
        using var anonymous = app.Anonymous();

        using (var live = await anonymous.GetAsync("/health/live"))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.Equal("{\"status\":\"live\"}", await live.Content.ReadAsStringAsync());
        }
        using (var ready = await anonymous.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal("{\"status\":\"ready\"}", await ready.Content.ReadAsStringAsync());
        }
        // A stranger learns nothing of the jobs.
        Assert.Equal("{\"status\":\"healthy\"}", await anonymous.GetStringAsync("/health"));

        // The retention job runs at start; its lease names this node.
        using var administrator = await app.SignInAsync(Roles.Administrator);
        var health = "";
        for (var i = 0; i < 200 && !health.Contains(UsageRetentionJob.Key, StringComparison.Ordinal); i++)
        {
            await Task.Delay(25);
            health = await administrator.GetStringAsync("/health");
        }
        Assert.Contains("\"jobs\":[", health, StringComparison.Ordinal);
        Assert.Contains($"\"name\":\"{UsageRetentionJob.Key}\"", health, StringComparison.Ordinal);
        Assert.Contains($"\"owner\":\"{Environment.MachineName}:{Environment.ProcessId}:", health, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_node_whose_database_lacks_a_migration_is_live_but_not_ready(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, 200);
        using var anonymous = app.Anonymous();
        await using (var db = app.Database.CreateContext())
        {
            var last = db.Database.GetMigrations().Last();
            await db.Database.ExecuteSqlAsync($"""DELETE FROM "__EFMigrationsHistory" WHERE "MigrationId" = {last}""");
        }

        using var ready = await anonymous.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("{\"status\":\"unready\"}", await ready.Content.ReadAsStringAsync());
        using var live = await anonymous.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }
}
