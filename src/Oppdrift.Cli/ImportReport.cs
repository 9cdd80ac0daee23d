using System.Globalization;
using Oppdrift.Organisation;
using Spectre.Console;

namespace Oppdrift.Cli;

/// <summary>Shows a directory import as it runs and when it is done; shared by `org import` and `demo load`.</summary>
internal static class ImportReport
{
    public static Task<T> WithProgressAsync<T>(IAnsiConsole console, string title, Func<IProgress<DirectoryImportProgress>, Task<T>> work) =>
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(title), maxValue: 1);
                var result = await work(new TaskProgress(task, title));
                task.StopTask();
                return result;
            });

    public static void WriteCounts(IAnsiConsole console, DirectoryImport import)
    {
        var table = new Table().AddColumn("People").AddColumn(new TableColumn("Count").RightAligned());
        foreach (var (label, count) in new[]
        {
            ("Added", import.Added),
            ("Updated", import.Updated),
            ("Moved", import.Moved),
            ("Deactivated", import.Deactivated),
            ("Reactivated", import.Reactivated),
            ("Unchanged", import.Unchanged),
            ("Unassigned", import.Unassigned),
            ("Rows", import.Rows),
        })
        {
            table.AddRow(label, count.ToString(CultureInfo.InvariantCulture));
        }
        console.Write(table);
    }

    public static void WriteWarnings(TextWriter writer, DirectoryImport import)
    {
        foreach (var warning in Lines(import.Warnings))
        {
            writer.WriteLine($"warning: {warning}");
        }
    }

    /// <summary>The errors that rejected the file, one per line, each already naming file, line and column.</summary>
    public static void WriteErrors(TextWriter writer, DirectoryImport import)
    {
        foreach (var error in Lines(import.Errors))
        {
            writer.WriteLine(error);
        }
    }

    private static string[] Lines(string? text) =>
        string.IsNullOrEmpty(text) ? [] : text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Reports straight to the bar (not through Progress&lt;T&gt;, which may deliver late and out of order).</summary>
    private sealed class TaskProgress(ProgressTask task, string title) : IProgress<DirectoryImportProgress>
    {
        public void Report(DirectoryImportProgress value)
        {
            task.Description = Markup.Escape($"{title}: {Stage(value.Stage)}");
            task.Value = value.Fraction;
        }

        private static string Stage(string stage) => stage switch
        {
            "read" => "reading and checking",
            "apply" => "applying changes",
            "save" => "saving",
            "done" => "done",
            _ => stage,
        };
    }
}
