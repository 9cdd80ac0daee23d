// Changes a survey after it was made, and deletes one that was never asked. Until a round has been sent or has answers
// everything may change; after that only what leaves the meaning of earlier answers alone: the name, the themes
// statements are grouped in, the recurrence and the planned rounds' dates. A change is checked whole first and then
// written with an audit entry naming each changed field with its old and new value, in one save (with the benefit
// indicators that follow a renamed survey); a refusal names the field and saves nothing.
using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Organisation;
using Oppdrift.Shared;

namespace Oppdrift.Surveys;

/// <summary>A question as the edit form posts it; no id for one added from the library.</summary>
public sealed record QuestionEdit
{
    public int? Id { get; init; }
    public string? LibraryKey { get; init; }
    public QuestionKind Kind { get; init; }
    public string? TextNb { get; init; }
    public string? TextEn { get; init; }
    public string? ThemeKey { get; init; }
    public string? OptionsNb { get; init; }
    public string? OptionsEn { get; init; }
    public int ScaleMax { get; init; } = 5;
    public bool Required { get; init; }

    /// <summary>A library question, as it is added to a survey.</summary>
    public static QuestionEdit From(LibraryQuestion question)
    {
        ArgumentNullException.ThrowIfNull(question);
        return new QuestionEdit
        {
            LibraryKey = question.Key,
            Kind = question.Kind,
            TextNb = question.TextNb,
            TextEn = question.TextEn,
            ThemeKey = question.ThemeKey,
            OptionsNb = question.OptionsNb,
            OptionsEn = question.OptionsEn,
            ScaleMax = question.ScaleMax,
            Required = question.Kind != QuestionKind.FreeText,
        };
    }
}

/// <summary>A planned round as the edit form posts it: its days (in Oslo) and whom it asks.</summary>
public sealed record RoundEdit
{
    public int Id { get; init; }
    public DateOnly? Opens { get; init; }
    public DateOnly? Closes { get; init; }
    public RoundPopulation Population { get; init; }
    public int? AgencyId { get; init; }
    public int? UnitId { get; init; }
}

public sealed record SurveyEdit
{
    public string? Name { get; init; }
    public string? Description { get; init; }
    public int? RecurrenceMonths { get; init; }

    /// <summary>Every question the survey is to have, in order: the ones it keeps (by id) and the ones added.</summary>
    public IReadOnlyList<QuestionEdit> Questions { get; init; } = [];

    /// <summary>The planned rounds that change; a round left out stays as it is.</summary>
    public IReadOnlyList<RoundEdit> Rounds { get; init; } = [];
}

/// <summary>A survey as the edit page shows it: its themes, questions and rounds, and which of them may still change.</summary>
public sealed record SurveyEditView(Survey Survey, IReadOnlyList<SurveyRound> Rounds, bool Locked, IReadOnlySet<int> PlannedRounds)
{
    /// <summary>The form as it stands now.</summary>
    public SurveyEdit Edit() => new()
    {
        Name = Survey.Name,
        Description = Survey.Description,
        RecurrenceMonths = Survey.RecurrenceMonths,
        Questions = [.. Survey.Questions.OrderBy(q => q.SortOrder).Select(q => new QuestionEdit
        {
            Id = q.Id, LibraryKey = q.LibraryKey, Kind = q.Kind, TextNb = q.TextNb, TextEn = q.TextEn,
            ThemeKey = Survey.Themes.FirstOrDefault(t => t.Id == q.ThemeId)?.Key, OptionsNb = q.OptionsNb, OptionsEn = q.OptionsEn, ScaleMax = q.ScaleMax, Required = q.Required,
        })],
        Rounds = [.. Rounds.Where(r => PlannedRounds.Contains(r.Id)).Select(r => new RoundEdit
        {
            Id = r.Id, Opens = SurveyEditor.FirstDay(r.OpensAt), Closes = SurveyEditor.LastDay(r.ClosesAt), Population = r.Population, AgencyId = r.PopulationAgencyId,
            UnitId = r.PopulationUnitId,
        })],
    };
}

