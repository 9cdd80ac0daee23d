namespace Oppdrift.Organisation;

/// <summary>How a leader came to an agency in a directory import.</summary>
public enum LeaderArrivalKind
{
    /// <summary>New in the directory, with a leader title.</summary>
    New = 0,

    /// <summary>A leader (now) whom the import placed in another agency than before.</summary>
    Moved = 1,
}

/// <summary>
/// A leader a directory import brought into an agency: someone new with a leader title, or a leader now placed in a
/// different agency. Written by <see cref="EntraUserImport"/> in the import's transaction; the same file imported again
/// brings nobody, so it writes none. Learning reads these (through <see cref="OrganisationDirectory"/>) to propose new
/// leaders for the leader school.
/// </summary>
public sealed class LeaderArrival
{
    public int Id { get; set; }
    public int PersonId { get; set; }
    public Person? Person { get; set; }
    public LeaderArrivalKind Kind { get; set; }
    public int AgencyId { get; set; }

    /// <summary>The agency the leader left; null for someone new, or someone no rule had placed before.</summary>
    public int? FromAgencyId { get; set; }

    public int DirectoryImportId { get; set; }
    public DirectoryImport? Import { get; set; }
    public DateTime At { get; set; }
}
