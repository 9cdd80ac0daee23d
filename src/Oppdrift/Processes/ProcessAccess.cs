// Who may do what with a process. The central team (administrators and change leaders) edits every process; an agency
// leader edits the processes their agencies own (the process owner's side: the register, the state and the measures
// after the move) and reads those their agencies own or take part in; a system owner reads all. Involvement alone
// gives no right to edit: the owning agency answers for the process and its figures.
using System.Security.Claims;
using Oppdrift.Access;

namespace Oppdrift.Processes;

public static class ProcessAccess
{
    public static bool IsCentral(ClaimsPrincipal user) => (user.GetRoles() & (Roles.Administrator | Roles.ChangeLeader)) != 0;

    public static bool IsLeader(ClaimsPrincipal user) => user.GetRoles().HasFlag(Roles.AgencyLeader);

    public static bool CanEdit(ClaimsPrincipal user, int ownerAgencyId) =>
        IsCentral(user) || (IsLeader(user) && user.ScopedAgencies().Contains(ownerAgencyId));

    /// <summary>Whether the user may register a process at all (for some agency).</summary>
    public static bool CanEditAny(ClaimsPrincipal user) => IsCentral(user) || (IsLeader(user) && user.ScopedAgencies().Count > 0);

    /// <summary>The agencies whose processes the user reads: null for all, else the agencies they lead (empty: none).</summary>
    public static IReadOnlySet<int>? Scope(ClaimsPrincipal user) =>
        user.SeesAllAgencies() ? null : IsLeader(user) ? user.ScopedAgencies() : new HashSet<int>();

    /// <summary>The agencies the user may register processes for: null for all.</summary>
    public static IReadOnlySet<int>? EditScope(ClaimsPrincipal user) =>
        IsCentral(user) ? null : IsLeader(user) ? user.ScopedAgencies() : new HashSet<int>();

    /// <summary>A process is visible when it is owned by, or involves, an agency in the scope.</summary>
    public static bool Visible(IReadOnlySet<int>? scope, int ownerAgencyId, IEnumerable<int> involved) =>
        scope is null || scope.Contains(ownerAgencyId) || involved.Any(scope.Contains);
}
