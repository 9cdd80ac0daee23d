// Each module's tables belong to it: outside its folder they are reached through the owner's query classes
// (OrganisationDirectory, UsageIndicatorQuery, MigrationQueries, AuditLog…), never through its DbSets.
// See docs/architecture.md, "Dependencies between modules".
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Architecture;

public sealed partial class TableOwnershipTests
{
    private const string LearningSeeding =
        "Learning has no service yet for cohorts, participants and feedback, nor for back-dating programmes, sessions and mail, "
        + "so the demo seeds its past season directly; it moves to Learning's services when they come (cohort management, editing)";

    /// <summary>
    /// Deliberate exceptions, each a file, the DbSet it may use and why. Every one must still occur, so the list shrinks
    /// as they are fixed rather than going stale.
    /// </summary>
    private static readonly (string File, string Set, string Reason)[] Exceptions =
    [
        ("src/Oppdrift.Demo/LearningDemo.cs", "Programmes", LearningSeeding),
        ("src/Oppdrift.Demo/LearningDemo.cs", "ProgrammeModules", LearningSeeding),
        ("src/Oppdrift.Demo/LearningDemo.cs", "Cohorts", LearningSeeding),
        ("src/Oppdrift.Demo/LearningDemo.cs", "Participants", LearningSeeding),
        ("src/Oppdrift.Demo/LearningDemo.cs", "LearningSessions", LearningSeeding),
        ("src/Oppdrift.Demo/LearningDemo.cs", "Feedback", LearningSeeding),
        ("src/Oppdrift.Demo/LearningDemo.cs", "FeedbackGiven", LearningSeeding),
        ("src/Oppdrift.Demo/LearningDemo.cs", "OutgoingMail", LearningSeeding),
    ];

    /// <summary>The context itself and the generated migrations map every table; they own none.</summary>
    private static readonly string[] Exempt = ["src/Oppdrift/Data/", "src/Oppdrift.Migrations.Sqlite/", "src/Oppdrift.Migrations.Postgres/"];

    public sealed record TableOwner(string Set, string Entity, string Folder);

    public sealed record Finding(string File, int Line, string Set, string Owner)
    {
        public override string ToString() => $"{File}:{Line} uses {Set}, which belongs to {Owner}";
    }

    /// <summary>
    /// Every DbSet of <see cref="OppdriftDb"/> with the folder of the module owning it: the module is the first part of the
    /// entity's namespace after "Oppdrift" (Oppdrift.Learning.Knowledge.KnowledgeItem belongs to Learning).
    /// </summary>
    public static IReadOnlyList<TableOwner> Owners() =>
        [.. typeof(OppdriftDb).GetProperties()
            .Where(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(DbSet<>))
            .Select(p =>
            {
                var entity = p.PropertyType.GetGenericArguments()[0];
                return new TableOwner(p.Name, entity.Name, $"src/Oppdrift/{entity.Namespace!.Split('.')[1]}/");
            })];

    /// <summary>
    /// The lines of one source file (path relative to the repository, with forward slashes) that use a DbSet of a module
    /// the file is not in: a DbSet on a database context (named db, Db, _db or anything declared as an OppdriftDb), or
    /// Set&lt;Entity&gt;(). A navigation of the same name (account.Agencies) is not a table read and is not found.
    /// </summary>
    public static IEnumerable<Finding> Scan(string path, string text, IReadOnlyList<TableOwner> owners)
    {
        if (Exempt.Any(path.StartsWith))
        {
            yield break;
        }
        var contexts = new HashSet<string>(["db", "Db", "_db"], StringComparer.Ordinal);
        foreach (Match match in ContextDeclaration().Matches(text))
        {
            contexts.Add(match.Groups["name"].Value);
        }
        var receiver = string.Join('|', contexts.Select(Regex.Escape));
        var lines = text.Split('\n');
        foreach (var owner in owners.Where(o => !path.StartsWith(o.Folder, StringComparison.Ordinal)))
        {
            var use = new Regex($@"\b(?:{receiver})\s*\.\s*{owner.Set}\b|\bSet<\s*(?:[\w.]+\.)?{owner.Entity}\s*>", RegexOptions.CultureInvariant);
            for (var i = 0; i < lines.Length; i++)
            {
                if (use.IsMatch(lines[i]))
                {
                    yield return new Finding(path, i + 1, owner.Set, owner.Folder);
                }
            }
        }
    }

