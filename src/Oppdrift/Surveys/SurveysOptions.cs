using Microsoft.Extensions.Configuration;
using Oppdrift.Shared.Privacy;

namespace Oppdrift.Surveys;

/// <summary>
/// How many must have answered before a figure (scores) or a comment list is shown, and the answer page's limits. The
/// minimums can be raised in configuration (<c>Surveys:MinimumRespondents</c>, <c>Surveys:MinimumCommenters</c>),
/// never lowered below 5 and 10.
/// </summary>
public sealed record SurveysOptions
{
    public const int LowestRespondents = SuppressionOptions.LowestMinimumGroupSize;
    public const int LowestCommenters = 10;

    private readonly int _respondents = LowestRespondents;
    private readonly int _commenters = LowestCommenters;

    public int MinimumRespondents
    {
        get => _respondents;
        init => _respondents = Math.Max(value, LowestRespondents);
    }

    public int MinimumCommenters
    {
        get => _commenters;
        init => _commenters = Math.Max(value, LowestCommenters);
    }

    /// <summary>The public address links in e-mails start with (e.g. https://oppdrift.kommune.no); none leaves a relative link.</summary>
    public string? PublicUrl { get; init; }

    /// <summary>Answer-page posts allowed per client address and minute.</summary>
    public int AnswerPostsPerMinute { get; init; } = 20;

    public SuppressionOptions Scores => new() { MinimumGroupSize = MinimumRespondents, ProtectHiddenSums = true };

    public SuppressionOptions Comments => new() { MinimumGroupSize = MinimumCommenters, ProtectHiddenSums = true };

    public static SurveysOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new SurveysOptions
        {
            MinimumRespondents = configuration.GetValue<int?>("Surveys:MinimumRespondents") ?? LowestRespondents,
            MinimumCommenters = configuration.GetValue<int?>("Surveys:MinimumCommenters") ?? LowestCommenters,
            PublicUrl = configuration["Surveys:PublicUrl"] ?? configuration["Learning:PublicUrl"],
            AnswerPostsPerMinute = configuration.GetValue<int?>("Surveys:AnswerPostsPerMinute") ?? 20,
        };
    }
}
