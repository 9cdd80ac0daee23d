using System.Resources;
using Oppdrift.Shared;

namespace Oppdrift.Organisation;

/// <summary>The Organisation module's UI texts (OrganisationText.resx, Bokmål; OrganisationText.en.resx, English).</summary>
public sealed class OrganisationText
{
    internal static readonly ResourceManager Resources = new(typeof(OrganisationText).FullName!, typeof(OrganisationText).Assembly);

    public static string Get(string key, params object?[] args) => Localized.Format(Resources, key, args);
}
