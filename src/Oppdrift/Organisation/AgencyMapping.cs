using System.Buffers;

namespace Oppdrift.Organisation;

/// <summary>The directory fields a mapping rule can look at, for one person.</summary>
public readonly record struct DirectoryFields(
    string? CompanyName, string? Department, string? OfficeLocation, string? City, string? JobTitle, string UserPrincipalName)
{
    public string? this[DirectoryField field] => field switch
    {
        DirectoryField.CompanyName => CompanyName,
        DirectoryField.Department => Department,
        DirectoryField.OfficeLocation => OfficeLocation,
        DirectoryField.City => City,
        DirectoryField.JobTitle => JobTitle,
        DirectoryField.UserPrincipalName => UserPrincipalName,
        _ => null,
    };
}

public readonly record struct Placement(int? AgencyId, string? UnitName, int? RuleId);

/// <summary>
/// Applies mapping rules in order; the first that matches places the person. Pure, so it is
/// tested with tables of cases and shared by import and "apply rules again".
/// </summary>
public sealed class AgencyMapping(IEnumerable<MappingRule> rules)
{
    private readonly MappingRule[] _rules = [.. rules.OrderBy(r => r.Position).ThenBy(r => r.Id)];

    private static readonly char[] Separators = [' ', '-', '–', '/', ',', ':', '|', '>'];

    public Placement Place(DirectoryFields person)
    {
        foreach (var rule in _rules)
        {
            var value = person[rule.Field]?.Trim();
            if (value is null || !Matches(rule.Operator, value, rule.Value.Trim()))
            {
                continue;
            }
            return new Placement(rule.AgencyId, UnitName(rule, person), rule.Id);
        }
        return new Placement(null, null, null);
    }

    public static bool Matches(RuleOperator op, string value, string pattern) => op switch
    {
        RuleOperator.Equals => value.Equals(pattern, StringComparison.OrdinalIgnoreCase),
        RuleOperator.StartsWith => value.StartsWith(pattern, StringComparison.OrdinalIgnoreCase),
        RuleOperator.EndsWith => value.EndsWith(pattern, StringComparison.OrdinalIgnoreCase),
        RuleOperator.Contains => value.Contains(pattern, StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    /// <summary>
    /// The unit is the chosen field's value; when the rule matched a prefix of that same field
    /// ("Bydel Nord - Hjemmetjenesten" starts with "Bydel Nord"), the prefix is removed.
    /// </summary>
    private static string? UnitName(MappingRule rule, DirectoryFields person)
    {
        var (field, source) = rule.UnitFrom switch
        {
            UnitSource.Department => (DirectoryField.Department, person.Department),
            UnitSource.OfficeLocation => (DirectoryField.OfficeLocation, person.OfficeLocation),
            _ => (DirectoryField.Department, null),
        };
        var unit = source?.Trim();
        if (string.IsNullOrEmpty(unit))
        {
            return null;
        }
        if (rule.Field == field && rule.Operator == RuleOperator.StartsWith)
        {
            var rest = unit[rule.Value.Trim().Length..].TrimStart(Separators);
            unit = rest.Length > 0 ? rest : null;
        }
        return unit is { Length: > 200 } ? unit[..200] : unit;
    }
}

/// <summary>Decides from a job title whether someone is a leader ("avdelingsleder", "etatsdirektør", "rektor").</summary>
public sealed class LeaderTitles(string endings)
{
    public const string Default = "leder, sjef, direktør, rektor, styrer, ordfører, rådmann, kommunedirektør";

    private static readonly SearchValues<char> WordBreaks = SearchValues.Create(" -/,");

    private readonly string[] _endings = [.. endings
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(e => e.ToLowerInvariant())];

    public bool IsLeader(string? jobTitle)
    {
        if (string.IsNullOrWhiteSpace(jobTitle))
        {
            return false;
        }
        // Word by word without splitting the title into new strings: the directory import asks this of every employee.
        var rest = jobTitle.AsSpan();
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOfAny(WordBreaks);
            var word = end < 0 ? rest : rest[..end];
            foreach (var ending in _endings)
            {
                if (word.EndsWith(ending, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
            rest = end < 0 ? [] : rest[(end + 1)..];
        }
        return false;
    }
}
