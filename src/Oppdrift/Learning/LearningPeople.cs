using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Organisation;

namespace Oppdrift.Learning;

/// <summary>Finds the directory person behind a signed-in account: the account's user name is their user principal name.</summary>
public static class LearningPeople
{
    public static async Task<Person?> CurrentAsync(OppdriftDb db, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var name = user.Identity?.Name;
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }
        var normalized = name.Trim().ToLowerInvariant();
        return await db.People.AsNoTracking()
            .Where(p => p.IsActive && p.NormalizedUserPrincipalName == normalized)
            .OrderByDescending(p => p.Id)
            .FirstOrDefaultAsync(cancellationToken);
    }

    public static string MailOf(Person person) => person.Mail is { Length: > 0 } mail ? mail : person.UserPrincipalName;
}
