using System.Resources;

// The resource files without a culture suffix are Norwegian Bokmål; English lives in *.en.resx.
[assembly: NeutralResourcesLanguage("nb")]
