using System.Security.Claims;
using Oppdrift.Data;
using Oppdrift.Organisation;

namespace Oppdrift.Learning;

/// <summary>Finds the directory person behind a signed-in account: the account's user name is their user principal name.</summary>
public static class LearningPeople
{
    public static async Task<PersonRow?> CurrentAsync(OppdriftDb db, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var name = user.Identity?.Name;
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }
        return await new OrganisationDirectory(db).ActivePersonAsync(name, cancellationToken);
    }

    public static string MailOf(PersonRow person) => person.Mail is { Length: > 0 } mail ? mail : person.UserPrincipalName;
}
