// What others read of the Surveys module: the results of a survey (counted in the database, suppressed in
// SurveyResults) and the survey measures Benefits' indicators are wired to.
using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Organisation;

namespace Oppdrift.Surveys;

public sealed record SurveySummary(int Id, string Name, string? Description, int Questions, int Rounds, int Responses, DateTime? LastClosesAt);

/// <summary>
/// A figure of a survey a benefit indicator can follow: "theme:KEY" or "favourable:Q" (share favourable, %), "mean:Q"
/// (the mean) or "enps:Q", where Q is the question's library key or "q" and its id.
/// </summary>
public sealed record SurveyMeasureRef(string Survey, string Measure, string Name, int SurveyId);

/// <summary>
/// A survey measure at one round (dated by its close, <see cref="Opens"/> the day it opened): the municipality's value and
/// each agency's, null where hidden or unanswered.
/// </summary>
public sealed record SurveyMeasurePoint(DateOnly Date, string Round, double? Municipality, IReadOnlyDictionary<int, double?> Agencies, DateOnly Opens);

public sealed class SurveyQueries(OppdriftDb db, OrganisationDirectory directory, SurveysOptions options)
{
    public async Task<IReadOnlyList<SurveySummary>> ListAsync(CancellationToken cancellationToken)
    {
        var surveys = await db.Surveys.AsNoTracking().OrderBy(s => s.Name)
            .Select(s => new
            {
                s.Id,
                s.Name,
                s.Description,
                Questions = db.SurveyQuestions.Count(q => q.SurveyId == s.Id),
                Rounds = db.SurveyRounds.Count(r => r.SurveyId == s.Id),
                Responses = db.SurveyResponses.Count(x => db.SurveyRounds.Any(r => r.Id == x.RoundId && r.SurveyId == s.Id)),
                Last = db.SurveyRounds.Where(r => r.SurveyId == s.Id).Max(r => (DateTime?)r.ClosesAt),
            })
            .ToListAsync(cancellationToken);
        return [.. surveys.Select(s => new SurveySummary(s.Id, s.Name, s.Description, s.Questions, s.Rounds, s.Responses, s.Last))];
    }

    public async Task<int?> FindAsync(string name, CancellationToken cancellationToken) =>
        await db.Surveys.AsNoTracking().Where(s => s.Name == name).Select(s => (int?)s.Id).SingleOrDefaultAsync(cancellationToken);

    /// <summary>The results of a survey as pages, the CLI and the API show them; null when there is no such survey.</summary>
    public async Task<SurveyResultsView?> ResultsAsync(int surveyId, IReadOnlySet<int>? scope, bool english, CancellationToken cancellationToken)
    {
        var counts = await CountsAsync(surveyId, cancellationToken);
        return counts is null ? null : SurveyResults.Compute(counts, options, scope, english);
    }

    /// <summary>
    /// The survey and round number of the latest round opened by <paramref name="now"/> that asked an agency's people
    /// (a group of it was invited, or one of its people answered); null when none has.
    /// </summary>
    public async Task<(int SurveyId, int Round)?> LatestRoundForAgencyAsync(int agencyId, DateTime now, CancellationToken cancellationToken)
    {
        var round = await db.SurveyRounds.AsNoTracking()
            .Where(r => r.OpensAt <= now
                && (db.SurveyRoundGroups.Any(g => g.RoundId == r.Id && g.AgencyId == agencyId) || db.SurveyResponses.Any(x => x.RoundId == r.Id && x.AgencyId == agencyId)))
            .OrderByDescending(r => r.OpensAt).ThenByDescending(r => r.Id)
            .Select(r => new { r.SurveyId, r.Number })
            .FirstOrDefaultAsync(cancellationToken);
        return round is null ? null : (round.SurveyId, round.Number);
    }

