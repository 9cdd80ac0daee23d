// The steps a new installation goes through before its figures mean anything, each done or not as the data shows it.
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Shared.Privacy;

namespace Oppdrift.Organisation;

public enum FirstDayStepKind
{
    DirectoryImported,
    AgenciesSetUp,
    UsageArriving,
    PrivacyChecked,
    ProgrammeCreated,
}

/// <summary>One step of the checklist: whether it is done and where it is done.</summary>
public sealed record FirstDayStep(FirstDayStepKind Kind, bool Done, string Link);

public sealed class FirstDayChecklist(OppdriftDb db, SuppressionOptions suppression, TimeProvider clock)
{
    /// <summary>The audit action an administrator's confirmation of the privacy settings is recorded under.</summary>
    public const string PrivacyCheckedAction = "privacy.checked";

    /// <summary>
    /// The settings a confirmation covers. The privacy settings live in configuration, not in the database, so "checked"
    /// is an administrator's explicit confirmation; it holds only while the minimum group size is the one confirmed.
    /// </summary>
    public string PrivacyTarget => "minimum-group-size=" + suppression.MinimumGroupSize.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The steps in order. Agencies count as set up when at least one exists and someone is placed in one; usage reports
    /// as arriving when any report has been read successfully, by file or by the Graph pull.
    /// </summary>
    public async Task<IReadOnlyList<FirstDayStep>> StepsAsync(MunicipalitySummary summary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var imported = await db.DirectoryImports.AnyAsync(i => i.Status == ImportStatus.Succeeded, cancellationToken);
        var usage = await Usage.UsageQueries.AnyReportReadAsync(db, cancellationToken);
        var programme = await Learning.LearningQueries.AnyProgrammeAsync(db, cancellationToken);
        return
        [
            new(FirstDayStepKind.DirectoryImported, imported, "/organisation"),
            new(FirstDayStepKind.AgenciesSetUp, summary.Agencies > 0 && summary.People > summary.Unassigned, summary.Agencies == 0 ? "/organisation/proposal" : "/organisation/rules"),
            new(FirstDayStepKind.UsageArriving, usage, "/usage/imports"),
            new(FirstDayStepKind.PrivacyChecked, await PrivacyCheckedAsync(cancellationToken), "/personvern"),
            new(FirstDayStepKind.ProgrammeCreated, programme, "/learning/programmes/new"),
        ];
    }

    /// <summary>Whether the latest confirmation of the privacy settings covers the settings in force.</summary>
    public async Task<bool> PrivacyCheckedAsync(CancellationToken cancellationToken) =>
        await AuditLog.LatestTargetAsync(db, PrivacyCheckedAction, cancellationToken) == PrivacyTarget;

    /// <summary>Records that <paramref name="actor"/> has checked the privacy settings in force.</summary>
    public async Task ConfirmPrivacyAsync(string actor, CancellationToken cancellationToken)
    {
        AuditLog.Record(db, clock, actor, PrivacyCheckedAction, PrivacyTarget, after: new { suppression.MinimumGroupSize });
        await db.SaveChangesAsync(cancellationToken);
    }
}
