// A first day's organisation, proposed from the directory: which field splits the people into agencies, one agency and
// one mapping rule per value, and, where one value holds a large share of everyone (a company name that is the whole
// municipality), the agencies hidden in the first part of its people's departments ("Bydel Nord - Hjemmetjenesten").
// The central team accepts, renames, merges or drops each row, previews the effect, and applies them in one go.
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Shared;

namespace Oppdrift.Organisation;

/// <summary>How well one directory field splits the active people.</summary>
public sealed record FieldSplit(DirectoryField Field, int Values, int Groups, int Covered, int People);

/// <summary>One proposed agency (or, when <see cref="ExistingCode"/> is set, a rule into an agency that exists).</summary>
public sealed record ProposalRow(DirectoryField Field, RuleOperator Operator, string Value, int People, string Code, string Name, string? ExistingCode, bool Include);

/// <summary>
/// The proposal for the directory as imported: the field chosen, every field's split, the rows, and the basis (the latest
/// import and the head count) that an apply is checked against, so a proposal read before a newer import is not applied.
/// </summary>
public sealed record Proposal(DirectoryField Field, IReadOnlyList<FieldSplit> Fields, IReadOnlyList<ProposalRow> Rows, int People, int AlreadyPlaced, string Basis);

/// <summary>What the central team chose for one row.</summary>
public sealed record ProposalChoice(DirectoryField Field, RuleOperator Operator, string Value, bool Include, string Code, string Name, string? Into);

public sealed record ProposalPreview(int Placed, int Left, int Agencies, int Rules);

/// <summary>
/// Proposes agencies and mapping rules from the people already imported, or from an Entra export before it is imported
/// (<see cref="DirectoryFile"/>), previews a choice, and applies it.
/// </summary>
public sealed class OrganisationProposer(OppdriftDb db, TimeProvider clock)
{
    /// <summary>The fields a proposal may split on: the ones an Entra export uses for the organisation.</summary>
    public static readonly DirectoryField[] Fields = [DirectoryField.CompanyName, DirectoryField.Department, DirectoryField.OfficeLocation];

    /// <summary>Values held by fewer people than this are listed, but not proposed: most often a typing slip or a test account.</summary>
    public const int FewPeople = 5;

    /// <summary>A value holding more than this share of everyone is the whole organisation, not an agency.</summary>
    private const double Umbrella = 0.2;

    /// <summary>A field with more values than this names units, not agencies.</summary>
    private const int MaxAgencies = 400;

    private static readonly string[] PrefixSeparators = [" - ", " – ", " — ", ", ", " / ", ": "];

    private sealed record PersonFields(string? CompanyName, string? Department, string? OfficeLocation, string? City, string? JobTitle, string UserPrincipalName, int? AgencyId)
    {
        public DirectoryFields Fields => new(CompanyName, Department, OfficeLocation, City, JobTitle, UserPrincipalName);
    }

    private async Task<List<PersonFields>> PeopleAsync(CancellationToken cancellationToken) =>
        await db.People.AsNoTracking().Where(p => p.IsActive)
            .Select(p => new PersonFields(p.CompanyName, p.Department, p.OfficeLocation, p.City, p.JobTitle, p.UserPrincipalName, p.AgencyId))
            .ToListAsync(cancellationToken);

    /// <summary>
    /// People alike in the three fields a proposal splits on, with whether they are placed, and how many: a few hundred
    /// groups for a directory of tens of thousands, so a proposal neither reads nor holds every person.
    /// </summary>
    private sealed record PeopleGroup(string? CompanyName, string? Department, string? OfficeLocation, bool Placed, int Count);

    private async Task<List<PeopleGroup>> GroupsAsync(CancellationToken cancellationToken) =>
        await db.People.AsNoTracking().Where(p => p.IsActive)
            .GroupBy(p => new { p.CompanyName, p.Department, p.OfficeLocation, Placed = p.AgencyId != null })
            .Select(g => new PeopleGroup(g.Key.CompanyName, g.Key.Department, g.Key.OfficeLocation, g.Key.Placed, g.Count()))
            .ToListAsync(cancellationToken);

