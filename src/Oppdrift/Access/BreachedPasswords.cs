namespace Oppdrift.Access;

/// <summary>
/// The most common passwords, which guessing tries first, refused as a new password. The list ships with the app
/// (<c>common-passwords.txt</c>, whose header says where it comes from); since a password must have at least
/// <see cref="AccountService.MinimumPasswordLength"/> characters, the check also sees through the usual ways of
/// stretching a common one: digits or punctuation around it, or the word repeated; and it refuses the user name.
/// </summary>
public static class BreachedPasswords
{
    private static readonly Lazy<HashSet<string>> List = new(Load);

    /// <summary>How many passwords the shipped list holds.</summary>
    public static int Count => List.Value.Count;

    public static bool IsCommon(string password, string? userName = null)
    {
        ArgumentNullException.ThrowIfNull(password);
        var lower = password.Trim().ToLowerInvariant();
        var core = lower.Trim(NotLetters);
        foreach (var candidate in new[] { lower, core })
        {
            if (candidate.Length == 0)
            {
                continue;
            }
            if (List.Value.Contains(candidate) || (Repeated(candidate) is { } unit && (unit.Length <= 3 || List.Value.Contains(unit))))
            {
                return true;
            }
        }
        if (userName is { Length: > 0 })
        {
            var name = userName.Trim().ToLowerInvariant();
            var local = name.Split('@')[0];
            if (core == name || core == local || core == "oppdrift")
            {
                return true;
            }
        }
        return false;
    }

    private static readonly char[] NotLetters = [.. "0123456789 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"];

    /// <summary>The shortest piece the text is made of by repeating it ("abcabcabc" → "abc"); null when it is not.</summary>
    private static string? Repeated(string text)
    {
        for (var length = 1; length <= text.Length / 2; length++)
        {
            if (text.Length % length != 0)
            {
                continue;
            }
            var unit = text[..length];
            if (string.Concat(Enumerable.Repeat(unit, text.Length / length)) == text)
            {
                return unit;
            }
        }
        return null;
    }

    private static HashSet<string> Load()
    {
        using var stream = typeof(BreachedPasswords).Assembly.GetManifestResourceStream("Oppdrift.Access.common-passwords.txt")
            ?? throw new InvalidOperationException("The common password list is missing from the build.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                set.Add(line.Trim().ToLowerInvariant());
            }
        }
        return set;
    }
}
