namespace Oppdrift.Shared;

/// <summary>
/// A problem with a file a person gave us, located precisely enough for them to fix it.
/// Line and column are 1-based; the column is the field number, with its header name when known.
/// </summary>
public sealed record InputError(string File, int Line, int? Column, string? ColumnName, string Message)
{
    public override string ToString()
    {
        var where = Line > 0 ? $"{File}:{Line}" : File;
        if (Column is { } column)
        {
            where += ColumnName is null ? $":{column}" : $":{column} ({ColumnName})";
        }
        return $"{where}: {Message}";
    }
}

/// <summary>Thrown inside a reader to stop at the first unrecoverable problem; caught by the importer.</summary>
public sealed class InputErrorException(InputError error) : Exception(error.ToString())
{
    public InputError Error { get; } = error;
}
