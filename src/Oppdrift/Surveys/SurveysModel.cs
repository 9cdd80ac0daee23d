// The survey model: surveys with their themes (drivers) and questions in Bokmål and English, rounds sent to a
// population or imported from Microsoft Forms, the personal links (invitations) and, kept apart from them, the
// anonymous responses and their answers.
using Microsoft.EntityFrameworkCore;

namespace Oppdrift.Surveys;

public enum QuestionKind
{
    /// <summary>A statement answered 1–5, "Helt uenig" to "Helt enig".</summary>
    Likert,

    /// <summary>A rating from 1 to <see cref="SurveyQuestion.ScaleMax"/> (stars or numbers).</summary>
    Rating,

    /// <summary>"How likely is it that you would recommend…", 0–10.</summary>
    Enps,

    SingleChoice,
    MultipleChoice,
    FreeText,
}

/// <summary>Whom a round is sent to.</summary>
public enum RoundPopulation
{
    Everyone,
    Agency,
    Unit,

    /// <summary>People whose job title names a leader role.</summary>
    Leaders,
}

public enum RoundKind
{
    /// <summary>Sent by Oppdrift: a personal link per person.</summary>
    Pulse,

    /// <summary>Answers collected elsewhere (Microsoft Forms) and imported.</summary>
    Imported,
}

/// <summary>A survey about digital working life; asked in rounds.</summary>
public sealed class Survey
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }

    /// <summary>Months between rounds of a recurring pulse (3 = quarterly); null when it does not recur.</summary>
    public int? RecurrenceMonths { get; set; }

    public DateTime CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public List<SurveyTheme> Themes { get; } = [];
    public List<SurveyQuestion> Questions { get; } = [];
    public List<SurveyRound> Rounds { get; } = [];
}

/// <summary>A theme (driver) that groups statements so results can be read per theme.</summary>
public sealed class SurveyTheme
{
    public int Id { get; set; }
    public int SurveyId { get; set; }
    public required string Key { get; set; }
    public required string NameNb { get; set; }
    public required string NameEn { get; set; }
    public int SortOrder { get; set; }
}

public sealed class SurveyQuestion
{
    public int Id { get; set; }
    public int SurveyId { get; set; }
    public int? ThemeId { get; set; }
    public SurveyTheme? Theme { get; set; }
    public int SortOrder { get; set; }
    public QuestionKind Kind { get; set; }

    /// <summary>The starter library's key when the question came from it.</summary>
    public string? LibraryKey { get; set; }

    public required string TextNb { get; set; }
    public required string TextEn { get; set; }

    /// <summary>The highest value of a rating (the lowest is 1).</summary>
    public int ScaleMax { get; set; } = 5;

    /// <summary>Choices of a choice question, one per line, in Bokmål and English (same order).</summary>
    public string? OptionsNb { get; set; }

    public string? OptionsEn { get; set; }
    public bool Required { get; set; }

    public IReadOnlyList<string> Options(bool english) =>
        ((english ? OptionsEn : OptionsNb) ?? OptionsNb ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public string Text(bool english) => english ? TextEn : TextNb;

    /// <summary>Whether answers are numbers on a scale (mean, distribution, share favourable or eNPS).</summary>
    public bool IsScale => Kind is QuestionKind.Likert or QuestionKind.Rating or QuestionKind.Enps;

    public int Min => Kind == QuestionKind.Enps ? 0 : 1;

    public int Max => Kind switch
    {
        QuestionKind.Likert => 5,
        QuestionKind.Enps => 10,
        QuestionKind.Rating => ScaleMax,
        QuestionKind.SingleChoice or QuestionKind.MultipleChoice => Options(false).Count,
        _ => 0,
    };
}

/// <summary>One round of a survey: a pulse sent to a population, or answers imported from a file.</summary>
public sealed class SurveyRound
{
    public int Id { get; set; }
    public int SurveyId { get; set; }
    public int Number { get; set; }
    public required string Name { get; set; }
    public RoundKind Kind { get; set; }
    public RoundPopulation Population { get; set; }
    public int? PopulationAgencyId { get; set; }
    public int? PopulationUnitId { get; set; }
    public DateTime OpensAt { get; set; }
    public DateTime ClosesAt { get; set; }

