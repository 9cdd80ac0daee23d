using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Effects;
using Oppdrift.Learning;
using Oppdrift.Organisation;
using Oppdrift.Processes;
using Oppdrift.Shared.Privacy;
using Oppdrift.ShareMigration;
using Oppdrift.Surveys;
using Oppdrift.Usage;
using Spectre.Console;

namespace Oppdrift.Cli;

/// <summary>`oppdrift effects`: recording interventions (for loading a team's history in bulk) and estimating their effects.</summary>
internal static class EffectCommands
{
    public static Command Create()
    {
        var name = new Option<string>("--name") { Description = "What the team did, e.g. \"Teams-opplæring i Bydel Øst\"", HelpName = "NAME", Required = true };
        var date = new Option<string>("--date") { Description = "The day it started (its week belongs to neither before nor after)", HelpName = "YYYY-MM-DD", Required = true };
        var agencies = new Option<string?>("--agencies") { Description = "The agencies it was done to as a whole, by code, separated by commas", HelpName = "CODE,CODE" };
        var units = new Option<string[]>("--unit")
        {
            Description = "A unit it was done to rather than its whole agency, as the agency's code and the unit's name (repeat for more units); "
                + "its agency is then reached through its units only",
            HelpName = "CODE:UNIT NAME",
        };
        var kind = new Option<string>("--kind")
        {
            Description = "One of " + string.Join(", ", Enum.GetNames<InterventionKind>()) + " (default: Other)",
            HelpName = "KIND",
            DefaultValueFactory = _ => nameof(InterventionKind.Other),
        };
        var note = new Option<string?>("--note") { Description = "A short note: what was done, with whom", HelpName = "TEXT" };
        var metrics = new Option<string?>("--metrics")
        {
            Description = "The outcomes to judge it on, separated by commas: usage metrics, process measures (process:MinutesPerCase, process:PrintsPerCase, "
                + "process:EmailsPerCase, process:ErrorsPer100Cases, process:LeadTimeDays) or survey measures (default: the kind's own, e.g. teams.active7,teams.chatMessages)",
            HelpName = "METRIC,METRIC",
        };
        var actor = new Option<string>("--as") { Description = "The name recorded in the audit log", HelpName = "NAME", DefaultValueFactory = _ => OrgCommands.DefaultActor };
        var add = new Command("add",
            "Records an intervention, as the change-team log on the effects page does. Recording the same name and date again updates that "
            + "intervention rather than adding a second, so a team's history can be loaded by a script and loaded again safely.")
        {
            name, date, agencies, units, kind, note, metrics, actor,
        };
        add.SetCliAction((parseResult, cli, cancellationToken) => AddAsync(cli, parseResult.GetRequiredValue(name), parseResult.GetRequiredValue(date),
            parseResult.GetValue(agencies), parseResult.GetValue(units) ?? [], parseResult.GetValue(kind) ?? nameof(InterventionKind.Other), parseResult.GetValue(note), parseResult.GetValue(metrics),
            parseResult.GetValue(actor) ?? OrgCommands.DefaultActor, cancellationToken));

        var json = new Option<bool>("--json")
        {
            Description = "Print every estimate as JSON: intervention, metric, treatedAgencies, comparisonAgencies, estimate, ciLow, ciHigh, preTrendOk and verdict (effect, noEffect, cannotTell), as GET /api/effects returns them",
        };
        var estimate = new Command("estimate",
            "Estimates the effect of every intervention on each of its outcome metrics (difference in differences against matched agencies "
            + "without it, with a 95 % placebo interval), keeps the results for the effects page, and prints them.")
        {
            json,
        };
        estimate.SetCliAction((parseResult, cli, cancellationToken) => EstimateAsync(cli, parseResult.GetValue(json), cancellationToken));
        return new Command("effects", "Interventions and their effects on usage") { new Command("intervention", "The change team's interventions") { add }, estimate };
    }

