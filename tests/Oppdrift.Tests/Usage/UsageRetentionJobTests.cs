using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Data;
using Oppdrift.Shared.Privacy;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Usage;

namespace Oppdrift.Tests.Usage;

/// <summary>Per-person rows go on a schedule, not only after an import; the key beside the data is called out.</summary>
public sealed class UsageRetentionJobTests
{
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Per_person_rows_past_the_retention_are_deleted_at_start_and_every_day_after_without_an_import(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero));
        var options = new UsageOptions { RetentionDays = 35 };
        var today = new DateOnly(2026, 11, 25);
        int agencyId;
        await using (var db = database.CreateContext())
        {
            var agency = new Oppdrift.Organisation.Agency { Code = "SYE", Name = "Sykehjemsetaten", CreatedAt = clock.GetUtcNow().UtcDateTime };
            db.Agencies.Add(agency);
            await db.SaveChangesAsync();
            agencyId = agency.Id;
            foreach (var age in new[] { 40, 36, 35, 1 })
            {
                db.UsageActivity.Add(new UsageActivity { Date = today.AddDays(-age), Workload = UsageWorkload.Teams, Pseudonym = [.. Enumerable.Repeat((byte)age, 16)], AgencyId = agencyId });
            }
            await db.SaveChangesAsync();
        }
        var services = new ServiceCollection().AddScoped(_ => database.CreateContext()).BuildServiceProvider();
        var job = new UsageRetentionJob(services.GetRequiredService<IServiceScopeFactory>(), options, new Oppdrift.Shared.JobLeases(database.Provider, clock, NullLogger<Oppdrift.Shared.JobLeases>.Instance),
            clock, NullLogger<UsageRetentionJob>.Instance);

        async Task<int[]> AgesLeftAsync()
        {
            await using var db = database.CreateContext();
            return [.. (await db.UsageActivity.Select(a => a.Date).ToListAsync()).Select(d => today.DayNumber - d.DayNumber).Order()];
        }
        async Task WaitForAsync(int[] expected)
        {
            for (var i = 0; i < 200 && !(await AgesLeftAsync()).SequenceEqual(expected); i++)
            {
                await Task.Delay(25);
            }
            Assert.Equal(expected, await AgesLeftAsync());
        }

        await job.StartAsync(CancellationToken.None);
        try
        {
            await WaitForAsync([1, 35]);
            // A day later, with no import in between, the row that was exactly 35 days old is past the retention too.
            clock.Advance(TimeSpan.FromHours(23));
            await Task.Delay(200);
            Assert.Equal(new[] { 1, 35 }, await AgesLeftAsync());
            clock.Advance(TimeSpan.FromHours(1));
            await WaitForAsync([1]);
        }
        finally
        {
            await job.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public void The_key_file_is_reported_when_it_lies_in_the_data_folder_and_not_when_it_lies_elsewhere_or_comes_from_configuration()
    {
        var data = Path.Combine(Path.GetTempPath(), "oppdrift-data-" + Guid.NewGuid().ToString("N"));
        IConfiguration Config(params (string Key, string Value)[] values) =>
            new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value)).Append(new("Oppdrift:DataDirectory", data))).Build();

        try
        {
            Assert.Equal(Path.Combine(data, PrivacyServices.KeyFileName), PrivacyServices.KeyFileInsideDataDirectory(Config()));
            Assert.Equal(Path.Combine(data, "keys", "p.key"), PrivacyServices.KeyFileInsideDataDirectory(Config(("Privacy:PseudonymKeyFile", Path.Combine(data, "keys", "p.key")))));
            Assert.Null(PrivacyServices.KeyFileInsideDataDirectory(Config(("Privacy:PseudonymKeyFile", "/etc/oppdrift/pseudonym.key"))));
            // A sibling folder whose name begins like the data folder's is outside it.
            Assert.Null(PrivacyServices.KeyFileInsideDataDirectory(Config(("Privacy:PseudonymKeyFile", data + "-keys/pseudonym.key"))));
            Assert.Null(PrivacyServices.KeyFileInsideDataDirectory(Config(("Privacy:PseudonymKey", Convert.ToBase64String(new byte[32])))));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
