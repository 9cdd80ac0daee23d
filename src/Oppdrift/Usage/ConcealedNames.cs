using System.Security.Cryptography;
using System.Text;

namespace Oppdrift.Usage;

/// <summary>
/// Candidate values for matching a concealed report name to the directory. Microsoft says concealment uses MD5
/// but not what exactly it hashes; see README.md. These are guesses to try, not a verified mapping.
/// </summary>
public static class ConcealedNames
{
    /// <summary>MD5 of the UTF-8 bytes of <paramref name="value"/>, as 32 upper-case hex digits like the reports write.</summary>
    public static string Md5Hex(string value)
    {
        Span<byte> hash = stackalloc byte[MD5.HashSizeInBytes];
        // CA5351: MD5 is not used for security here; it reproduces the value Microsoft's reports contain.
#pragma warning disable CA5351
        MD5.HashData(Encoding.UTF8.GetBytes(value), hash);
#pragma warning restore CA5351
        return Convert.ToHexString(hash);
    }

    /// <summary>
    /// The hashes a concealed value might be for this UPN: as written, lower case and upper case (the case Microsoft
    /// hashes is not published). An importer tries them against a sample and keeps the variant that matches.
    /// </summary>
    public static IReadOnlyList<string> CandidateHashes(string userPrincipalName)
    {
        var upn = userPrincipalName.Trim();
        var candidates = new List<string>(3) { Md5Hex(upn) };
        foreach (var variant in new[] { upn.ToLowerInvariant(), upn.ToUpperInvariant() })
        {
            var hash = Md5Hex(variant);
            if (!candidates.Contains(hash))
            {
                candidates.Add(hash);
            }
        }
        return candidates;
    }
}
