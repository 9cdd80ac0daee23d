namespace Oppdrift.Shared.Privacy;

public enum SuppressionReason
{
    /// <summary>The figure may be published.</summary>
    None = 0,

    /// <summary>The figure rests on fewer people than the minimum group size.</summary>
    SmallGroup,

    /// <summary>The figure is large enough, but publishing it would let a hidden small group be worked out from a total.</summary>
    Complementary,
}

/// <summary>Which totals a page or export shows next to the cells; each one is an equation a reader could solve.</summary>
[Flags]
public enum PublishedTotals
{
    None = 0,
    Rows = 1,
    Columns = 2,
    Grand = 4,
    All = Rows | Columns | Grand,
}

/// <summary>One cell of a table: how many people the figure shown at (row, column) is about.</summary>
public readonly record struct PeopleCount<TRow, TColumn>(TRow Row, TColumn Column, int People);
