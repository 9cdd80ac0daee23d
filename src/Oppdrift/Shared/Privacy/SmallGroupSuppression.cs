// Decides which figures of an aggregate table over people must be hidden: those resting on too few
// people, and enough others that no hidden one can be worked out by subtracting from a published total.
namespace Oppdrift.Shared.Privacy;

/// <remarks>
/// The guarantee is per line: no row, column or line of totals has exactly one hidden figure, so no
/// hidden figure is a published total minus published figures. A reader who combines several lines'
/// equations can in rare shapes still pin down a hidden cell (one that is the only link between two
/// otherwise separate blocks of hidden cells); tables of agencies by a handful of metrics rarely take
/// that shape, and a full linear-programming audit is beyond what a page render should do.
/// </remarks>
public static class SmallGroupSuppression
{
    /// <summary>
    /// Suppresses a table of cells with the given totals published beside it. A (row, column) with no
    /// cell counts as zero people. Rows and columns are ordered by <paramref name="rowOrder"/> and
    /// <paramref name="columnOrder"/> (ordinal for strings, the type's default order otherwise); ties
    /// between equally small candidates go to the first in that order, so the result is repeatable.
    /// </summary>
    public static SuppressedTable<TRow, TColumn> Table<TRow, TColumn>(
        IEnumerable<PeopleCount<TRow, TColumn>> cells,
        PublishedTotals totals,
        SuppressionOptions options,
        IComparer<TRow>? rowOrder = null,
        IComparer<TColumn>? columnOrder = null)
        where TRow : notnull
        where TColumn : notnull
    {
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(options);

        var list = cells.ToList();
        var rows = list.Select(c => c.Row).Distinct().OrderBy(r => r, rowOrder ?? KeyOrder<TRow>()).ToList();
        var columns = list.Select(c => c.Column).Distinct().OrderBy(c => c, columnOrder ?? KeyOrder<TColumn>()).ToList();
        var rowIndex = Index(rows);
        var columnIndex = Index(columns);

        var grid = new Grid(rows.Count, columns.Count, totals);
        foreach (var cell in list)
        {
            if (cell.People < 0)
            {
                throw new ArgumentException($"Cell ({cell.Row}, {cell.Column}) has {cell.People} people; a count cannot be negative.", nameof(cells));
            }
            var i = rowIndex[cell.Row];
            var j = columnIndex[cell.Column];
            if (!grid.Add(i, j, cell.People))
            {
                throw new ArgumentException($"Cell ({cell.Row}, {cell.Column}) appears twice.", nameof(cells));
            }
        }
        grid.Suppress(options.MinimumGroupSize, options.ProtectHiddenSums);
        return new SuppressedTable<TRow, TColumn>(rows, columns, rowIndex, columnIndex, grid, options.MinimumGroupSize);
    }

    /// <summary>
    /// Suppresses a list of groups (say agencies) with one figure each and, when
    /// <paramref name="totalPublished"/>, the total over all of them (say the municipality).
    /// </summary>
    public static SuppressedGroups<TKey> Groups<TKey>(
        IEnumerable<KeyValuePair<TKey, int>> groups,
        bool totalPublished,
        SuppressionOptions options,
        IComparer<TKey>? order = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(groups);
        // One column whose column total is the list's total: the same equations, so the same rules.
        var table = Table(
            groups.Select(g => new PeopleCount<TKey, byte>(g.Key, 0, g.Value)),
            totalPublished ? PublishedTotals.Columns : PublishedTotals.None,
            options,
            order);
        return new SuppressedGroups<TKey>(table, totalPublished);
    }

    // Culture-aware string order differs between machines; suppression must not.
    private static IComparer<T> KeyOrder<T>() =>
        typeof(T) == typeof(string) ? (IComparer<T>)StringComparer.Ordinal : Comparer<T>.Default;

    private static Dictionary<T, int> Index<T>(List<T> keys)
        where T : notnull
    {
        var index = new Dictionary<T, int>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            index[keys[i]] = i;
        }
        return index;
    }
}

/// <summary>
/// The table with its margins as one (rows + 1) × (columns + 1) grid: row totals in the last column,
/// column totals in the last row, the grand total in the corner. Every published total makes its line
/// an equation "total = sum of the others", which is what a reader can subtract from.
/// </summary>
internal sealed class Grid
{
    private readonly int _rows;
    private readonly int _columns;
    private readonly int _width;
    private readonly int[] _people;
    private readonly bool[] _present;
    private readonly bool[] _published;
    private readonly SuppressionReason[] _reasons;

