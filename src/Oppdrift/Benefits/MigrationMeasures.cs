// The migration measures an indicator can be wired to: how far the move off the file servers has come, from the
// migration plan's scans and mapping states (as they stood on each measured date).
using Oppdrift.ShareMigration;

namespace Oppdrift.Benefits;

/// <summary>One migration measure: its key ("migration:…"), and how its value is read from the plan's progress.</summary>
public sealed record MigrationMeasure(string Key, Func<MigrationProgressPicture, double?> Municipality, Func<AgencyMigration, double?>? Agency)
{
    public const string Prefix = "migration:";

    public string Name => BenefitsText.Get("Measure_" + Key[Prefix.Length..]);

    public string HowComputed => BenefitsText.Get("MeasureHow_" + Key[Prefix.Length..]);

    public static string Unit => "%";
}

public static class MigrationMeasures
{
    public const string BytesMoved = MigrationMeasure.Prefix + "bytesMoved";
    public const string AgenciesMoved = MigrationMeasure.Prefix + "agenciesMoved";

    public static IReadOnlyList<MigrationMeasure> All { get; } =
    [
        new(AgenciesMoved, p => p.AgenciesMovedPercent, null),
        new(BytesMoved, p => p.BytesMovedPercent, a => a.Progress),
    ];

    public static MigrationMeasure? Find(string? key) => All.FirstOrDefault(m => m.Key == key);

    public static bool IsMigration(string? key) => key?.StartsWith(MigrationMeasure.Prefix, StringComparison.Ordinal) == true;
}
