using System.Globalization;
using Oppdrift.Shared;

namespace Oppdrift.Organisation;

/// <summary>One user row of the Entra ID "Download users" file, with the line it came from.</summary>
public sealed record DirectoryUser
{
    public required int Line { get; init; }
    public required string UserPrincipalName { get; init; }
    public string? ObjectId { get; init; }
    public required string DisplayName { get; init; }
    public string? GivenName { get; init; }
    public string? Surname { get; init; }
    public string? Mail { get; init; }
    public string? UserType { get; init; }
    public string? JobTitle { get; init; }
    public string? Department { get; init; }
    public string? CompanyName { get; init; }
    public string? OfficeLocation { get; init; }
    public string? City { get; init; }
    public string? Country { get; init; }
    public string? UsageLocation { get; init; }
    public bool AccountEnabled { get; init; } = true;
}

public sealed record DirectoryFile(IReadOnlyList<DirectoryUser> Users, IReadOnlyList<InputError> Errors, IReadOnlyList<string> Warnings, int GuestsSkipped);

/// <summary>
/// Reads the Entra ID "Download users" CSV. Columns are found by header name, in any order, with
/// the aliases different exports use (objectId/id, physicalDeliveryOfficeName/officeLocation, …).
/// Every problem is reported with file, line and column; a file with any error yields no users.
/// </summary>
public static class EntraUserFile
{
    public const int MaxErrors = 200;

    internal enum Column
    {
        UserPrincipalName,
        ObjectId,
        DisplayName,
        GivenName,
        Surname,
        Mail,
        UserType,
        JobTitle,
        Department,
        CompanyName,
        OfficeLocation,
        City,
        Country,
        UsageLocation,
        AccountEnabled,
    }

    /// <summary>Header names (compared without case, spaces or underscores) for each column we use.</summary>
    internal static readonly IReadOnlyDictionary<string, Column> Aliases = new Dictionary<string, Column>(StringComparer.Ordinal)
    {
        ["userprincipalname"] = Column.UserPrincipalName,
        ["upn"] = Column.UserPrincipalName,
        ["objectid"] = Column.ObjectId,
        ["id"] = Column.ObjectId,
        ["displayname"] = Column.DisplayName,
        ["givenname"] = Column.GivenName,
        ["firstname"] = Column.GivenName,
        ["surname"] = Column.Surname,
        ["lastname"] = Column.Surname,
        ["mail"] = Column.Mail,
        ["email"] = Column.Mail,
        ["usertype"] = Column.UserType,
        ["jobtitle"] = Column.JobTitle,
        ["department"] = Column.Department,
        ["companyname"] = Column.CompanyName,
        ["physicaldeliveryofficename"] = Column.OfficeLocation,
        ["officelocation"] = Column.OfficeLocation,
        ["office"] = Column.OfficeLocation,
        ["city"] = Column.City,
        ["country"] = Column.Country,
        ["usagelocation"] = Column.UsageLocation,
        ["accountenabled"] = Column.AccountEnabled,
        ["blockcredential"] = Column.AccountEnabled,
    };

    /// <summary>Columns of the documented export that we read past on purpose (no warning).</summary>
    internal static readonly IReadOnlySet<string> KnownUnused = new HashSet<string>(StringComparer.Ordinal)
    {
        "streetaddress", "state", "postalcode", "telephonenumber", "mobile", "mobilephone", "businessphones",
        "alternateemailaddress", "agegroup", "consentprovidedforminor", "legalagegroupclassification",
        "creationtype", "directorysynced", "invitationstate", "identityissuer", "createddatetime",
        "employeeid", "employeetype", "employeehiredate", "faxnumber", "onpremisessyncenabled",
        "onpremisessamaccountname", "onpremisesimmutableid", "proxyaddresses", "othermails", "manager",
    };

    public static string NormalizeHeader(string header)
    {
        Span<char> buffer = stackalloc char[Math.Min(header.Length, 256)];
        var length = 0;
        foreach (var c in header.AsSpan(0, Math.Min(header.Length, 256)))
        {
            if (char.IsLetterOrDigit(c))
            {
                buffer[length++] = char.ToLowerInvariant(c);
            }
        }
        return new string(buffer[..length]);
    }

