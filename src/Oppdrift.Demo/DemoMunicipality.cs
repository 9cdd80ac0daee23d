using System.Globalization;
using System.Text;

namespace Oppdrift.Demo;

/// <summary>A person of the demo municipality, as the directory would list them.</summary>
public sealed record DemoPerson(
    Guid ObjectId,
    string UserPrincipalName,
    string GivenName,
    string Surname,
    string JobTitle,
    string? CompanyName,
    string? Department,
    string? OfficeLocation,
    string UserType,
    bool AccountEnabled,
    DemoAgency? Agency,
    string? Unit,
    bool IsLeader)
{
    public string DisplayName => $"{GivenName} {Surname}";
}

public sealed record DemoUnit(DemoAgency Agency, string Name, int Size);

/// <summary>
/// The fictional municipality, generated deterministically from a seed: the same seed gives the
/// same people on every machine. Later generators (usage reports, attendance, surveys, file trees)
/// take this object and add their files beside the directory export.
/// </summary>
public sealed class DemoMunicipality
{
    public const int DefaultSeed = 2021;

    public required int Seed { get; init; }
    public required IReadOnlyList<DemoUnit> Units { get; init; }
    public required IReadOnlyList<DemoPerson> People { get; init; }

    public required IReadOnlyList<DemoAgency> Agencies { get; init; }

    private static readonly Organisation.LeaderTitles Leaders = new(Organisation.LeaderTitles.Default);

    public static DemoMunicipality Generate(int seed = DefaultSeed, int totalPeople = DemoCatalogue.TargetPeople)
    {
        var random = new Random(seed);
        var units = new List<DemoUnit>();
        var people = new List<DemoPerson>(totalPeople + 1000);
        var usedUpns = new HashSet<string>(StringComparer.Ordinal);
        var scale = (double)totalPeople / DemoCatalogue.TargetPeople;
        var fixedTotal = DemoCatalogue.Agencies.Where(a => a.Size > 0).Sum(a => Scaled(a.Size, scale));

        foreach (var agency in DemoCatalogue.Agencies)
        {
            var size = agency.Size > 0 ? Scaled(agency.Size, scale) : Math.Max(10, totalPeople - fixedTotal);
            var agencyUnits = UnitsOf(agency, size, random);
            units.AddRange(agencyUnits);
            var (staffTitles, unitLeader, director) = DemoCatalogue.TitlesFor(agency.Sector);
            var first = true;
            foreach (var unit in agencyUnits)
            {
                for (var i = 0; i < unit.Size; i++)
                {
                    string title;
                    if (first)
                    {
                        title = director;
                        first = false;
                    }
                    else if (i == 0)
                    {
                        title = unitLeader;
                    }
                    else if (i % 18 == 0)
                    {
                        // Large units have team leaders below the unit leader: about one leader per 18 employees.
                        title = agency.Sector == DemoSector.Schools ? "Avdelingsleder" : "Teamleder";
                    }
                    else
                    {
                        title = staffTitles[random.Next(staffTitles.Length)];
                    }
                    people.Add(CreatePerson(random, usedUpns, agency, unit.Name, title));
                }
            }
        }

        // What every real tenant also has: service accounts nobody mapped, guests, and leavers not yet removed.
        var extras = Math.Max(3, totalPeople / 400);
        for (var i = 0; i < extras; i++)
        {
            var upn = $"svc-{i + 1:000}@{DemoCatalogue.Domain}";
            people.Add(new DemoPerson(NewGuid(random), upn, "Tjeneste", $"konto {i + 1}", "Tjenestekonto", null, null, null, "Member", true, null, null, false));
        }
        for (var i = 0; i < extras; i++)
        {
            var given = Pick(random, DemoCatalogue.GivenNames);
            var surname = Pick(random, DemoCatalogue.Surnames);
            var upn = $"{Ascii(given)}.{Ascii(surname)}_partner.no#EXT#@{DemoCatalogue.Domain}".Replace(' ', '-');
            if (usedUpns.Add(upn.ToLowerInvariant()))
            {
                people.Add(new DemoPerson(NewGuid(random), upn, given, surname, "Konsulent", "Partner AS", null, null, "Guest", true, null, null, false));
            }
        }
        for (var i = 0; i < people.Count; i += 50 + random.Next(50))
        {
            if (people[i].UserType == "Member" && people[i].Agency is not null && !people[i].IsLeader)
            {
                people[i] = people[i] with { AccountEnabled = false };
            }
        }
        return new DemoMunicipality { Seed = seed, Agencies = DemoCatalogue.Agencies, Units = units, People = people };
    }

