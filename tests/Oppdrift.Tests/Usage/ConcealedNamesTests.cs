using Oppdrift.Usage;

namespace Oppdrift.Tests.Usage;

/// <summary>
/// No public example pairs a UPN with its concealed value, so these tests pin the function's shape only
/// (see src/Oppdrift/Usage/README.md); they say nothing about whether Microsoft's value matches.
/// </summary>
public sealed class ConcealedNamesTests
{
    [Theory]
    // Standard MD5 test vectors (RFC 1321), so the hashing itself is right.
    [InlineData("", "D41D8CD98F00B204E9800998ECF8427E")]
    [InlineData("abc", "900150983CD24FB0D6963F7D28E17F72")]
    [InlineData("message digest", "F96B697D7CB7938D525A2F31AAF161D0")]
    public void Md5_is_written_as_32_upper_case_hex_digits(string value, string expected) =>
        Assert.Equal(expected, ConcealedNames.Md5Hex(value));

    [Fact]
    public void A_candidate_hash_looks_like_a_concealed_name()
    {
        foreach (var hash in ConcealedNames.CandidateHashes("Kari.Nordmann@Nordvik.Kommune.no"))
        {
            Assert.True(UsageValues.IsConcealedName(hash));
        }
    }

    [Fact]
    public void Candidates_cover_the_upn_as_written_in_lower_and_in_upper_case()
    {
        var candidates = ConcealedNames.CandidateHashes(" Kari.Nordmann@Nordvik.Kommune.no ");

        Assert.Equal(
            [ConcealedNames.Md5Hex("Kari.Nordmann@Nordvik.Kommune.no"), ConcealedNames.Md5Hex("kari.nordmann@nordvik.kommune.no"), ConcealedNames.Md5Hex("KARI.NORDMANN@NORDVIK.KOMMUNE.NO")],
            candidates);
    }

    [Fact]
    public void A_lower_case_upn_gives_no_duplicate_candidates()
    {
        Assert.Equal(2, ConcealedNames.CandidateHashes("kari@nordvik.kommune.no").Count);
    }
}
