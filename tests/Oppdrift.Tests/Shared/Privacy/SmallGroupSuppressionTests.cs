using Oppdrift.Shared.Privacy;

namespace Oppdrift.Tests.Shared.Privacy;

public sealed class SmallGroupSuppressionTests
{
    private static readonly SuppressionOptions Ten = new();

    private static SuppressedGroups<string> Groups(string counts, bool totalPublished = true, int minimum = 10) =>
        SmallGroupSuppression.Groups(
            counts.Split(' ').Select((c, i) => KeyValuePair.Create(((char)('A' + i)).ToString(), int.Parse(c, System.Globalization.CultureInfo.InvariantCulture))),
            totalPublished,
            new SuppressionOptions { MinimumGroupSize = minimum });

    /// <summary>"S" small group, "C" complementary, "." shown, one letter per group in key order.</summary>
    private static string Marks(SuppressedGroups<string> groups) =>
        string.Concat(groups.Groups.Select(g => Mark(groups.Reason(g))));

    private static char Mark(SuppressionReason reason) => reason switch
    {
        SuppressionReason.SmallGroup => 'S',
        SuppressionReason.Complementary => 'C',
        _ => '.',
    };

    [Theory]
    // One small agency and a published municipality total: the next smallest goes too.
    [InlineData("3 40 25", true, "S.C", '.')]
    // Without a total nothing can be subtracted, so only the small group is hidden.
    [InlineData("3 40 25", false, "S..", null)]
    // Two small groups already protect each other.
    [InlineData("3 4 25", true, "SS.", '.')]
    // Zeros are shown and never chosen as the complement: hiding a zero protects nothing.
    [InlineData("3 0 0 25", true, "S..C", '.')]
    // Ties go to the first in key order.
    [InlineData("20 3 20", true, "CS.", '.')]
    // Everything at or above the minimum is shown as it is.
    [InlineData("10 10 12", true, "...", '.')]
    // A total over too few people is hidden itself, and then protects the small group.
    [InlineData("3 0", true, "S.", 'S')]
    // The only other non-zero figure is the total: it is hidden rather than a zero.
    [InlineData("0 3 0", true, ".S.", 'S')]
    [InlineData("0 0 0", true, "...", '.')]
    public void A_list_with_a_total_hides_small_groups_and_one_complement(string counts, bool totalPublished, string expected, char? total)
    {
        var groups = Groups(counts, totalPublished);

        Assert.Equal(expected, Marks(groups));
        if (total is { } mark)
        {
            Assert.Equal(mark, Mark(groups.TotalReason));
        }
        else
        {
            Assert.Throws<InvalidOperationException>(() => groups.TotalReason);
        }
    }

    [Fact]
    public void A_single_large_group_hidden_as_complement_is_hidden_with_its_total_when_nothing_else_is_non_zero()
    {
        // Row A: 3 and 0 → total 3 hidden (small). Column X total 3+20: 20 hidden as complement.
        // Row B: 20 and 0 with total 20: the total is the only non-zero left, so it goes too.
        var table = SmallGroupSuppression.Table(
            [Cell("A", "X", 3), Cell("A", "Y", 0), Cell("B", "X", 20), Cell("B", "Y", 0)],
            PublishedTotals.Rows | PublishedTotals.Columns,
            Ten);

        Assert.Equal(SuppressionReason.SmallGroup, table.Reason("A", "X"));
        Assert.Equal(SuppressionReason.Complementary, table.Reason("B", "X"));
        Assert.False(table.IsSuppressed("A", "Y"));
        Assert.False(table.IsSuppressed("B", "Y"));
        Assert.Equal(SuppressionReason.SmallGroup, table.RowTotalReason("A"));
        Assert.Equal(SuppressionReason.Complementary, table.RowTotalReason("B"));
    }

