namespace Oppdrift.Organisation;

/// <summary>
/// An employee as the directory knows them. Directory facts only: usage about a person is never
/// stored against this row (see docs/privacy.md).
/// </summary>
public sealed class Person
{
    public int Id { get; set; }

    /// <summary>The Entra object id (a GUID); the stable identity across renames.</summary>
    public string? ObjectId { get; set; }

    public required string UserPrincipalName { get; set; }

    /// <summary>The UPN in lower case, for case-insensitive matching on both databases.</summary>
    public required string NormalizedUserPrincipalName { get; set; }

    public required string DisplayName { get; set; }
    public string? GivenName { get; set; }
    public string? Surname { get; set; }
    public string? Mail { get; set; }
    public string? JobTitle { get; set; }
    public string? Department { get; set; }
    public string? CompanyName { get; set; }
    public string? OfficeLocation { get; set; }
    public string? City { get; set; }
    public string? Country { get; set; }
    public string? UsageLocation { get; set; }
    public string? UserType { get; set; }
    public bool AccountEnabled { get; set; }

    /// <summary>True when the job title names a leader role (see <see cref="LeaderTitles"/>).</summary>
    public bool IsLeader { get; set; }

    public int? AgencyId { get; set; }
    public Agency? Agency { get; set; }
    public int? UnitId { get; set; }
    public Unit? Unit { get; set; }

    /// <summary>Present in the latest directory import and enabled.</summary>
    public bool IsActive { get; set; }

    public DateTime FirstSeenAt { get; set; }
    public DateTime? DeactivatedAt { get; set; }
}
