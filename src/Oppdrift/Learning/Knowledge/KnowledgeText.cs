using System.Resources;
using Oppdrift.Shared;

namespace Oppdrift.Learning.Knowledge;

/// <summary>The knowledge bank's texts (KnowledgeText.resx, Bokmål; KnowledgeText.en.resx, English).</summary>
public sealed class KnowledgeText
{
    internal static readonly ResourceManager Resources = new(typeof(KnowledgeText).FullName!, typeof(KnowledgeText).Assembly);

    public static string Get(string key, params object?[] args) => Localized.Format(Resources, key, args);
}
