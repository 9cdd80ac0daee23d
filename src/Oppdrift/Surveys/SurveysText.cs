using System.Resources;
using Oppdrift.Shared;

namespace Oppdrift.Surveys;

/// <summary>The Surveys module's texts (SurveysText.resx, Bokmål; SurveysText.en.resx, English).</summary>
public sealed class SurveysText
{
    internal static readonly ResourceManager Resources = new(typeof(SurveysText).FullName!, typeof(SurveysText).Assembly);

    public static string Get(string key, params object?[] args) => Localized.Format(Resources, key, args);
}
