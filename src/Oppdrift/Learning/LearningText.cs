using System.Resources;
using Oppdrift.Shared;

namespace Oppdrift.Learning;

/// <summary>The Learning module's texts (LearningText.resx, Bokmål; LearningText.en.resx, English).</summary>
public sealed class LearningText
{
    internal static readonly ResourceManager Resources = new(typeof(LearningText).FullName!, typeof(LearningText).Assembly);

    public static string Get(string key, params object?[] args) => Localized.Format(Resources, key, args);
}
