using Microsoft.Extensions.Time.Testing;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Access;

/// <summary>What other modules and the CLI read of Access's tables, through Access's own classes.</summary>
public sealed class AccessQueriesTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 2, 2, 9, 0, 0, TimeSpan.Zero));

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_latest_audit_entry_of_a_kind_moves_only_with_entries_of_that_kind(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();

        var none = await AuditLog.LatestAsync(db, "migration.", default);
        AuditLog.Record(db, _clock, "test", "migration.scan.attach", "share:1");
        await db.SaveChangesAsync();
        var attached = await AuditLog.LatestAsync(db, "migration.", default);
        AuditLog.Record(db, _clock, "test", "organisation.import", null);
        AuditLog.Record(db, _clock, "test", "migrationx.other", null);
        await db.SaveChangesAsync();
        var unchanged = await AuditLog.LatestAsync(db, "migration.", default);
        AuditLog.Record(db, _clock, "test", "migration.mapping.state", "mapping:1");
        await db.SaveChangesAsync();
        var changed = await AuditLog.LatestAsync(db, "migration.", default);

        Assert.Equal(0, none);
        Assert.True(attached > 0);
        Assert.Equal(attached, unchanged);
        Assert.True(changed > attached);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_account_is_found_by_its_user_name_in_any_case(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var accounts = new AccountService(db, _clock);
        Assert.False(await accounts.AnyAsync(default));
        await accounts.CreateAsync(new AccountRequest("Kari.Nordmann@nordvik.kommune.no", "Kari Nordmann", Roles.Employee, []), "test", default);

        var found = await accounts.FindAsync(" KARI.NORDMANN@nordvik.kommune.no ", default);

        Assert.Equal("Kari Nordmann", found?.DisplayName);
        Assert.Null(await accounts.FindAsync("ola@nordvik.kommune.no", default));
        Assert.True(await accounts.AnyAsync(default));
    }
}
