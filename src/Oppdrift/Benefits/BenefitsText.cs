using System.Resources;
using Oppdrift.Shared;

namespace Oppdrift.Benefits;

/// <summary>The Benefits module's texts (BenefitsText.resx, Bokmål; BenefitsText.en.resx, English).</summary>
public sealed class BenefitsText
{
    internal static readonly ResourceManager Resources = new(typeof(BenefitsText).FullName!, typeof(BenefitsText).Assembly);

    public static string Get(string key, params object?[] args) => Localized.Format(Resources, key, args);
}