public sealed class SurveyEditor(OppdriftDb db, OrganisationDirectory directory, TimeProvider clock)
{
    /// <summary>The survey with what may change, or null when there is none.</summary>
    public async Task<SurveyEditView?> FindAsync(int id, CancellationToken cancellationToken)
    {
        var survey = await db.Surveys.AsNoTracking().Include(s => s.Themes).Include(s => s.Questions).Include(s => s.Rounds).AsSplitQuery()
            .SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (survey is null)
        {
            return null;
        }
        var asked = await AskedRoundsAsync(id, cancellationToken);
        return new SurveyEditView(survey, [.. survey.Rounds.OrderBy(r => r.Number)], asked.Count > 0,
            survey.Rounds.Where(r => r.Kind == RoundKind.Pulse && !asked.Contains(r.Id)).Select(r => r.Id).ToHashSet());
    }

    /// <summary>The rounds of a survey that have been sent, have links or have answers: once there is one, what the answers mean is fixed.</summary>
    private async Task<HashSet<int>> AskedRoundsAsync(int surveyId, CancellationToken cancellationToken) =>
        [.. await db.SurveyRounds.AsNoTracking()
            .Where(r => r.SurveyId == surveyId
                && (r.SentAt != null || db.SurveyInvitations.Any(i => i.RoundId == r.Id) || db.SurveyResponses.Any(x => x.RoundId == r.Id)))
            .Select(r => r.Id).ToListAsync(cancellationToken)];

    private static Result<Survey> Fail(string field, string key, params object?[] args) => Result<Survey>.Fail(field, SurveysText.Get(key, args));

    private static Result<Survey> Locked(string field, string label) => Fail(field, "ErrorLocked", label);

    public async Task<Result<Survey>> SaveAsync(int id, SurveyEdit edit, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(edit);
        ArgumentNullException.ThrowIfNull(user);
        var survey = await db.Surveys.Include(s => s.Themes).Include(s => s.Questions).Include(s => s.Rounds).AsSplitQuery()
            .SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (survey is null)
        {
            return Fail("", "SurveyNotFound");
        }
        var asked = await AskedRoundsAsync(id, cancellationToken);
        var locked = asked.Count > 0;

        var name = (edit.Name ?? "").Trim();
        if (name.Length == 0)
        {
            return Fail("name", "ErrorNameRequired");
        }
        if (name.Length > SurveysLengths.Name)
        {
            return Fail("name", "ErrorTooLong", SurveysText.Get("FieldName"), SurveysLengths.Name);
        }
        if (name != survey.Name && await db.Surveys.AnyAsync(s => s.Name == name && s.Id != id, cancellationToken))
        {
            return Fail("name", "ErrorNameTaken", name);
        }
        var description = string.IsNullOrWhiteSpace(edit.Description) ? null : edit.Description.Trim();
        if (description?.Length > SurveysLengths.Description)
        {
            return Fail("description", "ErrorTooLong", SurveysText.Get("FieldDescription"), SurveysLengths.Description);
        }
        if (locked && description != survey.Description)
        {
            return Locked("description", SurveysText.Get("FieldDescription"));
        }
        if (edit.RecurrenceMonths is < 1 or > 24)
        {
            return Fail("recurrence", "ErrorRecurrence");
        }

        var questions = CheckQuestions(survey, edit.Questions, locked);
        if (!questions.Succeeded)
        {
            return Result<Survey>.Fail(questions.Field!, questions.Error!);
        }
        var rounds = await CheckRoundsAsync(survey, edit.Rounds, asked, user, cancellationToken);
        if (!rounds.Succeeded)
        {
            return Result<Survey>.Fail(rounds.Field!, rounds.Error!);
        }

        var changes = new AuditChanges();
        var oldName = survey.Name;
        if (name != oldName)
        {
            // An indicator follows a survey by its name: it moves with it, in the same save.
            var moved = await SurveyMeasures.FollowRenameAsync(db, oldName, name, cancellationToken);
            if (moved is null)
            {
                return Fail("name", "ErrorNameTooLongForIndicators", BenefitsLengths.Measure);
            }
            if (moved.Count > 0)
            {
                changes.Add("indicators", null, moved);
            }
        }
        changes.Set("name", survey.Name, name, v => survey.Name = v);
        changes.Set("description", survey.Description, description, v => survey.Description = v);
        changes.Set("recurrenceMonths", survey.RecurrenceMonths, edit.RecurrenceMonths, v => survey.RecurrenceMonths = v);
        ApplyQuestions(survey, questions.Value!, changes);
        ApplyRounds(survey, rounds.Value!, changes);
        if (changes.Before.Count == 0)
        {
            return Result<Survey>.Ok(survey);
        }
        AuditLog.Record(db, clock, user.ActorName(), "surveys.edit", oldName, changes.Before, changes.After);
        await db.SaveChangesAsync(cancellationToken);
        return Result<Survey>.Ok(survey);
    }