    private static List<PeopleGroup> Groups(List<PersonFields> people) =>
        [.. people.GroupBy(p => (p.CompanyName, p.Department, p.OfficeLocation, Placed: p.AgencyId is not null))
            .Select(g => new PeopleGroup(g.Key.CompanyName, g.Key.Department, g.Key.OfficeLocation, g.Key.Placed, g.Count()))];

    private async Task<string> BasisAsync(int people, CancellationToken cancellationToken)
    {
        var latest = await db.DirectoryImports.Where(i => i.Status == ImportStatus.Succeeded).MaxAsync(i => (int?)i.Id, cancellationToken);
        return $"{latest ?? 0}:{people}";
    }

    /// <summary>
    /// The enabled members of an export, each placed by the rules there are now (no agency when none fits): what the
    /// directory would hold once the file is imported.
    /// </summary>
    private async Task<List<PersonFields>> PeopleAsync(DirectoryFile file, CancellationToken cancellationToken)
    {
        var mapping = new AgencyMapping(await db.MappingRules.AsNoTracking().ToListAsync(cancellationToken));
        return [.. file.Users.Where(u => u.AccountEnabled).Select(u =>
        {
            var person = new PersonFields(u.CompanyName, u.Department, u.OfficeLocation, u.City, u.JobTitle, u.UserPrincipalName, null);
            return person with { AgencyId = mapping.Place(person.Fields).AgencyId };
        })];
    }

    /// <summary>The proposal, on the field given or the one that splits the people best; null before the first directory import.</summary>
    public Task<Proposal?> ProposeAsync(DirectoryField? field, CancellationToken cancellationToken) => ProposeAsync(field, null, cancellationToken);

    /// <summary>
    /// The proposal from <paramref name="file"/>, an export not imported yet, or (null) from the people imported; null when
    /// there is nobody to propose from.
    /// </summary>
    public async Task<Proposal?> ProposeAsync(DirectoryField? field, DirectoryFile? file, CancellationToken cancellationToken)
    {
        var groups = file is null ? await GroupsAsync(cancellationToken) : Groups(await PeopleAsync(file, cancellationToken));
        var everyone = groups.Sum(g => g.Count);
        if (everyone == 0)
        {
            return null;
        }
        var splits = Fields.Select(f => Split(f, groups, everyone)).ToList();
        var chosen = field is { } given && Fields.Contains(given) ? given : Best(splits);
        var agencies = await db.Agencies.AsNoTracking().Select(a => new { a.Code, a.Name }).ToListAsync(cancellationToken);
        var byName = agencies.GroupBy(a => a.Name.Trim(), StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First().Code, StringComparer.OrdinalIgnoreCase);
        var codes = new HashSet<string>(agencies.Select(a => a.Code), StringComparer.Ordinal);

        var rows = new List<ProposalRow>();
        ProposalRow Row(DirectoryField f, RuleOperator op, string value, int count, bool include)
        {
            var existing = byName.GetValueOrDefault(value);
            var code = existing ?? NewCode(value, codes);
            codes.Add(code);
            return new ProposalRow(f, op, value, count, code, value, existing, include);
        }

        var values = Values(chosen, groups);
        var split = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        // An umbrella value: its people's departments often name the agency in their first part.
        foreach (var (value, count) in values.Where(v => v.Count > Umbrella * everyone && chosen != DirectoryField.Department))
        {
            var prefixes = Counted(groups.Where(g => string.Equals(Value(chosen, g), value, StringComparison.OrdinalIgnoreCase))
                    .Select(g => (Value: Prefix(g.Department), g.Count)))
                .Where(g => g.Count >= FewPeople).ToList();
            if (prefixes.Count >= 2 && prefixes.Sum(p => p.Count) >= count / 2)
            {
                rows.AddRange(prefixes.Select(p => Row(DirectoryField.Department, RuleOperator.StartsWith, p.Value, p.Count, true)));
                split.Add(value);
            }
        }
        foreach (var (value, count) in values)
        {
            // A value split into its districts is listed, not ticked: what is left of it is most often the central staff.
            rows.Add(Row(chosen, RuleOperator.Equals, value, count, count >= FewPeople && !split.Contains(value)));
        }
        var placed = groups.Where(g => g.Placed).Sum(g => g.Count);
        // The basis is the directory's, also for a file: applying places the people imported, so it must not have changed.
        var basis = await BasisAsync(file is null ? everyone : await db.People.CountAsync(p => p.IsActive, cancellationToken), cancellationToken);
        return new Proposal(chosen, splits, rows, everyone, placed, basis);
    }

