// The organisation's setup as one CSV file: the municipality's name and leader titles, the agencies with their sectors,
// and the mapping rules in the order they are tried. A team keeps it in version control and moves it between a test and
// a production installation; importing it makes the installation match the file.
//
//   kind,code,name,sector,field,operator,value,unit
//   setting,municipality,,,,,Nordvik kommune,
//   setting,leader-titles,,,,,"leder, sjef, direktør",
//   agency,BYD-OST,Bydel Øst,Helse og velferd,,,,
//   rule,BYD-OST,,,Department,StartsWith,Bydel Øst,Department
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Shared;
using Oppdrift.Shared.Exports;

namespace Oppdrift.Organisation;

public enum SetupImportStatus
{
    Imported,
    Unchanged,
    Failed,
}

/// <summary>What an import of a setup file did, or the errors that stopped it (then nothing was saved).</summary>
public sealed record SetupImportResult(
    SetupImportStatus Status,
    IReadOnlyList<InputError> Errors,
    int AgenciesCreated,
    int AgenciesUpdated,
    bool SettingsChanged,
    bool RulesReplaced,
    int Rules,
    int PeopleMoved,
    int Unassigned,
    IReadOnlyList<string> AgenciesNotInFile);

/// <summary>Exports and imports the organisation's setup (<see cref="Columns"/>) as one CSV file.</summary>
public sealed class OrganisationFile(OppdriftDb db, TimeProvider clock)
{
    public static readonly string[] Columns = ["kind", "code", "name", "sector", "field", "operator", "value", "unit"];

    public const string MunicipalityKey = "municipality";
    public const string LeaderTitlesKey = "leader-titles";

    /// <summary>A setup file is a few hundred lines; this is room for a national service's.</summary>
    public const long MaxBytes = 4L * 1024 * 1024;

    private const int Kind = 0, Code = 1, Name = 2, Sector = 3, Field = 4, Operator = 5, Value = 6, UnitColumn = 7;

    private sealed record AgencyLine(int Line, string Code, string Name, string? Sector);

    private sealed record RuleLine(int Line, string AgencyCode, DirectoryField Field, RuleOperator Operator, string Value, UnitSource Unit);

    private sealed record Parsed(string? Municipality, string? LeaderTitles, IReadOnlyList<AgencyLine> Agencies, IReadOnlyList<RuleLine> Rules);

