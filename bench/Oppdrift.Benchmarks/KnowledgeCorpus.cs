using System.Text;
using Oppdrift.Learning.Knowledge;

namespace Oppdrift.Benchmarks;

/// <summary>
/// A generated knowledge bank in Bokmål: programmes, weekly sessions, recordings with Teams-style transcripts and
/// documents, built from a vocabulary of the central team's everyday words in their inflected forms, with word
/// frequencies skewed the way real text is (a few words everywhere, most words rare). Deterministic per seed.
/// </summary>
public static class KnowledgeCorpus
{
    // Noun stems with the endings they take; a sentence picks any form, so a search must stem to find them all.
    private static readonly (string Stem, string[] Endings)[] Nouns =
    [
        ("opplæring", ["", "en", "ene", "er", "a"]), ("møte", ["", "t", "ne", "r"]), ("kanal", ["", "en", "ene", "er"]),
        ("leder", ["", "en", "e", "ne"]), ("dokument", ["", "et", "ene", "er"]), ("virksomhet", ["", "en", "ene", "er"]),
        ("samling", ["", "en", "ene", "er"]), ("notatblokk", ["", "en", "ene", "er"]), ("tilgang", ["", "en", "er"]),
        ("deling", ["", "en", "er"]), ("oppgave", ["", "n", "ne", "r"]), ("prosjekt", ["", "et", "ene", "er"]),
        ("avdeling", ["", "en", "ene", "er"]), ("ansatt", ["", "e", "es"]), ("webinar", ["", "et", "ene", "er"]),
        ("opptak", ["", "et", "ene"]), ("spørsmål", ["", "et", "ene"]), ("løsning", ["", "en", "ene", "er"]),
        ("presentasjon", ["", "en", "ene", "er"]), ("sikkerhet", ["", "en"]), ("hjemmekontor", ["", "et", "ene"]),
        ("arbeidsflyt", ["", "en", "er"]), ("fane", ["", "n", "ne", "r"]), ("chat", ["", "ten", "ter"]),
        ("veileder", ["", "en", "e", "ne"]), ("rutine", ["", "n", "ne", "r"]), ("kompetanse", ["", "n"]),
        ("endring", ["", "en", "ene", "er"]), ("gevinst", ["", "en", "ene", "er"]), ("mal", ["", "en", "ene", "er"]),
        ("arkiv", ["", "et", "ene", "er"]), ("team", ["", "et", "ene"]), ("kalender", ["", "en", "e"]),
        ("påmelding", ["", "en", "er"]), ("tilbakemelding", ["", "en", "ene", "er"]), ("kultur", ["", "en"]),
        ("samhandling", ["", "en"]), ("personvern", ["", "et"]), ("lagring", ["", "en"]), ("versjon", ["", "en", "ene", "er"]),
    ];

    private static readonly string[] Verbs =
    [
        "deler", "delte", "lager", "laget", "bruker", "brukte", "planlegger", "planla", "organiserer", "organiserte",
        "inviterer", "inviterte", "lagrer", "lagret", "øver", "øvde", "viser", "viste", "samarbeider", "samarbeidet",
        "fester", "festet", "redigerer", "redigerte", "finner", "fant", "spør", "spurte", "forklarer", "forklarte",
    ];

    private static readonly string[] Adjectives =
    [
        "digital", "digitale", "digitalt", "hybrid", "hybride", "felles", "ny", "nye", "nytt", "enkel", "enkle", "enkelt",
        "trygg", "trygge", "trygt", "ukentlig", "ukentlige", "viktig", "viktige", "praktisk", "praktiske",
    ];

    private static readonly string[] Fillers = ["og", "i", "på", "med", "for", "til", "av", "som", "det", "vi", "dere", "når", "hvordan", "også"];

    public static readonly string[] Tools = ["Teams", "SharePoint", "OneNote", "OneDrive", "Planner", "Outlook", "Viva Engage", "Forms", "Loop", "Copilot"];

    public static readonly string[] Topics =
    [
        "Møtekultur", "Hybrid ledelse", "Dokumentdeling", "Informasjonssikkerhet", "Samhandling", "Oppgavestyring",
        "Arkivering", "Nye ledere", "Endringsledelse", "Digital kompetanse", "Personvern", "Notater",
    ];