    /// <summary>When the personal links were queued for e-mail; null while the round is being set up.</summary>
    public DateTime? SentAt { get; set; }

    public DateTime? RemindedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
}

/// <summary>
/// How many were asked in one group of a round: an agency, or (no agency) everyone in agencies too small to be a group of
/// their own. The denominator of the response rate.
/// </summary>
public sealed class SurveyRoundGroup
{
    public int Id { get; set; }
    public int RoundId { get; set; }
    public int? AgencyId { get; set; }
    public int Invited { get; set; }
}

/// <summary>
/// A personal link: who was asked, and whether the link is spent. Holds only the hash of the token the e-mail carries.
/// Nothing here points at a response, and no response points here: once spent, only "used" is known.
/// </summary>
public sealed class SurveyInvitation
{
    public long Id { get; set; }
    public int RoundId { get; set; }
    public int PersonId { get; set; }

    /// <summary>SHA-256 of the token, hex.</summary>
    public required string TokenHash { get; set; }

    /// <summary>The group the response will be counted in: the agency, or null when the agency was too small a group.</summary>
    public int? GroupAgencyId { get; set; }

    public DateTime? RemindedAt { get; set; }
    public bool Used { get; set; }
}

/// <summary>
/// One person's answers, with no link to the person or the invitation: a random id (no order of arrival), the round,
/// the group, and no timestamp.
/// </summary>
public sealed class SurveyResponse
{
    public Guid Id { get; set; }
    public int RoundId { get; set; }
    public int? AgencyId { get; set; }

    /// <summary>The import that brought it, for imported rounds.</summary>
    public int? ImportId { get; set; }
}

/// <summary>An answer to one question; a multiple-choice answer is one row per choice ticked.</summary>
public sealed class SurveyAnswer
{
    public Guid ResponseId { get; set; }
    public int QuestionId { get; set; }

    /// <summary>0, or for a multiple-choice answer the choice (1-based) this row ticks.</summary>
    public int Choice { get; set; }

    /// <summary>The scale value, or the chosen option (1-based) of a choice question.</summary>
    public int? Value { get; set; }

