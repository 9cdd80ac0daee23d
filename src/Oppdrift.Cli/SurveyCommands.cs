using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Oppdrift.Access;
using Oppdrift.Organisation;
using Oppdrift.Surveys;
using Spectre.Console;

namespace Oppdrift.Cli;

/// <summary>`oppdrift surveys`: importing Microsoft Forms exports and reading results.</summary>
internal static class SurveyCommands
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "The Excel file Microsoft Forms downloads with \"Open results in Excel\" (.xlsx)" };
        var survey = new Option<string>("--survey")
        {
            Description = "The survey to import into; created from the file's columns when there is none of that name",
            HelpName = "NAME",
            Required = true,
        };
        var round = new Option<string?>("--round")
        {
            Description = "The round to import into, created when missing (default: \"Import yyyy-MM\" of the last answer); answers after an existing round's close are refused",
            HelpName = "NAME",
        };
        var agencyColumn = new Option<string?>("--agency-column")
        {
            Description = "The header of the question \"which agency do you work in?\" (default: a header naming virksomhet/etat/agency); without one, e-mail addresses are looked up in the directory",
            HelpName = "HEADER",
        };
        var actor = new Option<string>("--as")
        {
            Description = "The name recorded for this import in the audit log",
            HelpName = "NAME",
            DefaultValueFactory = _ => OrgCommands.DefaultActor,
        };
        var import = new Command("import",
            "Imports a Microsoft Forms export into a survey round. The whole file is checked first; a rejected file is listed with "
            + "file:row:column and the exit code is 2, and nothing is written. The same file twice is refused the second time and changes nothing. "
            + "E-mail addresses only place an answer in an agency and are never stored.")
        {
            file,
            survey,
            round,
            agencyColumn,
            actor,
        };
        import.SetCliAction((parseResult, cli, cancellationToken) => ImportAsync(cli, parseResult.GetRequiredValue(file), parseResult.GetRequiredValue(survey),
            parseResult.GetValue(round), parseResult.GetValue(agencyColumn), parseResult.GetValue(actor) ?? OrgCommands.DefaultActor, cancellationToken));

        var name = new Argument<string>("NAME") { Description = "The survey's name" };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON: the figures the results page shows, with hidden figures as null and the reason beside them" };
        var results = new Command("results", "Prints a survey's results per agency and round for the municipality; figures resting on too few people are hidden")
        {
            name,
            json,
        };
        results.SetCliAction((parseResult, cli, cancellationToken) => ResultsAsync(cli, parseResult.GetRequiredValue(name), parseResult.GetValue(json), cancellationToken));
        return new Command("surveys", "Surveys on digital working life: Forms imports and results") { import, results };
    }

    private static async Task<int> ImportAsync(CliContext cli, string path, string surveyName, string? roundName, string? agencyColumn, string actor,
        CancellationToken cancellationToken)
    {
        if (Directory.Exists(path))
        {
            await cli.Error.WriteLineAsync($"{path}: is a folder; give the .xlsx file");
            return ExitCodes.BadInput;
        }
        if (!File.Exists(path))
        {
            await cli.Error.WriteLineAsync($"{path}: no such file");
            return ExitCodes.BadInput;
        }
        var content = await File.ReadAllBytesAsync(path, cancellationToken);
        await using var db = await cli.OpenDbAsync(cancellationToken);
        var importer = new FormsImporter(db, new OrganisationDirectory(db), SurveysOptions.FromConfiguration(cli.Configuration), TimeProvider.System);
        var result = await importer.ImportAsync(content, Path.GetFileName(path), new FormsImportRequest
        {
            SurveyName = surveyName,
            RoundName = roundName,
            AgencyColumn = agencyColumn,
            Actor = actor,
        }, cancellationToken);
        if (result.Status == FormsImportStatus.Rejected)
        {
            foreach (var error in result.Errors)
            {
                await cli.Error.WriteLineAsync(error.ToString());
            }
            return ExitCodes.BadInput;
        }
        await cli.Out.WriteLineAsync(string.Format(CultureInfo.InvariantCulture, "{0} responses imported into \"{1}\"{2}.",
            result.Responses, surveyName, result.SurveyCreated ? " (survey created from the file)" : ""));
        return ExitCodes.Success;
    }

    private static async Task<int> ResultsAsync(CliContext cli, string name, bool json, CancellationToken cancellationToken)
    {
        await using var db = await cli.OpenDbAsync(cancellationToken);
        var queries = new SurveyQueries(db, new OrganisationDirectory(db), SurveysOptions.FromConfiguration(cli.Configuration));
        if (await queries.FindAsync(name, cancellationToken) is not { } id)
        {
            await cli.Error.WriteLineAsync($"No survey is called \"{name}\".");
            return ExitCodes.BadInput;
        }
        var english = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
        var view = (await queries.ResultsAsync(id, null, english, cancellationToken))!;
        AuditLog.Record(db, TimeProvider.System, OrgCommands.DefaultActor, "export.surveys.results", view.Survey, null, new { Format = json ? "json" : "table" });
        await db.SaveChangesAsync(cancellationToken);
        if (json)
        {
            await cli.Out.WriteLineAsync(JsonSerializer.Serialize(view, CliJson.Options));
            return ExitCodes.Success;
        }
        foreach (var question in view.Questions.Where(q => q.Groups.Count > 0))
        {
            var table = new Table().Title(Markup.Escape(question.Text)).AddColumn("Group");
            foreach (var round in view.Rounds)
            {
                table.AddColumn(new TableColumn(Markup.Escape(round.Name)).RightAligned());
            }
            foreach (var group in question.Groups)
            {
                var label = view.Groups.FirstOrDefault(g => g.Key == group.Group)?.Name ?? group.Group;
                table.AddRow([Markup.Escape(label), .. group.Rounds.Select(Cell)]);
            }
            cli.Tables.Write(table);
        }
        return ExitCodes.Success;
    }

    private static string Cell(ScoreCell cell) => cell.Suppressed is not null
        ? "–"
        : cell.Enps is { } enps ? string.Format(CultureInfo.InvariantCulture, "eNPS {0:+0;-0;0} (n={1})", enps, cell.Respondents)
        : cell.Favourable is { } favourable ? string.Format(CultureInfo.InvariantCulture, "{0:0.0} % (n={1})", favourable, cell.Respondents)
        : string.Format(CultureInfo.InvariantCulture, "n={0}", cell.Respondents);
}
