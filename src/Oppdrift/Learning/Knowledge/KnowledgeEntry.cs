namespace Oppdrift.Learning.Knowledge;

/// <summary>What a knowledge bank entry is about; decides its label and the page a hit opens.</summary>
public enum KnowledgeKind
{
    Programme,
    Session,
    Recording,
    Document,
}

/// <summary>A piece of an entry's text that a hit can point at.</summary>
/// <param name="Text">Plain text (no markup).</param>
/// <param name="Anchor">Fragment id on the entry's page, e.g. a transcript cue "t754" (seconds), or null.</param>
public sealed record KnowledgePassage(string Text, string? Anchor);

/// <summary>Everything the knowledge bank knows about one programme, session, recording or document.</summary>
public sealed record KnowledgeEntry
{
    /// <summary>The owner's key, unique across the bank: "programme:5", "session:42", "recording:3", "document:7".</summary>
    public required string SourceKey { get; init; }

    public required KnowledgeKind Kind { get; init; }

    public required string Title { get; init; }

    /// <summary>The page a hit opens, e.g. "/learning/recordings/3".</summary>
    public required string Url { get; init; }

    public int? ProgrammeId { get; init; }

    public string? ProgrammeName { get; init; }

    public DateOnly? Date { get; init; }

    public IReadOnlyList<string> Topics { get; init; } = [];

    /// <summary>The Microsoft 365 tools the entry is about: "Teams", "SharePoint", "OneNote", ...</summary>
    public IReadOnlyList<string> Tools { get; init; } = [];

    public required IReadOnlyList<KnowledgePassage> Passages { get; init; }
}

/// <summary>One cue of a WebVTT transcript; Speaker is the voice tag's name when the cue has one.</summary>
public sealed record TranscriptCue(TimeSpan Start, TimeSpan End, string? Speaker, string Text)
{
    /// <summary>The fragment id a hit on this cue links to: "t" and the whole seconds of its start.</summary>
    public string Anchor => "t" + ((long)Start.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
