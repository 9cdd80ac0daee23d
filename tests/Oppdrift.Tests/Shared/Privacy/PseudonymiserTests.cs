using System.Runtime.Versioning;
using Oppdrift.Shared.Privacy;

namespace Oppdrift.Tests.Shared.Privacy;

public sealed class PseudonymiserTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("oppdrift-privacy-").FullName;

    private string KeyFile => Path.Combine(_folder, "data", "pseudonym.key");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_same_name_gets_the_same_fixed_length_pseudonym_every_time_and_across_instances()
    {
        var key = Pseudonymiser.NewKey();
        var first = new Pseudonymiser(new PseudonymiserOptions { Key = key });
        var second = new Pseudonymiser(new PseudonymiserOptions { Key = key });

        var pseudonym = first.Pseudonym("kari.nordmann@kommune.no");

        Assert.Equal(pseudonym, first.Pseudonym("kari.nordmann@kommune.no"));
        Assert.Equal(pseudonym, second.Pseudonym("kari.nordmann@kommune.no"));
        Assert.Equal(Pseudonymiser.PseudonymLength, pseudonym.Length);
        Assert.Matches("^[0-9a-f]{64}$", pseudonym);
        Assert.Equal(Convert.FromHexString(pseudonym), first.PseudonymBytes("kari.nordmann@kommune.no"));
        Assert.NotEqual(pseudonym, first.Pseudonym("ola.nordmann@kommune.no"));
    }

    [Theory]
    [InlineData("Kari.Nordmann@Kommune.NO")]
    [InlineData("  kari.nordmann@kommune.no\t")]
    [InlineData("KARI.NORDMANN@KOMMUNE.NO ")]
    public void Case_and_surrounding_whitespace_do_not_change_the_pseudonym(string variant)
    {
        var pseudonymiser = new Pseudonymiser(new PseudonymiserOptions { Key = Pseudonymiser.NewKey() });

        Assert.Equal(pseudonymiser.Pseudonym("kari.nordmann@kommune.no"), pseudonymiser.Pseudonym(variant));
    }

    [Fact]
    public void A_letter_written_composed_or_decomposed_gets_one_pseudonym()
    {
        var pseudonymiser = new Pseudonymiser(new PseudonymiserOptions { Key = Pseudonymiser.NewKey() });

        Assert.Equal(pseudonymiser.Pseudonym("ren\u00e9@kommune.no"), pseudonymiser.Pseudonym("rene\u0301@kommune.no"));
        Assert.Equal(pseudonymiser.Pseudonym("\u00e5se@kommune.no"), pseudonymiser.Pseudonym("a\u030ase@kommune.no"));
    }

    [Fact]
    public void Different_keys_give_different_pseudonyms()
    {
        var one = new Pseudonymiser(new PseudonymiserOptions { Key = Pseudonymiser.NewKey() });
        var other = new Pseudonymiser(new PseudonymiserOptions { Key = Pseudonymiser.NewKey() });

        Assert.NotEqual(one.Pseudonym("kari.nordmann@kommune.no"), other.Pseudonym("kari.nordmann@kommune.no"));
    }

    [Fact]
    public void The_pseudonym_is_the_HMAC_SHA256_of_the_normalised_name_under_the_key()
    {
        // A known key and value, so a future change of algorithm cannot pass unnoticed: it would
        // give every person a new pseudonym.
        var key = new byte[32];
        var pseudonymiser = new Pseudonymiser(new PseudonymiserOptions { Key = Convert.ToBase64String(key) });

        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(key, "kari@kommune.no"u8));
        Assert.Equal(expected, pseudonymiser.Pseudonym(" Kari@Kommune.no"));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void A_missing_key_file_is_created_readable_only_by_its_owner_and_reused_next_start()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");

        var first = new Pseudonymiser(new PseudonymiserOptions { KeyFile = KeyFile });

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
        Assert.Equal(32, Convert.FromBase64String(File.ReadAllText(KeyFile)).Length);
        var second = new Pseudonymiser(new PseudonymiserOptions { KeyFile = KeyFile });
        Assert.Equal(first.Pseudonym("kari@kommune.no"), second.Pseudonym("kari@kommune.no"));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(KeyFile)!));
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, "0644")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, "0640")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherWrite, "0602")]
    [UnsupportedOSPlatform("windows")]
    public void A_key_file_others_can_read_or_change_is_refused(UnixFileMode mode, string octal)
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        Directory.CreateDirectory(Path.GetDirectoryName(KeyFile)!);
        File.WriteAllText(KeyFile, Pseudonymiser.NewKey());
        File.SetUnixFileMode(KeyFile, mode);

        var error = Assert.Throws<PseudonymKeyException>(() => new Pseudonymiser(new PseudonymiserOptions { KeyFile = KeyFile }));

        Assert.Contains(octal, error.Message, StringComparison.Ordinal);
        Assert.Contains("chmod 600", error.Message, StringComparison.Ordinal);
        Assert.Contains(KeyFile, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("c2hvcnQ=")]
    [InlineData("not base64 at all!")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void A_key_file_of_the_wrong_length_or_not_base64_is_refused_and_left_alone(string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(KeyFile)!);
        File.WriteAllText(KeyFile, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var error = Assert.Throws<PseudonymKeyException>(() => new Pseudonymiser(new PseudonymiserOptions { KeyFile = KeyFile }));

        Assert.Contains(KeyFile, error.Message, StringComparison.Ordinal);
        Assert.Contains("Restore the original key", error.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllText(KeyFile));
    }

    [Theory]
    [InlineData("c2hvcnQ=")]
    [InlineData("%%%")]
    public void A_configured_key_of_the_wrong_length_or_not_base64_is_refused(string key)
    {
        var error = Assert.Throws<PseudonymKeyException>(() => new Pseudonymiser(new PseudonymiserOptions { Key = key }));

        Assert.Contains("configured key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_key_or_a_key_file_nothing_can_be_pseudonymised()
    {
        var error = Assert.Throws<PseudonymKeyException>(() => new Pseudonymiser(new PseudonymiserOptions()));

        Assert.Contains("No pseudonymisation key is configured", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Processes_racing_to_create_the_key_file_all_end_up_with_the_same_key()
    {
        for (var round = 0; round < 20; round++)
        {
            var path = Path.Combine(_folder, $"race-{round}", "pseudonym.key");
            using var start = new Barrier(8);
            var racers = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            {
                start.SignalAndWait(TestContext.Current.CancellationToken);
                return new Pseudonymiser(new PseudonymiserOptions { KeyFile = path }).Pseudonym("kari@kommune.no");
            }, TestContext.Current.CancellationToken));

            var pseudonyms = await Task.WhenAll(racers);

            Assert.Single(pseudonyms.Distinct());
            Assert.Equal(pseudonyms[0], new Pseudonymiser(new PseudonymiserOptions { KeyFile = path }).Pseudonym("kari@kommune.no"));
            // No half-written temporary keys are left behind (an empty lock file may be).
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
        }
    }

    [Fact]
    public void A_configured_key_is_used_instead_of_a_key_file()
    {
        var key = Pseudonymiser.NewKey();

        var configured = new Pseudonymiser(new PseudonymiserOptions { Key = key, KeyFile = KeyFile });

        Assert.False(File.Exists(KeyFile));
        Assert.False(Directory.Exists(Path.GetDirectoryName(KeyFile)));
        Assert.Equal(new Pseudonymiser(new PseudonymiserOptions { Key = key }).Pseudonym("kari@kommune.no"), configured.Pseudonym("kari@kommune.no"));
    }

    [Fact]
    public void A_key_file_copied_into_production_configuration_keeps_every_pseudonym()
    {
        var embedded = new Pseudonymiser(new PseudonymiserOptions { KeyFile = KeyFile });

        var production = new Pseudonymiser(new PseudonymiserOptions { Key = File.ReadAllText(KeyFile) });

        Assert.Equal(embedded.Pseudonym("kari@kommune.no"), production.Pseudonym("kari@kommune.no"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_name_is_a_bug_not_a_pseudonym(string name)
    {
        var pseudonymiser = new Pseudonymiser(new PseudonymiserOptions { Key = Pseudonymiser.NewKey() });

        Assert.Throws<ArgumentException>(() => pseudonymiser.Pseudonym(name));
    }
}
