using System.Globalization;

namespace Oppdrift.Effects.Pages;

/// <summary>How the pages write an effect: a share in percentage points, a sum per person per day, both with their sign.</summary>
public static class EffectFormat
{
    public static string Value(EffectRow row, double? value, bool withSign = true, bool withUnit = true)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (value is not { } v)
        {
            return "–";
        }
        var culture = CultureInfo.CurrentCulture;
        var shown = row.IsShare ? v * 100 : v;
        var format = row.IsShare ? "0.0" : Math.Abs(shown) >= 10 ? "0.0" : "0.00";
        var text = shown.ToString(withSign ? $"+{format};−{format};{format}" : format, culture);
        return row.IsShare && withUnit ? text + " " + EffectsText.Get("UnitPoints") : text;
    }

    /// <summary>The level before: a share in per cent, a sum per person per day.</summary>
    public static string Level(EffectRow row, double? value)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (value is not { } v)
        {
            return "–";
        }
        return row.IsShare
            ? (v * 100).ToString("0.0", CultureInfo.CurrentCulture) + " %"
            : v.ToString(Math.Abs(v) >= 10 ? "0.0" : "0.00", CultureInfo.CurrentCulture) + " " + EffectsText.Get("UnitPerPersonDay");
    }

    public static string Interval(EffectRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.Result.Low is null || row.Result.High is null ? "–" : EffectsText.Get("IntervalText", Value(row, row.Result.Low, withUnit: false), Value(row, row.Result.High));
    }

    public static string Color(EffectVerdict verdict) => verdict switch
    {
        EffectVerdict.Effect => "success",
        EffectVerdict.NoEffect => "neutral",
        _ => "warning",
    };

    public static string Dose(double? dose) => dose is { } d ? (d * 100).ToString("0", CultureInfo.CurrentCulture) + " %" : "–";
}
