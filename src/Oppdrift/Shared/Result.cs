namespace Oppdrift.Shared;

/// <summary>The outcome of an operation a person can get wrong: a value, or a message naming the field.</summary>
public readonly record struct Result<T>(T? Value, string? Field, string? Error)
{
    public bool Succeeded => Error is null;

    public static Result<T> Ok(T value) => new(value, null, null);

    public static Result<T> Fail(string field, string error) => new(default, field, error);
}
