namespace Oppdrift.Access;

/// <summary>
/// Validation messages for data annotations, which need static properties; they read the same
/// resource file as everything else in the module.
/// </summary>
public static class AccessMessages
{
    public static string Required => AccessText.Get("ValidationRequired");
    public static string PasswordsDiffer => AccessText.Get("ValidationPasswordsDiffer");
}
