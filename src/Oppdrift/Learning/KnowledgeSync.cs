// Keeps the knowledge bank in step with the learning module: what a programme, session, recording or
// document says is indexed when it is created or changed, and removed with it.
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Learning.Knowledge;
using Oppdrift.Shared;

namespace Oppdrift.Learning;

public sealed class KnowledgeSync(OppdriftDb db, KnowledgeIndex index, LearningStorage storage)
{
    public static string ProgrammeKey(int id) => "programme:" + id.ToString(CultureInfo.InvariantCulture);
    public static string SessionKey(int id) => "session:" + id.ToString(CultureInfo.InvariantCulture);
    public static string RecordingKey(int id) => "recording:" + id.ToString(CultureInfo.InvariantCulture);
    public static string DocumentKey(int id) => "document:" + id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Indexes a programme and its sessions (their topics and tools are the programme's).</summary>
    public async Task ProgrammeAsync(int id, CancellationToken cancellationToken)
    {
        var programme = await db.Programmes.AsNoTracking().Include(p => p.Modules).SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (programme is null)
        {
            return;
        }
        var passages = new List<KnowledgePassage>();
        passages.AddRange(Paragraphs(programme.Description));
        passages.AddRange(programme.Modules.OrderBy(m => m.Position).Select(m => new KnowledgePassage(m.Title + (m.Description.Length > 0 ? ": " + m.Description : ""), "modules")));
        await index.UpsertAsync(new KnowledgeEntry
        {
            SourceKey = ProgrammeKey(id),
            Kind = KnowledgeKind.Programme,
            Title = programme.Name,
            Url = $"/learning/programmes/{id.ToString(CultureInfo.InvariantCulture)}",
            ProgrammeId = id,
            ProgrammeName = programme.Name,
            Topics = Split(programme.Topics),
            Tools = Split(programme.Tools),
            Passages = passages,
        }, cancellationToken);
        var sessions = await db.LearningSessions.AsNoTracking().Where(s => s.ProgrammeId == id).Select(s => s.Id).ToListAsync(cancellationToken);
        foreach (var session in sessions)
        {
            await SessionAsync(session, cancellationToken);
        }
    }

    public async Task SessionAsync(int id, CancellationToken cancellationToken)
    {
        var session = await db.LearningSessions.AsNoTracking().Include(s => s.Programme).SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (session?.Programme is null)
        {
            return;
        }
        var p = session.Programme;
        var passages = Paragraphs(session.Description).ToList();
        if (session.Location is { Length: > 0 } location)
        {
            passages.Add(new KnowledgePassage(location, null));
        }
        await index.UpsertAsync(new KnowledgeEntry
        {
            SourceKey = SessionKey(id),
            Kind = KnowledgeKind.Session,
            Title = session.Title,
            Url = $"/learning/sessions/{id.ToString(CultureInfo.InvariantCulture)}",
            ProgrammeId = p.Id,
            ProgrammeName = p.Name,
            Date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(session.StartsAt, LearningMail.Oslo)),
            Topics = Split(p.Topics),
            Tools = Split(p.Tools),
            Passages = passages,
        }, cancellationToken);
    }

    /// <summary>Indexes a recording with one passage per transcript cue, anchored at the cue's second so a hit opens the moment.</summary>
    public async Task RecordingAsync(int id, CancellationToken cancellationToken)
    {
        var recording = await db.Recordings.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (recording is null)
        {
            return;
        }
        var programme = await db.Programmes.AsNoTracking().SingleAsync(p => p.Id == recording.ProgrammeId, cancellationToken);
        var session = recording.SessionId is { } sid ? await db.LearningSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sid, cancellationToken) : null;
        var passages = Cues(recording).Select(c => new KnowledgePassage(c.Speaker is null ? c.Text : $"{c.Speaker}: {c.Text}", Anchor(c.Start))).ToList();
        await index.UpsertAsync(new KnowledgeEntry
        {
            SourceKey = RecordingKey(id),
            Kind = KnowledgeKind.Recording,
            Title = recording.Title,
            Url = $"/learning/recordings/{id.ToString(CultureInfo.InvariantCulture)}",
            ProgrammeId = programme.Id,
            ProgrammeName = programme.Name,
            Date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(session?.StartsAt ?? recording.CreatedAt, LearningMail.Oslo)),
            Topics = Split(programme.Topics),
            Tools = Split(programme.Tools),
            Passages = passages,
        }, cancellationToken);
    }

    /// <summary>Indexes a document's text (for the types the knowledge bank reads) by paragraph.</summary>
    public async Task DocumentAsync(int id, string? text, CancellationToken cancellationToken)
    {
        var document = await db.LearningDocuments.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (document is null)
        {
            return;
        }
        var programme = await db.Programmes.AsNoTracking().SingleAsync(p => p.Id == document.ProgrammeId, cancellationToken);
        await index.UpsertAsync(new KnowledgeEntry
        {
            SourceKey = DocumentKey(id),
            Kind = KnowledgeKind.Document,
            Title = document.Title,
            Url = $"/learning/documents/{id.ToString(CultureInfo.InvariantCulture)}",
            ProgrammeId = programme.Id,
            ProgrammeName = programme.Name,
            Date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(document.UploadedAt, LearningMail.Oslo)),
            Topics = Split(programme.Topics),
            Tools = Split(programme.Tools),
            Passages = text is null ? [new KnowledgePassage(document.FileName, null)] : Paragraphs(text).ToList(),
        }, cancellationToken);
    }

    /// <summary>The document's text when the knowledge bank can read its type; null for types it does not read (slides, images).</summary>
    public Result<string?> ReadDocument(string storedName, string fileName)
    {
        if (!DocumentText.Extensions.Contains(Path.GetExtension(fileName).ToLowerInvariant()))
        {
            return Result<string?>.Ok(null);
        }
        using var stream = storage.Open(storedName);
        if (stream is null)
        {
            return Result<string?>.Ok(null);
        }
        var text = DocumentText.Extract(stream, fileName);
        return text.Succeeded ? Result<string?>.Ok(text.Value) : Result<string?>.Fail(text.Field ?? "File", text.Error!);
    }

    public Task RemoveAsync(string sourceKey, CancellationToken cancellationToken) => index.RemoveAsync(sourceKey, cancellationToken);

    public static string Anchor(TimeSpan start) => "t" + ((int)start.TotalSeconds).ToString(CultureInfo.InvariantCulture);

    /// <summary>The recording's transcript cues, read by the knowledge bank's WebVTT reader; none when it has no transcript.</summary>
    public static IReadOnlyList<TranscriptCue> Cues(Recording recording)
    {
        if (recording.Transcript is null)
        {
            return [];
        }
        var read = WebVtt.Read(new MemoryStream(Encoding.UTF8.GetBytes(recording.Transcript)), recording.TranscriptFileName ?? "transcript.vtt");
        return read.Succeeded ? read.Value! : [];
    }

    private static IEnumerable<KnowledgePassage> Paragraphs(string text) =>
        text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(p => p.Length > 0)
            .Select(p => new KnowledgePassage(p, null));

    private static string[] Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