    /// <summary>
    /// Several demo municipalities side by side, as one directory: the first is <see cref="Generate"/> of
    /// <paramref name="seed"/> unchanged; copy k (from 2) is generated from seed + k - 1 with its agency codes ending in
    /// <c>-Kk</c>, its agency names starting with <c>Kk </c> and its user names on the domain <c>kk.nordvik.kommune.no</c>,
    /// so every copy's people map to that copy's agencies only. For measuring how the data grows with the number of
    /// municipalities (see docs/scaling.md); an installation holds one municipality.
    /// </summary>
    public static DemoMunicipality Several(int copies, int seed = DefaultSeed, int totalPeople = DemoCatalogue.TargetPeople)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(copies, 1);
        var first = Generate(seed, totalPeople);
        var agencies = new List<DemoAgency>(first.Agencies);
        var units = new List<DemoUnit>(first.Units);
        var people = new List<DemoPerson>(first.People);
        for (var k = 2; k <= copies; k++)
        {
            var copy = Generate(seed + k - 1, totalPeople);
            var renamed = copy.Agencies.ToDictionary(a => a, a => a with { Code = $"{a.Code}-K{k}", Name = $"K{k} {a.Name}" });
            var domain = $"k{k}.{DemoCatalogue.Domain}";
            agencies.AddRange(renamed.Values);
            units.AddRange(copy.Units.Select(u => u with { Agency = renamed[u.Agency] }));
            foreach (var person in copy.People)
            {
                var upn = person.UserPrincipalName[..(person.UserPrincipalName.LastIndexOf('@') + 1)] + domain;
                if (person.Agency is not { } agency)
                {
                    people.Add(person with { UserPrincipalName = upn });
                    continue;
                }
                var name = renamed[agency].Name;
                people.Add(person with
                {
                    UserPrincipalName = upn,
                    Agency = renamed[agency],
                    CompanyName = person.CompanyName == agency.Name ? name : person.CompanyName,
                    Department = agency.NamedInDepartment && person.Department is { } department && department.StartsWith(agency.Name, StringComparison.Ordinal)
                        ? name + department[agency.Name.Length..]
                        : person.Department,
                });
            }
        }
        return new DemoMunicipality { Seed = seed, Agencies = agencies, Units = units, People = people };
    }

    private static int Scaled(int size, double scale) => size < 10 ? size : Math.Max(10, (int)Math.Round(size * scale));

    private static List<DemoUnit> UnitsOf(DemoAgency agency, int size, Random random)
    {
        string[] names = agency.Sector switch
        {
            DemoSector.Schools => PlaceNames(random, Math.Max(1, size / 115), "skole"),
            DemoSector.NursingHomes => PlaceNames(random, Math.Max(1, size / 150), "sykehjem"),
            DemoSector.District => DemoCatalogue.DistrictUnits,
            _ => DemoCatalogue.UnitsFor(agency.Sector),
        };
        // Smaller agencies have fewer units: roughly one per 40 people, at least one.
        var count = Math.Clamp(agency.Sector is DemoSector.Schools or DemoSector.NursingHomes ? names.Length : size / 40, 1, names.Length);
        names = names[..count];
        // Heavy-tailed split of the agency across its units.
        var weights = names.Select(_ => 0.3 + (random.NextDouble() * random.NextDouble() * 3)).ToArray();
        var total = weights.Sum();
        var sizes = weights.Select(w => Math.Max(1, (int)(size * w / total))).ToArray();
        sizes[0] += size - sizes.Sum();
        if (sizes[0] < 1)
        {
            // Rounding can only push the first unit below one for tiny agencies; put everyone there.
            sizes = [.. sizes.Select((_, i) => i == 0 ? size : 0)];
        }
        return [.. names.Select((name, i) => new DemoUnit(agency, name, sizes[i])).Where(u => u.Size > 0)];
    }

    private static string[] PlaceNames(Random random, int count, string suffix)
    {
        var stems = DemoCatalogue.PlaceStems.ToArray();
        random.Shuffle(stems);
        var names = new List<string>(count);
        for (var i = 0; names.Count < count; i++)
        {
            var stem = stems[i % stems.Length];
            names.Add(i < stems.Length ? $"{stem} {suffix}" : $"{stem} {suffix} {(i / stems.Length) + 1}");
        }
        return [.. names];
    }

    private static DemoPerson CreatePerson(Random random, HashSet<string> usedUpns, DemoAgency agency, string unit, string title)
    {
        var given = Pick(random, DemoCatalogue.GivenNames);
        var surname = Pick(random, DemoCatalogue.Surnames);
        if (random.Next(12) == 0)
        {
            surname = $"{Pick(random, DemoCatalogue.Surnames)} {surname}";
        }
        var local = $"{Ascii(given)}.{Ascii(surname).Replace(' ', '.')}";
        var upn = $"{local}@{DemoCatalogue.Domain}";
        for (var n = 2; !usedUpns.Add(upn); n++)
        {
            upn = $"{local}{n}@{DemoCatalogue.Domain}";
        }
        var (company, department) = agency.NamedInDepartment
            ? (DemoCatalogue.MunicipalityName, $"{agency.Name} - {unit}")
            : (agency.Name, unit);
        var office = agency.Sector is DemoSector.Schools or DemoSector.NursingHomes ? unit : null;
        var isLeader = Leaders.IsLeader(title);
        return new DemoPerson(NewGuid(random), upn, given, surname, title, company, department, office, "Member", true, agency, unit, isLeader);
    }

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];

    private static Guid NewGuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    /// <summary>"Åse Ødegård" → "ase.odegard", as tenants build user names.</summary>
    public static string Ascii(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name.ToLowerInvariant())
        {
            builder.Append(c switch
            {
                'æ' => "ae",
                'ø' => "o",
                'å' => "a",
                'é' or 'è' => "e",
                'ü' => "u",
                'ö' => "o",
                'ä' => "a",
                _ => char.IsLetterOrDigit(c) || c is ' ' or '-' ? c.ToString(CultureInfo.InvariantCulture) : "",
            });
        }
        return builder.ToString();
    }
}
