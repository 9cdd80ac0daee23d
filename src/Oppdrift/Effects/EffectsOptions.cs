using Microsoft.Extensions.Configuration;

namespace Oppdrift.Effects;

/// <summary>The Effects module's settings (section <c>Effects</c>); see the module's README.</summary>
public sealed record EffectsOptions
{
    /// <summary>Weeks before the intervention's week that are compared.</summary>
    public int PreWeeks { get; init; } = 12;

    /// <summary>Weeks after the intervention's week that are compared (fewer when the figures end sooner).</summary>
    public int PostWeeks { get; init; } = 8;

    /// <summary>Survey rounds closed before the intervention's first day that are compared (the latest ones).</summary>
    public int PreRounds { get; init; } = 3;

    /// <summary>Survey rounds opened on or after the intervention's first day that are compared (the first ones).</summary>
    public int PostRounds { get; init; } = 2;

    /// <summary>
    /// For a process measure: the days before a move whose measures count as before it (the move day included, as the
    /// process worked the old way until then). A process is measured a few times a year, not weekly: a year each side.
    /// </summary>
    public int ProcessPreDays { get; init; } = 365;

    /// <summary>For a process measure: the days from a move whose measures count as after it.</summary>
    public int ProcessPostDays { get; init; } = 365;

    /// <summary>
    /// For training: the share of an agency's people who must have attended for the agency to count as treated. Agencies
    /// reached less are neither treated nor compared with: a programme that reached 5 % of an agency is not judged as one
    /// that reached 60 %, and such an agency is not untouched either.
    /// </summary>
    public double MinimumDose { get; init; } = 0.10;

    /// <summary>How often the job looks for new figures, attendance or interventions to estimate again; zero turns it off.</summary>
    public TimeSpan CheckEvery { get; init; } = TimeSpan.FromMinutes(1);

    public static EffectsOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var defaults = new EffectsOptions();
        return new EffectsOptions
        {
            PreWeeks = Math.Clamp(configuration.GetValue<int?>("Effects:PreWeeks") ?? defaults.PreWeeks, 4, 52),
            PostWeeks = Math.Clamp(configuration.GetValue<int?>("Effects:PostWeeks") ?? defaults.PostWeeks, 2, 52),
            PreRounds = Math.Clamp(configuration.GetValue<int?>("Effects:PreRounds") ?? defaults.PreRounds, 1, 12),
            PostRounds = Math.Clamp(configuration.GetValue<int?>("Effects:PostRounds") ?? defaults.PostRounds, 1, 12),
            ProcessPreDays = Math.Clamp(configuration.GetValue<int?>("Effects:ProcessPreDays") ?? defaults.ProcessPreDays, 30, 3650),
            ProcessPostDays = Math.Clamp(configuration.GetValue<int?>("Effects:ProcessPostDays") ?? defaults.ProcessPostDays, 30, 3650),
            MinimumDose = Math.Clamp(configuration.GetValue<double?>("Effects:MinimumDose") ?? defaults.MinimumDose, 0, 1),
            CheckEvery = TimeSpan.FromSeconds(configuration.GetValue<double?>("Effects:CheckSeconds") ?? 60),
        };
    }
}
