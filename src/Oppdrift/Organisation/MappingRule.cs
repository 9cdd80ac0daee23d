namespace Oppdrift.Organisation;

/// <summary>The directory field a mapping rule looks at.</summary>
public enum DirectoryField
{
    CompanyName,
    Department,
    OfficeLocation,
    City,
    JobTitle,
    UserPrincipalName,
}

public enum RuleOperator
{
    Equals,
    StartsWith,
    Contains,
    EndsWith,
}

/// <summary>Which directory field names the person's unit inside the agency.</summary>
public enum UnitSource
{
    None,
    Department,
    OfficeLocation,
}

/// <summary>
/// "When <see cref="Field"/> <see cref="Operator"/> <see cref="Value"/>, the person belongs to
/// <see cref="AgencyId"/>, in the unit named by <see cref="UnitFrom"/>." Rules are tried in
/// <see cref="Position"/> order and the first match wins.
/// </summary>
public sealed class MappingRule
{
    public int Id { get; set; }
    public int Position { get; set; }
    public DirectoryField Field { get; set; }
    public RuleOperator Operator { get; set; }
    public required string Value { get; set; }
    public int AgencyId { get; set; }
    public Agency? Agency { get; set; }
    public UnitSource UnitFrom { get; set; } = UnitSource.Department;
}
