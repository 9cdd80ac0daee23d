using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Benefits;
using Oppdrift.Organisation;
using Oppdrift.Usage;

namespace Oppdrift.Data;

/// <summary>The one database context. Each module maps its own entities in its own file.</summary>
public sealed class OppdriftDb(DbContextOptions<OppdriftDb> options) : DbContext(options)
{
    public DbSet<Agency> Agencies => Set<Agency>();
    public DbSet<Unit> Units => Set<Unit>();
    public DbSet<Person> People => Set<Person>();
    public DbSet<MappingRule> MappingRules => Set<MappingRule>();
    public DbSet<DirectoryImport> DirectoryImports => Set<DirectoryImport>();
    public DbSet<OrganisationSettings> OrganisationSettings => Set<OrganisationSettings>();

    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<AccountAgency> AccountAgencies => Set<AccountAgency>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<UsageImport> UsageImports => Set<UsageImport>();
    public DbSet<UsageFigure> UsageFigures => Set<UsageFigure>();
    public DbSet<UsageActivity> UsageActivity => Set<UsageActivity>();

    public DbSet<BenefitGoal> BenefitGoals => Set<BenefitGoal>();
    public DbSet<Benefit> Benefits => Set<Benefit>();
    public DbSet<BenefitAgency> BenefitAgencies => Set<BenefitAgency>();
    public DbSet<Indicator> Indicators => Set<Indicator>();
    public DbSet<IndicatorTarget> IndicatorTargets => Set<IndicatorTarget>();
    public DbSet<Measurement> Measurements => Set<Measurement>();
    public DbSet<ClimateFactor> ClimateFactors => Set<ClimateFactor>();
    public DbSet<ClimateActivity> ClimateActivities => Set<ClimateActivity>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        OrganisationModel.Map(modelBuilder);
        AccessModel.Map(modelBuilder);
        UsageModel.Map(modelBuilder);
        BenefitsModel.Map(modelBuilder);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every timestamp is UTC; SQLite forgets the kind, so restore it on the way out.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }
}
