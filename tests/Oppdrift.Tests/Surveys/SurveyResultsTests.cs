using Oppdrift.Surveys;

namespace Oppdrift.Tests.Surveys;

public sealed class SurveyResultsTests
{
    private static readonly SurveysOptions Options = new();

    [Fact]
    public void Figures_are_mean_share_favourable_enps_and_change_since_the_last_round()
    {
        var data = new CountsBuilder(rounds: 2);
        // Agency 1, round 1: answers 1,2,3,4,5 ×2 (10 people); round 2: 4,4,4,4,5,5,5,5,3,2.
        data.Answer(round: 1, agency: 1, CountsBuilder.Likert, [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
        data.Answer(round: 2, agency: 1, CountsBuilder.Likert, [4, 4, 4, 4, 5, 5, 5, 5, 3, 2]);
        // eNPS round 1: 4 promoters (9,10), 3 passives (7,8), 3 detractors (0..6) of 10 → +10.
        data.Answer(round: 1, agency: 1, CountsBuilder.Enps, [9, 10, 9, 10, 7, 8, 7, 0, 6, 5]);
        data.Answer(round: 2, agency: 1, CountsBuilder.Enps, [9, 10, 9, 10, 9, 8, 7, 7, 6, 8]);
        data.Agency(2, "B", [20, 20]);
        data.Answer(round: 1, agency: 2, CountsBuilder.Likert, [.. Enumerable.Repeat(4, 10)]);
        data.Answer(round: 2, agency: 2, CountsBuilder.Likert, [.. Enumerable.Repeat(5, 10)]);

        var view = SurveyResults.Compute(data.Build(), Options, null, english: false);

        var likert = view.Questions.Single(q => q.QuestionId == CountsBuilder.Likert);
        var a1 = likert.Groups.Single(g => g.Group == "A").Rounds;
        Assert.Equal((10, 3.0, 40.0), (a1[0].Respondents!.Value, a1[0].Mean!.Value, a1[0].Favourable!.Value));
        Assert.Equal([2, 2, 2, 2, 2], a1[0].Distribution!);
        Assert.Null(a1[0].Change);
        Assert.Equal((4.1, 80.0, 40.0), (a1[1].Mean!.Value, a1[1].Favourable!.Value, a1[1].Change!.Value));
        var municipality = likert.Groups.Single(g => g.Group == GroupKeys.Municipality).Rounds;
        Assert.Equal((20, 70.0), (municipality[0].Respondents!.Value, municipality[0].Favourable!.Value));
        var enps = view.Questions.Single(q => q.QuestionId == CountsBuilder.Enps).Groups.Single(g => g.Group == "A").Rounds;
        Assert.Equal(10.0, enps[0].Enps!.Value);
        Assert.Equal(40.0, enps[1].Enps!.Value);
        Assert.Equal(30.0, enps[1].Change!.Value);
        Assert.Null(enps[0].Favourable);
        var participation = view.Groups.Single(g => g.Key == "A").Rounds[0];
        Assert.Equal((20, 10, 50.0), (participation.Invited!.Value, participation.Responded, participation.Rate!.Value));
        Assert.Equal(["Helt uenig", "Uenig", "Verken enig eller uenig", "Enig", "Helt enig"], likert.Labels);
        Assert.Equal(11, view.Questions.Single(q => q.QuestionId == CountsBuilder.Enps).Labels.Count);
    }

    [Fact]
    public void A_small_agency_is_hidden_with_its_smallest_sibling_and_the_theme_follows_its_statements()
    {
        var data = new CountsBuilder(rounds: 1);
        data.Agency(2, "B", [40]);
        data.Agency(3, "C", [40]);
        data.Answer(1, 1, CountsBuilder.Likert, [5, 5, 5, 5]);
        data.Answer(1, 2, CountsBuilder.Likert, [.. Enumerable.Repeat(3, 6)]);
        data.Answer(1, 3, CountsBuilder.Likert, [.. Enumerable.Repeat(4, 30)]);
        data.Answer(1, 1, CountsBuilder.Other, [4, 4, 4, 4, 4, 4, 4]);
        data.Answer(1, 2, CountsBuilder.Other, [.. Enumerable.Repeat(3, 6)]);
        data.Answer(1, 3, CountsBuilder.Other, [.. Enumerable.Repeat(4, 30)]);

        var view = SurveyResults.Compute(data.Build(), Options, null, english: false);

        var cells = view.Questions.Single(q => q.QuestionId == CountsBuilder.Likert).Groups.ToDictionary(g => g.Group, g => g.Rounds[0]);
        Assert.Equal(Hidden.SmallGroup, cells["A"].Suppressed);
        Assert.Null(cells["A"].Mean);
        Assert.Null(cells["A"].Respondents);
        Assert.Equal(Hidden.Complementary, cells["B"].Suppressed);
        Assert.Null(cells["C"].Suppressed);
        Assert.Equal(40, cells[GroupKeys.Municipality].Respondents);
        // A answered the other statement of the theme often enough, but its theme figure would include the hidden statement.
        var other = view.Questions.Single(q => q.QuestionId == CountsBuilder.Other).Groups.ToDictionary(g => g.Group, g => g.Rounds[0]);
        Assert.Null(other["A"].Suppressed);
        var theme = view.Themes.Single().Groups.ToDictionary(g => g.Group, g => g.Rounds[0]);
        Assert.Equal(Hidden.SmallGroup, theme["A"].Suppressed);
        Assert.Equal(Hidden.Complementary, theme["B"].Suppressed);
        Assert.Null(theme["C"].Suppressed);
    }

    [Fact]
    public void Comments_need_ten_writers_come_in_alphabetical_order_and_the_minimums_only_go_up()
    {
        var data = new CountsBuilder(rounds: 1);
        data.Agency(2, "B", [40]);
        data.Comment(1, 1, [.. Enumerable.Range(0, 12).Select(i => $"kommentar {(char)('z' - i)}")]);
        data.Comment(1, 2, [.. Enumerable.Range(0, 9).Select(i => $"b {i}")]);

        var view = SurveyResults.Compute(data.Build(), Options, null, english: false);

        var comments = view.Questions.Single(q => q.QuestionId == CountsBuilder.Comments).Comments.ToDictionary(c => c.Group, c => c.Rounds[0]);
        Assert.Equal(Hidden.SmallGroup, comments["B"].Suppressed);
        Assert.Null(comments["B"].Texts);
        // The municipality minus A would be B's nine: A is hidden with it.
        Assert.Equal(Hidden.Complementary, comments["A"].Suppressed);
        Assert.Equal(21, comments[GroupKeys.Municipality].Texts!.Count);
        Assert.Equal([.. comments[GroupKeys.Municipality].Texts!.Order(StringComparer.Ordinal)], comments[GroupKeys.Municipality].Texts!);

        Assert.Equal((5, 10), (new SurveysOptions { MinimumRespondents = 2, MinimumCommenters = 3 } is var low ? (low.MinimumRespondents, low.MinimumCommenters) : default));
        Assert.Equal((7, 15), (new SurveysOptions { MinimumRespondents = 7, MinimumCommenters = 15 } is var high ? (high.MinimumRespondents, high.MinimumCommenters) : default));
    }

    [Fact]
    public void An_agency_leader_sees_their_agencies_and_the_municipality_with_the_same_suppression()
    {
        var data = new CountsBuilder(rounds: 1);
        data.Agency(2, "B", [40]);
        data.Answer(1, 1, CountsBuilder.Likert, [5, 5, 5]);
        data.Answer(1, 2, CountsBuilder.Likert, [.. Enumerable.Repeat(3, 30)]);

        var all = SurveyResults.Compute(data.Build(), Options, null, english: false);
        var scoped = SurveyResults.Compute(data.Build(), Options, new HashSet<int> { 2 }, english: true);

        Assert.Equal([GroupKeys.Municipality, "B"], scoped.Groups.Select(g => g.Key));
        var cells = scoped.Questions.Single(q => q.QuestionId == CountsBuilder.Likert).Groups.ToDictionary(g => g.Group, g => g.Rounds[0]);
        // B is hidden for the leader too, or the municipality minus B would give A's three.
        Assert.Equal(Hidden.Complementary, cells["B"].Suppressed);
        Assert.Equal(all.Questions[0].Groups.Single(g => g.Group == "B").Rounds[0], cells["B"]);
        Assert.Equal("Strongly agree", scoped.Questions.Single(q => q.QuestionId == CountsBuilder.Likert).Labels[^1]);
    }

    [Fact]
    public void No_random_survey_shows_a_group_below_the_minimum_or_lets_one_be_worked_out()
    {
        var random = new Random(20261205);
        var complements = 0;
        for (var n = 0; n < 400; n++)
        {
            var (counts, options) = RandomSurvey(random);
            var view = SurveyResults.Compute(counts, options, null, english: false);
            var leaks = Leaks(counts, view, options);
            Assert.True(leaks.Count == 0, $"Survey {n}: {string.Join("; ", leaks)}");
            complements += view.Questions.SelectMany(q => q.Groups).SelectMany(g => g.Rounds).Count(c => c.Suppressed == Hidden.Complementary);
        }
        Assert.True(complements > 200, $"only {complements} complementary cells: the check proves little");
    }

    [Fact]
    public void The_leak_check_finds_what_hiding_only_small_groups_would_leak()
    {
        var random = new Random(3);
        var leaky = 0;
        for (var n = 0; n < 100; n++)
        {
            var (counts, options) = RandomSurvey(random);
            var view = SurveyResults.Compute(counts, options, null, english: false);
            // Naive: show every group of at least the minimum, whatever the siblings.
            var naive = Naive(counts, view, options);
            leaky += Leaks(counts, naive, options).Count > 0 ? 1 : 0;
        }
        Assert.True(leaky > 30, $"only {leaky} naive surveys leaked");
    }

    /// <summary>
    /// Everything a reader can work out: each published group must rest on at least the minimum, and the municipality
    /// minus every published group (what the hidden groups have together) must be nobody or at least the minimum; the
    /// same for themes (their statements' respondents) and comments (their writers). A change is only given between
    /// published figures.
    /// </summary>
    private static List<string> Leaks(SurveyCounts counts, SurveyResultsView view, SurveysOptions options)
    {
        var leaks = new List<string>();
        var rounds = counts.Rounds.OrderBy(r => r.Number).ToList();
        var keyOf = counts.Agencies.ToDictionary(a => a.Code, a => (int?)a.Id);
        keyOf[GroupKeys.Other] = null;
        int People(int round, int? agency, int question) => counts.Respondents.GetValueOrDefault((round, agency, question));
        int Writers(int round, int? agency, int question) => counts.Texts.TryGetValue((round, agency, question), out var t) ? t.Count : 0;

        void Check(string what, IReadOnlyList<(string Group, bool Published)> cells, Func<int?, int> people, int minimum)
        {
            var total = keyOf.Values.Sum(people);
            foreach (var (group, published) in cells.Where(c => c.Group != GroupKeys.Municipality))
            {
                var p = people(keyOf[group]);
                if (published && p > 0 && p < minimum)
                {
                    leaks.Add($"{what}: {group} shown with {p}");
                }
            }
            var municipality = cells.Single(c => c.Group == GroupKeys.Municipality);
            if (municipality.Published)
            {
                var residual = total - cells.Where(c => c.Group != GroupKeys.Municipality && c.Published).Sum(c => people(keyOf[c.Group]));
                if (residual > 0 && residual < minimum)
                {
                    leaks.Add($"{what}: the hidden groups together are {residual}");
                }
            }
            else if (total >= minimum)
            {
                // Fine: hiding more than needed leaks nothing.
            }
        }

        foreach (var question in view.Questions)
        {
            for (var r = 0; r < rounds.Count; r++)
            {
                var round = rounds[r].Id;
                if (question.Kind == nameof(QuestionKind.FreeText))
                {
                    Check($"comments {question.QuestionId} round {r + 1}", [.. question.Comments.Select(c => (c.Group, c.Rounds[r].Texts is not null))],
                        a => Writers(round, a, question.QuestionId), options.MinimumCommenters);
                    continue;
                }
                Check($"question {question.QuestionId} round {r + 1}", [.. question.Groups.Select(g => (g.Group, g.Rounds[r].Suppressed is null))],
                    a => People(round, a, question.QuestionId), options.MinimumRespondents);
                foreach (var group in question.Groups)
                {
                    if (group.Rounds[r].Change is not null && (r == 0 || group.Rounds[r - 1].Suppressed is not null || group.Rounds[r].Suppressed is not null))
                    {
                        leaks.Add($"question {question.QuestionId} round {r + 1}: {group.Group} has a change without two published figures");
                    }
                }
            }
        }
        foreach (var theme in view.Themes)
        {
            var members = counts.Questions.Where(q => q.ThemeId == counts.Themes.Single(t => t.Key == theme.Key).Id && q.IsScale && q.Kind != QuestionKind.Enps).ToList();
            for (var r = 0; r < rounds.Count; r++)
            {
                var round = rounds[r].Id;
                foreach (var member in members)
                {
                    Check($"theme {theme.Key} ({member.Id}) round {r + 1}", [.. theme.Groups.Select(g => (g.Group, g.Rounds[r].Suppressed is null))],
                        a => People(round, a, member.Id), options.MinimumRespondents);
                }
            }
        }
        return leaks;
    }

    /// <summary>The view with every group of at least the minimum shown, as a page without complementary suppression would.</summary>
    private static SurveyResultsView Naive(SurveyCounts counts, SurveyResultsView view, SurveysOptions options)
    {
        var rounds = counts.Rounds.OrderBy(r => r.Number).ToList();
        var keyOf = counts.Agencies.ToDictionary(a => a.Code, a => (int?)a.Id);
        keyOf[GroupKeys.Other] = null;
        var shown = new ScoreCell(1, 1, 1, null, null, null, null);
        return view with
        {
            Questions = [.. view.Questions.Select(q => q with
            {
                Groups = [.. q.Groups.Select(g => g with
                {
                    Rounds = [.. rounds.Select(r => g.Group == GroupKeys.Municipality || counts.Respondents.GetValueOrDefault((r.Id, keyOf[g.Group], q.QuestionId)) is 0 or >= 5
                        ? shown : ScoreCell.Hide(Hidden.SmallGroup))],
                })],
                Comments = [.. q.Comments.Select(c => c with
                {
                    Rounds = [.. rounds.Select(r => c.Group == GroupKeys.Municipality
                        || (counts.Texts.TryGetValue((r.Id, keyOf[c.Group], q.QuestionId), out var t) ? t.Count : 0) is 0 or >= 10
                        ? new CommentCell([], null) : new CommentCell(null, Hidden.SmallGroup))],
                })],
            })],
            Themes = [],
        };
    }

    private static (SurveyCounts Counts, SurveysOptions Options) RandomSurvey(Random random)
    {
        var data = new CountsBuilder(random.Next(1, 4), first: false);
        var agencies = random.Next(1, 8);
        for (var a = 1; a <= agencies; a++)
        {
            data.Agency(a, ((char)('A' + a - 1)).ToString(), [.. Enumerable.Range(0, data.Rounds).Select(_ => 60)]);
        }
        data.Agency(null, GroupKeys.Other, [.. Enumerable.Range(0, data.Rounds).Select(_ => 30)]);
        foreach (var round in Enumerable.Range(1, data.Rounds))
        {
            foreach (var agency in Enumerable.Range(1, agencies).Select(a => (int?)a).Append(null))
            {
                // Mostly small groups and empty ones, the cases that matter, with some large ones to complement with.
                var people = random.Next(10) switch { < 3 => random.Next(0, 5), < 5 => random.Next(5, 12), < 7 => 0, _ => random.Next(12, 60) };
                for (var p = 0; p < people; p++)
                {
                    foreach (var question in new[] { CountsBuilder.Likert, CountsBuilder.Other })
                    {
                        if (random.NextDouble() < 0.85)
                        {
                            data.Answer(round, agency, question, [random.Next(1, 6)]);
                        }
                    }
                    if (random.NextDouble() < 0.9)
                    {
                        data.Answer(round, agency, CountsBuilder.Enps, [random.Next(0, 11)]);
                    }
                    if (random.NextDouble() < 0.5)
                    {
                        data.Comment(round, agency, [$"tekst {random.Next(1000)}"]);
                    }
                }
            }
        }
        var options = new SurveysOptions { MinimumRespondents = random.Next(2) == 0 ? 5 : random.Next(5, 9), MinimumCommenters = random.Next(2) == 0 ? 10 : 12 };
        return (data.Build(), options);
    }
}

/// <summary>Survey counts built by hand: one survey with two statements of a theme, eNPS and a comment question.</summary>
internal sealed class CountsBuilder
{
    public const int Likert = 11;
    public const int Other = 12;
    public const int Enps = 13;
    public const int Comments = 14;

    private readonly List<(int Id, string Code, string Name)> _agencies = [];
    private readonly Dictionary<(int, int?), int> _invited = [];
    private readonly Dictionary<(int, int?), int> _responses = [];
    private readonly Dictionary<(int, int?, int), int> _respondents = [];
    private readonly Dictionary<(int, int?, int, int), int> _values = [];
    private readonly Dictionary<(int, int?, int), List<string>> _texts = [];

    public CountsBuilder(int rounds, bool first = true)
    {
        Rounds = rounds;
        if (first)
        {
            Agency(1, "A", [.. Enumerable.Repeat(20, rounds)]);
        }
    }

    public int Rounds { get; }

    public void Agency(int? id, string code, int[] invited)
    {
        if (id is { } agency)
        {
            _agencies.Add((agency, code, "Etat " + code));
        }
        for (var r = 0; r < invited.Length; r++)
        {
            _invited[(r + 1, id)] = invited[r];
        }
    }

    public void Answer(int round, int? agency, int question, int[] values)
    {
        foreach (var value in values)
        {
            _values[(round, agency, question, value)] = _values.GetValueOrDefault((round, agency, question, value)) + 1;
        }
        _respondents[(round, agency, question)] = _respondents.GetValueOrDefault((round, agency, question)) + values.Length;
        if (question == Likert)
        {
            _responses[(round, agency)] = _responses.GetValueOrDefault((round, agency)) + values.Length;
        }
    }

    public void Comment(int round, int? agency, string[] texts)
    {
        if (!_texts.TryGetValue((round, agency, Comments), out var list))
        {
            _texts[(round, agency, Comments)] = list = [];
        }
        list.AddRange(texts);
    }

    public SurveyCounts Build()
    {
        var theme = new SurveyTheme { Id = 1, SurveyId = 1, Key = "information", NameNb = "Finne informasjon", NameEn = "Finding information" };
        return new SurveyCounts
        {
            SurveyId = 1,
            Survey = "Puls",
            Rounds = [.. Enumerable.Range(1, Rounds).Select(r => new SurveyRound { Id = r, SurveyId = 1, Number = r, Name = $"Runde {r}", CreatedBy = "test" })],
            Questions =
            [
                new SurveyQuestion { Id = Likert, SurveyId = 1, ThemeId = 1, SortOrder = 0, Kind = QuestionKind.Likert, TextNb = "Jeg finner det jeg trenger.", TextEn = "I find what I need." },
                new SurveyQuestion { Id = Other, SurveyId = 1, ThemeId = 1, SortOrder = 1, Kind = QuestionKind.Likert, TextNb = "Jeg vet hvor ting ligger.", TextEn = "I know where things are." },
                new SurveyQuestion { Id = Enps, SurveyId = 1, SortOrder = 2, Kind = QuestionKind.Enps, TextNb = "Anbefale?", TextEn = "Recommend?" },
                new SurveyQuestion { Id = Comments, SurveyId = 1, SortOrder = 3, Kind = QuestionKind.FreeText, TextNb = "Kommentar", TextEn = "Comment" },
            ],
            Themes = [theme],
            Agencies = _agencies,
            Invited = _invited,
            Responses = _responses,
            Respondents = _respondents,
            Values = _values,
            Texts = _texts.ToDictionary(t => t.Key, t => (IReadOnlyList<string>)t.Value),
        };
    }
}
