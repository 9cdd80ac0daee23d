// Turns counted answers into the figures pages, the CLI and Benefits show, hiding what rests on too few people. Pure:
// SurveyQueries counts in the database and calls Compute; the randomised leak test calls it directly.
using Oppdrift.Shared.Privacy;

namespace Oppdrift.Surveys;

/// <summary>Why a figure is not shown, as pages and JSON name it.</summary>
public static class Hidden
{
    public const string SmallGroup = "SmallGroup";
    public const string Complementary = "Complementary";

    public static string? From(SuppressionReason reason) => reason switch
    {
        SuppressionReason.None => null,
        SuppressionReason.SmallGroup => SmallGroup,
        _ => Complementary,
    };
}

/// <summary>The municipality's key in results; agencies are their code, and agencies too small to be a group "other".</summary>
public static class GroupKeys
{
    public const string Municipality = "municipality";
    public const string Other = "other";
}

public sealed record RoundHeader(int Number, string Name, DateTime OpensAt, DateTime ClosesAt, string Kind);

public sealed record Participation(int? Invited, int Responded, double? Rate);

public sealed record ResultGroup(string Key, string Name, int? AgencyId, IReadOnlyList<Participation> Rounds);

/// <summary>
/// One group's figures for one question (or theme) in one round. When <see cref="Suppressed"/> is set every figure is
/// null. Change is the headline figure's change since the previous round (share favourable, or eNPS), in points.
/// </summary>
public sealed record ScoreCell(int? Respondents, double? Mean, double? Favourable, double? Enps, IReadOnlyList<int>? Distribution,
    double? Change, string? Suppressed)
{
    public static ScoreCell Hide(string reason) => new(null, null, null, null, null, null, reason);
}

/// <summary>The comments of one group in one round, in alphabetical order (never in order of arrival), or hidden.</summary>
public sealed record CommentCell(IReadOnlyList<string>? Texts, string? Suppressed);

public sealed record GroupScores(string Group, IReadOnlyList<ScoreCell> Rounds);

public sealed record GroupComments(string Group, IReadOnlyList<CommentCell> Rounds);

public sealed record QuestionResults(int QuestionId, string Text, string Kind, string? Theme, IReadOnlyList<string> Labels,
    IReadOnlyList<GroupScores> Groups, IReadOnlyList<GroupComments> Comments);

public sealed record ThemeResults(string Key, string Name, IReadOnlyList<GroupScores> Groups);

public sealed record SurveyResultsView(int SurveyId, string Survey, int MinimumRespondents, int MinimumCommenters,
    IReadOnlyList<RoundHeader> Rounds, IReadOnlyList<ResultGroup> Groups, IReadOnlyList<QuestionResults> Questions, IReadOnlyList<ThemeResults> Themes);

/// <summary>What the database holds for a survey, counted: the input of <see cref="SurveyResults.Compute"/>.</summary>
public sealed record SurveyCounts
{
    public required int SurveyId { get; init; }
    public required string Survey { get; init; }
    public required IReadOnlyList<SurveyRound> Rounds { get; init; }
    public required IReadOnlyList<SurveyQuestion> Questions { get; init; }
    public required IReadOnlyList<SurveyTheme> Themes { get; init; }

    /// <summary>Every agency that may appear (id, code, name); groups with no answers still show their participation.</summary>
    public required IReadOnlyList<(int Id, string Code, string Name)> Agencies { get; init; }

    /// <summary>Invited per (round, agency or null).</summary>
    public required IReadOnlyDictionary<(int Round, int? Agency), int> Invited { get; init; }

    /// <summary>Responses per (round, agency or null).</summary>
    public required IReadOnlyDictionary<(int Round, int? Agency), int> Responses { get; init; }

    /// <summary>Respondents per (round, agency or null, question): those who answered it.</summary>
    public required IReadOnlyDictionary<(int Round, int? Agency, int Question), int> Respondents { get; init; }

    /// <summary>Answers per (round, agency or null, question, value): scale values and chosen options.</summary>
    public required IReadOnlyDictionary<(int Round, int? Agency, int Question, int Value), int> Values { get; init; }

