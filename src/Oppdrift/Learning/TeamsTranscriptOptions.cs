using Oppdrift.Usage.Graph;

namespace Oppdrift.Learning;

/// <summary>
/// The <c>Learning:TeamsTranscripts</c> section: whether the transcripts of recorded Teams sessions are fetched from
/// Microsoft Graph, and when. It signs in with the app registration of the usage pull, as the attendance harvest does, which
/// then also needs OnlineMeetings.Read.All, OnlineMeetingTranscript.Read.All and OnlineMeetingRecording.Read.All and an
/// application access policy granted for the organisers; see docs/operations.md.
/// </summary>
public sealed class TeamsTranscriptOptions
{
    public const string Section = "Learning:TeamsTranscripts";

    /// <summary>Off by default: the access policy is a tenant administrator's decision.</summary>
    public bool Enabled { get; set; }

    /// <summary>How long after a session ends its transcript is first fetched; Teams needs a while to produce it.</summary>
    public int DelayMinutes { get; set; } = 60;

    /// <summary>How often the scheduled fetch looks for recordings without a transcript.</summary>
    public int IntervalMinutes { get; set; } = 60;

    /// <summary>For how many days after a session ends its recording's transcript is looked for.</summary>
    public int LookBackDays { get; set; } = 14;

    /// <summary>What keeps the fetch from running, for a person to fix; empty when it can run.</summary>
    public static IReadOnlyList<string> Problems(TeamsTranscriptOptions options, UsageGraphOptions graph)
    {
        ArgumentNullException.ThrowIfNull(options);
        // The app registration is checked as the attendance harvest checks it; only the switch and the timings are this section's.
        var problems = TeamsAttendanceOptions.Problems(new TeamsAttendanceOptions { Enabled = true }, graph).ToList();
        if (!options.Enabled)
        {
            problems.Insert(0, $"{Section}:{nameof(Enabled)} is false");
        }
        if (options.IntervalMinutes < 1 || options.DelayMinutes < 0 || options.LookBackDays < 1)
        {
            problems.Add($"{Section}: {nameof(IntervalMinutes)} and {nameof(LookBackDays)} must be at least 1, {nameof(DelayMinutes)} at least 0");
        }
        return problems;
    }
}
