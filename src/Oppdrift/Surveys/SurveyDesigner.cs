// Creates and changes surveys: from the starter library, question by question, and their themes.
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Shared;

namespace Oppdrift.Surveys;

public sealed record QuestionInput(QuestionKind Kind, string TextNb, string? TextEn, string? ThemeKey, string? OptionsNb = null, string? OptionsEn = null,
    int ScaleMax = 5, bool Required = false, string? LibraryKey = null);

public sealed class SurveyDesigner(OppdriftDb db, TimeProvider clock)
{
    /// <summary>A new survey with the given library questions (in the library's order) and the themes they belong to.</summary>
    public async Task<Result<Survey>> CreateAsync(string name, string? description, IEnumerable<string> libraryKeys, int? recurrenceMonths, string actor,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(libraryKeys);
        var keys = libraryKeys.ToList();
        var unknown = keys.FirstOrDefault(k => SurveyLibrary.Find(k) is null);
        if (unknown is not null)
        {
            return Result<Survey>.Fail("questions", SurveysText.Get("ErrorUnknownLibraryQuestion", unknown));
        }
        var inputs = SurveyLibrary.Questions.Where(q => keys.Contains(q.Key))
            .Select(q => new QuestionInput(q.Kind, q.TextNb, q.TextEn, q.ThemeKey, q.OptionsNb, q.OptionsEn, q.ScaleMax, Required: q.Kind != QuestionKind.FreeText, LibraryKey: q.Key));
        return await CreateAsync(name, description, inputs, recurrenceMonths, actor, cancellationToken);
    }

    public async Task<Result<Survey>> CreateAsync(string name, string? description, IEnumerable<QuestionInput> questions, int? recurrenceMonths, string actor,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(questions);
        name = (name ?? "").Trim();
        if (name.Length == 0)
        {
            return Result<Survey>.Fail("name", SurveysText.Get("ErrorNameRequired"));
        }
        if (name.Length > SurveysLengths.Name)
        {
            return Result<Survey>.Fail("name", SurveysText.Get("ErrorTooLong", SurveysText.Get("FieldName"), SurveysLengths.Name));
        }
        if (description?.Length > SurveysLengths.Description)
        {
            return Result<Survey>.Fail("description", SurveysText.Get("ErrorTooLong", SurveysText.Get("FieldDescription"), SurveysLengths.Description));
        }
        if (recurrenceMonths is < 1 or > 24)
        {
            return Result<Survey>.Fail("recurrence", SurveysText.Get("ErrorRecurrence"));
        }
        if (await db.Surveys.AnyAsync(s => s.Name == name, cancellationToken))
        {
            return Result<Survey>.Fail("name", SurveysText.Get("ErrorNameTaken", name));
        }
        var survey = new Survey
        {
            Name = name,
            Description = string.IsNullOrWhiteSpace(description) ? null : description.Trim(),
            RecurrenceMonths = recurrenceMonths,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            CreatedBy = actor,
        };
        var order = 0;
        foreach (var input in questions)
        {
            if (Check(input) is { } error)
            {
                return Result<Survey>.Fail($"questions[{order}]", error);
            }
            SurveyTheme? theme = null;
            if (input.ThemeKey is { Length: > 0 } key)
            {
                theme = survey.Themes.FirstOrDefault(t => t.Key == key);
                if (theme is null)
                {
                    var library = SurveyLibrary.Themes.FirstOrDefault(t => t.Key == key);
                    theme = new SurveyTheme { Key = key, NameNb = library?.NameNb ?? key, NameEn = library?.NameEn ?? key, SortOrder = survey.Themes.Count };
                    survey.Themes.Add(theme);
                }
            }
            survey.Questions.Add(new SurveyQuestion
            {
                Kind = input.Kind,
                TextNb = input.TextNb.Trim(),
                TextEn = string.IsNullOrWhiteSpace(input.TextEn) ? input.TextNb.Trim() : input.TextEn.Trim(),
                OptionsNb = input.OptionsNb,
                OptionsEn = input.OptionsEn ?? input.OptionsNb,
                ScaleMax = input.ScaleMax,
                Required = input.Required,
                LibraryKey = input.LibraryKey,
                SortOrder = order++,
                Theme = theme,
            });
        }
        if (survey.Questions.Count == 0)
        {
            return Result<Survey>.Fail("questions", SurveysText.Get("ErrorNoQuestions"));
        }

        db.Surveys.Add(survey);
        AuditLog.Record(db, clock, actor, "surveys.create", survey.Name, null, new { survey.Name, Questions = survey.Questions.Count });
        await db.SaveChangesAsync(cancellationToken);
        return Result<Survey>.Ok(survey);
    }

    /// <summary>What is wrong with a question, or null.</summary>
    public static string? Check(QuestionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (string.IsNullOrWhiteSpace(input.TextNb))
        {
            return SurveysText.Get("ErrorQuestionTextRequired");
        }
        if (input.TextNb.Length > SurveysLengths.Text || input.TextEn?.Length > SurveysLengths.Text)
        {
            return SurveysText.Get("ErrorTooLong", SurveysText.Get("FieldQuestion"), SurveysLengths.Text);
        }
        if (input.Kind is QuestionKind.SingleChoice or QuestionKind.MultipleChoice)
        {
            var options = (input.OptionsNb ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (options.Length < 2)
            {
                return SurveysText.Get("ErrorTooFewOptions");
            }
            if (input.OptionsNb!.Length > SurveysLengths.Options || input.OptionsEn?.Length > SurveysLengths.Options)
            {
                return SurveysText.Get("ErrorTooLong", SurveysText.Get("FieldOptions"), SurveysLengths.Options);
            }
        }
        if (input.Kind == QuestionKind.Rating && input.ScaleMax is < 2 or > 10)
        {
            return SurveysText.Get("ErrorRatingScale");
        }
        return null;
    }

    /// <summary>Adds a round; its number follows the survey's last.</summary>
    public async Task<SurveyRound> AddRoundAsync(int surveyId, string name, RoundKind kind, DateTime opensAt, DateTime closesAt, string actor,
        CancellationToken cancellationToken, RoundPopulation population = RoundPopulation.Everyone, int? agencyId = null, int? unitId = null)
    {
        var number = (await db.SurveyRounds.Where(r => r.SurveyId == surveyId).MaxAsync(r => (int?)r.Number, cancellationToken) ?? 0) + 1;
        var round = new SurveyRound
        {
            SurveyId = surveyId,
            Number = number,
            Name = name,
            Kind = kind,
            OpensAt = opensAt,
            ClosesAt = closesAt,
            Population = population,
            PopulationAgencyId = agencyId,
            PopulationUnitId = unitId,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            CreatedBy = actor,
        };
        db.SurveyRounds.Add(round);
        return round;
    }
}
