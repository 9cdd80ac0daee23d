// The usage measures an indicator can be wired to: named shares and ratios the rollout's goals speak of, and every
// single metric of the usage catalogue ("metric:" and its code).
using Oppdrift.Usage;

namespace Oppdrift.Benefits;

/// <summary>One usage measure: how it is computed from the usage figures, its unit and the range its values can take.</summary>
public sealed record UsageMeasure(string Key, UsageTableColumn Column, string Unit, double? Min, double? Max)
{
    public const string MetricPrefix = "metric:";

    public bool IsMetric => Key.StartsWith(MetricPrefix, StringComparison.Ordinal);

    public string Name => IsMetric ? UsageMetrics.Get(Key[MetricPrefix.Length..]).Name : BenefitsText.Get("Measure_" + Key);

    public string HowComputed => IsMetric ? UsageMetrics.Get(Key[MetricPrefix.Length..]).HowComputed : BenefitsText.Get("MeasureHow_" + Key);
}

public static class UsageMeasures
{
    private static readonly string[] Messages = ["teams.chatMessages", "teams.channelMessages"];
    private static readonly string[] Shares = ["onedrive.sharedInternally", "onedrive.sharedExternally", "sharepoint.sharedInternally", "sharepoint.sharedExternally"];
    private static readonly string[] External = ["onedrive.sharedExternally", "sharepoint.sharedExternally"];

    /// <summary>The named measures, in the order the indicator form offers them.</summary>
    public static IReadOnlyList<UsageMeasure> Named { get; } =
    [
        new("emailToTeams", new("emailToTeams", UsageTableColumnKind.Share, Messages, [.. Messages, "exchange.sent"]), "%", 0, 100),
        new("linksShared", new("linksShared", UsageTableColumnKind.Share, Shares, [.. Shares, "exchange.sent"]), "%", 0, 100),
        new("teamsActive", new("teamsActive", UsageTableColumnKind.Share, ["teams.active28"], ["teams.licensed"]), "%", 0, 100),
        new("externalShare", new("externalShare", UsageTableColumnKind.Share, External, Shares), "%", 0, 100),
        new("emailsPerPerson", new("emailsPerPerson", UsageTableColumnKind.Ratio, ["exchange.sent"], ["exchange.licensed"]), "e-post", 0, null),
        new("meetingsPerPerson", new("meetingsPerPerson", UsageTableColumnKind.Ratio, ["teams.meetingsAttended"], ["teams.licensed"]), "møter", 0, null),
        new("mobileShare", new("mobileShare", UsageTableColumnKind.Share, ["apps.mobile"], ["apps.people"]), "%", 0, 100),
        new("copilotActive", new("copilotActive", UsageTableColumnKind.Share, ["copilot.active28"], ["copilot.licensed"]), "%", 0, 100),
        new("copilotWeekly", new("copilotWeekly", UsageTableColumnKind.Share, ["copilot.active7"], ["copilot.licensed"]), "%", 0, 100),
        new("copilotPrompts", new("copilotPrompts", UsageTableColumnKind.Ratio, ["copilot.prompts"], ["copilot.promptDays"]) { Scale = 7 }, "ledetekster", 0, null),
    ];

    private static readonly Dictionary<string, UsageMeasure> ByKey = Named.ToDictionary(m => m.Key, StringComparer.Ordinal);

    /// <summary>A named measure, or a single metric as "metric:code"; null for anything else.</summary>
    public static UsageMeasure? Find(string? key)
    {
        if (key is null)
        {
            return null;
        }
        if (ByKey.TryGetValue(key, out var named))
        {
            return named;
        }
        // Metrics of period reports are not kept by day, so an indicator could never be measured on a date with them.
        if (key.StartsWith(UsageMeasure.MetricPrefix, StringComparison.Ordinal) && UsageMetrics.Find(key[UsageMeasure.MetricPrefix.Length..]) is { } metric
            && UsageMetrics.ByDay(metric))
        {
            return new UsageMeasure(key, UsageTableColumn.Metric(metric.Code), metric.Kind == UsageMetricKind.Snapshot && metric.Code.EndsWith("Bytes", StringComparison.Ordinal) ? "B" : "", 0, null);
        }
        return null;
    }

    /// <summary>Every measure an indicator may use: the named ones, then each metric of the catalogue.</summary>
    public static IEnumerable<UsageMeasure> All => Named.Concat(UsageMetrics.All.Where(UsageMetrics.ByDay).Select(m => Find(UsageMeasure.MetricPrefix + m.Code)!));
}
