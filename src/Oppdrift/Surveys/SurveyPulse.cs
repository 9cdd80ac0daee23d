// Runs a pulse: a round to a population, a personal link per person by e-mail, reminders, the answer behind the link,
// and the next round of a recurring survey. The link's token is stored only as a hash, and a response is stored with
// no reference to the invitation or the person: once the link is spent, nobody can join an answer to who gave it.
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Organisation;
using Oppdrift.Shared;

namespace Oppdrift.Surveys;

/// <summary>What the answer page shows for a link: the survey's questions, or why the link cannot be used.</summary>
public sealed record AnswerForm(string Survey, string Round, DateTime ClosesAt, IReadOnlyList<SurveyQuestion> Questions);

public enum LinkState
{
    Open,
    Unknown,
    Used,
    NotYetOpen,
    Closed,
}

public sealed class SurveyPulse(OppdriftDb db, OrganisationDirectory directory, SurveysOptions options, TimeProvider clock)
{
    /// <summary>The path of the answer page; the token follows it.</summary>
    public const string AnswerPath = "/survey/answer/";

    /// <summary>
    /// Sends a pulse round: a personal link per active person with an e-mail address in the round's population, queued
    /// in the outbox with the round's group sizes, in one transaction. An agency with fewer people asked than the minimum
    /// group is counted with "other": its answers are never stored with its name.
    /// </summary>
    public async Task<Result<int>> SendAsync(int roundId, string actor, CancellationToken cancellationToken)
    {
        var round = await db.SurveyRounds.SingleOrDefaultAsync(r => r.Id == roundId, cancellationToken);
        if (round is null || round.Kind != RoundKind.Pulse)
        {
            return Result<int>.Fail("round", SurveysText.Get("ErrorNoPulseRound"));
        }
        if (round.SentAt is not null)
        {
            return Result<int>.Fail("round", SurveysText.Get("ErrorRoundSent", round.Name));
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (round.ClosesAt <= now)
        {
            return Result<int>.Fail("closesAt", SurveysText.Get("ErrorRoundClosed", round.Name));
        }
        var survey = await db.Surveys.AsNoTracking().SingleAsync(s => s.Id == round.SurveyId, cancellationToken);
        var population = await Asked(directory, round.Population, round.PopulationAgencyId, round.PopulationUnitId).Select(p => new { p.Id, p.Mail, p.DisplayName, p.AgencyId }).ToListAsync(cancellationToken);
        if (population.Count == 0)
        {
            return Result<int>.Fail("population", SurveysText.Get("ErrorNobodyToAsk"));
        }
        var sizes = population.GroupBy(p => p.AgencyId).ToDictionary(g => g.Key ?? 0, g => g.Count());
        int? Group(int? agency) => agency is { } a && sizes[a] >= options.MinimumRespondents ? a : null;

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The round is claimed first, by a conditional update in the same transaction: the survey job and an owner's
        // "send now" (or two nodes) may send the same round at once, and the second then finds it sent instead of
        // writing its invitations beside the first's.
        if (await db.SurveyRounds.Where(r => r.Id == round.Id && r.SentAt == null).ExecuteUpdateAsync(s => s.SetProperty(r => r.SentAt, now), cancellationToken) == 0)
        {
            return Result<int>.Fail("round", SurveysText.Get("ErrorRoundSent", round.Name));
        }
        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            foreach (var group in population.GroupBy(p => Group(p.AgencyId)))
            {
                db.SurveyRoundGroups.Add(new SurveyRoundGroup { RoundId = round.Id, AgencyId = group.Key, Invited = group.Count() });
            }
            foreach (var person in population)
            {
                var token = NewToken();
                db.SurveyInvitations.Add(new SurveyInvitation { RoundId = round.Id, PersonId = person.Id, TokenHash = Hash(token), GroupAgencyId = Group(person.AgencyId) });
                MailOutbox.Queue(db, person.Mail!, SurveysText.Get("MailSubject", survey.Name),
                    SurveysText.Get("MailBody", person.DisplayName, survey.Name, Link(token), Date(round.ClosesAt)), now);
            }
            round.SentAt = now;
            db.ChangeTracker.DetectChanges();
            AuditLog.Record(db, clock, actor, "surveys.send", survey.Name, null, new { Round = round.Name, Invited = population.Count });
            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
        return Result<int>.Ok(population.Count);
    }

    /// <summary>
    /// Reminds everyone whose link is not spent. Only the token's hash is kept, so each reminder carries a new link that
    /// replaces the old one.
    /// </summary>
    public async Task<int> RemindAsync(int roundId, string actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var round = await db.SurveyRounds.SingleOrDefaultAsync(r => r.Id == roundId && r.SentAt != null && r.ClosesAt > now, cancellationToken);
        if (round is null)
        {
            return 0;
        }
        var survey = await db.Surveys.AsNoTracking().SingleAsync(s => s.Id == round.SurveyId, cancellationToken);
        var open = await db.SurveyInvitations.Where(i => i.RoundId == roundId && !i.Used).ToListAsync(cancellationToken);
        var people = await directory.PeopleAsync([.. open.Select(i => i.PersonId)], cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var invitation in open)
        {
            if (!people.TryGetValue(invitation.PersonId, out var person) || person.Mail is not { Length: > 0 } mail)
            {
                continue;
            }
            var token = NewToken();
            invitation.TokenHash = Hash(token);
            invitation.RemindedAt = now;
            MailOutbox.Queue(db, mail, SurveysText.Get("ReminderSubject", survey.Name),
                SurveysText.Get("ReminderBody", person.DisplayName, survey.Name, Link(token), Date(round.ClosesAt)), now);
        }
        round.RemindedAt = now;
        AuditLog.Record(db, clock, actor, "surveys.remind", survey.Name, null, new { Round = round.Name, Reminded = open.Count });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return open.Count;
    }

    /// <summary>The questions behind a link, or why it cannot be answered.</summary>
    public async Task<(LinkState State, AnswerForm? Form)> OpenAsync(string token, CancellationToken cancellationToken)
    {
        var invitation = await FindAsync(token, cancellationToken);
        if (invitation is null)
        {
            return (LinkState.Unknown, null);
        }
        var round = await db.SurveyRounds.AsNoTracking().SingleAsync(r => r.Id == invitation.RoundId, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var state = invitation.Used ? LinkState.Used : now < round.OpensAt ? LinkState.NotYetOpen : now >= round.ClosesAt ? LinkState.Closed : LinkState.Open;
        if (state != LinkState.Open)
        {
            return (state, null);
        }
        var survey = await db.Surveys.AsNoTracking().SingleAsync(s => s.Id == round.SurveyId, cancellationToken);
        var questions = await db.SurveyQuestions.AsNoTracking().Where(q => q.SurveyId == survey.Id).OrderBy(q => q.SortOrder).ToListAsync(cancellationToken);
        return (state, new AnswerForm(survey.Name, round.Name, round.ClosesAt, questions));
    }

    /// <summary>
    /// Stores the answers behind a link and spends it, in one transaction: the invitation is marked used (only if it
    /// still was not, so two posts cannot both count), and the response is stored with a random id, the round and the
    /// invitation's group, and nothing else — no token, no person, no time.
    /// </summary>
    /// <param name="answers">Question id → the posted values (one for most questions; the ticked choices of a multiple choice).</param>
    public async Task<(LinkState State, string? Field, string? Error)> SubmitAsync(string token, IReadOnlyDictionary<int, IReadOnlyList<string>> answers,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var (state, form) = await OpenAsync(token, cancellationToken);
        if (form is null)
        {
            return (state, null, null);
        }
        var rows = new List<SurveyAnswer>();
        foreach (var question in form.Questions)
        {
            var posted = answers.TryGetValue(question.Id, out var values) ? values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).ToList() : [];
            if (posted.Count == 0)
            {
                if (question.Required)
                {
                    return (state, Field(question), SurveysText.Get("ErrorAnswerRequired"));
                }
                continue;
            }
            if (question.Kind == QuestionKind.FreeText)
            {
                if (posted[0].Length > SurveysLengths.Answer)
                {
                    return (state, Field(question), SurveysText.Get("FormsTextTooLong", SurveysLengths.Answer));
                }
                rows.Add(new SurveyAnswer { QuestionId = question.Id, Text = posted[0] });
                continue;
            }
            var numbers = new List<int>();
            foreach (var value in question.Kind == QuestionKind.MultipleChoice ? posted : posted.Take(1))
            {
                if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < question.Min || n > question.Max)
                {
                    return (state, Field(question), SurveysText.Get("ErrorAnswerOutside"));
                }
                numbers.Add(n);
            }
            rows.AddRange(question.Kind == QuestionKind.MultipleChoice
                ? numbers.Distinct().Select(n => new SurveyAnswer { QuestionId = question.Id, Choice = n, Value = n })
                : [new SurveyAnswer { QuestionId = question.Id, Value = numbers[0] }]);
        }

        var hash = Hash(token);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var spent = await db.SurveyInvitations.Where(i => i.TokenHash == hash && !i.Used).ExecuteUpdateAsync(s => s.SetProperty(i => i.Used, true), cancellationToken);
        if (spent != 1)
        {
            return (LinkState.Used, null, null);
        }
        var group = await db.SurveyInvitations.AsNoTracking().Where(i => i.TokenHash == hash).Select(i => new { i.RoundId, i.GroupAgencyId }).SingleAsync(cancellationToken);
        var response = new SurveyResponse { Id = Guid.NewGuid(), RoundId = group.RoundId, AgencyId = group.GroupAgencyId };
        db.SurveyResponses.Add(response);
        foreach (var row in rows)
        {
            row.ResponseId = response.Id;
            db.SurveyAnswers.Add(row);
        }
        await SurveyStore.AddResponseCountsAsync(db, group.RoundId, group.GroupAgencyId, form.Questions, rows, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (LinkState.Used, null, null);
    }

    /// <summary>
    /// The next round of a recurring survey, once its latest pulse has been sent: the same population, opening the
    /// recurrence's months after the latest opened and open as long. Null when the survey does not recur or the next round exists.
    /// </summary>
    public async Task<SurveyRound?> ScheduleNextAsync(int surveyId, string actor, CancellationToken cancellationToken)
    {
        var survey = await db.Surveys.AsNoTracking().SingleAsync(s => s.Id == surveyId, cancellationToken);
        var latest = await db.SurveyRounds.Where(r => r.SurveyId == surveyId && r.Kind == RoundKind.Pulse).OrderByDescending(r => r.Number).FirstOrDefaultAsync(cancellationToken);
        if (survey.RecurrenceMonths is not { } months || latest?.SentAt is null)
        {
            return null;
        }
        var next = new SurveyRound
        {
            SurveyId = surveyId,
            Number = await db.SurveyRounds.Where(r => r.SurveyId == surveyId).MaxAsync(r => r.Number, cancellationToken) + 1,
            Name = RoundName(latest.OpensAt.AddMonths(months)),
            Kind = RoundKind.Pulse,
            Population = latest.Population,
            PopulationAgencyId = latest.PopulationAgencyId,
            PopulationUnitId = latest.PopulationUnitId,
            OpensAt = latest.OpensAt.AddMonths(months),
            ClosesAt = latest.OpensAt.AddMonths(months) + (latest.ClosesAt - latest.OpensAt),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            CreatedBy = actor,
        };
        db.SurveyRounds.Add(next);
        AuditLog.Record(db, clock, actor, "surveys.schedule", survey.Name, null, new { Round = next.Name, next.OpensAt, next.ClosesAt });
        await db.SaveChangesAsync(cancellationToken);
        return next;
    }

    /// <summary>Whom a round with this population asks: the active people with an e-mail address in it.</summary>
    public static IQueryable<PersonRow> Asked(OrganisationDirectory directory, RoundPopulation population, int? agencyId, int? unitId)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var people = directory.PersonRows.Where(p => p.IsActive && p.Mail != null && p.Mail != "");
        return population switch
        {
            RoundPopulation.Agency => people.Where(p => p.AgencyId == agencyId),
            RoundPopulation.Unit => people.Where(p => p.UnitId == unitId),
            RoundPopulation.Leaders => people.Where(p => p.IsLeader && (agencyId == null || p.AgencyId == agencyId)),
            _ => people,
        };
    }

    /// <summary>A round's default name: the year and quarter it opens in, such as "2026 K1".</summary>
    public static string RoundName(DateTime opensAt) => $"{opensAt.Year} K{((opensAt.Month - 1) / 3) + 1}";

    /// <summary>The form field of a question on the answer page.</summary>
    public static string Field(SurveyQuestion question)
    {
        ArgumentNullException.ThrowIfNull(question);
        return "q" + question.Id.ToString(CultureInfo.InvariantCulture);
    }

    private async Task<SurveyInvitation?> FindAsync(string token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return null;
        }
        var hash = Hash(token);
        return await db.SurveyInvitations.AsNoTracking().SingleOrDefaultAsync(i => i.TokenHash == hash, cancellationToken);
    }

    private string Link(string token) => (options.PublicUrl ?? "").TrimEnd('/') + AnswerPath + token;

    private static string Date(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(utc, LearningMail.Oslo).ToString("d. MMMM yyyy HH:mm", CultureInfo.CurrentCulture);

    /// <summary>256 random bits, URL-safe: the link cannot be guessed.</summary>
    public static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
