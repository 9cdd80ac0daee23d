// What other modules may read of the organisation: agencies, people and head counts, as small untracked records or
// projections to compose into their own queries. No module outside Organisation queries its tables itself
// (tests/Oppdrift.Tests/Architecture/TableOwnershipTests.cs holds them to it).
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;

namespace Oppdrift.Organisation;

/// <summary>An agency as other modules name it.</summary>
/// <remarks>Init-only members rather than a positional record, so a query composed over <see cref="OrganisationDirectory.AgencyRows"/> still translates to SQL.</remarks>
public sealed record AgencyRow
{
    public required int Id { get; init; }

    public required string Code { get; init; }

    public required string Name { get; init; }

    public string? Sector { get; init; }
}

/// <summary>A unit within an agency, as other modules name it.</summary>
public sealed record UnitRow(int Id, int AgencyId, string Name);

/// <summary>A person as other modules need them: who, where mail reaches them, their agency and whether they lead.</summary>
/// <remarks>Directory facts only, like <see cref="Person"/>; init-only members for the same reason as <see cref="AgencyRow"/>.</remarks>
public sealed record PersonRow
{
    public required int Id { get; init; }

    public required string UserPrincipalName { get; init; }

    public required string DisplayName { get; init; }

    public string? Mail { get; init; }

    public int? AgencyId { get; init; }

    public int? UnitId { get; init; }

    public bool IsLeader { get; init; }

    /// <summary>Present in the latest directory import and enabled.</summary>
    public bool IsActive { get; init; }
}

/// <summary>A leader a directory import brought into an agency (see <see cref="LeaderArrival"/>).</summary>
public sealed record LeaderArrivalRow(int PersonId, LeaderArrivalKind Kind, int AgencyId, int? FromAgencyId, DateTime At);

/// <summary>
/// People found by user principal name or e-mail address, case-insensitively. Where two people share a name (a name
/// that came back on a new person), the active one wins, then the newest.
/// </summary>
public sealed class PersonLookup
{
    private readonly Dictionary<string, PersonRow> _byUserPrincipalName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, PersonRow> _byMail = new(StringComparer.OrdinalIgnoreCase);

    internal PersonLookup(IEnumerable<PersonRow> people)
    {
        foreach (var person in people.OrderByDescending(p => p.IsActive).ThenByDescending(p => p.Id))
        {
            _byUserPrincipalName.TryAdd(person.UserPrincipalName, person);
            if (person.Mail is { Length: > 0 } mail)
            {
                _byMail.TryAdd(mail, person);
            }
        }
    }

    public PersonRow? ByUserPrincipalName(string? name) =>
        name is not null && _byUserPrincipalName.TryGetValue(name.Trim(), out var person) ? person : null;

    public PersonRow? ByMail(string? address) =>
        address is not null && _byMail.TryGetValue(address.Trim(), out var person) ? person : null;

    /// <summary>The person whose user principal name this is, else the one whose e-mail address it is.</summary>
    public PersonRow? Find(string? name) => ByUserPrincipalName(name) ?? ByMail(name);
}

/// <summary>
/// Organisation's query surface for the other modules, the hosts and the CLI. Counts are directory head counts (how
/// many people an agency has), never anything about what a person does.
/// </summary>
public sealed class OrganisationDirectory(OppdriftDb db)
{
    private static readonly Expression<Func<Person, PersonRow>> ToRow = p => new PersonRow
    {
        Id = p.Id,
        UserPrincipalName = p.UserPrincipalName,
        DisplayName = p.DisplayName,
        Mail = p.Mail,
        AgencyId = p.AgencyId,
        UnitId = p.UnitId,
        IsLeader = p.IsLeader,
        IsActive = p.IsActive,
    };

    /// <summary>Every agency as a projection, for a caller that joins agencies inside a bigger query.</summary>
    public IQueryable<AgencyRow> AgencyRows =>
        db.Agencies.AsNoTracking().Select(a => new AgencyRow { Id = a.Id, Code = a.Code, Name = a.Name, Sector = a.Sector });

    /// <summary>Everyone the directory has held, deactivated people included, as a projection to join inside a bigger query.</summary>
    public IQueryable<PersonRow> PersonRows => db.People.AsNoTracking().Select(ToRow);

    public async Task<AgencyRow?> AgencyAsync(int id, CancellationToken cancellationToken) =>
        await AgencyRows.SingleOrDefaultAsync(a => a.Id == id, cancellationToken);

    /// <summary>The agency with this code, in any case and with surrounding spaces ignored (codes are stored in upper case).</summary>
    public async Task<AgencyRow?> AgencyAsync(string code, CancellationToken cancellationToken)
    {
        var normalized = code.Trim().ToUpperInvariant();
        return await AgencyRows.SingleOrDefaultAsync(a => a.Code == normalized, cancellationToken);
    }

