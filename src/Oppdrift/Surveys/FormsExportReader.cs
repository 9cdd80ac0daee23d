// Reads the Excel file Microsoft Forms downloads from "Open results in Excel": one sheet, a header row of ID, Start
// time, Completion time, Email, Name (and, when responses could be edited, Last modified time), then one column per
// question; a Likert question has a column per statement, headed "Question.Statement". Anonymous forms write
// "anonymous" as the e-mail and leave the name empty.
using System.Globalization;
using Oppdrift.Shared;

namespace Oppdrift.Surveys;

/// <summary>A question column of the export: its 0-based index, 1-based number and header.</summary>
public sealed record FormsColumn(int Index, string Header)
{
    public int Number => Index + 1;
}

/// <summary>One response: its sheet row, the Forms ID, times (as written, local time), e-mail, and the question columns' texts.</summary>
public sealed record FormsRow(int Line, string Id, DateTime? Started, DateTime? Completed, string? Email, IReadOnlyDictionary<int, string> Values);

public sealed record FormsExport(string FileName, IReadOnlyList<FormsColumn> Questions, IReadOnlyList<FormsRow> Rows, int CompletionColumn);

public static class FormsExportReader
{
    public const string Anonymous = "anonymous";

    /// <summary>The columns every export has, in order; "Last modified time" may follow them.</summary>
    public static IReadOnlyList<string> FixedColumns { get; } = ["ID", "Start time", "Completion time", "Email", "Name"];

    public const string LastModified = "Last modified time";

    public static (FormsExport? Export, IReadOnlyList<InputError> Errors) Read(Stream content, string fileName)
    {
        var sheet = XlsxReader.ReadFirstSheet(content, fileName);
        if (!sheet.Succeeded)
        {
            return (null, [new InputError(fileName, 0, null, null, sheet.Error!)]);
        }
        var rows = sheet.Value!.Where(r => r.Cells.Count > 0).ToList();
        if (rows.Count == 0)
        {
            return (null, [new InputError(fileName, 0, null, null, SurveysText.Get("FormsEmpty"))]);
        }
        var header = rows[0];
        var errors = new List<InputError>();
        for (var i = 0; i < FixedColumns.Count; i++)
        {
            var found = header[i].Text.Trim();
            if (!found.Equals(FixedColumns[i], StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(new InputError(fileName, header.Number, i + 1, FixedColumns[i], found.Length == 0
                    ? SurveysText.Get("FormsColumnMissing", FixedColumns[i])
                    : SurveysText.Get("FormsColumnRenamed", FixedColumns[i], found)));
            }
        }
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        var first = header[FixedColumns.Count].Text.Trim().Equals(LastModified, StringComparison.OrdinalIgnoreCase) ? FixedColumns.Count + 1 : FixedColumns.Count;
        var last = header.Cells.Max(c => c.Column);
        var questions = new List<FormsColumn>();
        var headers = new HashSet<string>(StringComparer.Ordinal);
        for (var c = first; c <= last; c++)
        {
            var text = header[c].Text.Trim();
            if (text.Length == 0)
            {
                errors.Add(new InputError(fileName, header.Number, c + 1, null, SurveysText.Get("FormsHeaderEmpty")));
            }
            else if (!headers.Add(text))
            {
                errors.Add(new InputError(fileName, header.Number, c + 1, text, SurveysText.Get("FormsHeaderTwice", text)));
            }
            questions.Add(new FormsColumn(c, text));
        }
        if (rows.Count == 1)
        {
            errors.Add(new InputError(fileName, header.Number + 1, null, null, SurveysText.Get("FormsNoResponses")));
        }
        var responses = new List<FormsRow>(rows.Count - 1);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows.Skip(1))
        {
            var id = row[0].Text.Trim();
            if (id.Length == 0)
            {
                errors.Add(new InputError(fileName, row.Number, 1, "ID", SurveysText.Get("FormsIdMissing")));
            }
            else if (!ids.Add(id))
            {
                errors.Add(new InputError(fileName, row.Number, 1, "ID", SurveysText.Get("FormsIdTwice", id)));
            }
            var started = Time(row[1], fileName, row.Number, errors);
            var completed = Time(row[2], fileName, row.Number, errors);
            var values = new Dictionary<int, string>();
            foreach (var column in questions)
            {
                var text = row[column.Index].Text.Trim();
                if (text.Length > 0)
                {
                    values[column.Index] = text;
                }
            }
            var email = row[3].Text.Trim();
            responses.Add(new FormsRow(row.Number, id, started, completed, email.Length == 0 ? null : email, values));
            if (errors.Count >= 50)
            {
                break;
            }
        }
        return errors.Count > 0 ? (null, errors) : (new FormsExport(fileName, questions, responses, 3), []);
    }

    private static readonly string[] TimeFormats = ["M/d/yy H:mm:ss", "M/d/yyyy H:mm:ss", "M/d/yy H:mm", "M/d/yyyy H:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ss",
        "d.M.yyyy HH:mm:ss", "d.M.yyyy HH:mm", "M/d/yyyy h:mm:ss tt", "M/d/yy h:mm:ss tt"];

    /// <summary>A time as Forms writes it: an Excel date (the usual case) or, in files saved from other tools, text.</summary>
    private static DateTime? Time(XlsxCell cell, string fileName, int line, List<InputError> errors)
    {
        if (cell.Date is { } date)
        {
            return date;
        }
        if (cell.Text.Length == 0)
        {
            return null;
        }
        if (cell.Number is { } number && number is > 0 and < 2958466)
        {
            return DateTime.FromOADate(number);
        }
        if (DateTime.TryParseExact(cell.Text, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var parsed))
        {
            return parsed;
        }
        var name = FixedColumns[cell.Column];
        errors.Add(new InputError(fileName, line, cell.Column + 1, name, SurveysText.Get("FormsTimeUnreadable", cell.Text)));
        return null;
    }
}
