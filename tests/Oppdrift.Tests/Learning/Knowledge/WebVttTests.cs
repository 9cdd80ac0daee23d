using Oppdrift.Learning.Knowledge;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Learning.Knowledge;

public sealed class WebVttTests
{
    private static IReadOnlyList<TranscriptCue> Read(string name)
    {
        using var file = TestFiles.Open("learning", "knowledge", name);
        var result = WebVtt.Read(file, name);
        Assert.True(result.Succeeded, result.Error);
        return result.Value!;
    }

    private static string Error(string name, int line)
    {
        using var file = TestFiles.Open("learning", "knowledge", name);
        var result = WebVtt.Read(file, name);
        Assert.False(result.Succeeded);
        Assert.Equal($"{name}:{line}", result.Field);
        Assert.StartsWith($"{name}:{line}:", result.Error, StringComparison.Ordinal);
        return result.Error!;
    }

    [Fact]
    public void A_Teams_transcript_gives_cues_with_speakers_and_skips_notes()
    {
        var cues = Read("frokostwebinar-teams.vtt");

        Assert.Equal(
        [
            new TranscriptCue(new TimeSpan(0, 0, 0, 3, 120), new TimeSpan(0, 0, 0, 7, 480), "Kari Nordmann", "God morgen, og velkommen til frokostwebinaret."),
            new TranscriptCue(new TimeSpan(0, 0, 12, 34), new TimeSpan(0, 0, 12, 39, 250), "Ola Hansen", "Opplæringene i OneNote har gitt oss en felles notatblokk for ledergruppen."),
            new TranscriptCue(new TimeSpan(0, 0, 12, 40), new TimeSpan(0, 0, 12, 41), "Kari Nordmann", "Takk & velkommen tilbake."),
            new TranscriptCue(new TimeSpan(0, 1, 2, 3, 500), new TimeSpan(0, 1, 2, 5), null, "Spørsmål fra salen om <Planner>."),
        ], cues);
        Assert.Equal("t754", cues[1].Anchor);
    }

    [Fact]
    public void Timestamps_without_hours_and_numbered_cues_are_read()
    {
        var cues = Read("kort-uten-timer.vtt");

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(75.5)], cues.Select(c => c.Start));
        Assert.Equal(["Ali Khan", null], cues.Select(c => c.Speaker));
        Assert.Equal("Vi starter med kanaler.", cues[0].Text);
    }

    [Fact]
    public void A_byte_order_mark_and_Windows_line_ends_are_accepted()
    {
        var cue = Assert.Single(Read("crlf-bom.vtt"));

        Assert.Equal(("Kari Nordmann", "Med byte-rekkefølgemerke og CRLF."), (cue.Speaker, cue.Text));
    }

    [Fact]
    public void A_file_without_the_WEBVTT_header_is_refused_at_line_1() =>
        Assert.Contains("WEBVTT", Error("feil-topptekst.vtt", 1), StringComparison.Ordinal);

    [Fact]
    public void A_malformed_timestamp_is_refused_with_its_line() =>
        Assert.Contains("00:00:03,000 --> 00:00:04,000", Error("feil-tid.vtt", 6), StringComparison.Ordinal);

    [Fact]
    public void A_cue_that_ends_before_it_starts_is_refused_with_its_line() =>
        Assert.Contains("00:00:04.000", Error("slutt-for-start.vtt", 6), StringComparison.Ordinal);

    [Fact]
    public void A_cue_without_a_timing_line_is_refused_with_its_line() => Error("mangler-tid.vtt", 4);

    [Fact]
    public void Transcript_passages_carry_the_speaker_and_an_anchor_at_the_cue()
    {
        var passages = KnowledgePassages.FromTranscript(Read("frokostwebinar-teams.vtt"));

        Assert.Equal(new KnowledgePassage("Ola Hansen: Opplæringene i OneNote har gitt oss en felles notatblokk for ledergruppen.", "t754"), passages[1]);
        Assert.Equal(new KnowledgePassage("Spørsmål fra salen om <Planner>.", "t3723"), passages[3]);
    }

    [Fact]
    public void Joined_files_keep_their_cues_with_times_moved_by_each_parts_offset_after_a_note()
    {
        const string first = "\uFEFFWEBVTT\r\nKind: captions\r\n\r\nNOTE from Teams\r\n\r\na/1-0\r\n00:00:02.160 --> 00:00:06.920 align:start\r\n<v Anne Vert>Velkommen.</v>\r\n";
        const string second = "WEBVTT\n\n59:58.500 --> 01:00:01.000\n<v Ola Nordmann>Takk --> for i dag.</v>\n\n\n";

        var joined = WebVtt.Join([new VttPart(first, TimeSpan.Zero, "Part 1 of 2"), new VttPart(second, new TimeSpan(0, 1, 0, 10, 250), "Part 2 of 2, a --> b\nc")],
            "joined.vtt");

        Assert.True(joined.Succeeded, joined.Error);
        Assert.Equal("WEBVTT\n\nNOTE Part 1 of 2\n\nNOTE from Teams\n\na/1-0\n00:00:02.160 --> 00:00:06.920 align:start\n<v Anne Vert>Velkommen.</v>\n"
            + "\nNOTE Part 2 of 2, a -> b c\n\n02:00:08.750 --> 02:00:11.250\n<v Ola Nordmann>Takk --> for i dag.</v>\n", joined.Value);
        var cues = WebVtt.Read(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(joined.Value!)), "joined.vtt");
        Assert.Equal([TimeSpan.FromSeconds(2.16), new TimeSpan(0, 2, 0, 8, 750)], cues.Value!.Select(c => c.Start));
    }

    [Fact]
    public void Joining_a_malformed_part_gives_its_error()
    {
        var joined = WebVtt.Join([new VttPart("WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nBaklengs.\n", TimeSpan.Zero, "Part 1 of 1")], "joined.vtt");

        Assert.False(joined.Succeeded);
        Assert.Equal("joined.vtt:3", joined.Field);
    }
}
