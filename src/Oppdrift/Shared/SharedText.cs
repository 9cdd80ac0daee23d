using System.Resources;

namespace Oppdrift.Shared;

/// <summary>Texts shared by every module: the shell, navigation, and file-reading errors.</summary>
public sealed class SharedText
{
    internal static readonly ResourceManager Resources = new(typeof(SharedText).FullName!, typeof(SharedText).Assembly);

    public static string Get(string key, params object?[] args) => Localized.Format(Resources, key, args);
}
