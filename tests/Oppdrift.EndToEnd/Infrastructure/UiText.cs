using Microsoft.Playwright;

namespace Oppdrift.EndToEnd.Infrastructure;

/// <summary>
/// The interface texts the journeys look for, in both languages. Written out here rather than read from
/// the .resx files, so that a changed or missing text is caught by the tests.
/// </summary>
public sealed record UiText
{
    public static readonly UiText Norwegian = new()
    {
        Language = "nb",
        UserName = "Brukernavn",
        Password = "Passord",
        SignIn = "Logg inn",
        SignOut = "Logg ut",
        ChangePasswordRequired = "Du logget inn med et engangspassord. Velg ditt eget passord før du fortsetter.",
        CurrentPassword = "Nåværende passord",
        NewPassword = "Nytt passord",
        RepeatPassword = "Gjenta nytt passord",
        SavePassword = "Lagre passord",
        PasswordChanged = "Passordet ditt er endret.",
        ImportFile = "CSV-fil fra Entra ID",
        ImportButton = "Importer",
        ImportBusy = "Importerer …",
        AllowMassDeactivation = "Deaktiver alle som mangler i filen, også når det er mange (filen er hele brukerlisten)",
    };

    public static readonly UiText English = new()
    {
        Language = "en",
        UserName = "User name",
        Password = "Password",
        SignIn = "Sign in",
        SignOut = "Sign out",
        ChangePasswordRequired = "You signed in with a one-time password. Choose your own password before you continue.",
        CurrentPassword = "Current password",
        NewPassword = "New password",
        RepeatPassword = "Repeat the new password",
        SavePassword = "Save password",
        PasswordChanged = "Your password was changed.",
        ImportFile = "CSV file from Entra ID",
        ImportButton = "Import",
        ImportBusy = "Importing …",
        AllowMassDeactivation = "Deactivate everyone missing from the file, even when that is many (the file is the whole user list)",
    };

    public required string Language { get; init; }
    public required string UserName { get; init; }
    public required string Password { get; init; }
    public required string SignIn { get; init; }
    public required string SignOut { get; init; }
    public required string ChangePasswordRequired { get; init; }
    public required string CurrentPassword { get; init; }
    public required string NewPassword { get; init; }
    public required string RepeatPassword { get; init; }
    public required string SavePassword { get; init; }
    public required string PasswordChanged { get; init; }
    public required string ImportFile { get; init; }
    public required string ImportButton { get; init; }
    public required string ImportBusy { get; init; }
    public required string AllowMassDeactivation { get; init; }

    /// <summary>The texts in the language the page is shown in (its html lang).</summary>
    public static async Task<UiText> OfAsync(IPage page) =>
        await page.Locator("html").GetAttributeAsync("lang") == "en" ? English : Norwegian;
}