    /// <summary>Rows separated by "/", cells by spaces; marks the same way, then the row totals, column totals and grand total.</summary>
    [Theory]
    // A-X is small. Row A then gives up A-Y; columns X and Y give up B-X and C-Y; rows B and C then
    // each have one hidden cell and give up B-Y and C-X. Column Z is untouched.
    [InlineData("3 20 30/15 25 40/50 12 60", PublishedTotals.All, "SC./CC./CC.", "...", "...", '.')]
    // Without row totals only columns constrain: one complement in column X, nothing in rows.
    [InlineData("3 20 30/15 25 40/50 12 60", PublishedTotals.Columns | PublishedTotals.Grand, "S../C../...", null, "...", '.')]
    // Row C is all small, so its total is too: columns X and Y each give up their smallest other
    // cell, and the row totals' own line gives up the smallest other row total.
    [InlineData("30 20/40 25/2 3", PublishedTotals.All, "CC/../SS", "C.S", "..", '.')]
    // Only a grand total: one equation over all cells, so the smallest other cell goes.
    [InlineData("3 20/15 40", PublishedTotals.Grand, "S./C.", null, null, '.')]
    // Column X's total is small too; its line of column totals then gives up column Y's total,
    // while rows A and B each give up their other cell.
    [InlineData("2 30/3 40", PublishedTotals.All, "SC/SC", "..", "SC", '.')]
    public void A_table_hides_small_cells_and_cascades_complements_across_rows_columns_and_totals(
        string grid, PublishedTotals totals, string expected, string? rowTotals, string? columnTotals, char? grand)
    {
        var table = Table(grid, totals);

        var marks = string.Join('/', table.Rows.Select(r => string.Concat(table.Columns.Select(c => Mark(table.Reason(r, c))))));
        Assert.Equal(expected, marks);
        if (rowTotals is not null)
        {
            Assert.Equal(rowTotals, string.Concat(table.Rows.Select(r => Mark(table.RowTotalReason(r)))));
        }
        if (columnTotals is not null)
        {
            Assert.Equal(columnTotals, string.Concat(table.Columns.Select(c => Mark(table.ColumnTotalReason(c)))));
        }
        if (grand is { } g)
        {
            Assert.Equal(g, Mark(table.GrandTotalReason));
        }
        Assert.Empty(Leaks(Cells(grid), totals, table.MinimumGroupSize, (i, j) => IsHidden(table, i, j)));
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(1, 5)]
    [InlineData(4, 5)]
    [InlineData(5, 5)]
    [InlineData(7, 7)]
    [InlineData(-3, 5)]
    public void The_minimum_group_size_is_never_below_five(int configured, int applied)
    {
        var options = new SuppressionOptions { MinimumGroupSize = configured };

        Assert.Equal(applied, options.MinimumGroupSize);
        var groups = SmallGroupSuppression.Groups([KeyValuePair.Create("A", 4), KeyValuePair.Create("B", 100)], false, options);
        Assert.True(groups.IsSuppressed("A"));
    }

    [Fact]
    public void The_minimum_group_size_defaults_to_ten_and_a_group_of_exactly_the_minimum_is_shown()
    {
        Assert.Equal(10, new SuppressionOptions().MinimumGroupSize);
        var groups = Groups("9 10 11", totalPublished: false);
        Assert.Equal("S..", Marks(groups));
    }

    [Fact]
    public void Asking_about_a_total_that_was_not_declared_published_is_a_bug()
    {
        var table = SmallGroupSuppression.Table([new PeopleCount<string, string>("A", "X", 30)], PublishedTotals.Rows, Ten);

        Assert.False(table.IsRowTotalSuppressed("A"));
        Assert.Throws<InvalidOperationException>(() => table.ColumnTotalReason("X"));
        Assert.Throws<InvalidOperationException>(() => table.IsGrandTotalSuppressed);
        Assert.Throws<KeyNotFoundException>(() => table.IsSuppressed("B", "X"));
    }

