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
        var unit = row.Metric.Unit;
        var shown = unit is EffectUnit.Share or EffectUnit.PercentChange ? v * 100 : v;
        var format = unit switch
        {
            EffectUnit.Share or EffectUnit.Percent or EffectUnit.Score or EffectUnit.PercentChange => "0.0",
            EffectUnit.ScaleMean => "0.00",
            _ => Math.Abs(shown) >= 10 ? "0.0" : "0.00",
        };
        var text = shown.ToString(withSign ? $"+{format};−{format};{format}" : format, culture);
        var suffix = unit switch
        {
            EffectUnit.Share or EffectUnit.Percent => EffectsText.Get("UnitPoints"),
            EffectUnit.ScaleMean => EffectsText.Get("UnitScale"),
            EffectUnit.Score => EffectsText.Get("UnitScore"),
            EffectUnit.PercentChange => "%",
            _ => null,
        };
        return withUnit && suffix is not null ? text + " " + suffix : text;
    }

    /// <summary>The level before: a share in per cent, a sum per person per day, a survey's mean or score as it is.</summary>
    public static string Level(EffectRow row, double? value)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (value is not { } v)
        {
            return "–";
        }
        var culture = CultureInfo.CurrentCulture;
        return row.Metric.Unit switch
        {
            EffectUnit.Share => (v * 100).ToString("0.0", culture) + " %",
            EffectUnit.Percent => v.ToString("0.0", culture) + " %",
            EffectUnit.ScaleMean => v.ToString("0.00", culture),
            EffectUnit.Score => v.ToString("+0.0;−0.0;0.0", culture),
            EffectUnit.PercentChange => v.ToString(Math.Abs(v) >= 10 ? "0.0" : "0.00", culture),
            _ => v.ToString(Math.Abs(v) >= 10 ? "0.0" : "0.00", culture) + " " + EffectsText.Get("UnitPerPersonDay"),
        };
    }

    /// <summary>How the chart's axis names the unit of the differences.</summary>
    public static string ChartUnit(EffectRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.Metric.Unit switch
        {
            EffectUnit.Share or EffectUnit.Percent => EffectsText.Get("UnitPoints"),
            EffectUnit.ScaleMean => EffectsText.Get("UnitScale"),
            EffectUnit.Score => EffectsText.Get("UnitScore"),
            EffectUnit.PercentChange => "%",
            _ => EffectsText.Get("UnitPerPersonDay"),
        };
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
