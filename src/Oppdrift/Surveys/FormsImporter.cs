// Imports a Microsoft Forms export into a survey round: reads and checks the whole file, maps columns to questions and
// rows to agencies, then writes the round's responses in one transaction. E-mail addresses are used only to find the
// agency and are never stored; neither are the Forms IDs or times.
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Shared;

namespace Oppdrift.Surveys;

public sealed record FormsImportRequest
{
    public required string SurveyName { get; init; }
    public required string Actor { get; init; }

    /// <summary>The round to import into (created when missing); default "Import yyyy-MM" of the last completion.</summary>
    public string? RoundName { get; init; }

    /// <summary>The header of the column answering "which agency do you work in?"; found by its wording when not given.</summary>
    public string? AgencyColumn { get; init; }

    /// <summary>Column header → question id, from the mapping step; headers matched to question texts when not given.</summary>
    public IReadOnlyDictionary<string, int>? Mapping { get; init; }

    /// <summary>
    /// How many were asked per agency, when the form went to a sample rather than everyone; by default a new round's
    /// response rate is taken against each agency's head count in the directory.
    /// </summary>
    public IReadOnlyDictionary<int, int>? Invited { get; init; }
}

public enum FormsImportStatus
{
    Imported,
    Rejected,
}

public sealed record FormsImportResult(FormsImportStatus Status, IReadOnlyList<InputError> Errors, int SurveyId = 0, int RoundId = 0, int Responses = 0, bool SurveyCreated = false);

/// <summary>A column as the mapping step shows it: header, what it looks like, and the question it goes to.</summary>
public sealed record ColumnProposal(string Header, QuestionKind Kind, IReadOnlyList<string> Samples, int? QuestionId, bool IsAgency);

public sealed class FormsImporter(OppdriftDb db, OrganisationDirectory directory, SurveysOptions options, TimeProvider clock)
{
    private static readonly string[] AgencyWords = ["virksomhet", "etat", "agency", "arbeider du i", "jobber du i"];

    public async Task<FormsImportResult> ImportAsync(byte[] content, string fileName, FormsImportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(request);
        var (export, readErrors) = FormsExportReader.Read(new MemoryStream(content, writable: false), fileName);
        if (export is null)
        {
            return Rejected(readErrors);
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(content));
        var agencyColumn = FindAgencyColumn(export, request.AgencyColumn);
        if (request.AgencyColumn is not null && agencyColumn is null)
        {
            return Rejected([new InputError(fileName, 1, null, request.AgencyColumn, SurveysText.Get("FormsAgencyColumnMissing", request.AgencyColumn))]);
        }

        var survey = await db.Surveys.Include(s => s.Questions).SingleOrDefaultAsync(s => s.Name == request.SurveyName, cancellationToken);
        if (survey is not null)
        {
            var earlier = await db.SurveyImports.AsNoTracking()
                .Where(i => i.Sha256 == hash && db.SurveyRounds.Any(r => r.Id == i.RoundId && r.SurveyId == survey.Id))
                .Select(i => new { i.FileName, i.ImportedAt }).FirstOrDefaultAsync(cancellationToken);
            if (earlier is not null)
            {
                return Rejected([new InputError(fileName, 0, null, null, SurveysText.Get("FormsAlreadyImported", request.SurveyName,
                    earlier.ImportedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), earlier.FileName))]);
            }
        }
        var questionColumns = export.Questions.Where(c => c != agencyColumn).ToList();
        var created = survey is null;
        survey ??= NewSurvey(request, export, questionColumns);

        // Column → question.
        var errors = new List<InputError>();
        var map = new Dictionary<int, SurveyQuestion>();
        foreach (var column in questionColumns)
        {
            var question = created
                ? survey.Questions[questionColumns.IndexOf(column)]
                : request.Mapping?.TryGetValue(column.Header, out var id) == true ? survey.Questions.FirstOrDefault(q => q.Id == id) : Match(survey, column.Header);
            if (question is null)
            {
                errors.Add(new InputError(fileName, 1, column.Number, column.Header, SurveysText.Get("FormsColumnUnknown", column.Header, survey.Name)));
                continue;
            }
            map[column.Index] = question;
        }
        if (!created)
        {
            foreach (var question in survey.Questions.Where(q => !map.ContainsValue(q)))
            {
                errors.Add(new InputError(fileName, 1, null, question.TextNb, SurveysText.Get("FormsQuestionMissing", question.TextNb)));
            }
        }
        if (errors.Count > 0)
        {
            return Rejected(errors);
        }

