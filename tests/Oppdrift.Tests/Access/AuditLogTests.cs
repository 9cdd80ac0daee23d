using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Access;

public sealed class AuditLogTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 4, 10, 30, 0, TimeSpan.FromHours(1)));

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_entry_lands_only_with_the_change_it_describes(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using (var abandoned = database.CreateContext())
        {
            AuditLog.Record(abandoned, _clock, "kari", "test.change", "target");
            // No save: the change did not happen, so neither did its entry.
        }
        await using (var db = database.CreateContext())
        {
            AuditLog.Record(db, _clock, "kari", "test.change", "Sykehjemsetaten",
                before: new { Name = "Færre utskrifter", Value = 1.5 }, after: new { Name = "Færre sider skrevet ut", Value = 2 });
            AuditLog.Record(db, _clock, "ola", "test.export", null);
            await db.SaveChangesAsync();
        }

        await using var check = database.CreateContext();
        var entries = await check.AuditEntries.OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(2, entries.Count);
        var change = entries[0];
        Assert.Equal(("kari", "test.change", "Sykehjemsetaten"), (change.Actor, change.Action, change.Target));
        Assert.Equal(new DateTime(2026, 3, 4, 9, 30, 0), change.At);
        // Read by people on the audit page: Norwegian letters as they are, not as \u00e6 escapes.
        Assert.Equal("{\"Name\":\"Færre utskrifter\",\"Value\":1.5}", change.Before);
        Assert.Equal("{\"Name\":\"Færre sider skrevet ut\",\"Value\":2}", change.After);
        Assert.Equal(("ola", null, null, null), (entries[1].Actor, entries[1].Target, entries[1].Before, entries[1].After));
    }
}
