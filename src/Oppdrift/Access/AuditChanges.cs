namespace Oppdrift.Access;

/// <summary>
/// The fields a change touched, each with its value before and after, for an audit entry that names only what changed:
/// <see cref="Set{T}"/> assigns a new value and notes it only when it differs from the old.
/// </summary>
public sealed class AuditChanges
{
    public Dictionary<string, object?> Before { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, object?> After { get; } = new(StringComparer.Ordinal);

    public bool Any => Before.Count > 0;

    public void Set<T>(string field, T old, T value, Action<T> assign)
    {
        ArgumentNullException.ThrowIfNull(assign);
        if (EqualityComparer<T>.Default.Equals(old, value))
        {
            return;
        }
        Add(field, old, value);
        assign(value);
    }

    /// <summary>Notes a list that changed as a whole (compared in order), such as the agencies a programme is for.</summary>
    public bool SetList<T>(string field, IReadOnlyList<T> old, IReadOnlyList<T> value)
    {
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(value);
        if (old.SequenceEqual(value))
        {
            return false;
        }
        Add(field, old, value);
        return true;
    }

    public void Add(string field, object? old, object? value)
    {
        Before[field] = old;
        After[field] = value;
    }
}
