using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;

namespace Oppdrift.Organisation;

public sealed record AgencySummary(int Id, string Code, string Name, string? Sector, int People, int Leaders, int Units);

public sealed record MunicipalitySummary(
    string Name, int People, int Agencies, int Unassigned, int Inactive, DirectoryImport? LastImport, IReadOnlyList<AgencySummary> AgencyRows);

public sealed record UnitSummary(int Id, string Name, int People, int Leaders);

public sealed record AgencyDetail(AgencySummary Summary, IReadOnlyList<UnitSummary> Units, int PeopleWithoutUnit, IReadOnlyList<MappingRule> Rules);

public sealed record UnassignedValue(DirectoryField Field, string Value, int People);

/// <summary>Active people no rule places: how many, the commonest directory values among them, and how many have neither company nor department.</summary>
public sealed record UnassignedSummary(int Total, IReadOnlyList<UnassignedValue> Values, int WithoutCompanyOrDepartment);

/// <summary>
/// Read-only views of the organisation for pages, the API and other modules. Counts are directory
/// head counts (how many people an agency has), never anything about what a person does.
/// </summary>
public sealed class OrganisationQueries(OppdriftDb db)
{
    /// <summary>Names sort as Norwegians expect (… Z, Æ, Ø, Å) whatever the database's collation.</summary>
    public static readonly StringComparer NorwegianOrder = StringComparer.Create(System.Globalization.CultureInfo.GetCultureInfo("nb-NO"), ignoreCase: true);

    /// <param name="agencyScope">Null for the whole municipality; otherwise only these agencies.</param>
    public async Task<MunicipalitySummary> MunicipalityAsync(IReadOnlySet<int>? agencyScope, CancellationToken cancellationToken)
    {
        var settings = await db.OrganisationSettings.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        // The municipality's totals and each agency's count come from one pass over the directory.
        var counts = await PeopleCountsAsync(null, cancellationToken);
        var rows = await AgenciesAsync(agencyScope, counts, cancellationToken);
        var lastImport = await db.DirectoryImports.AsNoTracking()
            .Where(i => i.Status == ImportStatus.Succeeded)
            .OrderByDescending(i => i.Id)
            .FirstOrDefaultAsync(cancellationToken);
        return new MunicipalitySummary(settings?.MunicipalityName ?? OrganisationSetup.DefaultMunicipalityName,
            counts.Where(c => c.IsActive).Sum(c => c.People), rows.Count,
            counts.Where(c => c.IsActive && c.AgencyId is null).Sum(c => c.People),
            counts.Where(c => !c.IsActive).Sum(c => c.People), lastImport, rows);
    }

    public async Task<IReadOnlyList<AgencySummary>> AgenciesAsync(IReadOnlySet<int>? agencyScope, CancellationToken cancellationToken) =>
        await AgenciesAsync(agencyScope, await PeopleCountsAsync(agencyScope, cancellationToken), cancellationToken);