    /// <summary>Free-text answers per (round, agency or null, question).</summary>
    public required IReadOnlyDictionary<(int Round, int? Agency, int Question), IReadOnlyList<string>> Texts { get; init; }
}

public static class SurveyResults
{
    /// <summary>The suppression key of the "other" group (agencies too small to be their own group); agency ids start at 1.</summary>
    private const int OtherKey = 0;

    /// <summary>
    /// Every figure of a survey per group, question, theme and round. Suppression is decided over every group, whatever
    /// <paramref name="scope"/> shows: for each round and question, the groups with the municipality's total published
    /// (a small group is hidden, then its smallest sibling, then more until the hidden add up to the minimum); a theme's
    /// figure is hidden wherever one of its questions is. <paramref name="scope"/> null shows every agency and "other".
    /// </summary>
    public static SurveyResultsView Compute(SurveyCounts counts, SurveysOptions options, IReadOnlySet<int>? scope, bool english)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(options);
        var rounds = counts.Rounds.OrderBy(r => r.Number).ToList();
        var agencies = counts.Agencies.OrderBy(a => a.Name, StringComparer.Create(System.Globalization.CultureInfo.GetCultureInfo("nb-NO"), false)).ToList();
        var allKeys = new List<int?>([.. agencies.Select(a => (int?)a.Id), null]);

        var groups = new List<ResultGroup>
        {
            new(GroupKeys.Municipality, SurveysText.Get("Municipality"), null, [.. rounds.Select(r => Participate(counts, r.Id, allKeys))]),
        };
        var shown = new List<(string Key, int? Agency)>();
        foreach (var agency in agencies.Where(a => scope is null || scope.Contains(a.Id)))
        {
            groups.Add(new(agency.Code, agency.Name, agency.Id, [.. rounds.Select(r => Participate(counts, r.Id, [agency.Id]))]));
            shown.Add((agency.Code, agency.Id));
        }
        if (scope is null)
        {
            groups.Add(new(GroupKeys.Other, SurveysText.Get("OtherGroup"), null, [.. rounds.Select(r => Participate(counts, r.Id, [null]))]));
            shown.Add((GroupKeys.Other, null));
        }

        // (round, question) → suppression of its groups, scores and comments.
        var scoreHiding = new Dictionary<(int Round, int Question), SuppressedGroups<int>>();
        var commentHiding = new Dictionary<(int Round, int Question), SuppressedGroups<int>>();
        foreach (var round in rounds)
        {
            foreach (var question in counts.Questions)
            {
                if (question.Kind == QuestionKind.FreeText)
                {
                    commentHiding[(round.Id, question.Id)] = SmallGroupSuppression.Groups(
                        allKeys.Select(a => KeyValuePair.Create(a ?? OtherKey, counts.Texts.TryGetValue((round.Id, a, question.Id), out var t) ? t.Count : 0)),
                        true, options.Comments);
                }
                else
                {
                    scoreHiding[(round.Id, question.Id)] = SmallGroupSuppression.Groups(
                        allKeys.Select(a => KeyValuePair.Create(a ?? OtherKey, counts.Respondents.GetValueOrDefault((round.Id, a, question.Id)))),
                        true, options.Scores);
                }
            }
        }

