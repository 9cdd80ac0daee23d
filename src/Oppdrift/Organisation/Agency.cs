namespace Oppdrift.Organisation;

/// <summary>A virksomhet: one of the municipality's agencies (an etat, a district, a school authority…).</summary>
public sealed class Agency
{
    public int Id { get; set; }

    /// <summary>A short, stable key such as "SYE" used in URLs, files and mapping rules.</summary>
    public required string Code { get; set; }

    public required string Name { get; set; }

    /// <summary>A free grouping (sector) such as "Helse og omsorg", used to compare like with like.</summary>
    public string? Sector { get; set; }

    public DateTime CreatedAt { get; set; }

    public List<Unit> Units { get; } = [];
}

/// <summary>An organisational unit inside an agency (an avdeling, a school, a nursing home).</summary>
public sealed class Unit
{
    public int Id { get; set; }
    public int AgencyId { get; set; }
    public Agency? Agency { get; set; }
    public required string Name { get; set; }
}