    /// <summary>What the choice would do: how many of the active people a rule would place, and how many would be left.</summary>
    public Task<Result<ProposalPreview>> PreviewAsync(IReadOnlyList<ProposalChoice> choices, CancellationToken cancellationToken) =>
        PreviewAsync(choices, null, cancellationToken);

    /// <summary>What the choice would do to the people of <paramref name="file"/> (null: the people imported).</summary>
    public async Task<Result<ProposalPreview>> PreviewAsync(IReadOnlyList<ProposalChoice> choices, DirectoryFile? file, CancellationToken cancellationToken)
    {
        var existing = await db.Agencies.AsNoTracking().Select(a => new { a.Id, a.Code }).ToListAsync(cancellationToken);
        var plan = Plan(choices, existing.ToDictionary(a => a.Code, a => a.Id, StringComparer.Ordinal));
        if (!plan.Succeeded)
        {
            return Result<ProposalPreview>.Fail(plan.Field!, plan.Error!);
        }
        var (newAgencies, rules) = plan.Value;
        var current = await db.MappingRules.AsNoTracking().ToListAsync(cancellationToken);
        var next = current.Count == 0 ? 0 : current.Max(r => r.Position);
        var mapping = new AgencyMapping([.. current, .. rules.Select((r, i) => new MappingRule
        {
            Position = next + i + 1, Field = r.Field, Operator = r.Operator, Value = r.Value, AgencyId = r.AgencyId ?? -1, UnitFrom = r.Unit,
        })]);
        var people = file is null ? await PeopleAsync(cancellationToken) : await PeopleAsync(file, cancellationToken);
        var placed = people.Count(p => mapping.Place(p.Fields).AgencyId is not null);
        return Result<ProposalPreview>.Ok(new ProposalPreview(placed, people.Count - placed, newAgencies.Count, rules.Count));
    }

