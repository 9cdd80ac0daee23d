using System.Resources;
using Oppdrift.Shared;

namespace Oppdrift.Usage;

/// <summary>The Usage module's texts (UsageText.resx, Bokmål; UsageText.en.resx, English).</summary>
public sealed class UsageText
{
    internal static readonly ResourceManager Resources = new(typeof(UsageText).FullName!, typeof(UsageText).Assembly);

    public static string Get(string key, params object?[] args) => Localized.Format(Resources, key, args);
}
