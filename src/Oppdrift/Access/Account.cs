namespace Oppdrift.Access;

/// <summary>What a person may do in Oppdrift. An account may hold several.</summary>
[Flags]
public enum Roles
{
    None = 0,
    Employee = 1,
    ProgrammeOwner = 2,
    AgencyLeader = 4,
    ChangeLeader = 8,
    Administrator = 16,
    SystemOwner = 32,
}

/// <summary>
/// Someone who signs in: a local account in embedded mode, or an Entra ID identity in production, linked only by
/// <see cref="TenantId"/> and <see cref="ExternalId"/> (the token's <c>tid</c> and <c>oid</c>), never by user name.
/// </summary>
public sealed class Account
{
    public int Id { get; set; }
    public required string UserName { get; set; }
    public required string NormalizedUserName { get; set; }
    public required string DisplayName { get; set; }
    public string? PasswordHash { get; set; }
    public bool MustChangePassword { get; set; }

    /// <summary>The Entra ID object id (<c>oid</c>) of the identity this account is linked to; null for a local account.</summary>
    public string? ExternalId { get; set; }

    /// <summary>
    /// The Entra ID tenant (<c>tid</c>) of that identity. Null with an <see cref="ExternalId"/> only on a link made before
    /// tenant ids were stored; the next sign-in from the home tenant fills it.
    /// </summary>
    public string? TenantId { get; set; }

    /// <summary>The roles an administrator set here (Employee always); see <see cref="EffectiveRoles"/>.</summary>
    public Roles Roles { get; set; }

    /// <summary>
    /// The roles the Entra ID app roles of the last sign-in granted, replaced at every sign-in: a role removed in Entra ID
    /// goes, and never takes a role an administrator set here with it.
    /// </summary>
    public Roles EntraRoles { get; set; }

    /// <summary>What the account may do: the roles set here and those from Entra ID.</summary>
    public Roles EffectiveRoles => Roles | EntraRoles;

    /// <summary>Disabled by an administrator here.</summary>
    public bool IsDisabled { get; set; }

    /// <summary>
    /// The linked person is disabled in Entra ID or gone from it, by the directory poll (<see cref="EntraDirectoryPollJob"/>)
    /// or the last directory import; cleared when a later poll or import, or a new Entra ID sign-in, shows the person
    /// enabled. Such an account is refused like a disabled one.
    /// </summary>
    public bool DisabledInDirectory { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? LastSignInAt { get; set; }

    /// <summary>
    /// The language the account last signed in with ("nb-NO" or "en-GB"): what Oppdrift writes e-mails to it in, such as a
    /// programme owner's warning that a recording expires. Null until its first sign-in, when e-mails are in Bokmål.
    /// </summary>
    public string? Language { get; set; }

    /// <summary>Wrong passwords in a row; reset by a right one.</summary>
    public int FailedSignIns { get; set; }

    /// <summary>Until when sign-in is refused after too many wrong passwords.</summary>
    public DateTime? LockedOutUntil { get; set; }

    /// <summary>
    /// A random value every session carries as a claim, replaced by every change that must end the account's sessions
    /// (disabled, roles or agencies changed, password reset or changed): a session whose stamp differs is refused at its
    /// next check against the account.
    /// </summary>
    public string SecurityStamp { get; set; } = "";

    public List<AccountAgency> Agencies { get; } = [];
}

/// <summary>An agency an agency leader's account is scoped to.</summary>
public sealed class AccountAgency
{
    public int AccountId { get; set; }
    public int AgencyId { get; set; }
}

/// <summary>Who changed or exported what, with the state before and after where there is one.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public string? Target { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
}