    /// <summary>Deletes a survey no round has been made for; one with rounds keeps its history.</summary>
    public async Task<Result<string>> DeleteAsync(int id, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var survey = await db.Surveys.Include(s => s.Questions).SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (survey is null)
        {
            return Result<string>.Fail("", SurveysText.Get("SurveyNotFound"));
        }
        if (await db.SurveyRounds.AnyAsync(r => r.SurveyId == id, cancellationToken))
        {
            return Result<string>.Fail("delete", SurveysText.Get("ErrorDeleteHasRounds", survey.Name));
        }
        db.Surveys.Remove(survey);
        AuditLog.Record(db, clock, user.ActorName(), "surveys.delete", survey.Name,
            new { survey.Name, survey.Description, survey.RecurrenceMonths, Questions = survey.Questions.OrderBy(q => q.SortOrder).Select(q => q.TextNb).ToList() });
        await db.SaveChangesAsync(cancellationToken);
        return Result<string>.Ok(survey.Name);
    }

    /// <summary>A question checked against the survey, with its theme resolved (null: no theme) and, for an existing one, the question.</summary>
    private sealed record CheckedQuestion(SurveyQuestion? Existing, QuestionEdit Edit, string TextNb, string TextEn, string? OptionsNb, string? OptionsEn, string? ThemeKey);

    private static Result<List<CheckedQuestion>> CheckQuestions(Survey survey, IReadOnlyList<QuestionEdit> posted, bool locked)
    {
        static Result<List<CheckedQuestion>> Fail(string field, string message) => Result<List<CheckedQuestion>>.Fail(field, message);
        var existing = survey.Questions.ToDictionary(q => q.Id);
        var result = new List<CheckedQuestion>();
        if (posted.Count == 0)
        {
            return Fail("questions", SurveysText.Get("ErrorNoQuestions"));
        }
        for (var i = 0; i < posted.Count; i++)
        {
            var edit = posted[i];
            var field = $"questions[{i.ToString(CultureInfo.InvariantCulture)}]";
            string Label(string key) => SurveysText.Get("QuestionField", i + 1, SurveysText.Get(key));
            SurveyQuestion? question = null;
            if (edit.Id is { } questionId)
            {
                if (!existing.TryGetValue(questionId, out question) || result.Any(r => r.Existing?.Id == questionId))
                {
                    return Fail(field, SurveysText.Get("ErrorQuestionUnknown", i + 1));
                }
            }
            else if (locked)
            {
                return Fail("questions", SurveysText.Get("ErrorLocked", SurveysText.Get("FieldQuestions")));
            }
            if (!Enum.IsDefined(edit.Kind))
            {
                return Fail(field + ".kind", SurveysText.Get("ErrorInQuestion", i + 1, SurveysText.Get("ErrorQuestionKind")));
            }
            var textNb = (edit.TextNb ?? "").Trim();
            var textEn = string.IsNullOrWhiteSpace(edit.TextEn) ? textNb : edit.TextEn.Trim();
            var isChoice = edit.Kind is QuestionKind.SingleChoice or QuestionKind.MultipleChoice;
            var optionsNb = isChoice ? Lines(edit.OptionsNb) : null;
            var optionsEn = isChoice ? Lines(edit.OptionsEn) ?? optionsNb : null;
            if (question is not null && (!isChoice ? question.Kind == edit.Kind : optionsNb == Lines(question.OptionsNb)))
            {
                // Options as stored, when they say the same: a change of line endings is no change.
                optionsNb = question.OptionsNb;
                optionsEn = !isChoice || optionsEn == (Lines(question.OptionsEn) ?? Lines(question.OptionsNb)) ? question.OptionsEn : optionsEn;
            }
            var input = new QuestionInput(edit.Kind, textNb, textEn, edit.ThemeKey, optionsNb, optionsEn, edit.ScaleMax, edit.Required, edit.LibraryKey);
            if (SurveyDesigner.Check(input) is { } error)
            {
                var part = textNb.Length == 0 || textNb.Length > SurveysLengths.Text || textEn.Length > SurveysLengths.Text ? ".textNb" : isChoice ? ".optionsNb" : ".scaleMax";
                return Fail(field + part, SurveysText.Get("ErrorInQuestion", i + 1, error));
            }
            var themeKey = string.IsNullOrWhiteSpace(edit.ThemeKey) ? null : edit.ThemeKey.Trim();
            if (themeKey is not null && !survey.Themes.Any(t => t.Key == themeKey) && !SurveyLibrary.Themes.Any(t => t.Key == themeKey))
            {
                return Fail(field + ".theme", SurveysText.Get("ErrorInQuestion", i + 1, SurveysText.Get("ErrorThemeUnknown", themeKey)));
            }
            if (locked && question is not null)
            {
                // After answers the question must stay what people answered: its wording, scale, options and whether it was required.
                var scaleMax = edit.Kind == QuestionKind.Rating ? edit.ScaleMax : question.ScaleMax;
                if (edit.Kind != question.Kind || scaleMax != question.ScaleMax)
                {
                    return Fail(field + ".kind", SurveysText.Get("ErrorLocked", Label("FieldKind")));
                }
                if (textNb != question.TextNb || textEn != question.TextEn)
                {
                    return Fail(field + ".textNb", SurveysText.Get("ErrorLocked", Label("FieldQuestion")));
                }
                if (isChoice && (Lines(optionsNb) != Lines(question.OptionsNb) || (Lines(optionsEn) ?? Lines(optionsNb)) != (Lines(question.OptionsEn) ?? Lines(question.OptionsNb))))
                {
                    return Fail(field + ".optionsNb", SurveysText.Get("ErrorLocked", Label("FieldOptions")));
                }
                if (edit.Required != question.Required)
                {
                    return Fail(field + ".required", SurveysText.Get("ErrorLocked", Label("FieldRequired")));
                }
            }
            result.Add(new CheckedQuestion(question, edit, textNb, textEn, optionsNb, optionsEn, themeKey));
        }
        if (locked)
        {
            var before = survey.Questions.OrderBy(q => q.SortOrder).Select(q => q.Id).ToList();
            var after = result.Select(r => r.Existing!.Id).ToList();
            if (before.Count != after.Count)
            {
                return Fail("questions", SurveysText.Get("ErrorLocked", SurveysText.Get("FieldQuestions")));
            }
            if (!before.SequenceEqual(after))
            {
                return Fail("questions", SurveysText.Get("ErrorLocked", SurveysText.Get("FieldOrder")));
            }
        }
        return Result<List<CheckedQuestion>>.Ok(result);
    }

