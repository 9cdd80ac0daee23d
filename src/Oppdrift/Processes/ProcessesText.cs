using System.Resources;
using Oppdrift.Shared;

namespace Oppdrift.Processes;

/// <summary>The Processes module's texts (ProcessesText.resx, Bokmål; ProcessesText.en.resx, English).</summary>
public sealed class ProcessesText
{
    internal static readonly ResourceManager Resources = new(typeof(ProcessesText).FullName!, typeof(ProcessesText).Assembly);

    public static string Get(string key, params object?[] args) => Localized.Format(Resources, key, args);

    public static string State(ProcessState state) => Get("State_" + state);

    public static string Way(WorkingWay way) => Get("Way_" + way);

    public static string Target(ProcessTarget target) => Get("Target_" + target);

    public static string Unit(VolumeUnit unit) => Get("Unit_" + unit);

    public static string Measure(ProcessMeasureKind kind) => Get("Measure_" + kind);

    public static string Confidence(GainConfidence confidence) => Get("Confidence_" + confidence);
}
