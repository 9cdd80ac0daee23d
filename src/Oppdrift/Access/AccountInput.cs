using Microsoft.Extensions.Localization;

namespace Oppdrift.Access;

/// <summary>The account form's fields as the browser posts them (unchecked boxes and empty lists are absent).</summary>
public sealed class AccountInput
{
    public string? UserName { get; set; }
    public string? DisplayName { get; set; }
    public string[]? RoleNames { get; set; }
    public int[]? AgencyIds { get; set; }
    public bool IsDisabled { get; set; }

    public Roles ToRoles()
    {
        var roles = Roles.None;
        foreach (var name in RoleNames ?? [])
        {
            if (Enum.TryParse<Roles>(name, out var role) && Access.RoleNames.Assignable.Contains(role))
            {
                roles |= role;
            }
        }
        return roles;
    }

    public bool Has(Roles role) => ToRoles().HasFlag(role);

    public bool HasAgency(int agencyId) => AgencyIds?.Contains(agencyId) ?? false;
}

public static class RoleNames
{
    /// <summary>Roles an administrator assigns; everyone is an employee.</summary>
    public static readonly Roles[] Assignable = [Roles.Administrator, Roles.ChangeLeader, Roles.SystemOwner, Roles.AgencyLeader, Roles.ProgrammeOwner];

    public static string[] NamesOf(Roles roles) => [.. Assignable.Where(r => roles.HasFlag(r)).Select(r => r.ToString())];

    public static string Describe(Roles roles, IStringLocalizer localizer)
    {
        var names = Assignable.Where(r => roles.HasFlag(r)).Select(r => localizer[$"Role{r}"].Value).ToList();
        return names.Count == 0 ? localizer["RoleEmployee"] : string.Join(", ", names);
    }
}
