using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Organisation;

namespace Oppdrift.Learning;

/// <summary>
/// Who may read a programme's documents and watch its recordings: those who manage it, and its audience. A programme that names no agencies and is
/// for everyone is for anyone signed in; one that names agencies is for the people of those agencies (and their agency
/// leaders); one for leaders is for leaders only.
/// </summary>
public static class LearningAccess
{
    public static bool CanReadDocuments(this ClaimsPrincipal user, Programme programme, PersonRow? person)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(programme);
        if (user.CanManage(programme))
        {
            return true;
        }
        var agencies = programme.Agencies.Select(a => a.AgencyId).ToHashSet();
        if (agencies.Count == 0 && programme.Audience == ProgrammeAudience.Everyone)
        {
            return true;
        }
        if (user.GetRoles().HasFlag(Roles.AgencyLeader) && user.ScopedAgencies().Overlaps(agencies))
        {
            return true;
        }
        return person is not null
            && (agencies.Count == 0 || (person.AgencyId is { } agency && agencies.Contains(agency)))
            && (programme.Audience != ProgrammeAudience.Leaders || person.IsLeader);
    }

    /// <summary>The programmes whose documents the signed-in user may not read, to leave out of knowledge-bank searches.</summary>
    public static async Task<IReadOnlyCollection<int>> ProgrammesWithHiddenDocumentsAsync(OppdriftDb db, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var restricted = await db.Programmes.AsNoTracking().Include(p => p.Agencies)
            .Where(p => p.Agencies.Count > 0 || p.Audience != ProgrammeAudience.Everyone).ToListAsync(cancellationToken);
        if (restricted.Count == 0)
        {
            return [];
        }
        var person = await LearningPeople.CurrentAsync(db, user, cancellationToken);
        return [.. restricted.Where(p => !user.CanReadDocuments(p, person)).Select(p => p.Id)];
    }

    /// <summary>Whether the signed-in user may read the documents of programme <paramref name="programmeId"/> (false when there is none).</summary>
    public static async Task<bool> CanReadDocumentsAsync(OppdriftDb db, ClaimsPrincipal user, int programmeId, CancellationToken cancellationToken)
    {
        var programme = await db.Programmes.AsNoTracking().Include(p => p.Agencies).SingleOrDefaultAsync(p => p.Id == programmeId, cancellationToken);
        return programme is not null && user.CanReadDocuments(programme, await LearningPeople.CurrentAsync(db, user, cancellationToken));
    }
}
