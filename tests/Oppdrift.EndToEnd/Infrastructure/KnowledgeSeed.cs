using Oppdrift.Data;
using Oppdrift.Learning.Knowledge;

namespace Oppdrift.EndToEnd.Infrastructure;

/// <summary>
/// A few knowledge bank entries indexed through the real <see cref="KnowledgeIndex"/> into the running app's
/// database, so the search page has something known to find. Indexing again replaces them, so any test may call it.
/// </summary>
public static class KnowledgeSeed
{
    public const string RecordingUrl = "/learning/recordings/900001";

    public static async Task EnsureAsync(OppdriftApp app)
    {
        var provider = new DatabaseProvider(DatabaseKind.Sqlite, $"Data Source={Path.Combine(app.DataDirectory, "oppdrift.db")}");
        await using var db = new OppdriftDb(DataServices.Options(provider));
        var index = new KnowledgeIndex(db);
        await index.UpsertAsync(new KnowledgeEntry
        {
            SourceKey = "recording:900001",
            Kind = KnowledgeKind.Recording,
            Title = "Frokostwebinar: OneNote for ledere",
            Url = RecordingUrl,
            ProgrammeId = 900001,
            ProgrammeName = "Frokostwebinar (test)",
            Date = new DateOnly(2026, 3, 5),
            Topics = ["Notater"],
            Tools = ["OneNote"],
            Passages =
            [
                new("Kari Nordmann: God morgen, og velkommen til frokostwebinaret.", "t3"),
                new("Ola Hansen: Opplæringene i OneNote har gitt oss en felles notatblokk for ledergruppen.", "t754"),
            ],
        }, default);
        await index.UpsertAsync(new KnowledgeEntry
        {
            SourceKey = "document:900002",
            Kind = KnowledgeKind.Document,
            Title = "Veileder: kanaler i Teams",
            Url = "/learning/documents/900002",
            ProgrammeId = 900002,
            ProgrammeName = "Hybrid ledelse (test)",
            Date = new DateOnly(2026, 2, 12),
            Topics = ["Møtekultur"],
            Tools = ["Teams"],
            Passages = [new("Opplæringen viser når et team bør lage en ny kanal, og hvordan faner festes.", null)],
        }, default);
    }
}
