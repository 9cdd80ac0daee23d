using System.Text;
using Oppdrift.Shared.Exports;

namespace Oppdrift.Demo;

/// <summary>Which header the export uses: the documented one, or the newer admin centre's (id, officeLocation, mobilePhone).</summary>
public enum EntraExportFormat
{
    Documented,
    Newer,
}

/// <summary>Writes people as the Entra ID "Download users" CSV: UTF-8 with a byte-order mark, comma-separated, quoted where needed.</summary>
public static class EntraUsersWriter
{
    /// <summary>As Microsoft writes it: quoted where needed, and no apostrophes, since an importer reads the file, not a person.</summary>
    public static readonly CsvOptions Format = new() { NeutraliseFormulas = false };

    public const string FileName = "entra-users.csv";

    public static readonly string[] DocumentedHeader =
    [
        "userPrincipalName", "displayName", "surname", "mail", "givenName", "objectId", "userType", "jobTitle", "department",
        "accountEnabled", "usageLocation", "streetAddress", "state", "country", "physicalDeliveryOfficeName", "city", "postalCode",
        "telephoneNumber", "mobile", "alternateEmailAddress", "ageGroup", "consentProvidedForMinor", "legalAgeGroupClassification",
        "companyName", "creationType", "directorySynced", "invitationState", "identityIssuer", "createdDateTime",
    ];

    public static readonly string[] NewerHeader =
    [
        "id", "userPrincipalName", "displayName", "surname", "mail", "givenName", "userType", "jobTitle", "department",
        "accountEnabled", "usageLocation", "streetAddress", "state", "country", "officeLocation", "city", "postalCode",
        "telephoneNumber", "mobilePhone", "companyName", "creationType", "directorySynced", "invitationState", "identityIssuer",
        "createdDateTime",
    ];

    public static void Write(Stream stream, IEnumerable<DemoPerson> people, EntraExportFormat format = EntraExportFormat.Documented)
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 64 * 1024, leaveOpen: true) { NewLine = "\r\n" };
        var header = format == EntraExportFormat.Documented ? DocumentedHeader : NewerHeader;
        var csv = new CsvWriter(writer, Format);
        csv.WriteHeader(header);
        var values = new object?[header.Length];
        foreach (var person in people)
        {
            for (var i = 0; i < header.Length; i++)
            {
                values[i] = header[i] switch
                {
                    "userPrincipalName" => person.UserPrincipalName,
                    "displayName" => person.DisplayName,
                    "surname" => person.Surname,
                    "mail" => person.UserType == "Guest" ? null : person.UserPrincipalName,
                    "givenName" => person.GivenName,
                    "objectId" or "id" => person.ObjectId.ToString("D"),
                    "userType" => person.UserType,
                    "jobTitle" => person.JobTitle,
                    "department" => person.Department,
                    "accountEnabled" => person.AccountEnabled ? "True" : "False",
                    "usageLocation" => "NO",
                    "country" => "Norge",
                    "physicalDeliveryOfficeName" or "officeLocation" => person.OfficeLocation,
                    "city" => "Nordvik",
                    "companyName" => person.CompanyName,
                    "directorySynced" => person.UserType == "Member" ? "True" : null,
                    "creationType" => person.UserType == "Guest" ? "Invitation" : null,
                    "invitationState" => person.UserType == "Guest" ? "Accepted" : null,
                    "identityIssuer" => DemoCatalogue.Domain,
                    _ => null,
                };
            }
            csv.WriteRow(values);
        }
    }
}
