using Microsoft.EntityFrameworkCore;
using Oppdrift.Organisation;

namespace Oppdrift.Access;

internal static class AccessModel
{
    public static void Map(ModelBuilder model)
    {
        model.Entity<Account>(e =>
        {
            e.ToTable("accounts");
            e.HasIndex(a => a.NormalizedUserName).IsUnique();
            // An Entra ID identity is its tenant and object id; at most one account holds it.
            e.HasIndex(a => new { a.ExternalId, a.TenantId }).IsUnique();
            e.Property(a => a.TenantId).HasMaxLength(36);
            e.Property(a => a.Roles).HasConversion<int>();
            e.Property(a => a.EntraRoles).HasConversion<int>();
            e.Ignore(a => a.EffectiveRoles);
            e.Property(a => a.SecurityStamp).HasMaxLength(64);
            e.Property(a => a.Language).HasMaxLength(16);
            e.HasMany(a => a.Agencies).WithOne().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<AccountAgency>(e =>
        {
            e.ToTable("account_agencies");
            e.HasKey(x => new { x.AccountId, x.AgencyId });
            e.HasOne<Agency>().WithMany().HasForeignKey(x => x.AgencyId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<KeyRing.ProtectionKey>(e =>
        {
            e.ToTable("data_protection_keys");
            e.Property(k => k.Name).HasMaxLength(100);
        });
        model.Entity<EntraDirectoryState>(e =>
        {
            e.ToTable("entra_directory_state");
            e.HasIndex(x => x.TenantId).IsUnique();
            e.Property(x => x.TenantId).HasMaxLength(36);
            e.Property(x => x.LastError).HasMaxLength(EntraDirectoryPollJob.MaxErrorLength);
        });
        model.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit_log");
            e.HasIndex(a => a.At);
            // The latest entry of one action (whether the privacy settings in force were checked, on the home page) is
            // found through this index, not by reading the whole log backwards.
            e.HasIndex(a => new { a.Action, a.Id });
        });
    }
}
