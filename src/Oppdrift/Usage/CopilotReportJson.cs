// Graph answers getMicrosoft365CopilotUsageUserDetail with JSON unless asked for CSV (and a tenant may get JSON even
// then): this turns that JSON into the report's documented CSV columns, so one reader and one importer serve both.
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Oppdrift.Usage;

public static class CopilotReportJson
{
    // JSON property → CSV column, in the documented CSV order. Names are matched without regard to case: samples
    // spell "powerPoint…" and "powerpoint…", "oneNote…" and "onenote…".
    private static readonly (string Property, string Column)[] Fields =
    [
        ("reportRefreshDate", UsageReportCatalogue.ReportRefreshDate),
        ("reportPeriod", UsageReportCatalogue.ReportPeriod),
        ("userPrincipalName", UsageReportCatalogue.UserPrincipalName),
        ("displayName", "Display Name"),
        ("lastActivityDate", "Last Activity Date"),
        ("microsoftTeamsCopilotLastActivityDate", "Microsoft Teams Copilot Last Activity Date"),
        ("wordCopilotLastActivityDate", "Word Copilot Last Activity Date"),
        ("excelCopilotLastActivityDate", "Excel Copilot Last Activity Date"),
        ("powerPointCopilotLastActivityDate", "PowerPoint Copilot Last Activity Date"),
        ("outlookCopilotLastActivityDate", "Outlook Copilot Last Activity Date"),
        ("oneNoteCopilotLastActivityDate", "OneNote Copilot Last Activity Date"),
        ("loopCopilotLastActivityDate", "Loop Copilot Last Activity Date"),
        ("copilotChatLastActivityDate", "Copilot Chat Last Activity Date"),
    ];

    // The second version's counts follow the fields; their properties are matched by their words, as CSV headers are.
    private static readonly string[] Columns =
        [.. Fields.Select(f => f.Column), .. UsageReportCatalogue.CopilotCounts.Select(c => c.Column)];

    /// <summary>Whether a body is JSON rather than CSV: its first character after a byte-order mark and spaces is '{'.</summary>
    public static bool LooksLikeJson(ReadOnlySpan<byte> start)
    {
        if (start.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            start = start[3..];
        }
        foreach (var b in start)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                continue;
            }
            return b == (byte)'{';
        }
        return false;
    }

    /// <summary>The CSV header line, as the admin centre writes it.</summary>
    public static string Header => string.Join(',', Columns);

    /// <summary>
    /// Appends the rows of one JSON page to <paramref name="csv"/> and returns its <c>@odata.nextLink</c>, if any.
    /// The period is taken from <c>reportPeriod</c>, or from <c>copilotActivityUserDetailsByPeriod[0].reportPeriod</c>
    /// as the beta answer nests it, or else <paramref name="requestedPeriod"/>. A page without a <c>value</c> array is
    /// refused with a message for a person.
    /// </summary>
    public static string? AppendPage(JsonElement page, StringBuilder csv, int requestedPeriod, out string? error)
    {
        ArgumentNullException.ThrowIfNull(csv);
        error = null;
        if (page.ValueKind != JsonValueKind.Object || !page.TryGetProperty("value", out var rows) || rows.ValueKind != JsonValueKind.Array)
        {
            error = UsageText.Get("CopilotJsonNoValue");
            return null;
        }
        var line = new string?[Columns.Length];
        foreach (var row in rows.EnumerateArray())
        {
            Array.Clear(line);
            if (row.ValueKind != JsonValueKind.Object)
            {
                continue;
            }
            foreach (var property in row.EnumerateObject())
            {
                var field = Array.FindIndex(Fields, f => string.Equals(property.Name, f.Property, StringComparison.OrdinalIgnoreCase));
                if (field < 0 && UsageReportCatalogue.CopilotPromptColumn(property.Name) is { } count)
                {
                    field = Array.IndexOf(Columns, count);
                }
                if (field >= 0)
                {
                    line[field] = Text(property.Value);
                }
            }
            if (line[1] is null && row.TryGetProperty("copilotActivityUserDetailsByPeriod", out var byPeriod)
                && byPeriod.ValueKind == JsonValueKind.Array && byPeriod.GetArrayLength() > 0
                && byPeriod[0].ValueKind == JsonValueKind.Object && byPeriod[0].TryGetProperty("reportPeriod", out var nested))
            {
                line[1] = Text(nested);
            }
            line[1] ??= requestedPeriod.ToString(CultureInfo.InvariantCulture);
            for (var i = 0; i < line.Length; i++)
            {
                if (i > 0)
                {
                    csv.Append(',');
                }
                Field(csv, line[i]);
            }
            csv.Append("\r\n");
        }
        return page.TryGetProperty("@odata.nextLink", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
    }

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        _ => null,
    };

    private static void Field(StringBuilder csv, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            csv.Append(value);
            return;
        }
        csv.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