    /// <summary>Options one per line, each trimmed, empty lines dropped; null when there are none.</summary>
    private static string? Lines(string? text)
    {
        var lines = (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? null : string.Join('\n', lines);
    }

    private async Task<Result<List<(SurveyRound Round, RoundEdit Edit, DateTime OpensAt, DateTime ClosesAt)>>> CheckRoundsAsync(Survey survey,
        IReadOnlyList<RoundEdit> posted, HashSet<int> asked, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        static Result<List<(SurveyRound, RoundEdit, DateTime, DateTime)>> Fail(string field, string message) =>
            Result<List<(SurveyRound, RoundEdit, DateTime, DateTime)>>.Fail(field, message);
        var locked = asked.Count > 0;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(clock.GetUtcNow().UtcDateTime, LearningMail.Oslo));
        var result = new List<(SurveyRound, RoundEdit, DateTime, DateTime)>();
        IReadOnlyList<UnitRow>? units = null;
        for (var i = 0; i < posted.Count; i++)
        {
            var edit = posted[i];
            var field = $"rounds[{i.ToString(CultureInfo.InvariantCulture)}]";
            var round = survey.Rounds.FirstOrDefault(r => r.Id == edit.Id);
            if (round is null || result.Any(r => r.Item1.Id == edit.Id))
            {
                return Fail(field, SurveysText.Get("ErrorNoPulseRound"));
            }
            if (asked.Contains(round.Id) || round.Kind != RoundKind.Pulse)
            {
                return Fail(field, SurveysText.Get("ErrorRoundSent", round.Name));
            }
            var opens = edit.Opens ?? FirstDay(round.OpensAt);
            if (edit.Closes is not { } closes)
            {
                return Fail(field + ".closes", SurveysText.Get("ErrorRoundClosesRequired", round.Name));
            }
            // A date left as it was keeps the round's own time of day.
            var opensAt = opens == FirstDay(round.OpensAt) ? round.OpensAt : StartOfDay(opens);
            var closesAt = closes == LastDay(round.ClosesAt) ? round.ClosesAt : StartOfDay(closes.AddDays(1));
            if (closesAt != round.ClosesAt && closes < today)
            {
                return Fail(field + ".closes", SurveysText.Get("ErrorRoundClosesPast", round.Name));
            }
            if (closesAt <= opensAt)
            {
                return Fail(field + ".closes", SurveysText.Get("ErrorRoundClosesBeforeOpens", round.Name));
            }
            if (!Enum.IsDefined(edit.Population))
            {
                return Fail(field + ".population", SurveysText.Get("ErrorRoundPopulation", round.Name));
            }
            var agency = edit.Population is RoundPopulation.Agency or RoundPopulation.Leaders ? edit.AgencyId : null;
            var unit = edit.Population == RoundPopulation.Unit ? edit.UnitId : null;
            if (locked && (edit.Population != round.Population || agency != round.PopulationAgencyId || unit != round.PopulationUnitId))
            {
                return Fail(field + ".population", SurveysText.Get("ErrorLocked", SurveysText.Get("RoundField", round.Name, SurveysText.Get("Population"))));
            }
            if (edit.Population == RoundPopulation.Agency && agency is null)
            {
                return Fail(field + ".agency", SurveysText.Get("RoundError", round.Name, SurveysText.Get("ErrorRoundAgency")));
            }
            if (agency is { } a && (await directory.AgencyAsync(a, cancellationToken) is null || !user.CanSeeAgency(a)))
            {
                return Fail(field + ".agency", SurveysText.Get("RoundError", round.Name, SurveysText.Get("ErrorRoundAgency")));
            }
            if (edit.Population == RoundPopulation.Unit)
            {
                units ??= await directory.UnitsAsync(null, cancellationToken);
                if (units.FirstOrDefault(u => u.Id == unit) is not { } chosen || !user.CanSeeAgency(chosen.AgencyId))
                {
                    return Fail(field + ".unit", SurveysText.Get("RoundError", round.Name, SurveysText.Get("ErrorRoundUnit")));
                }
            }
            if (!await SurveyPulse.Asked(directory, edit.Population, agency, unit).AnyAsync(cancellationToken))
            {
                return Fail(field + ".population", SurveysText.Get("ErrorPopulationEmpty", round.Name));
            }
            result.Add((round, edit with { AgencyId = agency, UnitId = unit }, opensAt, closesAt));
        }
        return Result<List<(SurveyRound, RoundEdit, DateTime, DateTime)>>.Ok(result);
    }

