using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace Oppdrift.Access;

/// <summary>
/// The named policies every page and endpoint declares, and which roles each admits.
/// The table is the single source for the authorisation matrix test.
/// </summary>
public static class Policies
{
    /// <summary>Administrators: accounts, settings, the audit log.</summary>
    public const string Administrator = nameof(Administrator);

    /// <summary>The central team: imports, mapping rules, municipality-wide set-up.</summary>
    public const string CentralTeam = nameof(CentralTeam);

    /// <summary>Those who read adoption, benefits and agency overviews (agency leaders only for their agencies).</summary>
    public const string Insight = nameof(Insight);

    /// <summary>Those who run learning programmes.</summary>
    public const string ProgrammeOwner = nameof(ProgrammeOwner);

    /// <summary>
    /// Those who change an agency's plans (migration mappings and scans, work processes, benefit measurements): the central team for every agency,
    /// agency leaders for their own. System owners read them under <see cref="Insight"/> but change nothing.
    /// </summary>
    public const string Planning = nameof(Planning);

    /// <summary>Anyone signed in, employees included.</summary>
    public const string SignedIn = nameof(SignedIn);

    public static readonly IReadOnlyDictionary<string, Roles> Admits = new Dictionary<string, Roles>
    {
        [Administrator] = Roles.Administrator,
        [CentralTeam] = Roles.Administrator | Roles.ChangeLeader,
        [Insight] = Roles.Administrator | Roles.ChangeLeader | Roles.SystemOwner | Roles.AgencyLeader,
        [ProgrammeOwner] = Roles.Administrator | Roles.ChangeLeader | Roles.ProgrammeOwner,
        [Planning] = Roles.Administrator | Roles.ChangeLeader | Roles.AgencyLeader,
        [SignedIn] = Roles.Employee | Roles.ProgrammeOwner | Roles.AgencyLeader | Roles.ChangeLeader | Roles.Administrator | Roles.SystemOwner,
    };

    public static void Add(AuthorizationOptions options)
    {
        foreach (var (name, roles) in Admits)
        {
            options.AddPolicy(name, policy => policy
                .RequireAuthenticatedUser()
                .RequireAssertion(context => (context.User.GetRoles() & roles) != 0));
        }
    }
}

public static class OppdriftClaims
{
    public const string AccountId = "oppdrift:account";
    public const string Agency = "oppdrift:agency";
    public const string MustChangePassword = "oppdrift:must-change-password";
    public const string SecurityStamp = "oppdrift:security-stamp";
    public const string AuthenticationType = "Oppdrift";

    public static ClaimsPrincipal CreatePrincipal(Account account, string authenticationType = AuthenticationType)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, account.Id.ToString(CultureInfo.InvariantCulture)),
            new(AccountId, account.Id.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, account.UserName),
            new(ClaimTypes.GivenName, account.DisplayName),
            new(SecurityStamp, account.SecurityStamp),
        };
        foreach (var role in Enum.GetValues<Roles>())
        {
            if (role != Roles.None && account.EffectiveRoles.HasFlag(role))
            {
                claims.Add(new Claim(ClaimTypes.Role, role.ToString()));
            }
        }
        foreach (var agency in account.Agencies)
        {
            claims.Add(new Claim(Agency, agency.AgencyId.ToString(CultureInfo.InvariantCulture)));
        }
        // The one-time password gate is for sessions signed in with it; a prepared account taken up through Entra ID
        // never uses its one-time password.
        if (account.MustChangePassword && authenticationType == AuthenticationType)
        {
            claims.Add(new Claim(MustChangePassword, "true"));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>Whether two principals grant the same: name, roles, agencies and the demand to change the password.</summary>
    public static bool SameAccess(ClaimsPrincipal a, ClaimsPrincipal b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a.Identity?.Name == b.Identity?.Name
            && a.GetRoles() == b.GetRoles()
            && a.ScopedAgencies().SetEquals(b.ScopedAgencies())
            && a.HasClaim(MustChangePassword, "true") == b.HasClaim(MustChangePassword, "true");
    }

    public static Roles GetRoles(this ClaimsPrincipal user)
    {
        var roles = Roles.None;
        foreach (var claim in user.FindAll(ClaimTypes.Role))
        {
            if (Enum.TryParse<Roles>(claim.Value, out var role))
            {
                roles |= role;
            }
        }
        return roles;
    }

    public static int? GetAccountId(this ClaimsPrincipal user) =>
        int.TryParse(user.FindFirstValue(AccountId), CultureInfo.InvariantCulture, out var id) ? id : null;

    public static string ActorName(this ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";

    /// <summary>True when the user reads the whole municipality rather than a few agencies.</summary>
    public static bool SeesAllAgencies(this ClaimsPrincipal user) =>
        (user.GetRoles() & (Roles.Administrator | Roles.ChangeLeader | Roles.SystemOwner)) != 0;

    /// <summary>
    /// The agencies whose figures the user may read: null for the whole municipality, otherwise their own. Usage, migration
    /// and benefits scope every page, export and API call through this.
    /// </summary>
    public static IReadOnlySet<int>? AgencyScope(this ClaimsPrincipal user) => user.SeesAllAgencies() ? null : user.ScopedAgencies();

    public static IReadOnlySet<int> ScopedAgencies(this ClaimsPrincipal user) =>
        user.FindAll(Agency)
            .Select(c => int.TryParse(c.Value, CultureInfo.InvariantCulture, out var id) ? id : -1)
            .Where(id => id > 0)
            .ToHashSet();

    public static bool CanSeeAgency(this ClaimsPrincipal user, int agencyId) =>
        user.SeesAllAgencies()
        || (user.GetRoles().HasFlag(Roles.AgencyLeader) && user.ScopedAgencies().Contains(agencyId));
}