    public static DirectoryFile Read(Stream stream, string fileName)
    {
        var errors = new List<InputError>();
        var warnings = new List<string>();
        var users = new List<DirectoryUser>();
        var guests = 0;
        CsvRecord? header = null;
        try
        {
            using var csv = new CsvReader(stream, fileName);
            var first = csv.Read();
            // The bulk templates start with a "version:v1.0" line; skip it if a user saved one as the export.
            if (first is { Fields.Length: 1 } && first.Fields[0].StartsWith("version:", StringComparison.OrdinalIgnoreCase))
            {
                first = csv.Read();
            }
            header = first;
            if (header is null)
            {
                return Fail(new InputError(fileName, 1, null, null, OrganisationText.Get("ImportErrorEmptyFile")));
            }
            var map = MapHeader(header, fileName, errors, warnings);
            if (errors.Count > 0)
            {
                return new DirectoryFile([], errors, warnings, 0);
            }
            var byUpn = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            var byObjectId = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            while (csv.Read() is { } record)
            {
                if (errors.Count >= MaxErrors)
                {
                    errors.Add(new InputError(fileName, record.Line, null, null, OrganisationText.Get("ImportErrorTooMany", MaxErrors)));
                    break;
                }
                if (record.Fields.Length != header.Fields.Length)
                {
                    errors.Add(new InputError(fileName, record.Line, null, null,
                        OrganisationText.Get("ImportErrorFieldCount", header.Fields.Length, record.Fields.Length)));
                    continue;
                }
                var user = ReadUser(record, header, map, fileName, errors);
                if (user is null)
                {
                    continue;
                }
                if (string.Equals(user.UserType, "Guest", StringComparison.OrdinalIgnoreCase))
                {
                    guests++;
                    continue;
                }
                if (byUpn.TryGetValue(user.UserPrincipalName, out var firstLine))
                {
                    errors.Add(new InputError(fileName, record.Line, map[Column.UserPrincipalName] + 1, header.Fields[map[Column.UserPrincipalName]],
                        OrganisationText.Get("ImportErrorDuplicateUpn", user.UserPrincipalName, firstLine)));
                    continue;
                }
                byUpn[user.UserPrincipalName] = record.Line;
                if (user.ObjectId is { } objectId)
                {
                    if (byObjectId.TryGetValue(objectId, out var objectLine))
                    {
                        errors.Add(new InputError(fileName, record.Line, map[Column.ObjectId] + 1, header.Fields[map[Column.ObjectId]],
                            OrganisationText.Get("ImportErrorDuplicateObjectId", objectId, objectLine)));
                        continue;
                    }
                    byObjectId[objectId] = record.Line;
                }
                users.Add(user);
            }
            if (errors.Count == 0 && users.Count == 0)
            {
                errors.Add(new InputError(fileName, header.Line + 1, null, null, OrganisationText.Get("ImportErrorNoUsers")));
            }
        }
        catch (InputErrorException ex)
        {
            // The reader knows the field number; the header knows its name.
            var error = ex.Error;
            if (error.Column is { } column && error.ColumnName is null && header is not null && column <= header.Fields.Length)
            {
                error = error with { ColumnName = header.Fields[column - 1] };
            }
            errors.Add(error);
        }
        if (guests > 0)
        {
            warnings.Add(OrganisationText.Get("ImportWarningGuests", guests));
        }
        return errors.Count > 0 ? new DirectoryFile([], errors, warnings, guests) : new DirectoryFile(users, [], warnings, guests);
    }

    private static DirectoryFile Fail(InputError error) => new([], [error], [], 0);

