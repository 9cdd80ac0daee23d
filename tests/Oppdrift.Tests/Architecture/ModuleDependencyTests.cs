// The demo is a guest the hosts register: the product modules in src/Oppdrift never reference it. The build already
// refuses a project reference from src/Oppdrift to src/Oppdrift.Demo (a cycle); these tests say why, and catch a
// demo folder or a namespace-relative mention creeping back into the library.
using System.Reflection;
using System.Text.RegularExpressions;
using Oppdrift.Data;
using Oppdrift.Demo;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Architecture;

public sealed partial class ModuleDependencyTests
{
    private static readonly Assembly Library = typeof(OppdriftDb).Assembly;
    private static readonly Assembly DemoAssembly = typeof(DemoLoader).Assembly;

    private static bool References(Assembly assembly, Assembly referenced) =>
        assembly.GetReferencedAssemblies().Any(a => a.Name == referenced.GetName().Name);

    [Fact]
    public void The_library_does_not_reference_the_demo_assembly()
    {
        // The check can see a reference: the demo loads through the library.
        Assert.True(References(DemoAssembly, Library));

        Assert.False(References(Library, DemoAssembly), $"{Library.GetName().Name} references {DemoAssembly.GetName().Name}.");
    }

    [Fact]
    public void No_type_of_the_library_lives_in_the_demo_namespace()
    {
        var demoTypes = Library.GetTypes().Where(t => t.Namespace is { } ns && (ns == "Oppdrift.Demo" || ns.StartsWith("Oppdrift.Demo.", StringComparison.Ordinal)));

        Assert.Empty(demoTypes.Select(t => t.FullName));
    }

    [Fact]
    public void No_source_file_of_the_library_mentions_the_demo()
    {
        var root = TestFiles.RepositoryRoot();
        // The scan finds mentions where there are some: the demo's own files are full of them.
        Assert.NotEmpty(Mentions(Path.Combine(root, "src", "Oppdrift.Demo"), root));

        var mentions = Mentions(Path.Combine(root, "src", "Oppdrift"), root);
        Assert.True(mentions.Count == 0, "The product modules mention the demo:\n" + string.Join('\n', mentions));
    }

    /// <summary>Every line of the folder's C# and Razor files that names the demo namespace, as "path:line: text".</summary>
    private static List<string> Mentions(string folder, string root)
    {
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (relative.Contains("/bin/", StringComparison.Ordinal) || relative.Contains("/obj/", StringComparison.Ordinal)
                || !(file.EndsWith(".cs", StringComparison.Ordinal) || file.EndsWith(".razor", StringComparison.Ordinal)))
            {
                continue;
            }
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (DemoNamespace().IsMatch(lines[i]))
                {
                    found.Add($"{relative}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }
        return found;
    }

    /// <summary>
    /// <c>Oppdrift.Demo</c> anywhere, or <c>Demo.Something</c> not preceded by a name or a dot: inside namespace
    /// <c>Oppdrift.X</c> that still means <c>Oppdrift.Demo.Something</c>. <c>UsageSourceKind.Demo</c> is not a mention.
    /// </summary>
    [GeneratedRegex(@"\bOppdrift\.Demo\b|(?<![\w.])Demo\.[A-Z]")]
    private static partial Regex DemoNamespace();
}
