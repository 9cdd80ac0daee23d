using Microsoft.Extensions.Localization;

namespace Oppdrift.Access;

/// <summary>The account form's fields as the browser posts them.</summary>
public sealed class AccountInput
{
    public string? UserName { get; set; }
    public string? DisplayName { get; set; }
    public string[] RoleNames { get; set; } = [];
    public int[] AgencyIds { get; set; } = [];
    public bool IsDisabled { get; set; }

    public Roles Roles
    {
        get
        {
            var roles = Roles.None;
            foreach (var name in RoleNames)
            {
                if (Enum.TryParse<Roles>(name, out var role) && Access.RoleNames.Assignable.Contains(role))
                {
                    roles |= role;
                }
            }
            return roles;
        }
        set => RoleNames = [.. Access.RoleNames.Assignable.Where(r => value.HasFlag(r)).Select(r => r.ToString())];
    }
}

public static class RoleNames
{
    /// <summary>Roles an administrator assigns; everyone is an employee.</summary>
    public static readonly Roles[] Assignable = [Roles.Administrator, Roles.ChangeLeader, Roles.SystemOwner, Roles.AgencyLeader, Roles.ProgrammeOwner];

    public static string Describe(Roles roles, IStringLocalizer localizer)
    {
        var names = Assignable.Where(r => roles.HasFlag(r)).Select(r => localizer[$"Role{r}"].Value).ToList();
        return names.Count == 0 ? localizer["RoleEmployee"] : string.Join(", ", names);
    }
}
