using System.Globalization;
using System.Text;

namespace Oppdrift.Learning.Knowledge;

/// <summary>A word of a text: where it stands (for highlighting) and the term it is indexed and searched under.</summary>
public readonly record struct KnowledgeToken(int Start, int Length, string Term);

/// <summary>
/// Splits text into the terms the knowledge bank indexes and searches: runs of letters and digits, lower-cased
/// (æ, ø and å kept), common Norwegian and English function words left out, and words stemmed with
/// <see cref="NorwegianStemmer"/>. Indexing and searching go through this one class, so they always agree.
/// </summary>
public static class KnowledgeTerms
{
    /// <summary>Longer words are cut: nobody searches for them, and the term column has a fixed width.</summary>
    public const int MaxTermLength = 64;

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "og", "i", "jeg", "det", "at", "en", "et", "den", "til", "er", "som", "på", "de", "med", "han", "av", "ikke", "der",
        "så", "var", "meg", "seg", "men", "ett", "har", "om", "vi", "min", "mitt", "ha", "hadde", "hun", "nå", "over", "da",
        "ved", "fra", "du", "ut", "sin", "dem", "oss", "opp", "man", "kan", "hans", "hvor", "eller", "hva", "skal", "selv",
        "her", "alle", "vil", "bli", "ble", "blitt", "kunne", "inn", "når", "være", "noen", "noe", "ville", "dere", "deres",
        "kun", "ja", "etter", "ned", "skulle", "denne", "for", "deg", "si", "sine", "sitt", "mot", "å", "hvorfor", "dette",
        "disse", "uten", "hvordan", "ingen", "din", "ditt", "blir", "samme", "hvilken", "hvilke", "sånn", "mellom", "vår",
        "hver", "hvem", "hvis", "både", "bare", "enn", "fordi", "før", "også", "slik", "vært", "begge", "siden", "henne",
        "the", "and", "of", "to", "in", "is", "a", "an", "on", "with", "it", "this", "that", "are", "be", "by", "or",
    };

    /// <summary>The words of <paramref name="text"/> that are indexed, in order, with their places in the text.</summary>
    public static List<KnowledgeToken> Tokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<KnowledgeToken>();
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetterOrDigit(text[i]))
            {
                i++;
                continue;
            }
            var start = i;
            while (i < text.Length && (char.IsLetterOrDigit(text[i]) || char.GetUnicodeCategory(text[i]) == UnicodeCategory.NonSpacingMark))
            {
                i++;
            }
            if (Term(text.AsSpan(start, i - start)) is { } term)
            {
                tokens.Add(new KnowledgeToken(start, i - start, term));
            }
        }
        return tokens;
    }

    /// <summary>The distinct terms of a search, in the order they were typed.</summary>
    public static IReadOnlyList<string> QueryTerms(string? query) =>
        string.IsNullOrWhiteSpace(query) ? [] : [.. Tokens(Normalize(query)).Select(t => t.Term).Distinct(StringComparer.Ordinal)];

    /// <summary>Text as it is stored and searched: composed Unicode (a decomposed "å" is one letter), so offsets agree.</summary>
    public static string Normalize(string text) => text.IsNormalized(NormalizationForm.FormC) ? text : text.Normalize(NormalizationForm.FormC);

    /// <summary>The key a topic or tool is filtered by: trimmed and lower-cased, so "Teams" and "teams " are one tool.</summary>
    public static string TagKey(string value) => Normalize(value).Trim().ToLowerInvariant();

    private static string? Term(ReadOnlySpan<char> word)
    {
        var lower = word.ToString().ToLowerInvariant();
        if (StopWords.Contains(lower))
        {
            return null;
        }
        if (lower.Length == 1 && !char.IsDigit(lower[0]))
        {
            return null;
        }
        var term = char.IsDigit(lower[0]) ? lower : NorwegianStemmer.Stem(lower);
        return term.Length > MaxTermLength ? term[..MaxTermLength] : term;
    }
}
