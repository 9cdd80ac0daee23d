using System.Resources;
using Oppdrift.Shared;

namespace Oppdrift.Access;

/// <summary>Texts for sign-in, accounts and the audit log (AccessText.resx, Bokmål; AccessText.en.resx, English).</summary>
public sealed class AccessText
{
    internal static readonly ResourceManager Resources = new(typeof(AccessText).FullName!, typeof(AccessText).Assembly);

    public static string Get(string key, params object?[] args) => Localized.Format(Resources, key, args);
}
