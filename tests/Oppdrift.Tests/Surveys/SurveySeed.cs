using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Surveys;

namespace Oppdrift.Tests.Surveys;

/// <summary>A small directory for survey tests: agencies with people whose e-mail is code-n@kommune.no.</summary>
internal static class SurveySeed
{
    public static readonly (string Code, string Name, int People)[] Agencies =
    [
        ("SYE", "Sykehjemsetaten", 30),
        ("BNO", "Bydel Nord", 20),
        ("KUL", "Kulturetaten", 12),
        ("MOB", "Mobbeombudet", 4),
    ];

    public static string Mail(string code, int n) => $"{code.ToLowerInvariant()}-{n}@kommune.no";

    public static async Task<Dictionary<string, int>> DirectoryAsync(OppdriftDb db)
    {
        var at = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        foreach (var (code, name, people) in Agencies)
        {
            var agency = new Agency { Code = code, Name = name, CreatedAt = at };
            db.Agencies.Add(agency);
            await db.SaveChangesAsync();
            for (var n = 1; n <= people; n++)
            {
                var mail = Mail(code, n);
                db.People.Add(new Person
                {
                    UserPrincipalName = mail,
                    NormalizedUserPrincipalName = mail,
                    DisplayName = $"{name} {n}",
                    Mail = mail,
                    AgencyId = agency.Id,
                    IsActive = true,
                    AccountEnabled = true,
                    IsLeader = n == 1,
                    FirstSeenAt = at,
                });
            }
        }
        await db.SaveChangesAsync();
        return await db.Agencies.ToDictionaryAsync(a => a.Code, a => a.Id);
    }

    /// <summary>
    /// Checks the counts results are read from (kept with each response and import) against the answers themselves,
    /// counted here one by one: the respondents per round, group and question, and the answers per value.
    /// </summary>
    public static async Task AssertCountsMatchAnswersAsync(OppdriftDb db, int surveyId)
    {
        var rounds = await db.SurveyRounds.AsNoTracking().Where(r => r.SurveyId == surveyId).Select(r => r.Id).ToListAsync();
        var responses = await db.SurveyResponses.AsNoTracking().Where(r => rounds.Contains(r.RoundId)).ToDictionaryAsync(r => r.Id);
        var answers = (await db.SurveyAnswers.AsNoTracking().ToListAsync()).Where(a => responses.ContainsKey(a.ResponseId)).ToList();
        var respondents = answers.GroupBy(a => (responses[a.ResponseId].RoundId, responses[a.ResponseId].AgencyId, a.QuestionId))
            .ToDictionary(g => g.Key, g => g.Select(a => a.ResponseId).Distinct().Count());
        var values = answers.Where(a => a.Value is not null).GroupBy(a => (responses[a.ResponseId].RoundId, responses[a.ResponseId].AgencyId, a.QuestionId, a.Value!.Value))
            .ToDictionary(g => g.Key, g => g.Count());

        var counts = (await new SurveyQueries(db, new OrganisationDirectory(db), new SurveysOptions()).CountsAsync(surveyId, default))!;

        Assert.NotEmpty(answers);
        Assert.Equal(respondents.OrderBy(p => p.Key.ToString()), counts.Respondents.Select(p => KeyValuePair.Create((p.Key.Round, p.Key.Agency, p.Key.Question), p.Value)).OrderBy(p => p.Key.ToString()));
        Assert.Equal(values.OrderBy(p => p.Key.ToString()), counts.Values.Select(p => KeyValuePair.Create((p.Key.Round, p.Key.Agency, p.Key.Question, p.Key.Value), p.Value)).OrderBy(p => p.Key.ToString()));
    }
}