    private static Dictionary<Column, int> MapHeader(CsvRecord header, string fileName, List<InputError> errors, List<string> warnings)
    {
        var map = new Dictionary<Column, int>();
        for (var i = 0; i < header.Fields.Length; i++)
        {
            var name = NormalizeHeader(header.Fields[i]);
            if (Aliases.TryGetValue(name, out var column))
            {
                if (map.TryGetValue(column, out var earlier))
                {
                    errors.Add(new InputError(fileName, header.Line, i + 1, header.Fields[i],
                        OrganisationText.Get("ImportErrorDuplicateColumn", header.Fields[earlier], earlier + 1)));
                    continue;
                }
                map[column] = i;
            }
            else if (name.Length > 0 && !KnownUnused.Contains(name))
            {
                warnings.Add(OrganisationText.Get("ImportWarningUnknownColumn", header.Fields[i], i + 1));
            }
        }
        if (!map.ContainsKey(Column.UserPrincipalName))
        {
            errors.Add(new InputError(fileName, header.Line, null, "userPrincipalName", OrganisationText.Get("ImportErrorMissingUpnColumn")));
        }
        return map;
    }

    private static DirectoryUser? ReadUser(CsvRecord record, CsvRecord header, Dictionary<Column, int> map, string fileName, List<InputError> errors)
    {
        var errorCount = errors.Count;
        string? Get(Column column) =>
            map.TryGetValue(column, out var index) && record.Fields[index].Trim() is { Length: > 0 } value ? value : null;
        InputError At(Column column, string message) =>
            new(fileName, record.Line, map[column] + 1, header.Fields[map[column]], message);

        var upn = Get(Column.UserPrincipalName);
        if (upn is null)
        {
            errors.Add(At(Column.UserPrincipalName, OrganisationText.Get("ImportErrorEmptyUpn")));
        }
        else if (upn.IndexOf('@', StringComparison.Ordinal) is <= 0 || upn.EndsWith('@') || upn.Length > 256)
        {
            errors.Add(At(Column.UserPrincipalName, OrganisationText.Get("ImportErrorInvalidUpn", upn)));
        }
        var objectId = Get(Column.ObjectId);
        if (objectId is not null)
        {
            if (Guid.TryParse(objectId, out var guid))
            {
                objectId = guid.ToString("D", CultureInfo.InvariantCulture);
            }
            else
            {
                errors.Add(At(Column.ObjectId, OrganisationText.Get("ImportErrorInvalidObjectId", objectId)));
            }
        }
        var enabled = true;
        if (Get(Column.AccountEnabled) is { } enabledText)
        {
            var isBlockColumn = NormalizeHeader(header.Fields[map[Column.AccountEnabled]]) == "blockcredential";
            if (ParseBoolean(enabledText) is { } parsed)
            {
                enabled = isBlockColumn ? !parsed : parsed;
            }
            else
            {
                errors.Add(At(Column.AccountEnabled, OrganisationText.Get("ImportErrorInvalidBoolean", enabledText)));
            }
        }
        if (errors.Count > errorCount)
        {
            return null;
        }
        return new DirectoryUser
        {
            Line = record.Line,
            UserPrincipalName = upn!,
            ObjectId = objectId,
            DisplayName = Get(Column.DisplayName) ?? upn!,
            GivenName = Get(Column.GivenName),
            Surname = Get(Column.Surname),
            Mail = Get(Column.Mail),
            UserType = Get(Column.UserType),
            JobTitle = Get(Column.JobTitle),
            Department = Get(Column.Department),
            CompanyName = Get(Column.CompanyName),
            OfficeLocation = Get(Column.OfficeLocation),
            City = Get(Column.City),
            Country = Get(Column.Country),
            UsageLocation = Get(Column.UsageLocation),
            AccountEnabled = enabled,
        };
    }

    /// <summary>Entra writes True/False; files edited in Norwegian Excel may say SANN/USANN or Ja/Nei.</summary>
    public static bool? ParseBoolean(string value) => value.Trim().ToUpperInvariant() switch
    {
        "TRUE" or "YES" or "1" or "SANN" or "JA" => true,
        "FALSE" or "NO" or "0" or "USANN" or "NEI" => false,
        _ => null,
    };
}
