// Replaces user principal names with a keyed hash before anything is stored, so the database alone
// cannot say who a row is about. The key lives outside the database; lose it and history is unlinkable.
using System.Security.Cryptography;
using System.Text;

namespace Oppdrift.Shared.Privacy;

public sealed class Pseudonymiser
{
    public const int KeyBytes = 32;

    /// <summary>Length of <see cref="Pseudonym"/>: 64 lower-case hex digits, never the 32 of a concealed report name.</summary>
    public const int PseudonymLength = 64;

    private readonly byte[] _key;

    /// <summary>Loads the key, creating the key file first if it is configured and missing.</summary>
    /// <exception cref="PseudonymKeyException">The key is missing, malformed, or its file is open to others.</exception>
    public Pseudonymiser(PseudonymiserOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _key = !string.IsNullOrWhiteSpace(options.Key) ? Decode(options.Key, "the configured key")
            : !string.IsNullOrWhiteSpace(options.KeyFile) ? LoadOrCreate(options.KeyFile)
            : throw new PseudonymKeyException("No pseudonymisation key is configured: set a base64 key (production) or a key file path (embedded mode).");
    }

    /// <summary>A fresh random key in base64, for an operator to put in the production secret store.</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes));

    /// <summary>The pseudonym of a user principal name as <see cref="PseudonymLength"/> lower-case hex digits.</summary>
    public string Pseudonym(string userPrincipalName) => Convert.ToHexStringLower(PseudonymBytes(userPrincipalName));

    /// <summary>The pseudonym as 32 bytes, for a binary key column.</summary>
    public byte[] PseudonymBytes(string userPrincipalName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userPrincipalName);
        // Entra ID compares UPNs case-insensitively and reports pad or re-case them; the composed
        // form keeps an "å" typed as one character or as "a" plus a ring one person.
        var normalised = userPrincipalName.Trim().Normalize(NormalizationForm.FormC).ToLowerInvariant();
        return HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(normalised));
    }

    private static byte[] LoadOrCreate(string path)
    {
        string text;
        try
        {
            text = OwnerOnlyKeyFile.ReadOrCreate(path, KeyBytes, "pseudonymisation key file");
        }
        catch (KeyFileException ex)
        {
            throw new PseudonymKeyException(ex.Message, ex);
        }
        return Decode(text, $"the key file {Path.GetFullPath(path)}");
    }

    private static byte[] Decode(string base64, string source)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException ex)
        {
            throw new PseudonymKeyException($"The pseudonymisation key in {source} is not base64. {RestoreAdvice}", ex);
        }
        return key.Length == KeyBytes ? key
            : throw new PseudonymKeyException($"The pseudonymisation key in {source} is {key.Length} bytes; it must be {KeyBytes}. {RestoreAdvice}");
    }

    // Generating a new key silently would give everyone new pseudonyms and cut them off from their history.
    private const string RestoreAdvice = "Restore the original key; a new one would cut every person off from their stored history.";
}

/// <summary>The pseudonymisation key cannot be used; the message says what an operator must fix.</summary>
public sealed class PseudonymKeyException : Exception
{
    public PseudonymKeyException(string message)
        : base(message)
    {
    }

    public PseudonymKeyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
