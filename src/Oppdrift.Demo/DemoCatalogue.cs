namespace Oppdrift.Demo;

/// <summary>What kind of work an agency does; decides its units and job titles.</summary>
public enum DemoSector
{
    District,
    Schools,
    NursingHomes,
    Health,
    Technical,
    Culture,
    Administration,
    Ombud,
}

/// <summary>
/// One agency of the fictional municipality and how its people appear in the directory: most
/// carry the agency in <c>companyName</c>; the districts are an older tenant's habit, with
/// <c>companyName</c> the municipality and the district as a prefix of <c>department</c>.
/// </summary>
public sealed record DemoAgency(string Code, string Name, string SectorName, DemoSector Sector, int Size)
{
    public bool NamedInDepartment => Sector == DemoSector.District;
}

/// <summary>The fixed catalogue of agencies and the words people and units are made of.</summary>
public static class DemoCatalogue
{
    public const string MunicipalityName = "Nordvik kommune";
    public const string Domain = "nordvik.kommune.no";
    public const int TargetPeople = 54_000;

    /// <summary>
    /// Sizes are heavy-tailed: a school authority and a nursing-home agency of thousands, districts of
    /// one to three thousand, many agencies of a few hundred, and ombuds below ten people.
    /// The schools take up the difference so that the total is exactly <see cref="TargetPeople"/>.
    /// </summary>
    public static readonly IReadOnlyList<DemoAgency> Agencies =
    [
        new("UDE", "Utdanningsetaten", "Oppvekst", DemoSector.Schools, 0),
        new("SYE", "Sykehjemsetaten", "Helse og omsorg", DemoSector.NursingHomes, 6200),
        new("BSE", "Bydel Sentrum", "Bydeler", DemoSector.District, 1800),
        new("BNO", "Bydel Nord", "Bydeler", DemoSector.District, 2600),
        new("BSO", "Bydel Sør", "Bydeler", DemoSector.District, 2400),
        new("BOS", "Bydel Øst", "Bydeler", DemoSector.District, 3100),
        new("BVE", "Bydel Vest", "Bydeler", DemoSector.District, 2200),
        new("BFJ", "Bydel Fjordby", "Bydeler", DemoSector.District, 1500),
        new("BSK", "Bydel Skogen", "Bydeler", DemoSector.District, 1300),
        new("BEL", "Bydel Elvebakken", "Bydeler", DemoSector.District, 1900),
        new("BHO", "Bydel Høgda", "Bydeler", DemoSector.District, 1100),
        new("BST", "Bydel Strand", "Bydeler", DemoSector.District, 900),
        new("BMA", "Bydel Marka", "Bydeler", DemoSector.District, 700),
        new("BHL", "Bydel Holmen", "Bydeler", DemoSector.District, 600),
        new("HEL", "Helseetaten", "Helse og omsorg", DemoSector.Health, 450),
        new("LEG", "Legevakten", "Helse og omsorg", DemoSector.Health, 380),
        new("VEL", "Velferdsetaten", "Helse og omsorg", DemoSector.Health, 600),
        new("BFE", "Barne- og familieetaten", "Oppvekst", DemoSector.Health, 1100),
        new("BYM", "Bymiljøetaten", "Byutvikling og miljø", DemoSector.Technical, 700),
        new("PBE", "Plan- og bygningsetaten", "Byutvikling og miljø", DemoSector.Technical, 650),
        new("VAV", "Vann- og avløpsetaten", "Byutvikling og miljø", DemoSector.Technical, 550),
        new("REG", "Renovasjons- og gjenvinningsetaten", "Byutvikling og miljø", DemoSector.Technical, 380),
        new("EGE", "Energigjenvinningsetaten", "Byutvikling og miljø", DemoSector.Technical, 190),
        new("BRE", "Brann- og redningsetaten", "Byutvikling og miljø", DemoSector.Technical, 800),
        new("UBE", "Utbyggingsetaten", "Byutvikling og miljø", DemoSector.Technical, 140),
        new("OBY", "Omsorgsbygg", "Eiendom", DemoSector.Technical, 320),
        new("UBF", "Undervisningsbygg", "Eiendom", DemoSector.Technical, 280),
        new("BBY", "Boligbygg", "Eiendom", DemoSector.Technical, 200),
        new("EBY", "Eiendoms- og byfornyelsesetaten", "Eiendom", DemoSector.Technical, 150),
        new("HAV", "Nordvik havn KF", "Byutvikling og miljø", DemoSector.Technical, 150),
        new("KUL", "Kulturetaten", "Kultur og idrett", DemoSector.Culture, 450),
        new("BIB", "Biblioteket", "Kultur og idrett", DemoSector.Culture, 350),
        new("IDR", "Idretts- og friluftsetaten", "Kultur og idrett", DemoSector.Culture, 210),
        new("MUN", "Kunstmuseet", "Kultur og idrett", DemoSector.Culture, 180),
        new("BYA", "Byantikvaren", "Kultur og idrett", DemoSector.Culture, 40),
        new("UKE", "Utviklings- og kompetanseetaten", "Administrasjon", DemoSector.Administration, 420),
        new("KEM", "Kemnerkontoret", "Administrasjon", DemoSector.Administration, 110),
        new("NAE", "Næringsetaten", "Administrasjon", DemoSector.Administration, 120),
        new("PLS", "Personal- og lederstøtte", "Administrasjon", DemoSector.Administration, 90),
        new("INK", "Innkjøpsetaten", "Administrasjon", DemoSector.Administration, 70),
        new("BYK", "Byarkivet", "Administrasjon", DemoSector.Administration, 55),
        new("KAD", "Kommuneadvokaten", "Administrasjon", DemoSector.Administration, 60),
        new("KRV", "Kommunerevisjonen", "Administrasjon", DemoSector.Administration, 45),
        new("BLK", "Byrådsleders kontor", "Byrådsavdelinger", DemoSector.Administration, 110),
        new("BFI", "Byrådsavdeling for finans", "Byrådsavdelinger", DemoSector.Administration, 90),
        new("BOK", "Byrådsavdeling for oppvekst og kunnskap", "Byrådsavdelinger", DemoSector.Administration, 70),
        new("BHE", "Byrådsavdeling for helse og omsorg", "Byrådsavdelinger", DemoSector.Administration, 65),
        new("OFF", "Oppfølgingsenheten for flyktninger", "Helse og omsorg", DemoSector.Health, 25),
        new("SKU", "Sekretariatet for kontrollutvalget", "Administrasjon", DemoSector.Ombud, 9),
        new("KNS", "Klagenemndsekretariatet", "Administrasjon", DemoSector.Ombud, 8),
        new("PVO", "Personvernombudet", "Administrasjon", DemoSector.Ombud, 5),
        new("MOB", "Mobbeombudet", "Oppvekst", DemoSector.Ombud, 4),
        new("ELO", "Eldreombudet", "Helse og omsorg", DemoSector.Ombud, 3),
    ];