    /// <summary>The agencies with these ids that exist (all when null; a caller's scope, or ids to check), in Norwegian order of name.</summary>
    public async Task<IReadOnlyList<AgencyRow>> AgenciesAsync(IReadOnlyCollection<int>? ids, CancellationToken cancellationToken)
    {
        var query = AgencyRows;
        if (ids is not null)
        {
            var list = ids.Distinct().ToList();
            query = query.Where(a => list.Contains(a.Id));
        }
        return [.. (await query.ToListAsync(cancellationToken)).OrderBy(a => a.Name, OrganisationQueries.NorwegianOrder)];
    }

    /// <summary>Every unit of these agencies (all when null), in Norwegian order of name.</summary>
    public async Task<IReadOnlyList<UnitRow>> UnitsAsync(IReadOnlyCollection<int>? agencies, CancellationToken cancellationToken)
    {
        var query = db.Units.AsNoTracking();
        if (agencies is not null)
        {
            var list = agencies.Distinct().ToList();
            query = query.Where(u => list.Contains(u.AgencyId));
        }
        return [.. (await query.Select(u => new UnitRow(u.Id, u.AgencyId, u.Name)).ToListAsync(cancellationToken)).OrderBy(u => u.Name, OrganisationQueries.NorwegianOrder)];
    }

    /// <summary>The units with these ids that exist, by id.</summary>
    public async Task<IReadOnlyDictionary<int, UnitRow>> UnitsByIdAsync(IReadOnlyCollection<int> ids, CancellationToken cancellationToken)
    {
        var list = ids.Distinct().ToList();
        return await db.Units.AsNoTracking().Where(u => list.Contains(u.Id))
            .Select(u => new UnitRow(u.Id, u.AgencyId, u.Name))
            .ToDictionaryAsync(u => u.Id, cancellationToken);
    }

    /// <summary>Active people per unit of <paramref name="units"/>, counted in the database; a unit with nobody is absent.</summary>
    public async Task<IReadOnlyDictionary<int, int>> UnitHeadCountsAsync(IReadOnlyCollection<int> units, CancellationToken cancellationToken)
    {
        var ids = units.Distinct().Select(id => (int?)id).ToList();
        return await db.People.Where(p => p.IsActive && ids.Contains(p.UnitId))
            .GroupBy(p => p.UnitId!.Value)
            .Select(g => new { UnitId = g.Key, People = g.Count() })
            .ToDictionaryAsync(x => x.UnitId, x => x.People, cancellationToken);
    }

    public async Task<UnitRow?> UnitAsync(int id, CancellationToken cancellationToken) =>
        await db.Units.AsNoTracking().Where(u => u.Id == id).Select(u => new UnitRow(u.Id, u.AgencyId, u.Name)).SingleOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Active people whose display name, user principal name or e-mail address holds <paramref name="text"/> (any case),
    /// by name, at most <paramref name="limit"/>: for a person choosing someone from the directory.
    /// </summary>
    public async Task<IReadOnlyList<PersonRow>> SearchPeopleAsync(string text, int limit, CancellationToken cancellationToken)
    {
        var key = text.Trim().ToLowerInvariant();
        if (key.Length == 0)
        {
            return [];
        }
        // ToLower here is SQL's lower(), not the current culture's.
#pragma warning disable CA1304, CA1311, CA1862
        return await db.People.AsNoTracking()
            .Where(p => p.IsActive && (p.DisplayName.ToLower().Contains(key) || p.NormalizedUserPrincipalName.Contains(key) || (p.Mail != null && p.Mail.ToLower().Contains(key))))
            .OrderBy(p => p.DisplayName).ThenBy(p => p.Id)
            .Take(limit)
            .Select(ToRow)
            .ToListAsync(cancellationToken);
#pragma warning restore CA1304, CA1311, CA1862
    }

    /// <summary>Agency names by id, for those of <paramref name="ids"/> that exist (all when null).</summary>
    public async Task<IReadOnlyDictionary<int, string>> AgencyNamesAsync(IReadOnlyCollection<int>? ids, CancellationToken cancellationToken) =>
        (await AgenciesAsync(ids, cancellationToken)).ToDictionary(a => a.Id, a => a.Name);

    /// <summary>
    /// Active people per agency (of <paramref name="agencies"/>, or all when null), counted in the database; an agency
    /// with nobody is absent. The size of the group a figure about an agency's people is suppressed or divided by.
    /// </summary>
    public async Task<IReadOnlyDictionary<int, int>> HeadCountsAsync(IReadOnlyCollection<int>? agencies, CancellationToken cancellationToken)
    {
        var people = db.People.Where(p => p.IsActive && p.AgencyId != null);
        if (agencies is not null)
        {
            var ids = agencies.Distinct().Select(id => (int?)id).ToList();
            people = people.Where(p => ids.Contains(p.AgencyId));
        }
        return await people.GroupBy(p => p.AgencyId!.Value)
            .Select(g => new { AgencyId = g.Key, People = g.Count() })
            .ToDictionaryAsync(x => x.AgencyId, x => x.People, cancellationToken);
    }

    /// <summary>Whether a directory has been imported at all.</summary>
    public async Task<bool> AnyPeopleAsync(CancellationToken cancellationToken) => await db.People.AnyAsync(cancellationToken);

