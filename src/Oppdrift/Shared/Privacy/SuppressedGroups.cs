namespace Oppdrift.Shared.Privacy;

/// <summary>
/// Suppression for a list of groups with one figure each and, optionally, their total — the common
/// "agencies with the municipality's figure below" shape.
/// </summary>
public sealed class SuppressedGroups<TKey>
    where TKey : notnull
{
    private readonly SuppressedTable<TKey, byte> _table;
    private readonly bool _totalPublished;

    internal SuppressedGroups(SuppressedTable<TKey, byte> table, bool totalPublished)
    {
        _table = table;
        _totalPublished = totalPublished;
    }

    public IReadOnlyList<TKey> Groups => _table.Rows;

    public int MinimumGroupSize => _table.MinimumGroupSize;

    public bool IsSuppressed(TKey group) => Reason(group) != SuppressionReason.None;

    public SuppressionReason Reason(TKey group) => _table.Reason(group, 0);

    public bool IsTotalSuppressed => TotalReason != SuppressionReason.None;

    public SuppressionReason TotalReason
    {
        get
        {
            if (!_totalPublished)
            {
                throw new InvalidOperationException("The groups were suppressed without their total published, so it is not protected.");
            }
            // With no groups there is no column to carry the total; an empty total is zero people.
            return _table.Columns.Count == 0 ? SuppressionReason.None : _table.ColumnTotalReason(0);
        }
    }
}