    public static readonly string[] GivenNames =
    [
        "Anne", "Inger", "Kari", "Marit", "Ingrid", "Liv", "Eva", "Berit", "Astrid", "Bjørg", "Hilde", "Anna", "Solveig", "Marianne",
        "Randi", "Ida", "Nina", "Maria", "Elisabeth", "Kristin", "Bente", "Heidi", "Silje", "Hanne", "Gro", "Tone", "Camilla", "Line",
        "Ragnhild", "Sigrid", "Nora", "Emma", "Sara", "Thea", "Ingvild", "Mona", "Åse", "Torill", "Sofie", "Aisha", "Fatima", "Amina",
        "Jan", "Per", "Bjørn", "Ole", "Lars", "Kjell", "Knut", "Arne", "Svein", "Hans", "Geir", "Thomas", "Tor", "Morten", "Terje",
        "Odd", "Erik", "Martin", "Andreas", "John", "Anders", "Rune", "Trond", "Jon", "Harald", "Tore", "Espen", "Jørgen", "Øyvind",
        "Magnus", "Henrik", "Jonas", "Kristian", "Sander", "Emil", "Mathias", "Håkon", "Sindre", "Eirik", "Stian", "Mohammed", "Ali",
        "Ahmed", "Omar", "Piotr", "Tomasz", "Nguyen", "Hassan", "Daniel", "Aleksander", "Vegard", "Åsmund", "Ståle", "Frode", "Gunnar",
    ];

    public static readonly string[] Surnames =
    [
        "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Jensen", "Karlsen", "Johnsen",
        "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen", "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Jørgensen", "Halvorsen",
        "Henriksen", "Lund", "Sørensen", "Jakobsen", "Moen", "Gundersen", "Iversen", "Strand", "Solberg", "Svendsen", "Eide",
        "Knutsen", "Martinsen", "Paulsen", "Bakken", "Kristoffersen", "Mathisen", "Lie", "Amundsen", "Nguyen", "Rasmussen",
        "Ali", "Lunde", "Solheim", "Berge", "Moe", "Nygård", "Bakke", "Kristensen", "Fredriksen", "Holm", "Lien", "Hauge",
        "Christensen", "Andresen", "Nielsen", "Knudsen", "Evensen", "Sæther", "Aas", "Myhre", "Hanssen", "Ahmed", "Haugland",
        "Thomassen", "Sivertsen", "Simonsen", "Danielsen", "Berntsen", "Sandvik", "Rønning", "Arnesen", "Antonsen", "Næss",
        "Vik", "Haug", "Ellingsen", "Thorsen", "Edvardsen", "Birkeland", "Isaksen", "Gulbrandsen", "Ruud", "Aasen", "Strøm",
        "Myklebust", "Tangen", "Ødegård", "Eliassen", "Helland", "Bøe", "Jenssen", "Aune", "Mikkelsen", "Tveit", "Brekke",
        "Abrahamsen", "Madsen", "Kowalski", "Nowak", "Hussain", "Khan", "Tran",
    ];

