using Microsoft.EntityFrameworkCore.Design;
using Oppdrift.Data;

namespace Oppdrift.Migrations.Sqlite;

/// <summary>Lets `dotnet ef migrations add` build the model for this provider; it never connects.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<OppdriftDb>
{
    public OppdriftDb CreateDbContext(string[] args) =>
        new(DataServices.Options(new DatabaseProvider(DatabaseKind.Sqlite, "Data Source=design-time.db"), compiledModel: false));
}
