using Microsoft.Extensions.Time.Testing;
using Oppdrift.ShareMigration;

namespace Oppdrift.Tests.ShareMigration;

/// <summary>
/// A small department share with known volumes, one bad name, a forms folder, a duplicate, a stale file and one path of
/// known UTF-16 length (an emoji counts two), scanned with the real scanner into an inventory.
/// </summary>
public sealed class PlanShare : IDisposable
{
    public static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    /// <summary>"Prosjekt/" + 100 a's: the folder whose file has the known length.</summary>
    public static readonly string LongFolder = new('a', 100);

    /// <summary>The file below it: "😀ø.txt", 7 UTF-16 units (the emoji is two).</summary>
    public const string LongFile = "😀ø.txt";

    /// <summary>The file's path relative to "Prosjekt": 100 + 1 + 7.</summary>
    public const int LongRelative = 108;

    public ShareFixture Fixture { get; } = new(everything: false);

    public string Inventory => Fixture.Inventory;

    private PlanShare()
    {
    }

    public static async Task<PlanShare> CreateAsync(Action<ShareFixture>? more = null)
    {
        var share = new PlanShare();
        var f = share.Fixture;
        var fresh = new DateTime(2026, 10, 1, 12, 0, 0, DateTimeKind.Utc);
        f.File("Økonomi/budsjett 2026.xlsx", new string('b', 1000), fresh);
        f.File("Økonomi/kopi av budsjett.xlsx", new string('b', 1000), fresh);
        f.File("Økonomi/hva?.txt", "spørsmål", fresh);
        f.File("Økonomi/2019/gammel.docx", new string('g', 300), new DateTime(2019, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        f.File("Skjema/forms/søknad.docx", new string('s', 50), fresh);
        f.File($"Prosjekt/{LongFolder}/{LongFile}", "lang", fresh);
        f.File("les meg.txt", "hei", fresh);
        more?.Invoke(f);
        await new TreeScanner(new ScanOptions { Root = f.Root, InventoryPath = f.Inventory, Clock = Clock }).RunAsync(null, TestContext.Current.CancellationToken);
        DuplicateFinder.Run(f.Inventory, 1, null, TestContext.Current.CancellationToken);
        return share;
    }

    public ShareProfile Profile()
    {
        using var inventory = ScanInventory.OpenForReading(Inventory, "share.scan.sqlite", out var error);
        Assert.Null(error);
        try
        {
            return ShareProfile.Read(inventory.Connection, new ReportOptions { Clock = Clock });
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    public void Dispose() => Fixture.Dispose();
}
