using System.Resources;
using Oppdrift.Shared;

namespace Oppdrift.ShareMigration;

/// <summary>The ShareMigration module's texts (MigrationText.resx, Bokmål; MigrationText.en.resx, English).</summary>
public sealed class MigrationText
{
    internal static readonly ResourceManager Resources = new(typeof(MigrationText).FullName!, typeof(MigrationText).Assembly);

    public static string Get(string key, params object?[] args) => Localized.Format(Resources, key, args);
}