    // A parameter, field or injection typed OppdriftDb, or a local given one by the usual factories.
    [GeneratedRegex(@"\bOppdriftDb\s+(?<name>[A-Za-z_]\w*)|\bvar\s+(?<name>[A-Za-z_]\w*)\s*=[^;\n]*(?:GetRequiredService<OppdriftDb>|OpenDbAsync|CreateContext|CreateDbContext)")]
    private static partial Regex ContextDeclaration();

    private static List<Finding> ScanSources()
    {
        var root = TestFiles.RepositoryRoot();
        var owners = Owners();
        return [.. Directory.EnumerateFiles(Path.Combine(root, "src"), "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => !f.Split('/').Any(part => part is "bin" or "obj"))
            .SelectMany(f => Scan(f, File.ReadAllText(Path.Combine(root, f)), owners))];
    }

    [Fact]
    public void No_source_file_outside_a_module_uses_that_modules_tables()
    {
        var findings = ScanSources().Where(f => !Exceptions.Any(e => e.File == f.File && e.Set == f.Set)).ToList();

        Assert.True(findings.Count == 0,
            "Read another module's tables through its query class (for Organisation: OrganisationDirectory), or list a deliberate exception here with its reason:\n"
            + string.Join('\n', findings));
    }

    [Fact]
    public void Every_listed_exception_still_occurs()
    {
        var findings = ScanSources();

        var stale = Exceptions.Where(e => !findings.Any(f => f.File == e.File && f.Set == e.Set)).ToList();

        Assert.True(stale.Count == 0, "Remove these exceptions, they no longer occur: " + string.Join(", ", stale.Select(e => $"{e.File} {e.Set}")));
    }

    [Fact]
    public void Every_table_has_an_owning_module_folder()
    {
        var root = TestFiles.RepositoryRoot();
        var owners = Owners();

        Assert.Equal(typeof(OppdriftDb).GetProperties().Count(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(DbSet<>)), owners.Count);
        Assert.All(owners, o => Assert.True(Directory.Exists(Path.Combine(root, o.Folder)), $"{o.Set}: no folder {o.Folder}"));
        Assert.Contains(new TableOwner("Agencies", "Agency", "src/Oppdrift/Organisation/"), owners);
        Assert.Contains(new TableOwner("People", "Person", "src/Oppdrift/Organisation/"), owners);
        Assert.Contains(new TableOwner("KnowledgeItems", "KnowledgeItem", "src/Oppdrift/Learning/"), owners);
        Assert.Contains(new TableOwner("AuditEntries", "AuditEntry", "src/Oppdrift/Access/"), owners);
    }

    [Fact]
    public void The_scan_finds_a_table_read_from_another_module_but_not_a_navigation_or_the_owners_own_reads()
    {
        var owners = Owners();
        const string Text = """
            var names = await db.Agencies.ToListAsync(ct);
            var held = account.Agencies.Select(a => a.AgencyId);
            var people = await context.Set<Oppdrift.Organisation.Person>().CountAsync();
            public Reader(OppdriftDb store) { }
            var count = store . People.Count();
            var figures = db.UsageFigures.Where(f => f.Period == 1);
            """;

        var elsewhere = Scan("src/Oppdrift/Usage/Reader.cs", Text, owners).Select(f => (f.Line, f.Set)).ToList();
        var inOrganisation = Scan("src/Oppdrift/Organisation/Reader.cs", Text, owners).Select(f => (f.Line, f.Set)).ToList();
        var inData = Scan("src/Oppdrift/Data/Reader.cs", Text, owners).ToList();

        Assert.Equal([(1, "Agencies"), (3, "People"), (5, "People")], elsewhere.OrderBy(f => f.Line));
        Assert.Equal([(6, "UsageFigures")], inOrganisation);
        Assert.Empty(inData);
    }
}
