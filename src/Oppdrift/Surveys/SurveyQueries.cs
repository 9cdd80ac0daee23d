// What others read of the Surveys module: the results of a survey (counted in the database, suppressed in
// SurveyResults) and the survey measures Benefits' indicators are wired to.
using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Organisation;

namespace Oppdrift.Surveys;

public sealed record SurveySummary(int Id, string Name, string? Description, int Questions, int Rounds, int Responses, DateTime? LastClosesAt);

/// <summary>A measure of a survey a benefit indicator can use: a statement's or theme's share favourable, or an eNPS.</summary>
public sealed record SurveyMeasureRef(int SurveyId, string Survey, string Key, string Name, string Unit);

/// <summary>One round's value of a survey measure for the municipality or one agency; null when suppressed or unanswered.</summary>
public sealed record SurveyMeasureValue(int Round, string RoundName, DateOnly Date, double? Value, string? Suppressed);

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
        var answers = db.SurveyAnswers.AsNoTracking()
            .Join(db.SurveyResponses.Where(r => roundIds.Contains(r.RoundId)), a => a.ResponseId, r => r.Id, (a, r) => new { r.RoundId, r.AgencyId, a.QuestionId, a.Choice, a.Value, a.Text, a.ResponseId });
        var values = await answers.Where(a => a.Value != null)
            .GroupBy(a => new { a.RoundId, a.AgencyId, a.QuestionId, a.Value })
            .Select(g => new { g.Key.RoundId, g.Key.AgencyId, g.Key.QuestionId, g.Key.Value, Count = g.Count() })
            .ToListAsync(cancellationToken);
        // Every answer but a multiple choice is one row per response, Choice 0; a multiple choice has a row per choice ticked.
        var respondents = await answers.Where(a => a.Choice == 0)
            .GroupBy(a => new { a.RoundId, a.AgencyId, a.QuestionId })
            .Select(g => new { g.Key.RoundId, g.Key.AgencyId, g.Key.QuestionId, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var multiple = questions.Where(q => q.Kind == QuestionKind.MultipleChoice).Select(q => q.Id).ToList();
        var multipleRespondents = multiple.Count == 0 ? [] : await answers.Where(a => multiple.Contains(a.QuestionId))
            .GroupBy(a => new { a.RoundId, a.AgencyId, a.QuestionId })
            .Select(g => new { g.Key.RoundId, g.Key.AgencyId, g.Key.QuestionId, Count = g.Select(x => x.ResponseId).Distinct().Count() })
            .ToListAsync(cancellationToken);
        var freeText = questions.Where(q => q.Kind == QuestionKind.FreeText).Select(q => q.Id).ToList();
        var texts = freeText.Count == 0 ? [] : await answers.Where(a => freeText.Contains(a.QuestionId) && a.Text != null && a.Text != "")
            .Select(a => new { a.RoundId, a.AgencyId, a.QuestionId, Text = a.Text! })
            .ToListAsync(cancellationToken);

        var respondentCounts = respondents.Where(r => !multiple.Contains(r.QuestionId)).Concat(multipleRespondents)
            .ToDictionary(r => (r.RoundId, r.AgencyId, r.QuestionId), r => r.Count);
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
            Respondents = respondentCounts,
            Values = values.ToDictionary(v => (v.RoundId, v.AgencyId, v.QuestionId, v.Value!.Value), v => v.Count),
            Texts = texts.GroupBy(t => (t.RoundId, t.AgencyId, t.QuestionId)).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(t => t.Text)]),
        };
    }
}