    /// <summary>
    /// Creates the chosen agencies, adds their rules after the rules already there, and places everyone, in one
    /// transaction; refused, with nothing saved, when the directory changed since the proposal was read.
    /// </summary>
    public async Task<Result<ReapplyResult>> ApplyAsync(IReadOnlyList<ProposalChoice> choices, string basis, string actor, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var people = await db.People.CountAsync(p => p.IsActive, cancellationToken);
        if (await BasisAsync(people, cancellationToken) != basis)
        {
            return Result<ReapplyResult>.Fail("basis", OrganisationText.Get("ProposalStale"));
        }
        var existing = await db.Agencies.Select(a => new { a.Id, a.Code }).ToListAsync(cancellationToken);
        var plan = Plan(choices, existing.ToDictionary(a => a.Code, a => a.Id, StringComparer.Ordinal));
        if (!plan.Succeeded)
        {
            return Result<ReapplyResult>.Fail(plan.Field!, plan.Error!);
        }
        var (newAgencies, rules) = plan.Value;
        if (rules.Count == 0)
        {
            return Result<ReapplyResult>.Fail("rows", OrganisationText.Get("ProposalNothingChosen"));
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var created = newAgencies.ToDictionary(a => a.Code, a => new Agency { Code = a.Code, Name = a.Name, CreatedAt = now }, StringComparer.Ordinal);
        db.Agencies.AddRange(created.Values);
        await db.SaveChangesAsync(cancellationToken);
        var position = await db.MappingRules.MaxAsync(r => (int?)r.Position, cancellationToken) ?? 0;
        foreach (var rule in rules)
        {
            db.MappingRules.Add(new MappingRule
            {
                Position = ++position,
                Field = rule.Field,
                Operator = rule.Operator,
                Value = rule.Value,
                UnitFrom = rule.Unit,
                AgencyId = rule.AgencyId ?? created[rule.Code].Id,
            });
        }
        await db.SaveChangesAsync(cancellationToken);
        var placed = await OrganisationSetup.PlaceEveryoneAsync(db, cancellationToken);
        AuditLog.Record(db, clock, actor, "organisation.proposal.apply", null, after: new
        {
            Agencies = newAgencies.Select(a => a.Code).ToList(),
            Rules = rules.Count,
            placed.Moved,
            placed.Unassigned,
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result<ReapplyResult>.Ok(placed);
    }

    private sealed record NewAgency(string Code, string Name);

    private sealed record PlannedRule(DirectoryField Field, RuleOperator Operator, string Value, UnitSource Unit, int? AgencyId, string Code);

    /// <summary>
    /// The agencies to create and the rules to add: each included row is a rule into its own code (a new agency, or one
    /// that exists), or into the code of the row it is merged with.
    /// </summary>
    private static Result<(List<NewAgency> Agencies, List<PlannedRule> Rules)> Plan(IReadOnlyList<ProposalChoice> choices, Dictionary<string, int> existing)
    {
        var included = choices.Where(c => c.Include).ToList();
        var agencies = new List<NewAgency>();
        var targets = new Dictionary<string, int?>(StringComparer.Ordinal);
        foreach (var choice in included.Where(c => string.IsNullOrWhiteSpace(c.Into)))
        {
            var code = choice.Code.Trim().ToUpperInvariant();
            var name = choice.Name.Trim();
            if (code.Length is 0 or > 32 || !code.All(c => char.IsLetterOrDigit(c) || c is '-' or '_'))
            {
                return Result<(List<NewAgency>, List<PlannedRule>)>.Fail("code", OrganisationText.Get("ProposalErrorCode", choice.Value) + " " + OrganisationText.Get("AgencyErrorCode"));
            }
            if (existing.TryGetValue(code, out var id))
            {
                targets.TryAdd(code, id);
                continue;
            }
            if (name.Length is 0 or > 200)
            {
                return Result<(List<NewAgency>, List<PlannedRule>)>.Fail("name", OrganisationText.Get("ProposalErrorName", choice.Value));
            }
            if (targets.ContainsKey(code))
            {
                return Result<(List<NewAgency>, List<PlannedRule>)>.Fail("code", OrganisationText.Get("ProposalErrorCodeTwice", code));
            }
            targets[code] = null;
            agencies.Add(new NewAgency(code, name));
        }
        var rules = new List<PlannedRule>();
        foreach (var choice in included)
        {
            var code = (string.IsNullOrWhiteSpace(choice.Into) ? choice.Code : choice.Into).Trim().ToUpperInvariant();
            if (!targets.TryGetValue(code, out var agencyId))
            {
                if (!existing.TryGetValue(code, out var found))
                {
                    return Result<(List<NewAgency>, List<PlannedRule>)>.Fail("into", OrganisationText.Get("ProposalErrorInto", choice.Value, code));
                }
                agencyId = found;
            }
            // The unit comes from the department, without the agency's name when the rule matched its first part.
            var unit = choice.Field == DirectoryField.Department && choice.Operator != RuleOperator.StartsWith ? UnitSource.None : UnitSource.Department;
            rules.Add(new PlannedRule(choice.Field, choice.Operator, choice.Value.Trim(), unit, agencyId, code));
        }
        return Result<(List<NewAgency>, List<PlannedRule>)>.Ok((agencies, rules));
    }

    private static string? Value(DirectoryField field, PeopleGroup group) =>
        (field switch
        {
            DirectoryField.CompanyName => group.CompanyName,
            DirectoryField.Department => group.Department,
            _ => group.OfficeLocation,
        })?.Trim() is { Length: > 0 } value ? value : null;

    /// <summary>
    /// The values and how many people hold each, alike whatever their case, largest first: a value is written as most of
    /// its people have it (the first in ordinal order where as many have each spelling).
    /// </summary>
    private static List<(string Value, int Count)> Counted(IEnumerable<(string? Value, int Count)> values) =>
        [.. values.Where(v => v.Value is not null)
            .GroupBy(v => v.Value!, StringComparer.OrdinalIgnoreCase)
            .Select(g => (
                Value: g.GroupBy(v => v.Value!, StringComparer.Ordinal).Select(s => (Spelling: s.Key, Count: s.Sum(v => v.Count)))
                    .OrderByDescending(s => s.Count).ThenBy(s => s.Spelling, StringComparer.Ordinal).First().Spelling,
                Count: g.Sum(v => v.Count)))
            .OrderByDescending(v => v.Count).ThenBy(v => v.Value, StringComparer.Ordinal)];

    private static List<(string Value, int Count)> Values(DirectoryField field, List<PeopleGroup> groups) =>
        Counted(groups.Select(g => (Value(field, g), g.Count)));

    private static FieldSplit Split(DirectoryField field, List<PeopleGroup> groups, int everyone)
    {
        var values = Values(field, groups);
        var large = values.Where(v => v.Count >= FewPeople).ToList();
        return new FieldSplit(field, values.Count, large.Count, large.Sum(g => g.Count), everyone);
    }

    /// <summary>
    /// Among fields with between 2 and <see cref="MaxAgencies"/> values of at least <see cref="FewPeople"/> people, those
    /// whose such values cover nearly as many people as the best (nine in ten of its count), and of them the first in
    /// <see cref="Fields"/>: the company name is where an Entra directory names the agency; a department name is often a
    /// unit's ("Drift og vedlikehold") shared by many agencies, and is chosen only where the company name does not split.
    /// </summary>
    private static DirectoryField Best(List<FieldSplit> splits)
    {
        var usable = splits.Where(s => s.Groups is >= 2 and <= MaxAgencies).ToList();
        if (usable.Count == 0)
        {
            return splits.OrderByDescending(s => s.Covered).First().Field;
        }
        var best = usable.Max(s => s.Covered);
        return usable.First(s => s.Covered >= 0.9 * best).Field;
    }

    /// <summary>The first part of a department named "Agency - Unit", or null.</summary>
    private static string? Prefix(string? department)
    {
        if (string.IsNullOrWhiteSpace(department))
        {
            return null;
        }
        foreach (var separator in PrefixSeparators)
        {
            var at = department.IndexOf(separator, StringComparison.Ordinal);
            if (at > 1)
            {
                return department[..at].Trim();
            }
        }
        return null;
    }

    /// <summary>A short code from the name: the initials of a name of several words, else its first three letters.</summary>
    public static string NewCode(string name, ISet<string> taken)
    {
        var words = name.Split([' ', '-', '–', '/', ',', '.', '&'], StringSplitOptions.RemoveEmptyEntries)
            .Select(w => new string([.. w.Where(char.IsLetterOrDigit)])).Where(w => w.Length > 0).ToList();
        var code = words.Count switch
        {
            0 => "ETAT",
            1 => words[0][..Math.Min(3, words[0].Length)],
            _ => string.Concat(words.Take(4).Select(w => w[0])),
        };
        code = code.ToUpperInvariant();
        if (code.Length < 2 && words.Count > 0)
        {
            code = words[0][..Math.Min(3, words[0].Length)].ToUpperInvariant();
        }
        var candidate = code;
        for (var n = 2; taken.Contains(candidate); n++)
        {
            candidate = code + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return candidate;
    }
}