    private void ApplyQuestions(Survey survey, List<CheckedQuestion> questions, AuditChanges changes)
    {
        var order = survey.Questions.OrderBy(q => q.SortOrder).Select(Describe).ToList();
        var kept = questions.Where(q => q.Existing is not null).Select(q => q.Existing!.Id).ToHashSet();
        var removed = survey.Questions.Where(q => !kept.Contains(q.Id)).OrderBy(q => q.SortOrder).ToList();
        foreach (var question in removed)
        {
            survey.Questions.Remove(question);
            db.SurveyQuestions.Remove(question);
        }
        if (removed.Count > 0)
        {
            changes.Add("questions.removed", removed.Select(q => q.TextNb).ToList(), null);
        }
        var added = new List<string>();
        for (var i = 0; i < questions.Count; i++)
        {
            var (existing, edit, textNb, textEn, optionsNb, optionsEn, themeKey) = questions[i];
            var question = existing;
            if (question is null)
            {
                question = new SurveyQuestion { TextNb = textNb, TextEn = textEn, LibraryKey = edit.LibraryKey is { Length: > 0 } key && SurveyLibrary.Find(key) is not null ? key : null };
                survey.Questions.Add(question);
                added.Add(textNb);
            }
            var at = $"questions[q{(existing?.Id ?? 0).ToString(CultureInfo.InvariantCulture)}]";
            if (existing is null)
            {
                at = $"questions[new {added.Count.ToString(CultureInfo.InvariantCulture)}]";
            }
            var theme = Theme(survey, themeKey);
            var track = existing is not null;
            void Set<T>(string property, T old, T value, Action<T> assign)
            {
                if (track)
                {
                    changes.Set(at + "." + property, old, value, assign);
                }
                else
                {
                    assign(value);
                }
            }
            Set("kind", question.Kind.ToString(), edit.Kind.ToString(), _ => question.Kind = edit.Kind);
            Set("textNb", question.TextNb, textNb, v => question.TextNb = v);
            Set("textEn", question.TextEn, textEn, v => question.TextEn = v);
            Set("optionsNb", question.OptionsNb, optionsNb, v => question.OptionsNb = v);
            Set("optionsEn", question.OptionsEn, optionsEn, v => question.OptionsEn = v);
            Set("scaleMax", question.ScaleMax, edit.Kind == QuestionKind.Rating ? edit.ScaleMax : question.ScaleMax, v => question.ScaleMax = v);
            Set("required", question.Required, edit.Required, v => question.Required = v);
            Set("theme", existing is null ? null : survey.Themes.FirstOrDefault(t => t.Id == question.ThemeId)?.Key, themeKey, _ => question.Theme = theme);
            if (theme is null)
            {
                question.ThemeId = null;
            }
            question.SortOrder = i;
        }
        if (added.Count > 0)
        {
            changes.Add("questions.added", null, added);
        }
        var newOrder = survey.Questions.OrderBy(q => q.SortOrder).Select(Describe).ToList();
        var keptBefore = order.Where(o => newOrder.Contains(o)).ToList();
        if (!keptBefore.SequenceEqual(newOrder.Where(o => keptBefore.Contains(o))))
        {
            changes.Add("questions.order", order, newOrder);
        }
        // A theme no question is in any more has nothing to show.
        foreach (var theme in survey.Themes.Where(t => !survey.Questions.Any(q => q.Theme == t || (q.Theme is null && q.ThemeId == t.Id))).ToList())
        {
            survey.Themes.Remove(theme);
            db.SurveyThemes.Remove(theme);
            changes.Add("themes.removed", theme.Key, null);
        }
    }

