namespace Oppdrift.Learning.Knowledge;

/// <summary>Turns extracted document text and transcripts into the passages an entry is indexed with.</summary>
public static class KnowledgePassages
{
    /// <summary>Paragraphs are gathered into passages of about this many characters, so a snippet has context.</summary>
    public const int TargetLength = 600;

    /// <summary>A document's text in passages of whole paragraphs (no anchors: a document page has no places to jump to).</summary>
    public static IReadOnlyList<KnowledgePassage> FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var passages = new List<KnowledgePassage>();
        var current = new System.Text.StringBuilder();
        foreach (var paragraph in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (current.Length > 0 && current.Length + paragraph.Length > TargetLength)
            {
                passages.Add(new KnowledgePassage(current.ToString(), null));
                current.Clear();
            }
            current.Append(current.Length > 0 ? "\n" : "").Append(paragraph);
        }
        if (current.Length > 0)
        {
            passages.Add(new KnowledgePassage(current.ToString(), null));
        }
        return passages;
    }

    /// <summary>One passage per cue, "Speaker: text", anchored at the cue's start ("t754" for 12:34).</summary>
    public static IReadOnlyList<KnowledgePassage> FromTranscript(IEnumerable<TranscriptCue> cues)
    {
        ArgumentNullException.ThrowIfNull(cues);
        return [.. cues.Select(c => new KnowledgePassage(c.Speaker is null ? c.Text : $"{c.Speaker}: {c.Text}", c.Anchor))];
    }
}
