using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Oppdrift.Shared;

namespace Oppdrift.Learning.Knowledge;

/// <summary>One WebVTT file to join with others: its text, how far its cue times move, and the note written before its cues.</summary>
public sealed record VttPart(string Vtt, TimeSpan Offset, string Note);

/// <summary>
/// Reads a WebVTT transcript as Teams and Stream write it: a "WEBVTT" header, cues with an optional identifier,
/// a timing line (hours optional), text with &lt;v Speaker&gt; voice tags; NOTE, STYLE and REGION blocks are
/// skipped. A malformed file is rejected with an error naming the file and line.
/// </summary>
public static partial class WebVtt
{
    public static Result<IReadOnlyList<TranscriptCue>> Read(Stream content, string fileName)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(fileName);
        string text;
        try
        {
            using var reader = new StreamReader(content, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
            text = reader.ReadToEnd();
        }
        catch (DecoderFallbackException)
        {
            return Fail(fileName, 0, KnowledgeText.Get("VttErrorEncoding", fileName));
        }
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        if (lines.Length == 0 || !Header().IsMatch(lines[0]))
        {
            return Fail(fileName, 1, KnowledgeText.Get("VttErrorHeader", fileName));
        }

        var cues = new List<TranscriptCue>();
        var i = 1;
        // The header's own lines run to the first blank line.
        while (i < lines.Length && lines[i].Trim().Length > 0)
        {
            i++;
        }
        while (i < lines.Length)
        {
            if (lines[i].Trim().Length == 0)
            {
                i++;
                continue;
            }
            var blockStart = i;
            var end = i;
            while (end < lines.Length && lines[end].Trim().Length > 0)
            {
                end++;
            }
            var first = lines[blockStart];
            if (!first.Contains("-->", StringComparison.Ordinal) && SkippedBlock().IsMatch(first))
            {
                i = end;
                continue;
            }
            var timing = first.Contains("-->", StringComparison.Ordinal) ? blockStart : blockStart + 1;
            if (timing >= end || !lines[timing].Contains("-->", StringComparison.Ordinal))
            {
                return Fail(fileName, Math.Min(timing, end - 1) + 1, KnowledgeText.Get("VttErrorMissingTiming", fileName, Math.Min(timing, end - 1) + 1));
            }
            var match = Timing().Match(lines[timing]);
            if (!match.Success || Time(match.Groups["start"].Value) is not { } start || Time(match.Groups["end"].Value) is not { } stop)
            {
                return Fail(fileName, timing + 1, KnowledgeText.Get("VttErrorTiming", fileName, timing + 1, lines[timing].Trim()));
            }
            if (stop < start)
            {
                return Fail(fileName, timing + 1, KnowledgeText.Get("VttErrorEndBeforeStart", fileName, timing + 1, match.Groups["start"].Value, match.Groups["end"].Value));
            }
            var (speaker, words) = Payload(lines.AsSpan(timing + 1, end - timing - 1));
            if (words.Length > 0)
            {
                cues.Add(new TranscriptCue(start, stop, speaker, words));
            }
            i = end;
        }
        return Result<IReadOnlyList<TranscriptCue>>.Ok(cues);
    }

