using System.Globalization;
using System.Resources;

namespace Oppdrift.Shared;

/// <summary>
/// Looks up a module's resource text in the current UI culture (Norwegian Bokmål by default,
/// English by choice), for messages made outside a Razor component.
/// </summary>
public static class Localized
{
    public static string Format(ResourceManager resources, string key, params object?[] args)
    {
        var culture = CultureInfo.CurrentUICulture;
        var text = resources.GetString(key, culture)
            ?? throw new InvalidOperationException($"Missing resource text '{key}' in {resources.BaseName}.");
        return args.Length == 0 ? text : string.Format(culture, text, args);
    }
}
