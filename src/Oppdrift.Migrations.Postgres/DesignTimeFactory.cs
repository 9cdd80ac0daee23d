using Microsoft.EntityFrameworkCore.Design;
using Oppdrift.Data;

namespace Oppdrift.Migrations.Postgres;

/// <summary>Lets `dotnet ef migrations add` build the model for this provider; it never connects.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<OppdriftDb>
{
    public OppdriftDb CreateDbContext(string[] args) =>
        new(DataServices.Options(new DatabaseProvider(DatabaseKind.Postgres, "Host=localhost;Database=oppdrift_design"), compiledModel: false));
}