    private static readonly string[] Names =
    [
        "Kari Nordmann", "Ola Hansen", "Ingrid Berg", "Ali Khan", "Siri Johansen", "Per Olsen", "Fatima Ahmed", "Jonas Lie",
        "Marte Dahl", "Lars Bakken", "Nora Haugen", "Emil Strand",
    ];

    public const int Programmes = 200;

    /// <summary>
    /// <paramref name="count"/> entries: 1 % programmes, 60 % sessions, 20 % recordings (transcripts of 40 cues), the
    /// rest documents (8 passages), spread over two years.
    /// </summary>
    public static IEnumerable<KnowledgeEntry> Generate(int count, int seed = 2026)
    {
        var random = new Random(seed);
        var start = new DateOnly(2025, 1, 6);
        for (var i = 1; i <= count; i++)
        {
            var programme = 1 + random.Next(Programmes);
            var programmeName = ProgrammeName(programme);
            var date = start.AddDays(random.Next(730));
            var tools = Pick(random, Tools, 1 + random.Next(2));
            var topics = Pick(random, Topics, 1 + random.Next(2));
            var (kind, key, passages) = (i % 100) switch
            {
                0 => (KnowledgeKind.Programme, $"programme:{i}", Paragraphs(random, 3, 5)),
                < 61 => (KnowledgeKind.Session, $"session:{i}", Paragraphs(random, 1, 3)),
                < 81 => (KnowledgeKind.Recording, $"recording:{i}", Transcript(random, 40)),
                _ => (KnowledgeKind.Document, $"document:{i}", Paragraphs(random, 8, 6)),
            };
            yield return new KnowledgeEntry
            {
                SourceKey = key,
                Kind = kind,
                Title = Title(random, tools[0]),
                Url = $"/learning/{kind.ToString().ToLowerInvariant()}s/{i}",
                ProgrammeId = programme,
                ProgrammeName = programmeName,
                Date = kind == KnowledgeKind.Programme ? null : date,
                Tools = tools,
                Topics = topics,
                Passages = passages,
            };
        }
    }

    public static string ProgrammeName(int programme) => $"Program {programme}: {Topics[programme % Topics.Length]}";

    private static string[] Pick(Random random, string[] values, int count) => [.. values.OrderBy(_ => random.Next()).Take(count)];

    // Skewed towards the first words of a list: rank r is chosen with weight about 1/(r+1).
    private static T Zipf<T>(Random random, IReadOnlyList<T> values) =>
        values[Math.Min(values.Count - 1, (int)Math.Floor(Math.Exp(random.NextDouble() * Math.Log(values.Count + 1)) - 1))];

    private static string Noun(Random random)
    {
        var (stem, endings) = Zipf(random, Nouns);
        return stem + endings[random.Next(endings.Length)];
    }

    private static string Title(Random random, string tool) => random.Next(3) switch
    {
        0 => $"{Capital(Noun(random))} i {tool}",
        1 => $"Frokostwebinar: {Noun(random)} og {Noun(random)}",
        _ => $"{Capital(Zipf(random, Adjectives))} {Noun(random)} med {tool}",
    };

    private static string Capital(string word) => char.ToUpperInvariant(word[0]) + word[1..];

    private static string Sentence(Random random)
    {
        var text = new StringBuilder();
        var words = 8 + random.Next(10);
        for (var w = 0; w < words; w++)
        {
            var word = random.Next(10) switch
            {
                < 3 => Noun(random),
                < 5 => Verbs[random.Next(Verbs.Length)],
                < 6 => Zipf(random, Adjectives),
                < 7 => Tools[random.Next(Tools.Length)],
                _ => Fillers[random.Next(Fillers.Length)],
            };
            text.Append(w == 0 ? Capital(word) : " " + word);
        }
        return text.Append('.').ToString();
    }

    private static List<KnowledgePassage> Paragraphs(Random random, int paragraphs, int sentences) =>
        [.. Enumerable.Range(0, paragraphs).Select(_ => new KnowledgePassage(
            string.Join(' ', Enumerable.Range(0, sentences).Select(_ => Sentence(random))), null))];

    private static List<KnowledgePassage> Transcript(Random random, int cues)
    {
        var passages = new List<KnowledgePassage>(cues);
        var seconds = 3;
        for (var c = 0; c < cues; c++)
        {
            passages.Add(new KnowledgePassage($"{Names[random.Next(Names.Length)]}: {Sentence(random)}", $"t{seconds}"));
            seconds += 5 + random.Next(40);
        }
        return passages;
    }
}