    /// <summary>Every measure of every survey, for the indicator form.</summary>
    public async Task<IReadOnlyList<SurveyMeasureRef>> MeasuresAsync(bool english, CancellationToken cancellationToken)
    {
        var surveys = await db.Surveys.AsNoTracking().OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).ToListAsync(cancellationToken);
        var themes = await db.SurveyThemes.AsNoTracking().OrderBy(t => t.SortOrder).ToListAsync(cancellationToken);
        var questions = await db.SurveyQuestions.AsNoTracking().OrderBy(q => q.SortOrder).ToListAsync(cancellationToken);
        var measures = new List<SurveyMeasureRef>();
        foreach (var survey in surveys)
        {
            foreach (var theme in themes.Where(t => t.SurveyId == survey.Id && questions.Any(q => q.ThemeId == t.Id && q.Kind is QuestionKind.Likert or QuestionKind.Rating)))
            {
                measures.Add(new(survey.Name, "theme:" + theme.Key, SurveysText.Get("MeasureTheme", english ? theme.NameEn : theme.NameNb), survey.Id));
            }
            foreach (var question in questions.Where(q => q.SurveyId == survey.Id))
            {
                var reference = Reference(question);
                if (question.Kind is QuestionKind.Likert or QuestionKind.Rating)
                {
                    measures.Add(new(survey.Name, "favourable:" + reference, SurveysText.Get("MeasureFavourable", question.Text(english)), survey.Id));
                    measures.Add(new(survey.Name, "mean:" + reference, SurveysText.Get("MeasureMean", question.Text(english)), survey.Id));
                }
                else if (question.Kind == QuestionKind.Enps)
                {
                    measures.Add(new(survey.Name, "enps:" + reference, SurveysText.Get("MeasureEnps", question.Text(english)), survey.Id));
                }
            }
        }
        return measures;
    }

    /// <summary>A question as measures name it: its library key, or "q" and its id.</summary>
    public static string Reference(SurveyQuestion question)
    {
        ArgumentNullException.ThrowIfNull(question);
        return question.LibraryKey ?? "q" + question.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A measure at each round of the survey that has closed by <paramref name="until"/>, with the suppression of the
    /// results page (a hidden figure is null); empty when the survey or the measure does not exist.
    /// </summary>
    public async Task<IReadOnlyList<SurveyMeasurePoint>> MeasureAsync(string survey, string measure, DateOnly until, CancellationToken cancellationToken) =>
        await FindAsync(survey, cancellationToken) is { } id ? await MeasureAsync(id, measure, until, cancellationToken) : [];

    /// <inheritdoc cref="MeasureAsync(string, string, DateOnly, CancellationToken)"/>
    public async Task<IReadOnlyList<SurveyMeasurePoint>> MeasureAsync(int surveyId, string measure, DateOnly until, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(measure);
        if (await CountsAsync(surveyId, cancellationToken) is not { } counts)
        {
            return [];
        }
        var view = SurveyResults.Compute(counts, options, null, english: false);
        var colon = measure.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return [];
        }
        var (kind, reference) = (measure[..colon], measure[(colon + 1)..]);
        IReadOnlyList<GroupScores>? groups = kind == "theme"
            ? view.Themes.FirstOrDefault(t => t.Key == reference)?.Groups
            : counts.Questions.FirstOrDefault(q => Reference(q) == reference) is { } question ? view.Questions.First(q => q.QuestionId == question.Id).Groups : null;
        if (groups is null || groups.Count == 0)
        {
            return [];
        }
        double? Value(ScoreCell cell) => kind switch
        {
            "mean" => cell.Mean,
            "enps" => cell.Enps,
            _ => cell.Favourable,
        };
        var agencyOf = view.Groups.Where(g => g.AgencyId is not null).ToDictionary(g => g.Key, g => g.AgencyId!.Value);
        var points = new List<SurveyMeasurePoint>();
        var rounds = counts.Rounds.OrderBy(r => r.Number).ToList();
        for (var r = 0; r < rounds.Count; r++)
        {
            var date = DateOnly.FromDateTime(rounds[r].ClosesAt);
            if (date > until)
            {
                continue;
            }
            var municipality = groups.First(g => g.Group == GroupKeys.Municipality).Rounds[r];
            var agencies = groups.Where(g => agencyOf.ContainsKey(g.Group)).ToDictionary(g => agencyOf[g.Group], g => Value(g.Rounds[r]));
            points.Add(new SurveyMeasurePoint(date, rounds[r].Name, Value(municipality), agencies, DateOnly.FromDateTime(rounds[r].OpensAt)));
        }
        return points;
    }

    /// <summary>Everything a survey's results are computed from, counted in the database (no single answer leaves it, comments excepted).</summary>
    public async Task<SurveyCounts?> CountsAsync(int surveyId, CancellationToken cancellationToken)
    {
        var survey = await db.Surveys.AsNoTracking().Where(s => s.Id == surveyId).Select(s => new { s.Id, s.Name }).SingleOrDefaultAsync(cancellationToken);
        if (survey is null)
        {
            return null;
        }
        var rounds = await db.SurveyRounds.AsNoTracking().Where(r => r.SurveyId == surveyId).OrderBy(r => r.Number).ToListAsync(cancellationToken);
        var questions = await db.SurveyQuestions.AsNoTracking().Where(q => q.SurveyId == surveyId).OrderBy(q => q.SortOrder).ToListAsync(cancellationToken);
        var themes = await db.SurveyThemes.AsNoTracking().Where(t => t.SurveyId == surveyId).OrderBy(t => t.SortOrder).ToListAsync(cancellationToken);
        var roundIds = rounds.Select(r => r.Id).ToList();

        var invited = await db.SurveyRoundGroups.AsNoTracking().Where(g => roundIds.Contains(g.RoundId))
            .Select(g => new { g.RoundId, g.AgencyId, g.Invited }).ToListAsync(cancellationToken);
        var responses = await db.SurveyResponses.AsNoTracking().Where(r => roundIds.Contains(r.RoundId))
            .GroupBy(r => new { r.RoundId, r.AgencyId }).Select(g => new { g.Key.RoundId, g.Key.AgencyId, Count = g.Count() })
            .ToListAsync(cancellationToken);
        // The counts kept with each response and import (SurveyAnswerCount): a few thousand rows, not every answer.
        var counts = await SurveyStore.CountsAsync(db, roundIds, cancellationToken);
        var freeText = questions.Where(q => q.Kind == QuestionKind.FreeText).Select(q => q.Id).ToList();
        var texts = freeText.Count == 0 ? [] : await db.SurveyAnswers.AsNoTracking()
            .Where(a => freeText.Contains(a.QuestionId) && a.Text != null && a.Text != "")
            .Join(db.SurveyResponses.Where(r => roundIds.Contains(r.RoundId)), a => a.ResponseId, r => r.Id, (a, r) => new { r.RoundId, r.AgencyId, a.QuestionId, Text = a.Text! })
            .ToListAsync(cancellationToken);

        var agencyIds = invited.Select(i => i.AgencyId).Concat(responses.Select(r => r.AgencyId)).OfType<int>().Distinct().ToList();
        var agencies = agencyIds.Count == 0 ? [] : await directory.AgenciesAsync(agencyIds, cancellationToken);
        return new SurveyCounts
        {
            SurveyId = survey.Id,
            Survey = survey.Name,
            Rounds = rounds,
            Questions = questions,
            Themes = themes,
            Agencies = [.. agencies.Select(a => (a.Id, a.Code, a.Name))],
            Invited = invited.ToDictionary(i => (i.RoundId, i.AgencyId), i => i.Invited),
            Responses = responses.ToDictionary(r => (r.RoundId, r.AgencyId), r => r.Count),
            // A group's rows are made at zero with its first response; a zero is no answer.
            Respondents = counts.Where(c => c.Key.Value is null && c.Value > 0).ToDictionary(c => (c.Key.RoundId, c.Key.AgencyId, c.Key.QuestionId), c => c.Value),
            Values = counts.Where(c => c.Key.Value is not null && c.Value > 0).ToDictionary(c => (c.Key.RoundId, c.Key.AgencyId, c.Key.QuestionId, c.Key.Value!.Value), c => c.Value),
            Texts = texts.GroupBy(t => (t.RoundId, t.AgencyId, t.QuestionId)).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(t => t.Text)]),
        };
    }
}
