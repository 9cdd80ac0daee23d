namespace Oppdrift.Learning.Knowledge;

/// <summary>
/// A Norwegian (Bokmål) stemmer after the published Snowball algorithm description: R1 as the region after
/// the first non-vowel that follows a vowel (at least three letters in), then three steps that strip
/// inflectional and a few derivational endings found in R1. Input is a lower-case word; æ, ø and å are
/// vowels and are kept. Both databases are fed the stems this class makes, so search behaves the same on each.
/// </summary>
public static class NorwegianStemmer
{
    // Step 1: (a) endings deleted, (b) s, (c) erte and ert that become er; longest first, so the first match is the longest.
    private static readonly string[] Step1Endings =
    [
        "hetenes", "hetene", "hetens", "heten", "heter", "endes", "edes", "enes", "ande", "ende", "ede",
        "erte", "ane", "ene", "het", "ens", "ers", "ets", "ast", "ert", "en", "ar", "er", "as", "es", "et", "a", "e", "s",
    ];

    private static readonly string[] Step3Endings = ["hetslov", "eleg", "elig", "elov", "slov", "leg", "eig", "lig", "els", "lov", "ig"];

    // Words whose final s belongs to the stem in everyday use, though the algorithm would take it; without this
    // "kurs" and "kurset" would get different stems. The inflected forms still stem to the same word.
    private static readonly HashSet<string> KeepFinalS = new(StringComparer.Ordinal)
    {
        "kurs", "tips", "puls", "vers", "kors", "dans", "sans", "fars", "mars", "kompass", "fokus", "status",
    };

    public static string Stem(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Length < 3)
        {
            return word;
        }
        var r1 = RegionOne(word);
        var stem = StepOne(word, r1);
        stem = StepTwo(stem, r1);
        return StepThree(stem, r1);
    }

    private static bool IsVowel(char c) => c is 'a' or 'e' or 'i' or 'o' or 'u' or 'y' or 'æ' or 'å' or 'ø';

    /// <summary>The start of R1: after the first non-vowel that follows a vowel, but never before the fourth letter.</summary>
    private static int RegionOne(string word)
    {
        for (var i = 1; i < word.Length; i++)
        {
            if (!IsVowel(word[i]) && IsVowel(word[i - 1]))
            {
                return Math.Max(i + 1, 3);
            }
        }
        return word.Length;
    }

    private static bool EndsInRegion(string word, string ending, int r1) =>
        word.Length - ending.Length >= r1 && word.EndsWith(ending, StringComparison.Ordinal);

    private static string StepOne(string word, int r1)
    {
        // The longest ending of (a), (b) and (c) that lies in R1 decides; a shorter one is never tried after it.
        foreach (var ending in Step1Endings)
        {
            if (!EndsInRegion(word, ending, r1))
            {
                continue;
            }
            return ending switch
            {
                "erte" or "ert" => word[..^(ending.Length - 2)],
                "s" => KeepFinalS.Contains(word) || !IsValidSEnding(word, word.Length - 2) ? word : word[..^1],
                _ => word[..^ending.Length],
            };
        }
        return word;
    }

    private static bool IsValidSEnding(string word, int i)
    {
        var c = word[i];
        if (c is 'b' or 'c' or 'd' or 'f' or 'g' or 'h' or 'j' or 'l' or 'm' or 'n' or 'o' or 'p' or 'r' or 't' or 'v' or 'y' or 'z')
        {
            return true;
        }
        return c == 'k' && i > 0 && !IsVowel(word[i - 1]);
    }

    private static string StepTwo(string word, int r1) =>
        EndsInRegion(word, "dt", r1) || EndsInRegion(word, "vt", r1) ? word[..^1] : word;

    private static string StepThree(string word, int r1)
    {
        foreach (var ending in Step3Endings)
        {
            if (EndsInRegion(word, ending, r1))
            {
                return word[..^ending.Length];
            }
        }
        return word;
    }
}
