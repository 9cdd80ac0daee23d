using System.Globalization;
using System.Resources;

namespace Oppdrift.Shared;

/// <summary>
/// Looks up a module's resource text in the current UI culture (Norwegian Bokmål by default,
/// English by choice), for messages made outside a Razor component.
/// </summary>
public static class Localized
{
    /// <summary>Norwegian Bokmål: the language of every text unless a reader chose English.</summary>
    public static readonly CultureInfo Bokmal = new("nb-NO");

    public static readonly CultureInfo English = new("en-GB");

    /// <summary>The languages Oppdrift speaks, Bokmål first.</summary>
    public static readonly IReadOnlyList<CultureInfo> Cultures = [Bokmal, English];

    /// <summary>The language of <paramref name="name"/> (a culture name such as "en-GB" or "nb") when Oppdrift speaks it; otherwise null.</summary>
    public static CultureInfo? Supported(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }
        var language = name.Split('-')[0];
        return Cultures.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)
            || string.Equals(c.TwoLetterISOLanguageName, language, StringComparison.OrdinalIgnoreCase)
            || (language is "no" or "nn" && c == Bokmal));
    }

    /// <summary>Makes a text in <paramref name="culture"/> (its resource texts, dates and numbers), whatever the current culture.</summary>
    public static string In(CultureInfo culture, Func<string> text)
    {
        ArgumentNullException.ThrowIfNull(culture);
        ArgumentNullException.ThrowIfNull(text);
        var (ui, format) = (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture);
        try
        {
            (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture) = (culture, culture);
            return text();
        }
        finally
        {
            (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture) = (ui, format);
        }
    }

    public static string Format(ResourceManager resources, string key, params object?[] args)
    {
        var culture = CultureInfo.CurrentUICulture;
        var text = resources.GetString(key, culture)
            ?? throw new InvalidOperationException($"Missing resource text '{key}' in {resources.BaseName}.");
        return args.Length == 0 ? text : string.Format(culture, text, args);
    }
}
