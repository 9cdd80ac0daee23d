using System.Text;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Learning.Knowledge;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Learning;

public sealed class ProgrammesTests
{
    private const string Transcript = "WEBVTT\n\n1\n00:00:05.000 --> 00:00:12.000\n<v Marianne Røsby>Velkommen til webinaret om dokumenthåndtering.</v>\n\n2\n00:12:34.000 --> 00:12:40.000\n<v Geir Faremo>Opplæringene ligger i SharePoint, sammen med opptakene.</v>\n";

    private static Programmes Service(OppdriftDb db, TestDatabase database, Action<LearningOptions>? change = null)
    {
        var storage = LearningSeed.Storage(database.Folder);
        return new Programmes(db, LearningSeed.Clock(), LearningSeed.Options(change), storage, new KnowledgeSync(db, new KnowledgeIndex(db), storage));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_recording_transcript_is_searchable_and_a_hit_opens_the_moment_it_was_said(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var (programme, session) = await LearningSeed.ProgrammeAsync(db, capacity: null);
        var service = Service(db, database);

        var added = await service.AddRecordingAsync(programme.Id, new RecordingInput("Opptak: dokumenthåndtering", "https://nordvik.sharepoint.com/opptak.mp4", TimeSpan.FromMinutes(44), session.Id, null),
            new MemoryStream(Encoding.UTF8.GetBytes(Transcript)), "opptak.vtt", "eier", default);
        Assert.True(added.Succeeded, added.Error);

        var results = await new KnowledgeSearch(db).SearchAsync(new KnowledgeQuery { Text = "opplæring" }, default);
        var hit = Assert.Single(results.Hits, h => h.Kind == KnowledgeKind.Recording);
        Assert.Equal($"/learning/recordings/{added.Value!.Id}#t754", hit.Url);
        Assert.Equal(programme.Id, hit.ProgrammeId);
        Assert.Contains("Teams", hit.Tools);

        Assert.True(await service.DeleteRecordingAsync(added.Value.Id, "eier", default));
        Assert.DoesNotContain((await new KnowledgeSearch(db).SearchAsync(new KnowledgeQuery { Text = "opplæring" }, default)).Hits, h => h.Kind == KnowledgeKind.Recording);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_malformed_transcript_is_refused_and_nothing_is_stored(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var (programme, _) = await LearningSeed.ProgrammeAsync(db, capacity: null);

        var result = await Service(db, database).AddRecordingAsync(programme.Id, new RecordingInput("Opptak", "https://x.sharepoint.com/a.mp4", TimeSpan.FromMinutes(5), null, null),
            new MemoryStream(Encoding.UTF8.GetBytes("Ikke en transkripsjon")), "notater.vtt", "eier", default);

        Assert.False(result.Succeeded);
        Assert.Contains("notater.vtt", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, await db.Recordings.CountAsync());
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Documents_too_large_or_of_a_forbidden_type_are_refused_before_anything_is_stored(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var (programme, _) = await LearningSeed.ProgrammeAsync(db, capacity: null);
        var service = Service(db, database, o => o.DocumentMaxBytes = 1024);
        var folder = LearningSeed.Storage(database.Folder).Folder;

        var exe = await service.AddDocumentAsync(programme.Id, null, null, new MemoryStream(new byte[10]), "verktøy.exe", 10, null, "eier", default);
        var large = await service.AddDocumentAsync(programme.Id, null, null, new MemoryStream(new byte[2048]), "stor.pdf", 2048, null, "eier", default);
        // A client that understates the length is stopped while the file is copied, and the part written is removed.
        var lying = await service.AddDocumentAsync(programme.Id, null, null, new MemoryStream(new byte[4096]), "liten.txt", 10, null, "eier", default);

        Assert.Contains("verktøy.exe", exe.Error, StringComparison.Ordinal);
        Assert.Contains("stor.pdf", large.Error, StringComparison.Ordinal);
        Assert.Contains("liten.txt", lying.Error, StringComparison.Ordinal);
        Assert.Equal(0, await db.LearningDocuments.CountAsync());
        Assert.True(!Directory.Exists(folder) || Directory.GetFiles(folder).Length == 0);

        var text = "# Møteplakat\n\nDel lenker til dokumenter i SharePoint, ikke vedlegg.\n"u8.ToArray();
        var ok = await service.AddDocumentAsync(programme.Id, null, "Møteplakat", new MemoryStream(text), "plakat.md", text.Length, null, "eier", default);
        Assert.True(ok.Succeeded, ok.Error);
        Assert.Single(Directory.GetFiles(folder));
        var hit = Assert.Single((await new KnowledgeSearch(db).SearchAsync(new KnowledgeQuery { Text = "vedlegg" }, default)).Hits);
        Assert.Equal($"/learning/documents/{ok.Value!.Id}", hit.Url);

        Assert.True(await service.DeleteDocumentAsync(ok.Value.Id, "eier", default));
        Assert.Empty(Directory.GetFiles(folder));
        Assert.Empty((await new KnowledgeSearch(db).SearchAsync(new KnowledgeQuery { Text = "vedlegg" }, default)).Hits);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_weekly_series_keeps_its_time_of_day_in_Oslo_across_the_change_to_summer_time(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var (programme, _) = await LearningSeed.ProgrammeAsync(db, capacity: null);
        // Tuesday 18 March 2025 08:30 in Oslo (UTC+1); summer time starts 30 March.
        var result = await Service(db, database).AddSessionsAsync(programme.Id, new SessionInput("Frokost", "", new DateTime(2025, 3, 18, 7, 30, 0, DateTimeKind.Utc),
            TimeSpan.FromMinutes(45), SessionMode.Online, null, null, 200, WeeklyOccurrences: 3), "eier", default);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal([7, 7, 6], result.Value!.Select(s => s.StartsAt.Hour));
        Assert.Single(result.Value!.Select(s => s.SeriesKey).Distinct());
        Assert.Equal(4, (await new KnowledgeSearch(db).SearchAsync(new KnowledgeQuery { ProgrammeId = programme.Id, Kind = KnowledgeKind.Session }, default)).Total);
    }
}