        var themes = counts.Themes.OrderBy(t => t.SortOrder).ToList();
        var themeNames = themes.ToDictionary(t => t.Id, t => english ? t.NameEn : t.NameNb);
        var questions = new List<QuestionResults>();
        foreach (var question in counts.Questions.OrderBy(q => q.SortOrder))
        {
            var labels = Labels(question, english);
            var scores = new List<GroupScores>();
            var comments = new List<GroupComments>();
            if (question.Kind == QuestionKind.FreeText)
            {
                comments.Add(new(GroupKeys.Municipality, [.. rounds.Select(r => Comments(counts, commentHiding[(r.Id, question.Id)], r.Id, question.Id, allKeys, null))]));
                foreach (var (key, agency) in shown)
                {
                    comments.Add(new(key, [.. rounds.Select(r => Comments(counts, commentHiding[(r.Id, question.Id)], r.Id, question.Id, [agency], agency ?? OtherKey))]));
                }
            }
            else
            {
                scores.Add(new(GroupKeys.Municipality, Series(rounds, r => Score(counts, question, scoreHiding[(r.Id, question.Id)], r.Id, allKeys, null))));
                foreach (var (key, agency) in shown)
                {
                    scores.Add(new(key, Series(rounds, r => Score(counts, question, scoreHiding[(r.Id, question.Id)], r.Id, [agency], agency ?? OtherKey))));
                }
            }
            questions.Add(new(question.Id, question.Text(english), question.Kind.ToString(), question.ThemeId is { } theme ? themeNames.GetValueOrDefault(theme) : null,
                labels, scores, comments));
        }

        var themeResults = new List<ThemeResults>();
        foreach (var theme in themes)
        {
            var members = counts.Questions.Where(q => q.ThemeId == theme.Id && q.Kind is QuestionKind.Likert or QuestionKind.Rating).ToList();
            if (members.Count == 0)
            {
                continue;
            }
            var themeScores = new List<GroupScores>
            {
                new(GroupKeys.Municipality, Series(rounds, r => Theme(counts, members, scoreHiding, r.Id, allKeys, null))),
            };
            foreach (var (key, agency) in shown)
            {
                themeScores.Add(new(key, Series(rounds, r => Theme(counts, members, scoreHiding, r.Id, [agency], agency ?? OtherKey))));
            }
            themeResults.Add(new(theme.Key, english ? theme.NameEn : theme.NameNb, themeScores));
        }

