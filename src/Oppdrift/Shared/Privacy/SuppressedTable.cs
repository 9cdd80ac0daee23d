namespace Oppdrift.Shared.Privacy;

/// <summary>
/// The answer to "may this figure be shown?" for every cell and published total of a table.
/// A page or export asks before writing each figure, and writes a dash (with the reason as a tooltip
/// or footnote) where the answer is no. Asking about a total that was not declared published is a bug
/// and throws: its figure would not have been protected.
/// </summary>
public sealed class SuppressedTable<TRow, TColumn>
    where TRow : notnull
    where TColumn : notnull
{
    private readonly Dictionary<TRow, int> _rowIndex;
    private readonly Dictionary<TColumn, int> _columnIndex;
    private readonly Grid _grid;

    internal SuppressedTable(
        IReadOnlyList<TRow> rows,
        IReadOnlyList<TColumn> columns,
        Dictionary<TRow, int> rowIndex,
        Dictionary<TColumn, int> columnIndex,
        Grid grid,
        int minimumGroupSize)
    {
        Rows = rows;
        Columns = columns;
        _rowIndex = rowIndex;
        _columnIndex = columnIndex;
        _grid = grid;
        MinimumGroupSize = minimumGroupSize;
    }

    /// <summary>The rows in the order used to break ties; a page may sort them differently for display.</summary>
    public IReadOnlyList<TRow> Rows { get; }

    public IReadOnlyList<TColumn> Columns { get; }

    /// <summary>The minimum actually applied, after raising a configured value to the floor.</summary>
    public int MinimumGroupSize { get; }

    public PublishedTotals Totals => _grid.Totals;

    public bool IsSuppressed(TRow row, TColumn column) => Reason(row, column) != SuppressionReason.None;

    public SuppressionReason Reason(TRow row, TColumn column) => _grid.Reason(RowOf(row), ColumnOf(column));

    public bool IsRowTotalSuppressed(TRow row) => RowTotalReason(row) != SuppressionReason.None;

    public SuppressionReason RowTotalReason(TRow row)
    {
        Require(PublishedTotals.Rows);
        return _grid.Reason(RowOf(row), Columns.Count);
    }

    public bool IsColumnTotalSuppressed(TColumn column) => ColumnTotalReason(column) != SuppressionReason.None;

    public SuppressionReason ColumnTotalReason(TColumn column)
    {
        Require(PublishedTotals.Columns);
        return _grid.Reason(Rows.Count, ColumnOf(column));
    }

    public bool IsGrandTotalSuppressed => GrandTotalReason != SuppressionReason.None;

    public SuppressionReason GrandTotalReason
    {
        get
        {
            Require(PublishedTotals.Grand);
            return _grid.Reason(Rows.Count, Columns.Count);
        }
    }

    private void Require(PublishedTotals total)
    {
        if (!_grid.Totals.HasFlag(total))
        {
            throw new InvalidOperationException($"The table was suppressed without {total} totals published, so they are not protected; declare them in PublishedTotals.");
        }
    }

    private int RowOf(TRow row) =>
        _rowIndex.TryGetValue(row, out var i) ? i : throw new KeyNotFoundException($"Row {row} is not in the suppressed table.");

    private int ColumnOf(TColumn column) =>
        _columnIndex.TryGetValue(column, out var j) ? j : throw new KeyNotFoundException($"Column {column} is not in the suppressed table.");
}
