namespace Oppdrift.Organisation;

public enum ImportStatus
{
    Running,
    Succeeded,
    Failed,
}

/// <summary>One attempt to import a directory file, kept as history whether it landed or not.</summary>
public sealed class DirectoryImport
{
    public int Id { get; set; }
    public required string FileName { get; set; }
    public required string Sha256 { get; set; }
    public long Bytes { get; set; }
    public required string ImportedBy { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public ImportStatus Status { get; set; }
    public int Rows { get; set; }
    public int Added { get; set; }
    public int Updated { get; set; }
    public int Moved { get; set; }
    public int Deactivated { get; set; }
    public int Reactivated { get; set; }
    public int Unchanged { get; set; }
    public int Unassigned { get; set; }

    /// <summary>The errors that stopped a failed import, one per line, as "file:line:column: message".</summary>
    public string? Errors { get; set; }

    /// <summary>Warnings that did not stop the import (unknown columns, for example).</summary>
    public string? Warnings { get; set; }
}

/// <summary>Settings for the organisation as a whole; one row.</summary>
public sealed class OrganisationSettings
{
    public int Id { get; set; } = 1;
    public required string MunicipalityName { get; set; }

    /// <summary>Endings of job titles that mark a leader, comma-separated (e.g. "leder, sjef, direktør, rektor").</summary>
    public required string LeaderTitleEndings { get; set; }
}
