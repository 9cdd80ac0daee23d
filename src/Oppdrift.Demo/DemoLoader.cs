using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Organisation;

namespace Oppdrift.Demo;

public sealed record DemoLoadResult(string Folder, int AgenciesCreated, int RulesCreated, DirectoryImport DirectoryImport);

/// <summary>
/// Writes the demo municipality's files and loads them through the real importers, exactly as a
/// central team would: agencies and mapping rules first, then the directory export.
/// </summary>
public sealed class DemoLoader(OppdriftDb db, TimeProvider clock)
{
    public const string Actor = "demo";

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

        var file = Path.Combine(folder, EntraUsersWriter.FileName);
        await using var stream = File.OpenRead(file);
        var import = await new EntraUserImport(db, clock).ImportAsync(stream, file, Actor, progress, cancellationToken);
        return new DemoLoadResult(folder, agenciesCreated, rulesCreated, import);
    }
}