    private async Task<IReadOnlyList<AgencySummary>> AgenciesAsync(IReadOnlySet<int>? agencyScope, IReadOnlyList<PeopleCount> counts, CancellationToken cancellationToken)
    {
        var agencies = db.Agencies.AsNoTracking();
        var units = db.Units.AsQueryable();
        if (agencyScope is not null)
        {
            var ids = agencyScope.ToArray();
            agencies = agencies.Where(a => ids.Contains(a.Id));
            units = units.Where(u => ids.Contains(u.AgencyId));
        }
        var list = (await agencies.ToListAsync(cancellationToken)).OrderBy(a => a.Name, NorwegianOrder).ToList();
        var active = counts.Where(c => c.IsActive && c.AgencyId is not null).ToDictionary(c => c.AgencyId!.Value);
        var unitCounts = await units.GroupBy(u => u.AgencyId).Select(g => new { AgencyId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.AgencyId, x => x.Count, cancellationToken);
        return [.. list.Select(a => new AgencySummary(a.Id, a.Code, a.Name, a.Sector,
            active.GetValueOrDefault(a.Id)?.People ?? 0,
            active.GetValueOrDefault(a.Id)?.Leaders ?? 0,
            unitCounts.GetValueOrDefault(a.Id)))];
    }

    private sealed record PeopleCount(int? AgencyId, bool IsActive, int People, int Leaders);

    /// <summary>
    /// People and leaders per agency (null: not placed) and state, in one pass: over the agencies in scope only (through
    /// the index on agency and state), or over the whole directory.
    /// </summary>
    private async Task<IReadOnlyList<PeopleCount>> PeopleCountsAsync(IReadOnlySet<int>? agencyScope, CancellationToken cancellationToken)
    {
        var people = db.People.AsQueryable();
        if (agencyScope is not null)
        {
            var ids = agencyScope.ToArray();
            people = people.Where(p => p.AgencyId != null && ids.Contains(p.AgencyId.Value));
        }
        return await people.GroupBy(p => new { p.AgencyId, p.IsActive })
            .Select(g => new PeopleCount(g.Key.AgencyId, g.Key.IsActive, g.Count(), g.Count(p => p.IsLeader)))
            .ToListAsync(cancellationToken);
    }

    public async Task<AgencyDetail?> AgencyAsync(string code, CancellationToken cancellationToken)
    {
        var normalized = code.Trim().ToUpperInvariant();
        var agency = await db.Agencies.AsNoTracking().SingleOrDefaultAsync(a => a.Code == normalized, cancellationToken);
        if (agency is null)
        {
            return null;
        }
        // One pass over the agency's people, counted per unit (and those in none): the totals are the sums. Three passes,
        // one per figure, read the largest agency's rows three times.
        var counted = await db.People.Where(p => p.IsActive && p.AgencyId == agency.Id)
            .GroupBy(p => p.UnitId)
            .Select(g => new { UnitId = g.Key, People = g.Count(), Leaders = g.Count(p => p.IsLeader) })
            .ToListAsync(cancellationToken);
        var byUnit = counted.Where(x => x.UnitId is not null).ToDictionary(x => x.UnitId!.Value);
        var units = (await db.Units.AsNoTracking().Where(u => u.AgencyId == agency.Id).ToListAsync(cancellationToken))
            .OrderBy(u => u.Name, NorwegianOrder).ToList();
        var unitRows = units
            .Select(u => new UnitSummary(u.Id, u.Name, byUnit.GetValueOrDefault(u.Id)?.People ?? 0, byUnit.GetValueOrDefault(u.Id)?.Leaders ?? 0))
            .Where(u => u.People > 0)
            .ToList();
        var total = counted.Sum(x => x.People);
        var leaders = counted.Sum(x => x.Leaders);
        var rules = await db.MappingRules.AsNoTracking().Where(r => r.AgencyId == agency.Id).OrderBy(r => r.Position).ToListAsync(cancellationToken);
        return new AgencyDetail(
            new AgencySummary(agency.Id, agency.Code, agency.Name, agency.Sector, total, leaders, unitRows.Count),
            unitRows,
            total - unitRows.Sum(u => u.People),
            rules);
    }

    /// <summary>
    /// The directory values most common among active people no rule places, so the central team
    /// can see which rules are missing.
    /// </summary>
    public async Task<UnassignedSummary> UnassignedAsync(int top, CancellationToken cancellationToken)
    {
        var unassigned = db.People.Where(p => p.IsActive && p.AgencyId == null);
        var companies = await unassigned.Where(p => p.CompanyName != null)
            .GroupBy(p => p.CompanyName!).Select(g => new { Value = g.Key, Count = g.Count() })
            .OrderByDescending(x => x.Count).Take(top).ToListAsync(cancellationToken);
        var departments = await unassigned.Where(p => p.Department != null)
            .GroupBy(p => p.Department!).Select(g => new { Value = g.Key, Count = g.Count() })
            .OrderByDescending(x => x.Count).Take(top).ToListAsync(cancellationToken);
        var total = await unassigned.CountAsync(cancellationToken);
        var without = await unassigned.CountAsync(p => p.CompanyName == null && p.Department == null, cancellationToken);
        var values = companies.Select(x => new UnassignedValue(DirectoryField.CompanyName, x.Value, x.Count))
            .Concat(departments.Select(x => new UnassignedValue(DirectoryField.Department, x.Value, x.Count)))
            .OrderByDescending(x => x.People)
            .Take(top)
            .ToList();
        return new UnassignedSummary(total, values, without);
    }

    public async Task<IReadOnlyList<DirectoryImport>> ImportsAsync(int take, CancellationToken cancellationToken) =>
        await db.DirectoryImports.AsNoTracking().OrderByDescending(i => i.Id).Take(take).ToListAsync(cancellationToken);

    public async Task<IReadOnlyList<MappingRule>> RulesAsync(CancellationToken cancellationToken) =>
        await db.MappingRules.AsNoTracking().Include(r => r.Agency).OrderBy(r => r.Position).ThenBy(r => r.Id).ToListAsync(cancellationToken);
}