    private static async Task<int> AddAsync(CliContext cli, string name, string dateText, string? agencyCodes, string[] unitNames, string kindText, string? note,
        string? metricCodes, string actor, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(agencyCodes) && unitNames.Length == 0)
        {
            await cli.Error.WriteLineAsync("--agencies: name the agencies it was done to, or its units with --unit");
            return ExitCodes.BadInput;
        }
        if (!DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            await cli.Error.WriteLineAsync($"--date: \"{dateText}\" is not a date of the form YYYY-MM-DD");
            return ExitCodes.BadInput;
        }
        if (!Enum.TryParse<InterventionKind>(kindText, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(kindText, CultureInfo.InvariantCulture, out _))
        {
            await cli.Error.WriteLineAsync($"--kind: \"{kindText}\" is not one of {string.Join(", ", Enum.GetNames<InterventionKind>())}");
            return ExitCodes.BadInput;
        }
        await using var db = await cli.OpenDbAsync(cancellationToken);
        var directory = new OrganisationDirectory(db);
        var ids = new List<int>();
        foreach (var code in (agencyCodes ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (await directory.AgencyAsync(code, cancellationToken) is not { } agency)
            {
                await cli.Error.WriteLineAsync($"--agencies: no agency has the code \"{code}\"");
                return ExitCodes.BadInput;
            }
            ids.Add(agency.Id);
        }
        var unitIds = new List<int>();
        foreach (var unitName in unitNames)
        {
            var colon = unitName.IndexOf(':', StringComparison.Ordinal);
            var agency = colon > 0 ? await directory.AgencyAsync(unitName[..colon], cancellationToken) : null;
            if (agency is null)
            {
                await cli.Error.WriteLineAsync($"--unit: \"{unitName}\" does not start with the code of an agency and a colon (CODE:UNIT NAME)");
                return ExitCodes.BadInput;
            }
            var wanted = unitName[(colon + 1)..].Trim();
            if ((await directory.UnitsAsync([agency.Id], cancellationToken)).FirstOrDefault(u => string.Equals(u.Name, wanted, StringComparison.OrdinalIgnoreCase)) is not { } unit)
            {
                await cli.Error.WriteLineAsync($"--unit: {agency.Name} has no unit named \"{wanted}\"");
                return ExitCodes.BadInput;
            }
            unitIds.Add(unit.Id);
        }
        var log = Log(db, cli);
        var existing = await log.FindAsync(name.Trim(), date, cancellationToken);
        var result = await log.SaveAsync(existing?.Id, new InterventionInput
        {
            Name = name,
            Kind = kind,
            StartsOn = date,
            Note = note,
            AgencyIds = ids,
            UnitIds = unitIds,
            Metrics = metricCodes?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [],
        }, Benefits.BenefitsTemplate.System(actor), cancellationToken);
        if (!result.Succeeded)
        {
            await cli.Error.WriteLineAsync($"--{(result.Field is "date" or "agencies" or "metrics" or "kind" or "note" ? result.Field : result.Field == "units" ? "unit" : "name")}: {result.Error}");
            return ExitCodes.BadInput;
        }
        await cli.Out.WriteLineAsync(string.Format(CultureInfo.InvariantCulture, "Intervention {0} \"{1}\" {2}.", result.Value!.Id, result.Value.Name,
            existing is null ? "recorded" : "updated"));
        return ExitCodes.Success;
    }

    private static async Task<int> EstimateAsync(CliContext cli, bool json, CancellationToken cancellationToken)
    {
        await using var db = await cli.OpenDbAsync(cancellationToken);
        var suppression = PrivacyServices.SuppressionOptionsFrom(cli.Configuration);
        var learning = new LearningQueries(db, suppression);
        var surveys = Surveys(db, cli);
        var estimator = new EffectEstimator(db, new EffectPanels(new UsageWeeklyFigures(db), surveys), learning, suppression,
            EffectsOptions.FromConfiguration(cli.Configuration), TimeProvider.System);
        var started = TimeProvider.System.GetTimestamp();
        // The interventions derived from programmes, process moves and share migrations first, as the effects job does.
        await new InterventionSources(db, learning, new ProcessQueries(db, BenefitsOptions.FromConfiguration(cli.Configuration)), new MigrationQueries(db),
            TimeProvider.System).SyncAsync(cancellationToken);
        var written = await estimator.EstimateAllAsync(cancellationToken);
        await cli.Error.WriteLineAsync(string.Format(CultureInfo.InvariantCulture, "{0} estimates in {1:F2} s", written,
            TimeProvider.System.GetElapsedTime(started).TotalSeconds));
        var rows = EffectsModule.Responses(await new EffectQueries(db, learning, new EffectOutcomeCatalogue(surveys)).ListAsync(null, null, cancellationToken));
        AuditLog.Record(db, TimeProvider.System, OrgCommands.DefaultActor, "export.effects", null, null, new { Format = json ? "json" : "table", Estimates = rows.Count });
        await db.SaveChangesAsync(cancellationToken);
        if (json)
        {
            await cli.Out.WriteLineAsync(JsonSerializer.Serialize(rows, CliJson.Options));
            return ExitCodes.Success;
        }
        var table = new Table().AddColumns("Intervention", "Date", "Metric", "Treated", "Compared", "Estimate", "95 % interval", "Pre-trend", "Verdict");
        foreach (var r in rows)
        {
            table.AddRow(Markup.Escape(r.Intervention), r.StartsOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r.Metric,
                Markup.Escape(string.Join(",", r.TreatedAgencies)), r.ComparisonProcesses is { } processes ? $"{processes} processes" : r.ComparisonAgencies.Count.ToString(CultureInfo.InvariantCulture),
                Figure(r, r.Estimate), r.CiLow is null ? "–" : $"{Figure(r, r.CiLow)} to {Figure(r, r.CiHigh)}",
                r.PreTrendOk switch { true => "parallel", false => "differs", null => "–" }, r.Reason is null ? r.Verdict : $"{r.Verdict} ({r.Reason})");
        }
        cli.Tables.Write(table);
        return ExitCodes.Success;
    }

    private static string Figure(EffectsModule.EffectResponse r, double? value) => value is not { } v
        ? "–"
        : r.Unit switch
        {
            "share" => (v * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " pp",
            "percent" => v.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " pp",
            "score" => v.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture),
            "percentChange" => (v * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " %",
            _ => v.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture),
        };

    private static SurveyQueries Surveys(OppdriftDb db, CliContext cli) =>
        new(db, new OrganisationDirectory(db), SurveysOptions.FromConfiguration(cli.Configuration));

    private static InterventionLog Log(OppdriftDb db, CliContext cli) =>
        new(db, new LearningQueries(db, PrivacyServices.SuppressionOptionsFrom(cli.Configuration)), new EffectOutcomeCatalogue(Surveys(db, cli)), TimeProvider.System);
}
