using System.CommandLine;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Learning;
using Spectre.Console;

namespace Oppdrift.Cli;

/// <summary>`oppdrift learning`: loading saved Teams attendance reports.</summary>
internal static class LearningCommands
{
    public static Command Create()
    {
        var path = new Argument<string>("PATH")
        {
            Description = "A Teams attendance report (the .csv Teams downloads under Attendance), or a folder of them (*.csv, *.txt)",
        };
        var session = new Option<int?>("--session")
        {
            Description = "The session a single file belongs to; a folder's files are matched to sessions by the meeting title and start time in each report",
            HelpName = "ID",
        };
        var actor = new Option<string>("--as")
        {
            Description = "The name recorded for this import in the audit log",
            HelpName = "NAME",
            DefaultValueFactory = _ => OrgCommands.DefaultActor,
        };
        var import = new Command("import",
            "Imports Teams attendance reports. Each file lands whole or not at all; a rejected file is listed with file:line:column. "
            + "Importing a file again replaces that session's attendance with the same rows and changes nothing. "
            + "Exit code 2 when any file was rejected or matched no session.")
        {
            path,
            session,
            actor,
        };
        import.SetCliAction((parseResult, cli, cancellationToken) => ImportAsync(cli, parseResult.GetRequiredValue(path), parseResult.GetValue(session),
            parseResult.GetValue(actor) ?? OrgCommands.DefaultActor, cancellationToken));
        var attendance = new Command("attendance", "Attendance of sessions from Teams attendance reports") { import };
        return new Command("learning", "Learning programmes and sessions") { attendance };
    }

    private static async Task<int> ImportAsync(CliContext cli, string path, int? sessionId, string actor, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path))
        {
            if (sessionId is not null)
            {
                await cli.Error.WriteLineAsync($"{path}: is a folder; --session is for one file (a folder's files are matched to their sessions)");
                return ExitCodes.BadInput;
            }
            return await ImportFolderAsync(cli, path, actor, cancellationToken);
        }
        if (!File.Exists(path))
        {
            await cli.Error.WriteLineAsync($"{path}: no such file or folder");
            return ExitCodes.BadInput;
        }
        if (sessionId is not { } id)
        {
            await cli.Error.WriteLineAsync($"{path}: give the session with --session ID, or import the folder to match files to sessions");
            return ExitCodes.BadInput;
        }
        await using var db = await cli.OpenDbAsync(cancellationToken);
        var session = await new AttendanceFolderImport(db, new AttendanceImporter(db, TimeProvider.System)).SessionAsync(id, cancellationToken);
        if (session is null)
        {
            await cli.Error.WriteLineAsync($"There is no session {id.ToString(CultureInfo.InvariantCulture)}.");
            return ExitCodes.BadInput;
        }
        await using var stream = File.OpenRead(path);
        var result = await new AttendanceImporter(db, TimeProvider.System).ImportAsync(id, stream, Path.GetFileName(path), actor, cancellationToken);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                await cli.Error.WriteLineAsync(error.ToString());
            }
            return ExitCodes.BadInput;
        }
        await cli.Out.WriteLineAsync(Describe(Path.GetFileName(path), session,
            result.Import!, result.Unchanged));
        return ExitCodes.Success;
    }

    private static async Task<int> ImportFolderAsync(CliContext cli, string folder, string actor, CancellationToken cancellationToken)
    {
        await using var db = await cli.OpenDbAsync(cancellationToken);
        var import = new AttendanceFolderImport(db, new AttendanceImporter(db, TimeProvider.System));
        IReadOnlyList<AttendanceFileResult> results = [];
        await cli.Progress.Progress().StartAsync(async context =>
        {
            var task = context.AddTask("Importing attendance reports");
            results = await import.ImportAsync(folder, actor, new Progress<double>(p => task.Value = p), cancellationToken);
        });
        if (results.Count == 0)
        {
            await cli.Error.WriteLineAsync($"{folder}: holds no attendance reports (*.csv, *.txt)");
            return ExitCodes.BadInput;
        }
        var failed = 0;
        foreach (var result in results)
        {
            if (result.Session is { } session && result.Import is { } done)
            {
                await cli.Out.WriteLineAsync(Describe(result.File, session, done, result.Outcome == AttendanceFileOutcome.Unchanged));
                continue;
            }
            failed++;
            if (result.Outcome == AttendanceFileOutcome.Rejected)
            {
                await cli.Error.WriteLineAsync($"{result.File}: rejected, nothing imported");
                foreach (var error in result.Errors)
                {
                    await cli.Error.WriteLineAsync("  " + error);
                }
                continue;
            }
            var report = $"\"{result.MeetingTitle}\"" + (result.StartsAt is { } start ? " starting " + Local(start) : "");
            var why = result.Outcome switch
            {
                AttendanceFileOutcome.NoStartTime => "the report's summary has no start time",
                AttendanceFileOutcome.NoSessionAtThatTime => $"no session runs at the time of {report}",
                AttendanceFileOutcome.TitleDiffers => $"no session at that time is titled as {report}; at that time: {List(result.Candidates)}",
                _ => $"several sessions match {report}: {List(result.Candidates)}; import the file with --session ID",
            };
            await cli.Error.WriteLineAsync($"{result.File}: not matched, nothing imported: {why}");
        }
        await cli.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{results.Count - failed} of {results.Count} files matched a session and are imported; {failed} not."));
        return failed == 0 ? ExitCodes.Success : ExitCodes.BadInput;
    }

    private static string Describe(string file, SessionCandidate session, Oppdrift.Learning.AttendanceImport import, bool unchanged) =>
        string.Create(CultureInfo.InvariantCulture, $"{file} → session {session.Id} \"{session.Title}\" {Local(session.StartsAt)}: ")
        + (unchanged
            ? "already imported, nothing changed"
            : string.Create(CultureInfo.InvariantCulture, $"{import.Attendees} attendees, {import.Matched} matched to people, {import.Guests} guests"));

    private static string List(IReadOnlyList<SessionCandidate> sessions) =>
        string.Join(", ", sessions.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Id} \"{s.Title}\" {Local(s.StartsAt)}")));

    private static string Local(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Unspecified), LearningMail.Oslo).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