    /// <summary>Free text.</summary>
    public string? Text { get; set; }
}

/// <summary>
/// How many answered a question with a value, per round and group, kept with every response and import in the same
/// transaction, so results read these few thousand rows instead of every answer. A row with no value counts the
/// respondents to the question (a multiple choice counts each respondent once). Two rows for the same key can exist (two
/// first answers at once); readers add them up.
/// </summary>
public sealed class SurveyAnswerCount
{
    public long Id { get; set; }
    public int RoundId { get; set; }
    public int? AgencyId { get; set; }
    public int QuestionId { get; set; }
    public int? Value { get; set; }
    public int Count { get; set; }
}

/// <summary>A Microsoft Forms export imported into a round; the file's hash makes a second import of it change nothing.</summary>
public sealed class SurveyImport
{
    public int Id { get; set; }
    public int RoundId { get; set; }
    public required string FileName { get; set; }
    public required string Sha256 { get; set; }
    public int Rows { get; set; }
    public DateTime ImportedAt { get; set; }
    public required string ImportedBy { get; set; }
}

public static class SurveysLengths
{
    public const int Name = 200;
    public const int Text = 1000;
    public const int Options = 4000;
    public const int Description = 4000;
    public const int Answer = 4000;
}

public static class SurveysModel
{
    public static void Map(ModelBuilder model)
    {
        model.Entity<Survey>(e =>
        {
            e.ToTable("Surveys");
            e.Property(x => x.Name).HasMaxLength(SurveysLengths.Name);
            e.HasIndex(x => x.Name).IsUnique();
            e.Property(x => x.Description).HasMaxLength(SurveysLengths.Description);
            e.Property(x => x.CreatedBy).HasMaxLength(200);
            e.HasMany(x => x.Themes).WithOne().HasForeignKey(t => t.SurveyId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Questions).WithOne().HasForeignKey(q => q.SurveyId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Rounds).WithOne().HasForeignKey(r => r.SurveyId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<SurveyTheme>(e =>
        {
            e.ToTable("SurveyThemes");
            e.Property(x => x.Key).HasMaxLength(64);
            e.Property(x => x.NameNb).HasMaxLength(SurveysLengths.Name);
            e.Property(x => x.NameEn).HasMaxLength(SurveysLengths.Name);
            e.HasIndex(x => new { x.SurveyId, x.Key }).IsUnique();
        });
        model.Entity<SurveyQuestion>(e =>
        {
            e.ToTable("SurveyQuestions");
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.LibraryKey).HasMaxLength(64);
            e.Property(x => x.TextNb).HasMaxLength(SurveysLengths.Text);
            e.Property(x => x.TextEn).HasMaxLength(SurveysLengths.Text);
            e.Property(x => x.OptionsNb).HasMaxLength(SurveysLengths.Options);
            e.Property(x => x.OptionsEn).HasMaxLength(SurveysLengths.Options);
            e.HasOne(x => x.Theme).WithMany().HasForeignKey(x => x.ThemeId).OnDelete(DeleteBehavior.SetNull);
            e.HasIndex(x => new { x.SurveyId, x.SortOrder });
        });
        model.Entity<SurveyRound>(e =>
        {
            e.ToTable("SurveyRounds");
            e.Property(x => x.Name).HasMaxLength(SurveysLengths.Name);
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Population).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.CreatedBy).HasMaxLength(200);
            e.HasIndex(x => new { x.SurveyId, x.Number }).IsUnique();
            e.HasOne<Organisation.Agency>().WithMany().HasForeignKey(x => x.PopulationAgencyId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Organisation.Unit>().WithMany().HasForeignKey(x => x.PopulationUnitId).OnDelete(DeleteBehavior.Restrict);
        });
        model.Entity<SurveyRoundGroup>(e =>
        {
            e.ToTable("SurveyRoundGroups");
            e.HasOne<SurveyRound>().WithMany().HasForeignKey(x => x.RoundId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Organisation.Agency>().WithMany().HasForeignKey(x => x.AgencyId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.RoundId, x.AgencyId }).IsUnique();
        });
        model.Entity<SurveyInvitation>(e =>
        {
            e.ToTable("SurveyInvitations");
            e.Property(x => x.TokenHash).HasMaxLength(64);
            e.HasIndex(x => x.TokenHash).IsUnique();
            e.HasIndex(x => new { x.RoundId, x.PersonId }).IsUnique();
            e.HasOne<SurveyRound>().WithMany().HasForeignKey(x => x.RoundId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Organisation.Person>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Organisation.Agency>().WithMany().HasForeignKey(x => x.GroupAgencyId).OnDelete(DeleteBehavior.Restrict);
        });
        model.Entity<SurveyResponse>(e =>
        {
            e.ToTable("SurveyResponses");
            e.Property(x => x.Id).ValueGeneratedNever();
            e.HasOne<SurveyRound>().WithMany().HasForeignKey(x => x.RoundId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Organisation.Agency>().WithMany().HasForeignKey(x => x.AgencyId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<SurveyImport>().WithMany().HasForeignKey(x => x.ImportId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.RoundId, x.AgencyId });
        });
        model.Entity<SurveyAnswer>(e =>
        {
            e.ToTable("SurveyAnswers");
            e.HasKey(x => new { x.ResponseId, x.QuestionId, x.Choice });
            e.Property(x => x.Text).HasMaxLength(SurveysLengths.Answer);
            e.HasOne<SurveyResponse>().WithMany().HasForeignKey(x => x.ResponseId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<SurveyQuestion>().WithMany().HasForeignKey(x => x.QuestionId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => x.QuestionId);
        });
        model.Entity<SurveyAnswerCount>(e =>
        {
            e.ToTable("SurveyAnswerCounts");
            e.HasOne<SurveyRound>().WithMany().HasForeignKey(x => x.RoundId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Organisation.Agency>().WithMany().HasForeignKey(x => x.AgencyId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<SurveyQuestion>().WithMany().HasForeignKey(x => x.QuestionId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.RoundId, x.QuestionId, x.AgencyId, x.Value });
        });
        model.Entity<SurveyImport>(e =>
        {
            e.ToTable("SurveyImports");
            e.Property(x => x.FileName).HasMaxLength(400);
            e.Property(x => x.Sha256).HasMaxLength(64);
            e.Property(x => x.ImportedBy).HasMaxLength(200);
            e.HasOne<SurveyRound>().WithMany().HasForeignKey(x => x.RoundId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.RoundId, x.Sha256 }).IsUnique();
        });
    }
}