    public async Task<PersonRow?> PersonAsync(int id, CancellationToken cancellationToken) =>
        await PersonRows.SingleOrDefaultAsync(p => p.Id == id, cancellationToken);

    /// <summary>The people with these ids, by id.</summary>
    public async Task<IReadOnlyDictionary<int, PersonRow>> PeopleAsync(IReadOnlyCollection<int> ids, CancellationToken cancellationToken)
    {
        var list = ids.Distinct().ToList();
        return await PersonRows.Where(p => list.Contains(p.Id)).ToDictionaryAsync(p => p.Id, cancellationToken);
    }

    /// <summary>
    /// The agency of each person of <paramref name="ids"/> the directory holds (null for one it places in none), by id. The
    /// ids are a query run inside this one: a group of thousands sent as parameters costs more than reading them.
    /// </summary>
    public async Task<IReadOnlyDictionary<int, int?>> AgencyOfAsync(IQueryable<int> ids, CancellationToken cancellationToken) =>
        await PersonRows.Where(p => ids.Contains(p.Id)).Select(p => new { p.Id, p.AgencyId }).ToDictionaryAsync(p => p.Id, p => p.AgencyId, cancellationToken);

    /// <summary>The active person with this user principal name, in any case (the newest, should two ever be active).</summary>
    public async Task<PersonRow?> ActivePersonAsync(string userPrincipalName, CancellationToken cancellationToken)
    {
        var normalized = userPrincipalName.Trim().ToLowerInvariant();
        return await db.People.AsNoTracking()
            .Where(p => p.IsActive && p.NormalizedUserPrincipalName == normalized)
            .OrderByDescending(p => p.Id)
            .Select(ToRow)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// The people whose user principal name or e-mail address is one of <paramref name="names"/> (any case), in one query,
    /// for a caller resolving many names at once (attendance reports, a leader's list).
    /// </summary>
    /// <param name="agencyId">Only people of this agency, when given.</param>
    /// <param name="activeOnly">Only active people; otherwise deactivated people are found too (active ones win a shared name).</param>
    public async Task<PersonLookup> PeopleByNameAsync(IEnumerable<string?> names, int? agencyId, bool activeOnly, CancellationToken cancellationToken)
    {
        var keys = names.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n!.Trim().ToLowerInvariant()).Distinct().ToList();
        if (keys.Count == 0)
        {
            return new PersonLookup([]);
        }
        // Mail has no lower-case copy: ToLower here is SQL's lower(), not the current culture's.
#pragma warning disable CA1304, CA1311
        var people = db.People.AsNoTracking()
            .Where(p => keys.Contains(p.NormalizedUserPrincipalName) || (p.Mail != null && keys.Contains(p.Mail.ToLower())));
#pragma warning restore CA1304, CA1311
        if (agencyId is { } agency)
        {
            people = people.Where(p => p.AgencyId == agency);
        }
        if (activeOnly)
        {
            people = people.Where(p => p.IsActive);
        }
        return new PersonLookup(await people.Select(ToRow).ToListAsync(cancellationToken));
    }

    /// <summary>
    /// The leaders directory imports brought into agencies at or after <paramref name="since"/>, the latest arrival of
    /// each person, and only while they are still an active leader in the agency they arrived in: someone who left again,
    /// lost the title or moved on is no longer news.
    /// </summary>
    public async Task<IReadOnlyList<LeaderArrivalRow>> LeaderArrivalsAsync(DateTime since, CancellationToken cancellationToken)
    {
        var arrivals = await db.LeaderArrivals.AsNoTracking()
            .Where(a => a.At >= since && a.Person!.IsActive && a.Person.IsLeader && a.Person.AgencyId == a.AgencyId)
            .Select(a => new { a.Id, Row = new LeaderArrivalRow(a.PersonId, a.Kind, a.AgencyId, a.FromAgencyId, a.At) })
            .ToListAsync(cancellationToken);
        return [.. arrivals.GroupBy(a => a.Row.PersonId).Select(g => g.MaxBy(a => a.Id)!.Row).OrderBy(a => a.At).ThenBy(a => a.PersonId)];
    }

    /// <summary>
    /// Every user principal name the directory has held, deactivated people's included (usage reports still name them),
    /// with the agency of the person holding it (null: no rule places them). A name held by an active person and by a
    /// deactivated one who once had it goes to the active one. One query and one dictionary (case-insensitive), for an
    /// importer resolving tens of thousands of names.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, int?>> AgencyByUserPrincipalNameAsync(CancellationToken cancellationToken)
    {
        var people = await db.People.AsNoTracking()
            .Select(p => new { p.NormalizedUserPrincipalName, p.AgencyId, p.IsActive })
            .ToListAsync(cancellationToken);
        var byName = new Dictionary<string, int?>(people.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var person in people.OrderBy(p => p.IsActive))
        {
            byName[person.NormalizedUserPrincipalName] = person.AgencyId;
        }
        return byName;
    }
}