    public static readonly string[] PlaceStems =
    [
        "Haugen", "Bakken", "Lia", "Nordre", "Søndre", "Vestre", "Østre", "Fjell", "Skogly", "Solhaug", "Granly", "Bjerke", "Furuset",
        "Lindeberg", "Tåsen", "Kjelsås", "Grorud", "Stovner", "Haugerud", "Rommen", "Veitvet", "Ammerud", "Lofsrud", "Bøler",
        "Oppsal", "Lambertseter", "Ryen", "Vålerenga", "Kampen", "Tøyen", "Sagene", "Fernanda", "Ullevål", "Majorstuen", "Uranienborg",
        "Fagerborg", "Vinderen", "Slemdal", "Ris", "Røa", "Hovseter", "Bogstad", "Ullern", "Smestad", "Skøyen", "Bygdøy",
        "Nordberg", "Korsvoll", "Grefsen", "Disen", "Bjølsen", "Iladalen", "Lilleborg", "Hasle", "Løren", "Økern", "Linderud",
        "Rødtvet", "Kalbakken", "Nydalen", "Tonsenhagen", "Årvoll", "Sinsen", "Lunden", "Holmlia", "Mortensrud", "Bjørndal",
        "Hauketo", "Prinsdal", "Klemetsrud", "Nordseter", "Manglerud", "Abildsø", "Godlia", "Trasop", "Tveita", "Haugåsen",
        "Brattvoll", "Elvebakken", "Sjøstrand", "Fjordly", "Marienlyst", "Skovheim", "Engeli", "Sletten", "Kirkebakken", "Moholt",
    ];

    public static readonly string[] DistrictUnits =
    [
        "Hjemmetjenesten", "Barnehager", "NAV", "Barnevernet", "Helsestasjon og skolehelsetjeneste", "Bo- og aktivitetstilbud",
        "Kultur og frivillighet", "Økonomi, plan og analyse", "Bydelsdirektørens stab", "Psykisk helse og rus", "Fysio- og ergoterapi",
    ];

    public static string[] UnitsFor(DemoSector sector) => sector switch
    {
        DemoSector.Health => ["Fagavdeling", "Tjenesteavdeling", "Økonomi og administrasjon", "Stab", "Kvalitet og utvikling", "Mottak"],
        DemoSector.Technical => ["Drift og vedlikehold", "Prosjekt", "Forvaltning", "Økonomi og administrasjon", "Stab", "Kundeservice", "Teknisk avdeling"],
        DemoSector.Culture => ["Publikum", "Formidling", "Samling", "Økonomi og administrasjon", "Stab"],
        DemoSector.Administration => ["Fagavdeling", "Økonomi og administrasjon", "Stab", "Utvikling", "Juridisk"],
        DemoSector.Ombud => ["Sekretariatet"],
        _ => ["Administrasjon"],
    };

    public static (string[] Staff, string UnitLeader, string Director) TitlesFor(DemoSector sector) => sector switch
    {
        DemoSector.Schools => (["Lærer", "Lærer", "Lektor", "Adjunkt", "Adjunkt", "Miljøarbeider", "Fagarbeider", "Assistent", "Spesialpedagog", "Sekretær", "Sosiallærer"], "Rektor", "Utdanningsdirektør"),
        DemoSector.NursingHomes => (["Sykepleier", "Helsefagarbeider", "Helsefagarbeider", "Assistent", "Vernepleier", "Fysioterapeut", "Kokk", "Renholder", "Sykepleier"], "Sykehjemsleder", "Etatsdirektør"),
        DemoSector.District => (["Sykepleier", "Helsefagarbeider", "Barnehagelærer", "Barne- og ungdomsarbeider", "Saksbehandler", "Sosionom", "Konsulent", "Rådgiver", "Assistent"], "Avdelingsleder", "Bydelsdirektør"),
        DemoSector.Health => (["Sykepleier", "Lege", "Rådgiver", "Saksbehandler", "Konsulent", "Psykolog", "Sosionom"], "Avdelingsleder", "Etatsdirektør"),
        DemoSector.Technical => (["Ingeniør", "Fagarbeider", "Rådgiver", "Konsulent", "Arkitekt", "Driftsoperatør", "Brannkonstabel"], "Avdelingsleder", "Etatsdirektør"),
        DemoSector.Culture => (["Bibliotekar", "Formidler", "Konservator", "Rådgiver", "Konsulent", "Publikumsvert"], "Avdelingsleder", "Direktør"),
        DemoSector.Ombud => (["Rådgiver", "Seniorrådgiver", "Jurist"], "Fagleder", "Sekretariatsleder"),
        _ => (["Rådgiver", "Seniorrådgiver", "Konsulent", "Saksbehandler", "Jurist", "Økonom", "Arkivar", "Utvikler"], "Avdelingsleder", "Direktør"),
    };
}
