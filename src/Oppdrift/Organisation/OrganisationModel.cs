using Microsoft.EntityFrameworkCore;

namespace Oppdrift.Organisation;

internal static class OrganisationModel
{
    public static void Map(ModelBuilder model)
    {
        model.Entity<Agency>(e =>
        {
            e.ToTable("agencies");
            e.HasIndex(a => a.Code).IsUnique();
            e.Property(a => a.Code).HasMaxLength(32);
            e.Property(a => a.Name).HasMaxLength(200);
        });
        model.Entity<Unit>(e =>
        {
            e.ToTable("units");
            e.HasIndex(u => new { u.AgencyId, u.Name }).IsUnique();
            e.HasOne(u => u.Agency).WithMany(a => a.Units).HasForeignKey(u => u.AgencyId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Person>(e =>
        {
            e.ToTable("people");
            // Not unique: a user name may come back on a new object while the old person stays, inactive, in history.
            e.HasIndex(p => p.NormalizedUserPrincipalName);
            e.HasIndex(p => p.ObjectId);
            e.HasIndex(p => new { p.AgencyId, p.IsActive });
            e.Property(p => p.ObjectId).HasMaxLength(64);
            e.HasOne(p => p.Agency).WithMany().HasForeignKey(p => p.AgencyId).OnDelete(DeleteBehavior.SetNull);
            e.HasOne(p => p.Unit).WithMany().HasForeignKey(p => p.UnitId).OnDelete(DeleteBehavior.SetNull);
        });
        model.Entity<MappingRule>(e =>
        {
            e.ToTable("mapping_rules");
            e.Property(r => r.Field).HasConversion<string>().HasMaxLength(32);
            e.Property(r => r.Operator).HasConversion<string>().HasMaxLength(32);
            e.Property(r => r.UnitFrom).HasConversion<string>().HasMaxLength(32);
            e.HasOne(r => r.Agency).WithMany().HasForeignKey(r => r.AgencyId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<DirectoryImport>(e =>
        {
            e.ToTable("directory_imports");
            e.Property(i => i.Status).HasConversion<string>().HasMaxLength(16);
        });
        model.Entity<LeaderArrival>(e =>
        {
            e.ToTable("leader_arrivals");
            e.Property(a => a.Kind).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(a => a.At);
            e.HasOne(a => a.Person).WithMany().HasForeignKey(a => a.PersonId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Agency>().WithMany().HasForeignKey(a => a.AgencyId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Agency>().WithMany().HasForeignKey(a => a.FromAgencyId).OnDelete(DeleteBehavior.SetNull);
            e.HasOne(a => a.Import).WithMany().HasForeignKey(a => a.DirectoryImportId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<OrganisationSettings>(e =>
        {
            e.ToTable("organisation_settings");
            e.Property(s => s.Id).ValueGeneratedNever();
        });
    }
}
