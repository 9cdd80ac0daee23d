using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Organisation;

namespace Oppdrift.Demo;

/// <summary>What a demo load did: <see cref="EarlierImport"/> is the directory as it was before its latest changes, imported first on a first load.</summary>
public sealed record DemoLoadResult(string Folder, int AgenciesCreated, int RulesCreated, DirectoryImport DirectoryImport, DirectoryImport? EarlierImport = null);

/// <summary>
/// Writes the demo municipality's files and loads them through the real importers, exactly as a
/// central team would: agencies and mapping rules first, then the directory export (on a first load, an earlier
/// export before it, so the directory has leader arrivals).
/// </summary>
public sealed class DemoLoader(OppdriftDb db, TimeProvider clock)
{
    public const string Actor = "demo";

    /// <summary>The directory as it was before its latest changes, imported first on a first load (see <see cref="Earlier"/>).</summary>
    public const string EarlierFileName = "entra-users-earlier.csv";

    /// <summary>How many new leaders the largest agency has in the latest directory; one more leader has moved there.</summary>
    public const int NewLeaders = 3;

    /// <summary>Writes every demo file into <paramref name="folder"/> and returns their paths.</summary>
    public static IReadOnlyList<string> Generate(DemoMunicipality municipality, string folder, EntraExportFormat format = EntraExportFormat.Documented)
    {
        Directory.CreateDirectory(folder);
        var users = Path.Combine(folder, EntraUsersWriter.FileName);
        using (var stream = File.Create(users))
        {
            EntraUsersWriter.Write(stream, municipality.People, format);
        }
        return [users];
    }

    public async Task<DemoLoadResult> LoadAsync(DemoMunicipality municipality, string folder,
        IProgress<DirectoryImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        Generate(municipality, folder);
        var setup = new OrganisationSetup(db, clock);
        var settings = await OrganisationSetup.SettingsAsync(db, cancellationToken);
        if (settings.MunicipalityName == OrganisationSetup.DefaultMunicipalityName)
        {
            settings.MunicipalityName = DemoCatalogue.MunicipalityName;
            await db.SaveChangesAsync(cancellationToken);
        }

        var existing = (await new OrganisationDirectory(db).AgenciesAsync(null, cancellationToken)).ToDictionary(a => a.Code, a => a.Id);
        var agenciesCreated = 0;
        foreach (var agency in municipality.Agencies)
        {
            if (!existing.ContainsKey(agency.Code))
            {
                var created = await setup.CreateAgencyAsync(new AgencyInput(agency.Code, agency.Name, agency.SectorName), Actor, cancellationToken);
                existing[agency.Code] = created.Value?.Id ?? throw new InvalidOperationException(created.Error);
                agenciesCreated++;
            }
        }

        var rulesCreated = 0;
        if (!await setup.HasRulesAsync(cancellationToken))
        {
            foreach (var agency in municipality.Agencies)
            {
                var rule = agency.NamedInDepartment
                    ? new RuleInput(DirectoryField.Department, RuleOperator.StartsWith, agency.Name, existing[agency.Code], UnitSource.Department)
                    : new RuleInput(DirectoryField.CompanyName, RuleOperator.Equals, agency.Name, existing[agency.Code], UnitSource.Department);
                await setup.AddRuleAsync(rule, Actor, cancellationToken);
                rulesCreated++;
            }
        }

        DirectoryImport? first = null;
        if (!await new OrganisationDirectory(db).AnyPeopleAsync(cancellationToken))
        {
            // A first load imports the directory as it was a while ago, then as it is now: the second import finds the new
            // leaders through the same path a real directory change takes, and the leader school is proposed them.
            var earlier = Path.Combine(folder, EarlierFileName);
            await using (var written = File.Create(earlier))
            {
                EntraUsersWriter.Write(written, Earlier(municipality));
            }
            await using var before = File.OpenRead(earlier);
            first = await new EntraUserImport(db, clock).ImportAsync(before, earlier, Actor, progress, cancellationToken);
            if (first.Status != ImportStatus.Succeeded)
            {
                throw new InvalidOperationException(first.Errors);
            }
            // The import leaves the whole directory tracked; the second would detect changes over all of it again.
            db.ChangeTracker.Clear();
        }

        var file = Path.Combine(folder, EntraUsersWriter.FileName);
        await using var stream = File.OpenRead(file);
        var import = await new EntraUserImport(db, clock).ImportAsync(stream, file, Actor, progress, cancellationToken);
        return new DemoLoadResult(folder, agenciesCreated, rulesCreated, import, first);
    }

    /// <summary>
    /// The municipality's directory before its latest changes: the largest agency's <see cref="NewLeaders"/> newest
    /// leaders are not in it yet, and one more of its leaders still works in the second largest agency. Imported before the
    /// full directory, it makes the second import record them as leader arrivals (new, and moved).
    /// </summary>
    public static IReadOnlyList<DemoPerson> Earlier(DemoMunicipality municipality)
    {
        ArgumentNullException.ThrowIfNull(municipality);
        var bySize = municipality.People.Where(p => p.Agency is not null && p.AccountEnabled).GroupBy(p => p.Agency!.Code)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        if (bySize.Count < 2)
        {
            return municipality.People;
        }
        // Leaders below the director (the agency's first person), the newest last.
        var leaders = bySize[0].Where(p => p.IsLeader && p.UserType == "Member").Skip(1).ToList();
        if (leaders.Count < NewLeaders + 1)
        {
            return municipality.People;
        }
        var arriving = leaders.TakeLast(NewLeaders).ToHashSet();
        var moving = leaders[^(NewLeaders + 1)];
        var there = bySize[1].First(p => p.UserType == "Member");
        return [.. municipality.People.Where(p => !arriving.Contains(p)).Select(p => p == moving
            ? p with { CompanyName = there.CompanyName, Department = there.Department, OfficeLocation = there.OfficeLocation, Agency = there.Agency, Unit = there.Unit }
            : p)];
    }
}
