using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Organisation;

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
}
