using System.Resources;
using Oppdrift.Shared;

namespace Oppdrift.Effects;

/// <summary>The Effects module's texts (EffectsText.resx, Bokmål; EffectsText.en.resx, English).</summary>
public sealed class EffectsText
{
    internal static readonly ResourceManager Resources = new(typeof(EffectsText).FullName!, typeof(EffectsText).Assembly);

    public static string Get(string key, params object?[] args) => Localized.Format(Resources, key, args);

    public static string Kind(InterventionKind kind) => Get("Kind_" + kind);

    public static string Verdict(EffectVerdict verdict) => Get("Verdict_" + verdict);

    public static string Reason(CannotTellReason reason) => Get("Reason_" + reason);

    /// <summary>The reason as said of an outcome: of a survey measure in rounds and answers, of a process measure in processes and measures.</summary>
    public static string Reason(CannotTellReason reason, EffectOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome.ByProcess && reason is CannotTellReason.WindowTooShort or CannotTellReason.PreTrendsDiffer
            ? Get("ReasonProcess_" + reason)
            : Reason(reason, outcome.ByRound);
    }

    /// <summary>The reason as said of a survey measure (rounds and answers, not weeks and usage figures).</summary>
    public static string Reason(CannotTellReason reason, bool byRound) =>
        byRound && reason is CannotTellReason.WindowTooShort or CannotTellReason.NoData or CannotTellReason.TreatedGroupTooSmall
            ? Get("ReasonRounds_" + reason)
            : Reason(reason);
}