        // The round, and whether answers came after it closed.
        var roundName = request.RoundName ?? "Import " + (export.Rows.Max(r => r.Completed) ?? clock.GetUtcNow().UtcDateTime).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var round = created ? null : await db.SurveyRounds.SingleOrDefaultAsync(r => r.SurveyId == survey.Id && r.Name == roundName, cancellationToken);
        if (round is not null)
        {
            foreach (var row in export.Rows.Where(r => r.Completed > round.ClosesAt))
            {
                errors.Add(new InputError(fileName, row.Line, 3, "Completion time", SurveysText.Get("FormsAfterClose",
                    row.Completed!.Value.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), round.Name, round.ClosesAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))));
            }
        }

        // Agencies: the answer to the agency question, else the e-mail through the directory.
        var agencies = await directory.AgenciesAsync(null, cancellationToken);
        var byName = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var agency in agencies)
        {
            byName.TryAdd(agency.Name.Trim(), agency.Id);
            byName.TryAdd(agency.Code.Trim(), agency.Id);
        }
        var people = await directory.PeopleByNameAsync(export.Rows.Select(r => r.Email).Where(e => e is not null && !e.Equals(FormsExportReader.Anonymous, StringComparison.OrdinalIgnoreCase)),
            null, activeOnly: false, cancellationToken);
        var rowAgency = new List<int?>(export.Rows.Count);
        var answers = new List<List<(SurveyQuestion Question, SurveyAnswer Answer)>>(export.Rows.Count);
        foreach (var row in export.Rows)
        {
            int? agencyId = null;
            if (agencyColumn is not null && row.Values.TryGetValue(agencyColumn.Index, out var said))
            {
                if (byName.TryGetValue(said, out var found))
                {
                    agencyId = found;
                }
                else
                {
                    errors.Add(new InputError(fileName, row.Line, agencyColumn.Number, agencyColumn.Header, SurveysText.Get("FormsAgencyUnknown", said)));
                }
            }
            else if (people.Find(row.Email) is { } person)
            {
                agencyId = person.AgencyId;
            }
            rowAgency.Add(agencyId);
            var list = new List<(SurveyQuestion, SurveyAnswer)>();
            foreach (var (index, question) in map)
            {
                if (!row.Values.TryGetValue(index, out var text))
                {
                    continue;
                }
                var column = questionColumns.First(c => c.Index == index);
                if (Parse(question, text, out var values) is { } problem)
                {
                    errors.Add(new InputError(fileName, row.Line, column.Number, column.Header, problem));
                    continue;
                }
                list.AddRange(values.Select(v => (question, v)));
            }
            answers.Add(list);
            if (errors.Count >= 50)
            {
                break;
            }
        }
        if (errors.Count > 0)
        {
            return Rejected(errors);
        }

        // Everything is checked: write it all or nothing.
        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            if (created)
            {
                db.Surveys.Add(survey);
                AuditLog.Record(db, clock, request.Actor, "surveys.create", survey.Name, null, new { survey.Name, From = fileName, Questions = survey.Questions.Count });
                db.ChangeTracker.DetectChanges();
                await db.SaveChangesAsync(cancellationToken);
            }
            var newRound = round is null;
            if (round is null)
            {
                var number = created ? 1 : (await db.SurveyRounds.Where(r => r.SurveyId == survey.Id).MaxAsync(r => (int?)r.Number, cancellationToken) ?? 0) + 1;
                round = new SurveyRound
                {
                    SurveyId = survey.Id,
                    Number = number,
                    Name = roundName,
                    Kind = RoundKind.Imported,
                    OpensAt = Utc(export.Rows.Min(r => r.Started ?? r.Completed) ?? now),
                    ClosesAt = Utc(export.Rows.Max(r => r.Completed) ?? now),
                    CreatedAt = now,
                    CreatedBy = request.Actor,
                };
                db.SurveyRounds.Add(round);
                db.ChangeTracker.DetectChanges();
                await db.SaveChangesAsync(cancellationToken);
            }

            // An agency is a group of its own only when its people are enough to be one; otherwise its answers count
            // with the others', and the agency is not stored with them.
            var heads = request.Invited ?? await directory.HeadCountsAsync(null, cancellationToken);
            var answered = rowAgency.OfType<int>().GroupBy(a => a).ToDictionary(g => g.Key, g => g.Count());
            bool OwnGroup(int agency) => heads.TryGetValue(agency, out var h) && h > 0 ? h >= options.MinimumRespondents : answered[agency] >= options.MinimumRespondents;
            if (newRound && heads.Count > 0)
            {
                var groups = heads.Where(h => h.Value > 0).GroupBy(h => OwnGroup(h.Key) ? (int?)h.Key : null).ToList();
                foreach (var group in groups)
                {
                    db.SurveyRoundGroups.Add(new SurveyRoundGroup { RoundId = round.Id, AgencyId = group.Key, Invited = group.Sum(h => h.Value) });
                }
            }
            var import = new SurveyImport { RoundId = round.Id, FileName = Path.GetFileName(fileName), Sha256 = hash, Rows = export.Rows.Count, ImportedAt = now, ImportedBy = request.Actor };
            db.SurveyImports.Add(import);
            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync(cancellationToken);

            // Random ids, and rows written in the order of their ids, which is random: nothing stored keeps the order
            // the answers came in, and both databases add to their primary keys' indexes in order. Written in batches
            // (not through the change tracker), with the counts results read, in this transaction.
            var responses = new List<SurveyResponse>(export.Rows.Count);
            var rows = new List<SurveyAnswer>(export.Rows.Count * map.Count);
            for (var i = 0; i < export.Rows.Count; i++)
            {
                var response = new SurveyResponse { Id = Guid.NewGuid(), RoundId = round.Id, AgencyId = rowAgency[i] is { } a && OwnGroup(a) ? a : null, ImportId = import.Id };
                responses.Add(response);
                foreach (var (question, answer) in answers[i])
                {
                    // Set here: a survey made from the file has its question ids only now.
                    answer.QuestionId = question.Id;
                    answer.ResponseId = response.Id;
                    rows.Add(answer);
                }
            }
            // Guid's order is the order of its text, which is how SQLite (upper-case text) and PostgreSQL (uuid) sort it.
            responses.Sort((a, b) => a.Id.CompareTo(b.Id));
            rows.Sort((a, b) => a.ResponseId != b.ResponseId ? a.ResponseId.CompareTo(b.ResponseId) : a.QuestionId != b.QuestionId ? a.QuestionId.CompareTo(b.QuestionId) : a.Choice.CompareTo(b.Choice));
            await SurveyStore.InsertResponsesAsync(db, responses, cancellationToken);
            await SurveyStore.InsertAnswersAsync(db, rows, cancellationToken);
            var answersOf = rows.ToLookup(r => r.ResponseId);
            SurveyStore.AddCounts(db, round.Id, SurveyStore.Count(responses.Select(r => (r.AgencyId, answersOf[r.Id]))));
            AuditLog.Record(db, clock, request.Actor, "surveys.import", survey.Name, null, new { File = import.FileName, Round = round.Name, Rows = import.Rows });
            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new FormsImportResult(FormsImportStatus.Imported, [], survey.Id, round.Id, export.Rows.Count, created);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    /// <summary>The mapping step's proposal: every column with its guessed kind, some sample answers and the question it matches.</summary>
    public async Task<(IReadOnlyList<ColumnProposal>? Columns, IReadOnlyList<InputError> Errors)> ProposeAsync(byte[] content, string fileName, string? surveyName,
        CancellationToken cancellationToken)
    {
        var (export, errors) = FormsExportReader.Read(new MemoryStream(content, writable: false), fileName);
        if (export is null)
        {
            return (null, errors);
        }
        var survey = surveyName is null ? null : await db.Surveys.AsNoTracking().Include(s => s.Questions).SingleOrDefaultAsync(s => s.Name == surveyName, cancellationToken);
        var agency = FindAgencyColumn(export, null);
        return ([.. export.Questions.Select(c =>
        {
            var values = export.Rows.Select(r => r.Values.GetValueOrDefault(c.Index)).OfType<string>().ToList();
            return new ColumnProposal(c.Header, Guess(values), [.. values.Distinct().Take(5)], survey is null ? null : Match(survey, c.Header)?.Id, c == agency);
        })], []);
    }

    private static FormsColumn? FindAgencyColumn(FormsExport export, string? header) =>
        header is not null
            ? export.Questions.FirstOrDefault(c => c.Header.Equals(header.Trim(), StringComparison.OrdinalIgnoreCase))
            : export.Questions.FirstOrDefault(c => AgencyWords.Any(w => c.Header.Contains(w, StringComparison.OrdinalIgnoreCase)));

    /// <summary>The question a header is about: its text in either language, or for a Likert column "Question.Statement", its statement.</summary>
    private static SurveyQuestion? Match(Survey survey, string header) =>
        survey.Questions.FirstOrDefault(q => header.Equals(q.TextNb, StringComparison.OrdinalIgnoreCase) || header.Equals(q.TextEn, StringComparison.OrdinalIgnoreCase))
        ?? survey.Questions.FirstOrDefault(q => header.EndsWith("." + q.TextNb, StringComparison.OrdinalIgnoreCase) || header.EndsWith("." + q.TextEn, StringComparison.OrdinalIgnoreCase));

    /// <summary>A survey made from the file: a question per column, its kind guessed from the answers; a Likert question's statements share a theme.</summary>
    private Survey NewSurvey(FormsImportRequest request, FormsExport export, List<FormsColumn> columns)
    {
        var survey = new Survey { Name = request.SurveyName, CreatedAt = clock.GetUtcNow().UtcDateTime, CreatedBy = request.Actor, Description = SurveysText.Get("FormsCreatedFrom", Path.GetFileName(export.FileName)) };
        var order = 0;
        foreach (var column in columns)
        {
            var values = export.Rows.Select(r => r.Values.GetValueOrDefault(column.Index)).OfType<string>().ToList();
            var kind = Guess(values);
            var text = column.Header;
            SurveyTheme? theme = null;
            var dot = column.Header.IndexOf('.', StringComparison.Ordinal);
            if (kind == QuestionKind.Likert && dot > 0 && dot < column.Header.Length - 1)
            {
                var group = column.Header[..dot].Trim();
                text = column.Header[(dot + 1)..].Trim();
                theme = survey.Themes.FirstOrDefault(t => t.NameNb == group);
                if (theme is null)
                {
                    theme = new SurveyTheme { Key = "t" + (survey.Themes.Count + 1).ToString(CultureInfo.InvariantCulture), NameNb = Cut(group, SurveysLengths.Name), NameEn = Cut(group, SurveysLengths.Name), SortOrder = survey.Themes.Count };
                    survey.Themes.Add(theme);
                }
            }
            var options = kind is QuestionKind.SingleChoice or QuestionKind.MultipleChoice ? string.Join('\n', Choices(values, kind)) : null;
            var numbers = values.Select(v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0).DefaultIfEmpty(5).ToList();
            survey.Questions.Add(new SurveyQuestion
            {
                Kind = kind,
                TextNb = Cut(text, SurveysLengths.Text),
                TextEn = Cut(text, SurveysLengths.Text),
                Theme = theme,
                ScaleMax = kind == QuestionKind.Rating ? Math.Clamp(numbers.Max(), 5, 10) : 5,
                OptionsNb = options,
                OptionsEn = options,
                SortOrder = order++,
            });
        }
        return survey;
    }

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..length];

    private static IEnumerable<string> Choices(List<string> values, QuestionKind kind) =>
        (kind == QuestionKind.MultipleChoice ? values.SelectMany(v => v.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) : values)
        .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    /// <summary>The kind of question a column's answers look like.</summary>
    public static QuestionKind Guess(IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return QuestionKind.FreeText;
        }
        // Most answers decide, so that a few answers off the scale are reported as such rather than turning the question into another kind.
        var most = values.Count - (values.Count / 10);
        if (values.Count(v => LikertValue(v) is not null && !int.TryParse(v, out _)) >= most)
        {
            return QuestionKind.Likert;
        }
        var numbers = values.Select(v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : (int?)null).OfType<int>().ToList();
        if (numbers.Count >= most)
        {
            return numbers.Contains(0) || (numbers.Any(n => n > 5) && numbers.Any(n => n <= 3)) ? QuestionKind.Enps : QuestionKind.Rating;
        }
        if (values.Any(v => v.EndsWith(';')))
        {
            return QuestionKind.MultipleChoice;
        }
        var distinct = values.Distinct(StringComparer.Ordinal).Count();
        return distinct <= 12 && distinct * 3 <= values.Count && values.All(v => v.Length <= 200) ? QuestionKind.SingleChoice : QuestionKind.FreeText;
    }

    private static int? LikertValue(string text)
    {
        for (var i = 0; i < 5; i++)
        {
            if (text.Equals(SurveyLibrary.LikertLabelsNb[i], StringComparison.OrdinalIgnoreCase) || text.Equals(SurveyLibrary.LikertLabelsEn[i], StringComparison.OrdinalIgnoreCase))
            {
                return i + 1;
            }
        }
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 5 ? n : null;
    }

    /// <summary>The answer rows for one cell, or why the text is not an answer to the question.</summary>
    private static string? Parse(SurveyQuestion question, string text, out List<SurveyAnswer> answers)
    {
        answers = [];
        switch (question.Kind)
        {
            case QuestionKind.Likert:
                if (LikertValue(text) is not { } likert)
                {
                    return SurveysText.Get("FormsNotOnScale", text, string.Join(", ", SurveyLibrary.LikertLabelsNb));
                }
                answers.Add(new SurveyAnswer { QuestionId = question.Id, Value = likert });
                return null;
            case QuestionKind.Rating:
            case QuestionKind.Enps:
                if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) || number < question.Min || number > question.Max)
                {
                    return SurveysText.Get("FormsNotOnScale", text, $"{question.Min}–{question.Max}");
                }
                answers.Add(new SurveyAnswer { QuestionId = question.Id, Value = number });
                return null;
            case QuestionKind.SingleChoice:
                var option = Option(question, text);
                if (option is null)
                {
                    return SurveysText.Get("FormsNotAnOption", text, string.Join(", ", question.Options(false)));
                }
                answers.Add(new SurveyAnswer { QuestionId = question.Id, Value = option });
                return null;
            case QuestionKind.MultipleChoice:
                foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal))
                {
                    if (Option(question, part) is not { } choice)
                    {
                        return SurveysText.Get("FormsNotAnOption", part, string.Join(", ", question.Options(false)));
                    }
                    answers.Add(new SurveyAnswer { QuestionId = question.Id, Choice = choice, Value = choice });
                }
                return null;
            default:
                if (text.Length > SurveysLengths.Answer)
                {
                    return SurveysText.Get("FormsTextTooLong", SurveysLengths.Answer);
                }
                answers.Add(new SurveyAnswer { QuestionId = question.Id, Text = text });
                return null;
        }
    }

    private static int? Option(SurveyQuestion question, string text)
    {
        foreach (var options in new[] { question.Options(false), question.Options(true) })
        {
            for (var i = 0; i < options.Count; i++)
            {
                if (options[i].Equals(text, StringComparison.OrdinalIgnoreCase))
                {
                    return i + 1;
                }
            }
        }
        return null;
    }

    /// <summary>Forms writes times in the form's time zone; the round keeps them as they are, marked UTC, to the minute.</summary>
    private static DateTime Utc(DateTime time) => DateTime.SpecifyKind(time, DateTimeKind.Utc);

    private static FormsImportResult Rejected(IReadOnlyList<InputError> errors) => new(FormsImportStatus.Rejected, errors);
}
