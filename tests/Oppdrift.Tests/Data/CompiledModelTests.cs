using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Design.Internal;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Scaffolding;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Data;

/// <summary>
/// Every process opens the database with the compiled model in its provider's migrations assembly, not with the model
/// built from <see cref="OppdriftDb"/>'s configuration: so the compiled model must be what `dotnet ef dbcontext optimize`
/// writes for the model as it is now.
/// </summary>
public sealed partial class CompiledModelTests
{
    public static TheoryData<DatabaseKind> Kinds => [DatabaseKind.Sqlite, DatabaseKind.Postgres];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void The_compiled_model_is_the_one_the_model_gives_now(DatabaseKind kind)
    {
        var (assembly, factory) = kind == DatabaseKind.Postgres
            ? (typeof(Oppdrift.Migrations.Postgres.DesignTimeFactory).Assembly, (IDesignTimeDbContextFactory<OppdriftDb>)new Oppdrift.Migrations.Postgres.DesignTimeFactory())
            : (typeof(Oppdrift.Migrations.Sqlite.DesignTimeFactory).Assembly, new Oppdrift.Migrations.Sqlite.DesignTimeFactory());
        var name = assembly.GetName().Name!;
        using var db = factory.CreateDbContext([]);
#pragma warning disable EF1001 // The design-time services that `dotnet ef dbcontext optimize` uses.
        var services = new DesignTimeServicesBuilder(assembly, assembly, new OperationReporter(null), []).Build(db);
#pragma warning restore EF1001
        var options = new CompiledModelCodeGenerationOptions
        {
            ContextType = typeof(OppdriftDb),
            ModelNamespace = name + ".CompiledModel",
            Language = "C#",
            UseNullableReferenceTypes = true,
        };
        var files = services.GetRequiredService<ICompiledModelCodeGeneratorSelector>().Select(options)
            .GenerateModel(db.GetService<IDesignTimeModel>().Model, options);

        var folder = Path.Combine(TestFiles.RepositoryRoot(), "src", name, "CompiledModel");
        var stale = $"The {kind} compiled model is out of date: run `dotnet tool restore` and `dotnet ef dbcontext optimize --project src/{name} "
            + $"--startup-project src/{name} --output-dir CompiledModel --namespace {name}.CompiledModel` (docs/operations.md, Adding a migration)";
        Assert.True(files.Count > 10, stale);
        foreach (var file in files)
        {
            var path = Path.Combine(folder, file.Path);
            Assert.True(File.Exists(path), $"{stale}: {file.Path} is missing");
            Assert.True(Normalised(File.ReadAllText(path)) == Normalised(file.Code), $"{stale}: {file.Path} differs");
        }
        Assert.Equal(files.Select(f => f.Path).Order(StringComparer.Ordinal),
            Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Contexts_open_with_the_compiled_model_and_the_design_time_factories_without(DatabaseKind kind)
    {
        var connection = kind == DatabaseKind.Postgres ? "Host=localhost;Database=unused" : "Data Source=:memory:";
        using var compiled = new OppdriftDb(DataServices.Options(new DatabaseProvider(kind, connection)));
        using var built = new OppdriftDb(DataServices.Options(new DatabaseProvider(kind, connection), compiledModel: false));

        var compiledType = kind == DatabaseKind.Postgres
            ? "Oppdrift.Migrations.Postgres.CompiledModel.OppdriftDbModel"
            : "Oppdrift.Migrations.Sqlite.CompiledModel.OppdriftDbModel";
        Assert.Equal(compiledType, compiled.Model.GetType().FullName);
        Assert.NotEqual(compiledType, built.Model.GetType().FullName);
    }

    [Fact]
    public void A_build_without_a_databases_migrations_says_so_and_how_to_build_it_in()
    {
        // As an app built by scripts/run.sh without PostgreSQL's part meets a PostgreSQL connection string.
        var e = Assert.Throws<InvalidOperationException>(() => DataServices.LoadCompiledModel("Oppdrift.Migrations.Elsewhere"));

        Assert.Contains("Oppdrift.Migrations.Elsewhere.dll is not in this build", e.Message, StringComparison.Ordinal);
        Assert.Contains("OPPDRIFT_DATABASE", e.Message, StringComparison.Ordinal);
        Assert.Contains("-p:OppdriftPostgres=true", e.Message, StringComparison.Ordinal);
        Assert.IsType<FileNotFoundException>(e.InnerException);
    }

    /// <summary>The code without what differs each time it is written: the byte order mark, line ends, and the model's new id.</summary>
    private static string Normalised(string code) => ModelId().Replace(
        code.Replace("\r\n", "\n", StringComparison.Ordinal).TrimStart('\uFEFF').TrimEnd(), "modelId: new Guid()");

    [GeneratedRegex("""modelId: new Guid\("[0-9a-f-]{36}"\)""")]
    private static partial Regex ModelId();
}
