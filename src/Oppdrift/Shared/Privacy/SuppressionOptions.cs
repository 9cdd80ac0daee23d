namespace Oppdrift.Shared.Privacy;

/// <summary>How small a group of people may be before a figure about it is hidden.</summary>
public sealed record SuppressionOptions
{
    public const int DefaultMinimumGroupSize = 10;

    /// <summary>
    /// The floor no configuration can go below. Below about five people a figure stops being
    /// statistics and starts describing individuals a colleague can name (a team of three, one of
    /// them on leave), and the Norwegian rules on monitoring employees do not allow that. A
    /// misconfigured "1" or "0" must not quietly turn suppression off, so lower values are raised.
    /// </summary>
    public const int LowestMinimumGroupSize = 5;

    private readonly int _minimumGroupSize = DefaultMinimumGroupSize;

    /// <summary>Figures resting on fewer people than this (but more than none) are hidden; never below <see cref="LowestMinimumGroupSize"/>.</summary>
    public int MinimumGroupSize
    {
        get => _minimumGroupSize;
        init => _minimumGroupSize = Math.Max(value, LowestMinimumGroupSize);
    }

    /// <summary>
    /// Also hide more figures until the hidden members of every published line add up to at least the minimum (or to
    /// none). Without it two hidden groups of one person each are safe from subtraction one by one, but their sum, a
    /// group of two, is the total minus the rest; a survey's mean or distribution over that pair is then known.
    /// </summary>
    public bool ProtectHiddenSums { get; init; }
}
