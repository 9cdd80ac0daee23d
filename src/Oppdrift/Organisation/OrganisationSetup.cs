using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Shared;

namespace Oppdrift.Organisation;

public sealed record AgencyInput(string Code, string Name, string? Sector);

public sealed record RuleInput(DirectoryField Field, RuleOperator Operator, string Value, int AgencyId, UnitSource UnitFrom);

public sealed record ReapplyResult(int Moved, int Unassigned);

/// <summary>Agencies, mapping rules and organisation settings: what the central team sets up by hand.</summary>
public sealed class OrganisationSetup(OppdriftDb db, TimeProvider clock)
{
    public const string DefaultMunicipalityName = "Kommunen";

    public static async Task<OrganisationSettings> SettingsAsync(OppdriftDb db, CancellationToken cancellationToken)
    {
        var settings = await db.OrganisationSettings.SingleOrDefaultAsync(cancellationToken);
        if (settings is null)
        {
            settings = new OrganisationSettings { MunicipalityName = DefaultMunicipalityName, LeaderTitleEndings = LeaderTitles.Default };
            db.OrganisationSettings.Add(settings);
        }
        return settings;
    }

    public async Task SaveSettingsAsync(string municipalityName, string leaderTitleEndings, string actor, CancellationToken cancellationToken)
    {
        var settings = await SettingsAsync(db, cancellationToken);
        var before = new { settings.MunicipalityName, settings.LeaderTitleEndings };
        if (!string.IsNullOrWhiteSpace(municipalityName))
        {
            settings.MunicipalityName = municipalityName.Trim();
        }
        settings.LeaderTitleEndings = string.IsNullOrWhiteSpace(leaderTitleEndings) ? LeaderTitles.Default : leaderTitleEndings.Trim();
        AuditLog.Record(db, clock, actor, "organisation.settings", null, before, new { settings.MunicipalityName, settings.LeaderTitleEndings });
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<Result<Agency>> CreateAgencyAsync(AgencyInput input, string actor, CancellationToken cancellationToken)
    {
        var code = input.Code.Trim().ToUpperInvariant();
        var name = input.Name.Trim();
        if (code.Length is 0 or > 32 || !code.All(c => char.IsLetterOrDigit(c) || c is '-' or '_'))
        {
            return Result<Agency>.Fail("code", OrganisationText.Get("AgencyErrorCode"));
        }
        if (name.Length is 0 or > 200)
        {
            return Result<Agency>.Fail("name", OrganisationText.Get("AgencyErrorName"));
        }
        if (await db.Agencies.AnyAsync(a => a.Code == code, cancellationToken))
        {
            return Result<Agency>.Fail("code", OrganisationText.Get("AgencyErrorCodeTaken", code));
        }
        var agency = new Agency { Code = code, Name = name, Sector = string.IsNullOrWhiteSpace(input.Sector) ? null : input.Sector.Trim(), CreatedAt = clock.GetUtcNow().UtcDateTime };
        db.Agencies.Add(agency);
        AuditLog.Record(db, clock, actor, "organisation.agency.create", code, after: input);
        await db.SaveChangesAsync(cancellationToken);
        return Result<Agency>.Ok(agency);
    }

    /// <summary>Whether any mapping rule exists (a first-day setup adds its rules only to an empty list).</summary>
    public async Task<bool> HasRulesAsync(CancellationToken cancellationToken) => await db.MappingRules.AnyAsync(cancellationToken);

    public async Task<Result<MappingRule>> AddRuleAsync(RuleInput input, string actor, CancellationToken cancellationToken)
    {
        var value = input.Value.Trim();
        if (value.Length is 0 or > 200)
        {
            return Result<MappingRule>.Fail("value", OrganisationText.Get("RuleErrorValue"));
        }
        if (!await db.Agencies.AnyAsync(a => a.Id == input.AgencyId, cancellationToken))
        {
            return Result<MappingRule>.Fail("agency", OrganisationText.Get("RuleErrorAgency"));
        }
        var position = (await db.MappingRules.MaxAsync(r => (int?)r.Position, cancellationToken) ?? 0) + 1;
        var rule = new MappingRule { Position = position, Field = input.Field, Operator = input.Operator, Value = value, AgencyId = input.AgencyId, UnitFrom = input.UnitFrom };
        db.MappingRules.Add(rule);
        AuditLog.Record(db, clock, actor, "organisation.rule.create", null, after: input);
        await db.SaveChangesAsync(cancellationToken);
        return Result<MappingRule>.Ok(rule);
    }

    public async Task<bool> DeleteRuleAsync(int id, string actor, CancellationToken cancellationToken)
    {
        var rule = await db.MappingRules.SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (rule is null)
        {
            return false;
        }
        db.MappingRules.Remove(rule);
        AuditLog.Record(db, clock, actor, "organisation.rule.delete", id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            before: new RuleInput(rule.Field, rule.Operator, rule.Value, rule.AgencyId, rule.UnitFrom));
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>Moves a rule one place up (earlier, so it wins over the rules after it) or down.</summary>
    public async Task<bool> MoveRuleAsync(int id, bool up, string actor, CancellationToken cancellationToken)
    {
        var rules = await db.MappingRules.OrderBy(r => r.Position).ThenBy(r => r.Id).ToListAsync(cancellationToken);
        var index = rules.FindIndex(r => r.Id == id);
        var other = up ? index - 1 : index + 1;
        if (index < 0 || other < 0 || other >= rules.Count)
        {
            return false;
        }
        (rules[index], rules[other]) = (rules[other], rules[index]);
        for (var i = 0; i < rules.Count; i++)
        {
            rules[i].Position = i + 1;
        }
        AuditLog.Record(db, clock, actor, "organisation.rule.move", id.ToString(System.Globalization.CultureInfo.InvariantCulture), after: new { Up = up });
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>Places everyone again by the current rules, without a new file.</summary>
    public async Task<ReapplyResult> ReapplyRulesAsync(string actor, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var result = await PlaceEveryoneAsync(db, cancellationToken);
        AuditLog.Record(db, clock, actor, "organisation.rules.apply", null, after: new { result.Moved, result.Unassigned });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>Places everyone by the rules as saved, inside the caller's transaction, and saves.</summary>
    internal static async Task<ReapplyResult> PlaceEveryoneAsync(OppdriftDb db, CancellationToken cancellationToken)
    {
        var mapping = new AgencyMapping(await db.MappingRules.AsNoTracking().ToListAsync(cancellationToken));
        var units = new UnitCatalogue(await db.Units.ToListAsync(cancellationToken), db);
        var people = await db.People.ToListAsync(cancellationToken);
        var moved = 0;
        var unassigned = 0;
        foreach (var person in people)
        {
            if (EntraUserImport.Place(person, mapping, units))
            {
                moved++;
            }
            if (person.AgencyId is null && person.IsActive)
            {
                unassigned++;
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        return new ReapplyResult(moved, unassigned);
    }
}