    /// <summary>
    /// Writes the setup as it stands: settings, agencies by code, rules in the order they are tried. Recorded in the audit
    /// log as the actor's export; without an actor the caller records it (a web download does, as it starts).
    /// </summary>
    public async Task ExportAsync(TextWriter output, string? actor, CancellationToken cancellationToken)
    {
        var settings = await db.OrganisationSettings.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        var agencies = await db.Agencies.AsNoTracking().OrderBy(a => a.Code).Select(a => new { a.Id, a.Code, a.Name, a.Sector }).ToListAsync(cancellationToken);
        var codes = agencies.ToDictionary(a => a.Id, a => a.Code);
        var rules = await db.MappingRules.AsNoTracking().OrderBy(r => r.Position).ThenBy(r => r.Id).ToListAsync(cancellationToken);
        // A file a program reads back: values keep their first character (a rule may well start with "-").
        var csv = new CsvWriter(output, new CsvOptions { NeutraliseFormulas = false });
        csv.WriteHeader(Columns);
        csv.WriteRow("setting", MunicipalityKey, null, null, null, null, settings?.MunicipalityName ?? OrganisationSetup.DefaultMunicipalityName, null);
        csv.WriteRow("setting", LeaderTitlesKey, null, null, null, null, settings?.LeaderTitleEndings ?? LeaderTitles.Default, null);
        foreach (var agency in agencies)
        {
            csv.WriteRow("agency", agency.Code, agency.Name, agency.Sector, null, null, null, null);
        }
        foreach (var rule in rules)
        {
            csv.WriteRow("rule", codes[rule.AgencyId], null, null, rule.Field.ToString(), rule.Operator.ToString(), rule.Value, rule.UnitFrom.ToString());
        }
        await output.FlushAsync(cancellationToken);
        if (actor is not null)
        {
            AuditLog.Record(db, clock, actor, "organisation.setup.export", null, after: new { Agencies = agencies.Count, Rules = rules.Count });
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Makes the installation match the file, in one transaction: settings, agencies created or renamed by code, and the
    /// rules replaced by the file's (then everyone is placed again). Agencies not in the file are kept, never deleted:
    /// they hold history. A file with any error saves nothing; the same file twice changes nothing the second time.
    /// </summary>
    public async Task<SetupImportResult> ImportAsync(Stream stream, string fileName, string actor, CancellationToken cancellationToken)
    {
        var existing = await db.Agencies.AsNoTracking().Select(a => a.Code).ToListAsync(cancellationToken);
        var (parsed, errors) = Parse(stream, fileName, existing.ToHashSet(StringComparer.Ordinal));
        if (errors.Count > 0)
        {
            return Failed(errors);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var settings = await OrganisationSetup.SettingsAsync(db, cancellationToken);
        var settingsBefore = new { settings.MunicipalityName, settings.LeaderTitleEndings };
        if (parsed!.Municipality is { } municipality && municipality != settings.MunicipalityName)
        {
            settings.MunicipalityName = municipality;
        }
        if (parsed.LeaderTitles is { } titles && titles != settings.LeaderTitleEndings)
        {
            settings.LeaderTitleEndings = titles;
        }
        var settingsChanged = settingsBefore.MunicipalityName != settings.MunicipalityName || settingsBefore.LeaderTitleEndings != settings.LeaderTitleEndings;

        var agencies = await db.Agencies.ToDictionaryAsync(a => a.Code, StringComparer.Ordinal, cancellationToken);
        var created = 0;
        var updated = 0;
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var line in parsed.Agencies)
        {
            if (!agencies.TryGetValue(line.Code, out var agency))
            {
                agency = new Agency { Code = line.Code, Name = line.Name, Sector = line.Sector, CreatedAt = now };
                db.Agencies.Add(agency);
                agencies[line.Code] = agency;
                created++;
            }
            else if (agency.Name != line.Name || agency.Sector != line.Sector)
            {
                agency.Name = line.Name;
                agency.Sector = line.Sector;
                updated++;
            }
        }
        await db.SaveChangesAsync(cancellationToken);

        var current = await db.MappingRules.OrderBy(r => r.Position).ThenBy(r => r.Id).ToListAsync(cancellationToken);
        var wanted = parsed.Rules.Select(r => (agencies[r.AgencyCode].Id, r.Field, r.Operator, r.Value, r.Unit)).ToList();
        var replaced = !current.Select(r => (r.AgencyId, r.Field, r.Operator, r.Value, r.UnitFrom)).SequenceEqual(wanted);
        var placed = new ReapplyResult(0, 0);
        if (replaced)
        {
            db.MappingRules.RemoveRange(current);
            await db.SaveChangesAsync(cancellationToken);
            var position = 0;
            foreach (var (agencyId, field, op, value, unit) in wanted)
            {
                db.MappingRules.Add(new MappingRule { Position = ++position, AgencyId = agencyId, Field = field, Operator = op, Value = value, UnitFrom = unit });
            }
            await db.SaveChangesAsync(cancellationToken);
            placed = await OrganisationSetup.PlaceEveryoneAsync(db, cancellationToken);
        }

        var notInFile = agencies.Keys.Except(parsed.Agencies.Select(a => a.Code), StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var changed = settingsChanged || created > 0 || updated > 0 || replaced;
        if (changed)
        {
            AuditLog.Record(db, clock, actor, "organisation.setup.import", fileName, settingsChanged ? settingsBefore : null, new
            {
                AgenciesCreated = created,
                AgenciesUpdated = updated,
                SettingsChanged = settingsChanged,
                RulesReplaced = replaced,
                Rules = wanted.Count,
                placed.Moved,
                placed.Unassigned,
            });
            await db.SaveChangesAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return new SetupImportResult(changed ? SetupImportStatus.Imported : SetupImportStatus.Unchanged, [], created, updated, settingsChanged, replaced,
            wanted.Count, placed.Moved, placed.Unassigned, notInFile);
    }

    private static SetupImportResult Failed(IReadOnlyList<InputError> errors) =>
        new(SetupImportStatus.Failed, errors, 0, 0, false, false, 0, 0, 0, []);

    private static (Parsed? Parsed, List<InputError> Errors) Parse(Stream stream, string fileName, HashSet<string> existingCodes)
    {
        var errors = new List<InputError>();
        string? municipality = null;
        string? leaderTitles = null;
        var settingLines = new Dictionary<string, int>(StringComparer.Ordinal);
        var agencies = new List<AgencyLine>();
        var agencyLines = new Dictionary<string, int>(StringComparer.Ordinal);
        var rules = new List<RuleLine>();
        var ruleLines = new Dictionary<(DirectoryField, RuleOperator, string), int>();
        var index = new int[Columns.Length];
        try
        {
            using var reader = new CsvReader(stream, fileName);
            var header = reader.Read();
            if (header is null)
            {
                return (null, [new InputError(fileName, 0, null, null, OrganisationText.Get("SetupErrorEmpty"))]);
            }
            for (var c = 0; c < Columns.Length; c++)
            {
                index[c] = Array.FindIndex(header.Fields, f => string.Equals(f.Trim(), Columns[c], StringComparison.OrdinalIgnoreCase));
            }
            var missing = Columns.Where((_, c) => index[c] < 0).ToList();
            if (missing.Count > 0)
            {
                return (null, [new InputError(fileName, header.Line, null, null, OrganisationText.Get("SetupErrorColumnMissing", string.Join(", ", missing), string.Join(",", Columns)))]);
            }

            for (var record = reader.Read(); record is not null; record = reader.Read())
            {
                string Get(int column) => index[column] < record.Fields.Length ? record.Fields[index[column]].Trim() : "";
                void Fail(int column, string message) => errors.Add(new InputError(fileName, record.Line, index[column] + 1, Columns[column], message));

                switch (Get(Kind).ToLowerInvariant())
                {
                    case "setting":
                        var key = Get(Code).ToLowerInvariant();
                        var value = Get(Value);
                        if (key is not (MunicipalityKey or LeaderTitlesKey))
                        {
                            Fail(Code, OrganisationText.Get("SetupErrorSettingKey", Get(Code), MunicipalityKey, LeaderTitlesKey));
                        }
                        else if (settingLines.TryGetValue(key, out var first))
                        {
                            Fail(Code, OrganisationText.Get("SetupErrorSettingTwice", key, first));
                        }
                        else if (value.Length is 0 or > 200)
                        {
                            settingLines[key] = record.Line;
                            Fail(Value, OrganisationText.Get("SetupErrorSettingValue", key));
                        }
                        else
                        {
                            settingLines[key] = record.Line;
                            if (key == MunicipalityKey)
                            {
                                municipality = value;
                            }
                            else
                            {
                                leaderTitles = value;
                            }
                        }
                        break;

                    case "agency":
                        var code = Get(Code).ToUpperInvariant();
                        var name = Get(Name);
                        var sector = Get(Sector);
                        if (code.Length is 0 or > 32 || !code.All(c => char.IsLetterOrDigit(c) || c is '-' or '_'))
                        {
                            Fail(Code, OrganisationText.Get("AgencyErrorCode"));
                        }
                        else if (agencyLines.TryGetValue(code, out var first))
                        {
                            Fail(Code, OrganisationText.Get("SetupErrorAgencyTwice", code, first));
                        }
                        else if (name.Length is 0 or > 200)
                        {
                            agencyLines[code] = record.Line;
                            Fail(Name, OrganisationText.Get("AgencyErrorName"));
                        }
                        else if (sector.Length > 200)
                        {
                            agencyLines[code] = record.Line;
                            Fail(Sector, OrganisationText.Get("SetupErrorSector"));
                        }
                        else
                        {
                            agencyLines[code] = record.Line;
                            agencies.Add(new AgencyLine(record.Line, code, name, sector.Length == 0 ? null : sector));
                        }
                        break;

                    case "rule":
                        var before = errors.Count;
                        var agencyCode = Get(Code).ToUpperInvariant();
                        if (agencyCode.Length == 0)
                        {
                            Fail(Code, OrganisationText.Get("SetupErrorRuleAgencyMissing"));
                        }
                        var field = ParseEnum<DirectoryField>(Get(Field));
                        if (field is null)
                        {
                            Fail(Field, OrganisationText.Get("SetupErrorEnum", Get(Field), string.Join(", ", Enum.GetNames<DirectoryField>())));
                        }
                        var op = ParseEnum<RuleOperator>(Get(Operator));
                        if (op is null)
                        {
                            Fail(Operator, OrganisationText.Get("SetupErrorEnum", Get(Operator), string.Join(", ", Enum.GetNames<RuleOperator>())));
                        }
                        var unitText = Get(UnitColumn);
                        var unit = unitText.Length == 0 ? UnitSource.None : ParseEnum<UnitSource>(unitText);
                        if (unit is null)
                        {
                            Fail(UnitColumn, OrganisationText.Get("SetupErrorEnum", unitText, string.Join(", ", Enum.GetNames<UnitSource>())));
                        }
                        var ruleValue = Get(Value);
                        if (ruleValue.Length is 0 or > 200)
                        {
                            Fail(Value, OrganisationText.Get("RuleErrorValue"));
                        }
                        if (errors.Count > before)
                        {
                            break;
                        }
                        // Rules match without regard to case, so a second rule on the same value is never reached.
                        var match = (field!.Value, op!.Value, ruleValue.ToUpperInvariant());
                        if (ruleLines.TryGetValue(match, out var earlier))
                        {
                            Fail(Value, OrganisationText.Get("SetupErrorRuleTwice", earlier));
                            break;
                        }
                        ruleLines[match] = record.Line;
                        rules.Add(new RuleLine(record.Line, agencyCode, field.Value, op.Value, ruleValue, unit!.Value));
                        break;

                    default:
                        Fail(Kind, OrganisationText.Get("SetupErrorKind", Get(Kind)));
                        break;
                }
            }
        }
        catch (InputErrorException e)
        {
            errors.Add(e.Error);
            return (null, errors);
        }

        // A rule may name an agency that comes later in the file, or one that is already here.
        foreach (var rule in rules.Where(r => !agencyLines.ContainsKey(r.AgencyCode) && !existingCodes.Contains(r.AgencyCode)))
        {
            errors.Add(new InputError(fileName, rule.Line, index[Code] + 1, Columns[Code], OrganisationText.Get("SetupErrorRuleAgency", rule.AgencyCode)));
        }
        errors.Sort((a, b) => a.Line != b.Line ? a.Line.CompareTo(b.Line) : (a.Column ?? 0).CompareTo(b.Column ?? 0));
        return errors.Count > 0 ? (null, errors) : (new Parsed(municipality, leaderTitles, agencies, rules), errors);
    }

    private static T? ParseEnum<T>(string text) where T : struct, Enum =>
        !text.Any(char.IsDigit) && Enum.TryParse<T>(text.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var value) && Enum.IsDefined(value)
            ? value
            : null;
}