        return new SurveyResultsView(counts.SurveyId, counts.Survey, options.MinimumRespondents, options.MinimumCommenters,
            [.. rounds.Select(r => new RoundHeader(r.Number, r.Name, r.OpensAt, r.ClosesAt, r.Kind.ToString()))], groups, questions, themeResults);
    }

    /// <summary>The answer labels in scale order: Likert's five, 0–10, 1–max, or the options.</summary>
    public static IReadOnlyList<string> Labels(SurveyQuestion question, bool english)
    {
        ArgumentNullException.ThrowIfNull(question);
        return question.Kind switch
        {
            QuestionKind.Likert => english ? SurveyLibrary.LikertLabelsEn : SurveyLibrary.LikertLabelsNb,
            QuestionKind.Enps or QuestionKind.Rating => [.. Enumerable.Range(question.Min, question.Max - question.Min + 1).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            QuestionKind.SingleChoice or QuestionKind.MultipleChoice => question.Options(english),
            _ => [],
        };
    }

    private static Participation Participate(SurveyCounts counts, int round, IEnumerable<int?> agencies)
    {
        int? invited = null;
        var responded = 0;
        foreach (var agency in agencies)
        {
            if (counts.Invited.TryGetValue((round, agency), out var i))
            {
                invited = (invited ?? 0) + i;
            }
            responded += counts.Responses.GetValueOrDefault((round, agency));
        }
        return new(invited, responded, invited is > 0 ? Math.Round(100.0 * responded / invited.Value, 1) : null);
    }

    /// <summary>Fills in each round's change from the previous round, where both are shown.</summary>
    private static List<ScoreCell> Series(List<SurveyRound> rounds, Func<SurveyRound, ScoreCell> cell)
    {
        var cells = new List<ScoreCell>(rounds.Count);
        foreach (var round in rounds)
        {
            var current = cell(round);
            var previous = cells.Count > 0 ? cells[^1] : null;
            var now = current.Enps ?? current.Favourable;
            var before = previous?.Enps ?? previous?.Favourable;
            cells.Add(now is { } n && before is { } b ? current with { Change = Math.Round(n - b, 1) } : current);
        }
        return cells;
    }

    private static ScoreCell Score(SurveyCounts counts, SurveyQuestion question, SuppressedGroups<int> hiding, int round, IReadOnlyList<int?> agencies, int? key)
    {
        var reason = key is { } k ? hiding.Reason(k) : hiding.TotalReason;
        if (Hidden.From(reason) is { } hidden)
        {
            return ScoreCell.Hide(hidden);
        }
        var respondents = agencies.Sum(a => counts.Respondents.GetValueOrDefault((round, a, question.Id)));
        var distribution = new int[Math.Max(question.Max - question.Min + 1, 0)];
        for (var v = question.Min; v <= question.Max; v++)
        {
            distribution[v - question.Min] = agencies.Sum(a => counts.Values.GetValueOrDefault((round, a, question.Id, v)));
        }
        if (!question.IsScale)
        {
            return new(respondents, null, null, null, distribution, null, null);
        }
        return Figures(respondents, [(question, distribution)]);
    }

    /// <summary>Mean, share favourable (the top two of a 1–5 scale) and eNPS from distributions of answers.</summary>
    private static ScoreCell Figures(int respondents, List<(SurveyQuestion Question, int[] Distribution)> parts)
    {
        long answers = 0, sum = 0, favourable = 0, promoters = 0, detractors = 0;
        var enps = false;
        int[]? single = parts.Count == 1 ? parts[0].Distribution : null;
        foreach (var (question, distribution) in parts)
        {
            for (var i = 0; i < distribution.Length; i++)
            {
                var value = question.Min + i;
                var n = distribution[i];
                answers += n;
                sum += (long)value * n;
                if (question.Kind == QuestionKind.Enps)
                {
                    enps = true;
                    promoters += value >= 9 ? n : 0;
                    detractors += value <= 6 ? n : 0;
                }
                else if (value >= question.Max - 1)
                {
                    favourable += n;
                }
            }
        }
        if (answers == 0)
        {
            return new(respondents, null, null, null, single, null, null);
        }
        double mean = Math.Round((double)sum / answers, 2);
        return enps
            ? new(respondents, mean, null, Math.Round(100.0 * (promoters - detractors) / answers, 1), single, null, null)
            : new(respondents, mean, Math.Round(100.0 * favourable / answers, 1), null, single, null, null);
    }

    private static ScoreCell Theme(SurveyCounts counts, List<SurveyQuestion> members, Dictionary<(int Round, int Question), SuppressedGroups<int>> hiding,
        int round, IReadOnlyList<int?> agencies, int? key)
    {
        // Shown only where every statement of the theme is: a theme figure over a hidden statement would let its
        // answers be worked out from the theme minus the statements shown.
        var reasons = members.Select(q => key is { } k ? hiding[(round, q.Id)].Reason(k) : hiding[(round, q.Id)].TotalReason).ToList();
        if (reasons.Any(r => r != SuppressionReason.None))
        {
            return ScoreCell.Hide(reasons.Contains(SuppressionReason.SmallGroup) ? Hidden.SmallGroup : Hidden.Complementary);
        }
        var parts = new List<(SurveyQuestion, int[])>();
        var respondents = 0;
        foreach (var question in members)
        {
            var distribution = new int[question.Max - question.Min + 1];
            for (var v = question.Min; v <= question.Max; v++)
            {
                distribution[v - question.Min] = agencies.Sum(a => counts.Values.GetValueOrDefault((round, a, question.Id, v)));
            }
            parts.Add((question, distribution));
            respondents = Math.Max(respondents, agencies.Sum(a => counts.Respondents.GetValueOrDefault((round, a, question.Id))));
        }
        // A theme pools its statements: its distribution would mix scales, so only its mean and share favourable are given.
        return Figures(respondents, parts) with { Distribution = null };
    }

    private static CommentCell Comments(SurveyCounts counts, SuppressedGroups<int> hiding, int round, int question, IReadOnlyList<int?> agencies, int? key)
    {
        var reason = key is { } k ? hiding.Reason(k) : hiding.TotalReason;
        if (Hidden.From(reason) is { } hidden)
        {
            return new(null, hidden);
        }
        var texts = agencies.SelectMany(a => counts.Texts.TryGetValue((round, a, question), out var t) ? t : [])
            .Order(StringComparer.Ordinal).ToList();
        return new(texts, null);
    }
}
