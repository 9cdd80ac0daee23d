// The change history a programme's page shows its managers: what was done to the programme and its sessions, from the
// audit log. Registrations and feedback are left out: they name people, and stay on the audit page. Enrolments in
// cohorts are in: the programme's managers see its participants by name anyway.
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;

namespace Oppdrift.Learning;

public static class ProgrammeHistory
{
    public static readonly IReadOnlyDictionary<string, string> ActionKeys = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["learning.programme.create"] = "ActionProgrammeCreate",
        ["learning.programme.update"] = "ActionProgrammeUpdate",
        ["learning.session.create"] = "ActionSessionCreate",
        ["learning.session.update"] = "ActionSessionUpdate",
        ["learning.session.cancel"] = "ActionSessionCancel",
        ["learning.session.delete"] = "ActionSessionDelete",
        ["learning.recording.create"] = "ActionRecordingCreate",
        ["learning.recording.delete"] = "ActionRecordingDelete",
        ["learning.document.create"] = "ActionDocumentCreate",
        ["learning.document.delete"] = "ActionDocumentDelete",
        ["learning.cohort.create"] = "ActionCohortCreate",
        ["learning.cohort.update"] = "ActionCohortUpdate",
        ["learning.cohort.delete"] = "ActionCohortDelete",
        ["learning.cohort.enrol"] = "ActionCohortEnrol",
        [CohortNotes.CreateAction] = "ActionNoteCreate",
        [CohortNotes.UpdateAction] = "ActionNoteUpdate",
        [CohortNotes.DeleteAction] = "ActionNoteDelete",
        ["learning.participant.move"] = "ActionParticipantMove",
        ["learning.participant.remove"] = "ActionParticipantRemove",
        [FollowUps.Action] = "ActionFollowUpSent",
        [LeaderProposals.AcceptAction] = "ActionProposalAccept",
        [LeaderProposals.DismissAction] = "ActionProposalDismiss",
    };

    private static readonly Dictionary<string, string> FieldKeys = new(StringComparer.Ordinal)
    {
        ["Name"] = "ProgrammeName",
        ["Description"] = "Description",
        ["OwnerName"] = "ProgrammeOwner",
        ["OwnerAgencyId"] = "OwnerAgency",
        ["Audience"] = "Audience",
        ["Agencies"] = "AudienceAgencies",
        ["Topics"] = "Topics",
        ["Tools"] = "Tools",
        ["Modules"] = "Modules",
        ["Title"] = "SessionTitle",
        ["StartsAt"] = "SessionStartsAt",
        ["EndsAt"] = "SessionEndsAt",
        ["Mode"] = "Mode",
        ["Location"] = "SessionLocation",
        ["TeamsUrl"] = "TeamsLink",
        ["Capacity"] = "Capacity",
        ["Cancelled"] = "Cancelled",
        ["Count"] = "HistorySessionCount",
        ["Url"] = "RecordingUrl",
        ["DurationSeconds"] = "HistoryDurationSeconds",
        ["TranscriptFileName"] = "TranscriptFile",
        ["FileName"] = "File",
        ["Bytes"] = "HistoryBytes",
        ["OwnerAccount"] = "HistoryOwnerAccount",
        ["Cohort"] = "Cohort",
        ["CohortStartsOn"] = "CohortStartsOn",
        ["CohortEndsOn"] = "CohortEndsOn",
        ["CohortAgencyId"] = "CohortAgency",
        ["Notes"] = "HistoryNotes",
        ["NoteOn"] = "NoteOn",
        ["NoteTopic"] = "NoteTopic",
        ["NoteText"] = "NoteText",
        ["NoteModule"] = "NoteModule",
        ["Participants"] = "Participants",
        ["Enrolled"] = "HistoryEnrolled",
        ["EnrolledFrom"] = "HistoryEnrolledFrom",
        ["Person"] = "Person",
        ["CompletionSessions"] = "CompletionSessions",
        ["FollowUpText"] = "FollowUpText",
        ["FollowUpLinks"] = "FollowUpLinks",
        ["Recipients"] = "FollowUpRecipients",
        ["Basis"] = "FollowUpBasis",
        ["CompletionRecordings"] = "CompletionRecordings",
        ["ProposeNewLeaders"] = "ProposeNewLeaders",
        ["Arrived"] = "ProposalArrived",
    };

    /// <summary>The programme's entries (its sessions' included, those deleted too), newest first.</summary>
    public static async Task<IReadOnlyList<AuditEntry>> ReadAsync(OppdriftDb db, int programmeId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var sessions = await db.LearningSessions.AsNoTracking().Where(s => s.ProgrammeId == programmeId).Select(s => s.Id).ToListAsync(cancellationToken);
        string[] targets = [Programmes.ProgrammeTarget(programmeId), .. sessions.Select(Programmes.SessionTarget)];
        return await AuditLog.HistoryAsync(db, targets, [.. ActionKeys.Keys], cancellationToken);
    }

    /// <summary>What to call each action, in the current language.</summary>
    public static IReadOnlyDictionary<string, string> Actions() => ActionKeys.ToDictionary(a => a.Key, a => LearningText.Get(a.Value), StringComparer.Ordinal);

    /// <summary>
    /// What to call the stored values a reader cannot read: a session's form and a programme's audience by their label
    /// (entries written before these were stored by name hold their number), and agencies by name instead of id.
    /// </summary>
    public static Func<string, string, string?> Values(IReadOnlyDictionary<int, string> agencyNames)
    {
        ArgumentNullException.ThrowIfNull(agencyNames);
        string Agency(string id) => int.TryParse(id, CultureInfo.InvariantCulture, out var key) && agencyNames.TryGetValue(key, out var name) ? name : id;
        return (field, raw) => field switch
        {
            "Mode" when Enum.TryParse<SessionMode>(raw, out var mode) && Enum.IsDefined(mode) => LearningText.Get("Mode" + mode),
            "Audience" when Enum.TryParse<ProgrammeAudience>(raw, out var audience) && Enum.IsDefined(audience) => LearningText.Get("Audience" + audience),
            "OwnerAgencyId" or "CohortAgencyId" => Agency(raw),
            "NoteTopic" when Enum.TryParse<CohortNoteTopic>(raw, out var topic) && Enum.IsDefined(topic) => LearningText.Get("NoteTopic" + topic),
            "Arrived" when Enum.TryParse<Organisation.LeaderArrivalKind>(raw, out var kind) && Enum.IsDefined(kind) => LearningText.Get("ProposalKind" + kind),
            "ProposeNewLeaders" when bool.TryParse(raw, out var on) => LearningText.Get(on ? "Yes" : "No"),
            "Agencies" when raw != "–" => string.Join(", ", raw.Split(", ").Select(Agency)),
            _ => null,
        };
    }

    /// <summary>What to call each field the entries name, in the current language.</summary>
    public static IReadOnlyDictionary<string, string> Fields() => FieldKeys.ToDictionary(f => f.Key, f => LearningText.Get(f.Value), StringComparer.Ordinal);
}