    [Fact]
    public void Negative_or_duplicate_cells_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => SmallGroupSuppression.Table([new PeopleCount<string, string>("A", "X", -1)], PublishedTotals.None, Ten));
        Assert.Throws<ArgumentException>(() => SmallGroupSuppression.Table([Cell("A", "X", 1), Cell("A", "X", 2)], PublishedTotals.None, Ten));
    }

    [Fact]
    public void The_same_cells_in_any_order_hide_the_same_figures()
    {
        var random = new Random(7);
        for (var n = 0; n < 50; n++)
        {
            var cells = RandomCells(random);
            var first = SmallGroupSuppression.Table(cells, PublishedTotals.All, Ten);
            var second = SmallGroupSuppression.Table(cells.OrderBy(_ => random.Next()).ToList(), PublishedTotals.All, Ten);

            Assert.Equal(Snapshot(first), Snapshot(second));
        }
    }

    [Fact]
    public void No_random_table_publishes_a_small_group_or_a_hidden_figure_a_reader_can_subtract_out()
    {
        var random = new Random(20261126);
        var suppressedSomething = 0;
        for (var n = 0; n < 2000; n++)
        {
            var cells = RandomCells(random);
            var totals = (PublishedTotals)random.Next(0, 8);
            var minimum = random.Next(3, 16);
            var table = SmallGroupSuppression.Table(cells, totals, new SuppressionOptions { MinimumGroupSize = minimum });

            var leaks = Leaks(cells, totals, table.MinimumGroupSize, (i, j) => IsHidden(table, i, j));

            Assert.True(leaks.Count == 0, $"Table {n} ({totals}, minimum {table.MinimumGroupSize}): {string.Join("; ", leaks)}");
            suppressedSomething += table.Rows.Any(r => table.Columns.Any(c => table.Reason(r, c) == SuppressionReason.Complementary)) ? 1 : 0;
        }
        // The tables must exercise complementary suppression, or the check above proves little.
        Assert.True(suppressedSomething > 500, $"only {suppressedSomething} tables needed a complement");
    }

    [Fact]
    public void The_leak_check_finds_what_hiding_only_small_groups_would_leak()
    {
        var random = new Random(1);
        var leaky = 0;
        for (var n = 0; n < 200; n++)
        {
            var cells = RandomCells(random);
            var grid = ToGrid(cells, out _, out _);
            // Naive suppression: hide exactly the small figures, cells and totals alike.
            leaky += Leaks(cells, PublishedTotals.All, 10, (i, j) => grid[i][j] is > 0 and < 10).Count > 0 ? 1 : 0;
        }
        Assert.True(leaky > 50, $"only {leaky} naive tables leaked");
    }

    [Fact]
    public void A_random_list_with_its_total_never_leaks_a_small_group()
    {
        var random = new Random(42);
        for (var n = 0; n < 1000; n++)
        {
            var counts = Enumerable.Range(0, random.Next(1, 12)).Select(_ => RandomCount(random)).ToList();
            var groups = SmallGroupSuppression.Groups(counts.Select((c, i) => KeyValuePair.Create(i, c)), true, Ten);

            var cells = counts.Select((c, i) => new PeopleCount<int, int>(i, 0, c)).ToList();
            var leaks = Leaks(cells, PublishedTotals.Columns, 10, (i, j) => i < counts.Count ? groups.IsSuppressed(i) : groups.IsTotalSuppressed);
            Assert.True(leaks.Count == 0, $"[{string.Join(", ", counts)}]: {string.Join("; ", leaks)}");
        }
    }

    private static PeopleCount<string, string> Cell(string row, string column, int people) => new(row, column, people);

    private static SuppressedTable<string, string> Table(string grid, PublishedTotals totals) =>
        SmallGroupSuppression.Table(Cells(grid), totals, Ten);

    private static List<PeopleCount<string, string>> Cells(string grid) =>
        [.. grid.Split('/').SelectMany((row, i) => row.Split(' ').Select((count, j) =>
            new PeopleCount<string, string>(((char)('A' + i)).ToString(), ((char)('X' + j)).ToString(), int.Parse(count, System.Globalization.CultureInfo.InvariantCulture))))];

    private static List<PeopleCount<int, int>> RandomCells(Random random)
    {
        var rows = random.Next(1, 7);
        var columns = random.Next(1, 7);
        return [.. Enumerable.Range(0, rows).SelectMany(i => Enumerable.Range(0, columns).Select(j => new PeopleCount<int, int>(i, j, RandomCount(random))))];
    }

    // Mostly small numbers and zeros, the cases that matter, with some large ones to complement with.
    private static int RandomCount(Random random) => random.Next(10) switch
    {
        < 3 => 0,
        < 6 => random.Next(1, 10),
        _ => random.Next(10, 200),
    };

    private static bool IsHidden<TRow, TColumn>(SuppressedTable<TRow, TColumn> table, int i, int j)
        where TRow : notnull
        where TColumn : notnull
    {
        var rows = table.Rows.Count;
        var columns = table.Columns.Count;
        return (i == rows, j == columns) switch
        {
            (false, false) => table.IsSuppressed(table.Rows[i], table.Columns[j]),
            (false, true) => table.IsRowTotalSuppressed(table.Rows[i]),
            (true, false) => table.IsColumnTotalSuppressed(table.Columns[j]),
            (true, true) => table.IsGrandTotalSuppressed,
        };
    }

    private static string Snapshot(SuppressedTable<int, int> table) =>
        string.Join('/', Enumerable.Range(0, table.Rows.Count + 1).Select(i => string.Concat(Enumerable.Range(0, table.Columns.Count + 1).Select(j => IsHidden(table, i, j) ? 'x' : '.'))));

    private static int[][] ToGrid<TRow, TColumn>(IReadOnlyList<PeopleCount<TRow, TColumn>> cells, out List<TRow> rows, out List<TColumn> columns)
        where TRow : notnull
        where TColumn : notnull
    {
        rows = [.. cells.Select(c => c.Row).Distinct().Order()];
        columns = [.. cells.Select(c => c.Column).Distinct().Order()];
        var grid = new int[rows.Count + 1][];
        for (var i = 0; i <= rows.Count; i++)
        {
            grid[i] = new int[columns.Count + 1];
        }
        foreach (var cell in cells)
        {
            var i = rows.IndexOf(cell.Row);
            var j = columns.IndexOf(cell.Column);
            grid[i][j] = cell.People;
            grid[i][columns.Count] += cell.People;
            grid[rows.Count][j] += cell.People;
            grid[rows.Count][columns.Count] += cell.People;
        }
        return grid;
    }

    /// <summary>
    /// Written from the rule, not from the implementation: what a reader of the published page could
    /// learn by looking at one row or one column (or the totals' own row and column) at a time.
    /// Position (i, j) with i == rows is a column total, j == columns a row total.
    /// </summary>
    private static List<string> Leaks<TRow, TColumn>(IReadOnlyList<PeopleCount<TRow, TColumn>> cells, PublishedTotals totals, int minimum, Func<int, int, bool> hidden)
        where TRow : notnull
        where TColumn : notnull
    {
        var grid = ToGrid(cells, out var rows, out var columns);
        var r = rows.Count;
        var c = columns.Count;
        bool Published(int i, int j) => (i < r, j < c) switch
        {
            (true, true) => true,
            (true, false) => totals.HasFlag(PublishedTotals.Rows),
            (false, true) => totals.HasFlag(PublishedTotals.Columns),
            (false, false) => totals.HasFlag(PublishedTotals.Grand),
        };

        var leaks = new List<string>();
        for (var i = 0; i <= r; i++)
        {
            for (var j = 0; j <= c; j++)
            {
                if (!Published(i, j))
                {
                    continue;
                }
                if (hidden(i, j))
                {
                    if (grid[i][j] == 0 && i < r && j < c)
                    {
                        leaks.Add($"({i},{j}) is a hidden zero");
                    }
                }
                else if (grid[i][j] is > 0 and var n && n < minimum)
                {
                    leaks.Add($"({i},{j}) shows {n} people");
                }
            }
        }

        // Each line: its members, the last being the total. A line counts only if its total is published.
        var lines = new List<(int I, int J)[]>();
        for (var i = 0; i <= r; i++)
        {
            lines.Add([.. Enumerable.Range(0, c + 1).Select(j => (i, j))]);
        }
        for (var j = 0; j <= c; j++)
        {
            lines.Add([.. Enumerable.Range(0, r + 1).Select(i => (i, j))]);
        }
        if (totals == PublishedTotals.Grand)
        {
            lines.Add([.. Enumerable.Range(0, r).SelectMany(i => Enumerable.Range(0, c).Select(j => (i, j))), (r, c)]);
        }
        foreach (var line in lines)
        {
            var total = line[^1];
            if (!Published(total.I, total.J) || line.Take(line.Length - 1).Any(m => !Published(m.I, m.J)))
            {
                continue;
            }
            var unknown = line.Where(m => hidden(m.I, m.J)).ToList();
            if (unknown.Count == 1)
            {
                var (i, j) = unknown[0];
                leaks.Add($"({i},{j}) = {grid[i][j]} follows from its line through ({total.I},{total.J})");
            }
        }
        return leaks;
    }
}