    /// <summary>
    /// Joins WebVTT files into one that <see cref="Read"/> reads: one header, then each part after a NOTE block with its
    /// note, its cues as they were (identifiers, settings, voice tags) with their times moved by the part's offset, so the
    /// parts share one timeline. A part <see cref="Read"/> rejects gives its error.
    /// </summary>
    public static Result<string> Join(IReadOnlyList<VttPart> parts, string fileName)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var joined = new StringBuilder("WEBVTT\n");
        foreach (var part in parts)
        {
            var read = Read(new MemoryStream(Encoding.UTF8.GetBytes(part.Vtt)), fileName);
            if (!read.Succeeded)
            {
                return Result<string>.Fail(read.Field!, read.Error!);
            }
            // A note may hold neither a blank line nor "-->" (WebVTT, 4.1).
            var note = part.Note.Replace("-->", "->", StringComparison.Ordinal).ReplaceLineEndings(" ").Trim();
            joined.Append("\nNOTE ").Append(note).Append('\n');
            var lines = part.Vtt.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
            var i = 1;
            while (i < lines.Length && lines[i].Trim().Length > 0)
            {
                i++;
            }
            var blank = true;
            for (; i < lines.Length; i++)
            {
                var line = lines[i];
                if (line.Trim().Length == 0)
                {
                    blank = true;
                    continue;
                }
                if (blank)
                {
                    joined.Append('\n');
                    blank = false;
                }
                // Read accepted the part, so a line that parses as a timing is a cue's timing line.
                var match = Timing().Match(line);
                if (match.Success && Time(match.Groups["start"].Value) is { } start && Time(match.Groups["end"].Value) is { } stop)
                {
                    line = $"{Format(start + part.Offset)} --> {Format(stop + part.Offset)}{match.Groups["settings"].Value}";
                }
                joined.Append(line).Append('\n');
            }
        }
        return Result<string>.Ok(joined.ToString());
    }

    /// <summary>"hh:mm:ss.ttt", the form Teams writes; a time before the start stays at zero.</summary>
    public static string Format(TimeSpan time)
    {
        var ms = Math.Max(0, (long)time.TotalMilliseconds);
        return string.Create(CultureInfo.InvariantCulture,
            $"{ms / 3_600_000:00}:{ms / 60_000 % 60:00}:{ms / 1000 % 60:00}.{ms % 1000:000}");
    }

    private static Result<IReadOnlyList<TranscriptCue>> Fail(string fileName, int line, string message) =>
        Result<IReadOnlyList<TranscriptCue>>.Fail(line > 0 ? $"{fileName}:{line.ToString(CultureInfo.InvariantCulture)}" : fileName, message);

    /// <summary>"hh:mm:ss.ttt" or "mm:ss.ttt" (hours may have any number of digits).</summary>
    private static TimeSpan? Time(string value)
    {
        var match = Timestamp().Match(value);
        if (!match.Success)
        {
            return null;
        }
        var hours = match.Groups["h"].Success ? long.Parse(match.Groups["h"].Value, CultureInfo.InvariantCulture) : 0;
        var minutes = int.Parse(match.Groups["m"].Value, CultureInfo.InvariantCulture);
        var seconds = int.Parse(match.Groups["s"].Value, CultureInfo.InvariantCulture);
        var milliseconds = int.Parse(match.Groups["ms"].Value, CultureInfo.InvariantCulture);
        if (minutes > 59 || seconds > 59 || hours > 10_000)
        {
            return null;
        }
        return new TimeSpan(0, (int)hours, minutes, seconds, milliseconds);
    }

    /// <summary>The cue's speaker (its first voice tag) and its text without tags, entities decoded, lines joined.</summary>
    private static (string? Speaker, string Text) Payload(ReadOnlySpan<string> lines)
    {
        string? speaker = null;
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            if (speaker is null && Voice().Match(line) is { Success: true } voice)
            {
                speaker = WebUtility.HtmlDecode(voice.Groups["name"].Value).Trim();
            }
            var plain = WebUtility.HtmlDecode(Tag().Replace(line, "")).Trim();
            if (plain.Length > 0)
            {
                text.Append(text.Length > 0 ? " " : "").Append(plain);
            }
        }
        // Bidirectional marks (&lrm; and friends) add nothing to search or display.
        var words = text.ToString().Replace("\u200E", "", StringComparison.Ordinal).Replace("\u200F", "", StringComparison.Ordinal).Replace('\u00A0', ' ');
        return (string.IsNullOrEmpty(speaker) ? null : speaker, words.Trim());
    }

    [GeneratedRegex(@"^\uFEFF?WEBVTT([ \t].*)?$")]
    private static partial Regex Header();

    [GeneratedRegex(@"^(NOTE|STYLE|REGION)([ \t].*)?$")]
    private static partial Regex SkippedBlock();

    [GeneratedRegex(@"^\s*(?<start>\S+)\s+-->\s+(?<end>\S+)(?<settings>\s+.*)?$")]
    private static partial Regex Timing();

    [GeneratedRegex(@"^((?<h>\d+):)?(?<m>\d{2}):(?<s>\d{2})\.(?<ms>\d{3})$")]
    private static partial Regex Timestamp();

    [GeneratedRegex(@"<v(\.[^ \t>]+)*[ \t]+(?<name>[^>]+)>")]
    private static partial Regex Voice();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex Tag();
}
