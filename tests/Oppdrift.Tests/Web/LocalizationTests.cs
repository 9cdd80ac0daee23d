using System.Xml.Linq;

namespace Oppdrift.Tests.Web;

/// <summary>Every UI text exists in Norwegian Bokmål and in English, and neither is left empty.</summary>
public sealed class LocalizationTests
{
    private static string RepositoryRoot() => Oppdrift.Tests.Infrastructure.TestFiles.RepositoryRoot();

    public static TheoryData<string> ResourceFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "src"), "*.resx", SearchOption.AllDirectories))
        {
            if (!file.EndsWith(".en.resx", StringComparison.Ordinal) && !file.Contains("/bin/", StringComparison.Ordinal) && !file.Contains("/obj/", StringComparison.Ordinal))
            {
                data.Add(Path.GetRelativePath(RepositoryRoot(), file));
            }
        }
        return data;
    }

    private static Dictionary<string, string> Read(string path) =>
        XDocument.Load(path).Root!.Elements("data").ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")?.Value ?? "");

    [Theory]
    [MemberData(nameof(ResourceFiles))]
    public void Every_text_has_both_languages(string norwegianFile)
    {
        var root = RepositoryRoot();
        var norwegian = Read(Path.Combine(root, norwegianFile));
        var english = Read(Path.Combine(root, norwegianFile[..^".resx".Length] + ".en.resx"));

        Assert.Empty(norwegian.Keys.Except(english.Keys));
        Assert.Empty(english.Keys.Except(norwegian.Keys));
        Assert.DoesNotContain(norwegian, t => string.IsNullOrWhiteSpace(t.Value));
        Assert.DoesNotContain(english, t => string.IsNullOrWhiteSpace(t.Value));
        // The same placeholders, so a format call never throws in one language only.
        foreach (var (key, text) in norwegian)
        {
            Assert.True(Placeholders(text).SetEquals(Placeholders(english[key])), $"{norwegianFile} {key}: placeholders differ");
        }
    }

    private static HashSet<string> Placeholders(string text) =>
        [.. System.Text.RegularExpressions.Regex.Matches(text, @"\{(\d+)[^}]*\}").Select(m => m.Groups[1].Value)];

    [Fact]
    public void Every_key_a_page_asks_for_exists()
    {
        var root = RepositoryRoot();
        var keys = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.resx", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".en.resx", StringComparison.Ordinal))
            .SelectMany(f => Read(f).Keys)
            .ToHashSet();
        var missing = new List<string>();
        foreach (var page in Directory.EnumerateFiles(Path.Combine(root, "src"), "*.razor", SearchOption.AllDirectories))
        {
            foreach (System.Text.RegularExpressions.Match match in System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(page), "T\\[\"([A-Za-z0-9]+)\""))
            {
                if (!keys.Contains(match.Groups[1].Value))
                {
                    missing.Add($"{Path.GetFileName(page)}: {match.Groups[1].Value}");
                }
            }
        }

        Assert.Empty(missing);
    }
}
