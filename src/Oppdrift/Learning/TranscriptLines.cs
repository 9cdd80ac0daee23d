namespace Oppdrift.Learning;

public sealed record TranscriptLine(TimeSpan Start, string? Speaker, string Text);

/// <summary>The transcript lines a recording page shows, one anchor each (t + whole seconds) for search hits to jump to.</summary>
public static class TranscriptLines
{
    public static IReadOnlyList<TranscriptLine> Read(string vtt, string fileName)
    {
        var lines = new List<TranscriptLine>();
        var blocks = vtt.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        foreach (var block in blocks)
        {
            var rows = block.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var timing = Array.FindIndex(rows, r => r.Contains("-->", StringComparison.Ordinal));
            if (timing < 0 || !TryTime(rows[timing].Split("-->")[0].Trim(), out var start))
            {
                continue;
            }
            var text = string.Join(" ", rows.Skip(timing + 1)).Trim();
            string? speaker = null;
            if (text.StartsWith("<v ", StringComparison.Ordinal) && text.IndexOf('>', StringComparison.Ordinal) is var close and > 3)
            {
                speaker = text[3..close].Trim();
                text = text[(close + 1)..].Replace("</v>", "", StringComparison.Ordinal).Trim();
            }
            if (text.Length > 0)
            {
                lines.Add(new TranscriptLine(start, speaker, text));
            }
        }
        _ = fileName;
        return lines;
    }

    private static bool TryTime(string value, out TimeSpan time) =>
        TimeSpan.TryParseExact(value, [@"hh\:mm\:ss\.fff", @"mm\:ss\.fff", @"h\:mm\:ss\.fff"], System.Globalization.CultureInfo.InvariantCulture, out time);
}