    public Grid(int rows, int columns, PublishedTotals totals)
    {
        _rows = rows;
        _columns = columns;
        _width = columns + 1;
        var size = (rows + 1) * _width;
        _people = new int[size];
        _present = new bool[size];
        _published = new bool[size];
        _reasons = new SuppressionReason[size];
        Totals = totals;

        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < columns; j++)
            {
                _published[At(i, j)] = true;
            }
            _published[At(i, columns)] = totals.HasFlag(PublishedTotals.Rows);
        }
        for (var j = 0; j < columns; j++)
        {
            _published[At(rows, j)] = totals.HasFlag(PublishedTotals.Columns);
        }
        _published[At(rows, columns)] = totals.HasFlag(PublishedTotals.Grand);
    }

    public PublishedTotals Totals { get; }

    public SuppressionReason Reason(int i, int j) => _reasons[At(i, j)];

    public bool Add(int i, int j, int people)
    {
        var at = At(i, j);
        if (_present[at])
        {
            return false;
        }
        _present[at] = true;
        _people[at] = people;
        // Checked: a total that wraps round would be published as a small, wrong number.
        _people[At(i, _columns)] = checked(_people[At(i, _columns)] + people);
        _people[At(_rows, j)] = checked(_people[At(_rows, j)] + people);
        _people[At(_rows, _columns)] = checked(_people[At(_rows, _columns)] + people);
        return true;
    }

    public void Suppress(int minimumGroupSize, bool protectHiddenSums = false)
    {
        // Zero people is not a group anyone can be picked out of, so only 1..minimum-1 is small.
        for (var at = 0; at < _people.Length; at++)
        {
            if (_published[at] && _people[at] > 0 && _people[at] < minimumGroupSize)
            {
                _reasons[at] = SuppressionReason.SmallGroup;
            }
        }

        var lines = Lines();
        bool changed;
        do
        {
            changed = false;
            foreach (var line in lines)
            {
                if (line.Count(IsHidden) == 1)
                {
                    _reasons[Complement(line)] = SuppressionReason.Complementary;
                    changed = true;
                }
                else if (protectHiddenSums && SmallHiddenSum(line, minimumGroupSize) && SmallestPublished(line) is { } more)
                {
                    _reasons[more] = SuppressionReason.Complementary;
                    changed = true;
                }
            }
        }
        while (changed);
    }

    private bool IsHidden(int at) => _reasons[at] != SuppressionReason.None;

    /// <summary>
    /// Whether the hidden members of a line add up to a small group a reader can work out as a whole: the line's total
    /// minus its published members. When the total itself is hidden, the sum cannot be worked out from this line.
    /// </summary>
    private bool SmallHiddenSum(int[] line, int minimumGroupSize)
    {
        if (IsHidden(line[^1]))
        {
            return false;
        }
        var hidden = 0;
        foreach (var at in line)
        {
            if (IsHidden(at))
            {
                hidden += _people[at];
            }
        }
        return hidden > 0 && hidden < minimumGroupSize;
    }

    private int? SmallestPublished(int[] line)
    {
        int? best = null;
        // The total (last) is never chosen here: hiding it would hide the sum, but also the figure a page most needs.
        for (var k = 0; k < line.Length - 1; k++)
        {
            var at = line[k];
            if (!IsHidden(at) && _people[at] > 0 && (best is null || _people[at] < _people[best.Value]))
            {
                best = at;
            }
        }
        return best;
    }

    /// <summary>
    /// The smallest published, non-zero member of a line with one hidden member. A zero is never
    /// chosen: a reader who sees the others knows a hidden zero cannot hide anything. One always
    /// exists: the hidden member is non-zero, so either the total or another cell is non-zero too.
    /// </summary>
    private int Complement(int[] line)
    {
        var best = -1;
        foreach (var at in line)
        {
            if (IsHidden(at) || _people[at] == 0)
            {
                continue;
            }
            // Line members come in key order with the total last, so a strict "smaller" keeps the
            // first of equals and prefers a cell to the total it adds up to.
            if (best < 0 || _people[at] < _people[best])
            {
                best = at;
            }
        }
        return best >= 0 ? best : throw new InvalidOperationException("A line with one hidden member has no non-zero member to hide with it.");
    }

    /// <summary>Each line is the members of one published equation, in key order with its total last.</summary>
    private List<int[]> Lines()
    {
        var lines = new List<int[]>();
        for (var i = 0; i < _rows; i++)
        {
            if (_published[At(i, _columns)])
            {
                lines.Add([.. Enumerable.Range(0, _width).Select(j => At(i, j))]);
            }
        }
        for (var j = 0; j < _columns; j++)
        {
            if (_published[At(_rows, j)])
            {
                lines.Add([.. Enumerable.Range(0, _rows + 1).Select(i => At(i, j))]);
            }
        }
        if (_published[At(_rows, _columns)])
        {
            var rowTotals = Totals.HasFlag(PublishedTotals.Rows);
            var columnTotals = Totals.HasFlag(PublishedTotals.Columns);
            if (rowTotals)
            {
                lines.Add([.. Enumerable.Range(0, _rows + 1).Select(i => At(i, _columns))]);
            }
            if (columnTotals)
            {
                lines.Add([.. Enumerable.Range(0, _width).Select(j => At(_rows, j))]);
            }
            if (!rowTotals && !columnTotals)
            {
                // Only the grand total is shown: it is the sum of every cell.
                lines.Add([.. Enumerable.Range(0, _rows).SelectMany(i => Enumerable.Range(0, _columns).Select(j => At(i, j))), At(_rows, _columns)]);
            }
        }
        return lines;
    }

    private int At(int i, int j) => (i * _width) + j;
}
