using Oppdrift.Shared;
using Oppdrift.Usage.Graph;

namespace Oppdrift.Learning;

/// <summary>
/// The <c>Learning:TeamsAttendance</c> section: whether attendance is harvested from Microsoft Graph, and when. It signs
/// in with the app registration of the usage pull (<c>Usage:Graph:TenantId</c>, <c>ClientId</c>, credential, <c>BaseUrl</c>,
/// <c>AuthorityHost</c>), which then also needs OnlineMeetings.Read.All and OnlineMeetingArtifact.Read.All and an
/// application access policy granted for the organisers; see docs/operations.md.
/// </summary>
public sealed class TeamsAttendanceOptions
{
    public const string Section = "Learning:TeamsAttendance";

    /// <summary>Off by default: the access policy is a tenant administrator's decision.</summary>
    public bool Enabled { get; set; }

    /// <summary>How long after a session ends its attendance is first fetched; Teams needs a while to produce the report.</summary>
    public int DelayMinutes { get; set; } = 30;

    /// <summary>How often the scheduled harvest looks for sessions that have ended.</summary>
    public int IntervalMinutes { get; set; } = 60;

    /// <summary>
    /// For how many days after a session ends the scheduled harvest fetches it again (a restarted meeting adds a report).
    /// Older sessions are fetched with the button on the session page; Teams keeps reports for one year.
    /// </summary>
    public int LookBackDays { get; set; } = 7;

    /// <summary>What keeps the harvest from running, for a person to fix; empty when it can run.</summary>
    public static IReadOnlyList<string> Problems(TeamsAttendanceOptions options, UsageGraphOptions graph)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(graph);
        var problems = new List<string>();
        if (!options.Enabled)
        {
            problems.Add($"{Section}:{nameof(Enabled)} is false");
        }
        if (string.IsNullOrWhiteSpace(graph.TenantId))
        {
            problems.Add($"{UsageGraphOptions.Section}:{nameof(UsageGraphOptions.TenantId)} is missing");
        }
        if (string.IsNullOrWhiteSpace(graph.ClientId))
        {
            problems.Add($"{UsageGraphOptions.Section}:{nameof(UsageGraphOptions.ClientId)} is missing");
        }
        if (string.IsNullOrWhiteSpace(graph.ClientSecret) && string.IsNullOrWhiteSpace(graph.CertificatePath))
        {
            problems.Add($"{UsageGraphOptions.Section}:{nameof(UsageGraphOptions.ClientSecret)} or {UsageGraphOptions.Section}:{nameof(UsageGraphOptions.CertificatePath)} is missing");
        }
        if (options.IntervalMinutes < 1 || options.DelayMinutes < 0 || options.LookBackDays < 1)
        {
            problems.Add($"{Section}: {nameof(IntervalMinutes)} and {nameof(LookBackDays)} must be at least 1, {nameof(DelayMinutes)} at least 0");
        }
        return problems;
    }

    /// <summary>The usage pull's app registration, as the harvest signs in with it.</summary>
    public static GraphApp App(UsageGraphOptions graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return new GraphApp
        {
            TenantId = graph.TenantId!,
            ClientId = graph.ClientId!,
            ClientSecret = graph.ClientSecret,
            CertificatePath = graph.CertificatePath,
            CertificatePassword = graph.CertificatePassword,
            BaseUrl = graph.BaseUrl,
            AuthorityHost = graph.AuthorityHost,
        };
    }
}