    private static string Describe(SurveyQuestion question) => question.Id > 0 ? "q" + question.Id.ToString(CultureInfo.InvariantCulture) : question.TextNb;

    /// <summary>The survey's theme with the key, made from the library's theme when the survey does not have it yet.</summary>
    private static SurveyTheme? Theme(Survey survey, string? key)
    {
        if (key is null)
        {
            return null;
        }
        var theme = survey.Themes.FirstOrDefault(t => t.Key == key);
        if (theme is null)
        {
            var library = SurveyLibrary.Themes.First(t => t.Key == key);
            theme = new SurveyTheme { Key = key, NameNb = library.NameNb, NameEn = library.NameEn, SortOrder = survey.Themes.Count == 0 ? 0 : survey.Themes.Max(t => t.SortOrder) + 1 };
            survey.Themes.Add(theme);
        }
        return theme;
    }

    private static void ApplyRounds(Survey survey, List<(SurveyRound Round, RoundEdit Edit, DateTime OpensAt, DateTime ClosesAt)> rounds, AuditChanges changes)
    {
        _ = survey;
        foreach (var (round, edit, opensAt, closesAt) in rounds)
        {
            var at = $"rounds[{round.Name}]";
            changes.Set(at + ".opensAt", round.OpensAt, opensAt, v => round.OpensAt = v);
            changes.Set(at + ".closesAt", round.ClosesAt, closesAt, v => round.ClosesAt = v);
            changes.Set(at + ".population", round.Population.ToString(), edit.Population.ToString(), _ => round.Population = edit.Population);
            changes.Set(at + ".agency", round.PopulationAgencyId, edit.AgencyId, v => round.PopulationAgencyId = v);
            changes.Set(at + ".unit", round.PopulationUnitId, edit.UnitId, v => round.PopulationUnitId = v);
        }
    }

    /// <summary>The first day of a round in Oslo.</summary>
    public static DateOnly FirstDay(DateTime utc) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utc, LearningMail.Oslo));

    /// <summary>The last day of a round in Oslo: a round closes at the start of the day after its last.</summary>
    public static DateOnly LastDay(DateTime utc) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utc.AddTicks(-1), LearningMail.Oslo));

    /// <summary>The start of a day in Oslo, in UTC.</summary>
    public static DateTime StartOfDay(DateOnly day) => TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue), LearningMail.Oslo);
}
