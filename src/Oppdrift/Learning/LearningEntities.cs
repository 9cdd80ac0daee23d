// The Learning module's stored things: programmes and their audience, modules and cohorts; sessions,
// registrations and attendance; recordings, documents and feedback; calendar feed tokens; the mail outbox.
namespace Oppdrift.Learning;

/// <summary>Who a programme is for, besides the agencies it names.</summary>
public enum ProgrammeAudience
{
    Everyone = 0,
    Leaders = 1,
}

public sealed class Programme
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";

    /// <summary>The owner as people know it, such as "HR, Sykehjemsetaten" or "Sentralt M365-team".</summary>
    public required string OwnerName { get; set; }

    /// <summary>The user name of the account that runs the programme and reads its feedback.</summary>
    public string? OwnerAccount { get; set; }

    public int? OwnerAgencyId { get; set; }
    public ProgrammeAudience Audience { get; set; }

    /// <summary>Comma-separated topics, e.g. "møter, dokumenthåndtering".</summary>
    public string Topics { get; set; } = "";

    /// <summary>Comma-separated Microsoft 365 tools the programme teaches, e.g. "Teams, SharePoint".</summary>
    public string Tools { get; set; } = "";

    /// <summary>The unguessable part of the programme's calendar feed address.</summary>
    public required string FeedToken { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>Completion: at least this many of the programme's sessions attended live (from attendance); null sets no such bar.</summary>
    public int? CompletionSessions { get; set; }

    /// <summary>Completion: at least this many of the programme's recordings opened in Oppdrift; null sets no such bar.</summary>
    public int? CompletionRecordings { get; set; }

    /// <summary>
    /// When the programme began to take new leaders (a leader school): leaders the directory imports bring in from then
    /// on are proposed for its next cohort (<see cref="LeaderProposals"/>). Null: it proposes nobody.
    /// </summary>
    public DateTime? NewLeadersSince { get; set; }

    public List<ProgrammeAgency> Agencies { get; } = [];
    public List<ProgrammeModule> Modules { get; } = [];
    public List<Cohort> Cohorts { get; } = [];
}

/// <summary>An agency in a programme's audience; a programme with none is for the whole municipality.</summary>
public sealed class ProgrammeAgency
{
    public int ProgrammeId { get; set; }
    public int AgencyId { get; set; }
}

public sealed class ProgrammeModule
{
    public int Id { get; set; }
    public int ProgrammeId { get; set; }
    public int Position { get; set; }
    public required string Title { get; set; }
    public string Description { get; set; } = "";
}

public sealed class Cohort
{
    public int Id { get; set; }
    public int ProgrammeId { get; set; }
    public required string Name { get; set; }
    public DateOnly? StartsOn { get; set; }

    /// <summary>
    /// The last day of the programme for this cohort; after it the group goes on as a network (members and notes kept).
    /// Null: no end set.
    /// </summary>
    public DateOnly? EndsOn { get; set; }

    /// <summary>The agency whose leader group this cohort is ("Hybrid ledelse" is run for a leader group); null for other cohorts.</summary>
    public int? AgencyId { get; set; }
}

/// <summary>What a cohort's note is about: the agreements a leader group makes during a programme.</summary>
public enum CohortNoteTopic
{
    MeetingRules = 0,
    DocumentLocation = 1,
    SharingPractice = 2,
    Other = 3,
}

/// <summary>A dated note of what a cohort (a leader group) agreed, optionally after which of the programme's modules.</summary>
public sealed class CohortNote
{
    public int Id { get; set; }
    public int CohortId { get; set; }

    /// <summary>The day the group agreed it, as the author gives it (not the day it was written down).</summary>
    public DateOnly On { get; set; }

    public CohortNoteTopic Topic { get; set; }
    public required string Text { get; set; }

    /// <summary>The programme module the agreement was made after; null when not tied to one.</summary>
    public int? ModuleId { get; set; }

    public required string Author { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? UpdatedAt { get; set; }
}

/// <summary>
/// What a programme's manager decided about a leader proposed for it: accepted (enrolled) or dismissed. One per
/// programme and person, so a person once decided on is not proposed to that programme again.
/// </summary>
public sealed class LeaderProposalDecision
{
    public int Id { get; set; }
    public int ProgrammeId { get; set; }
    public int PersonId { get; set; }
    public bool Accepted { get; set; }
    public required string DecidedBy { get; set; }
    public DateTime DecidedAt { get; set; }
}

/// <summary>A person enrolled in a programme, optionally in one of its cohorts.</summary>
public sealed class Participant
{
    public int Id { get; set; }
    public int ProgrammeId { get; set; }
    public int PersonId { get; set; }
    public int? CohortId { get; set; }
    public DateTime JoinedAt { get; set; }
}

public enum SessionMode
{
    Online = 0,
    OnSite = 1,
    Hybrid = 2,
}

public sealed class LearningSession
{
    public int Id { get; set; }
    public int ProgrammeId { get; set; }
    public Programme? Programme { get; set; }
    public int? ModuleId { get; set; }

    /// <summary>Shared by the sessions of one weekly series, so they can be listed and changed together.</summary>
    public string? SeriesKey { get; set; }

    public required string Title { get; set; }
    public string Description { get; set; } = "";
    public DateTime StartsAt { get; set; }
    public DateTime EndsAt { get; set; }
    public SessionMode Mode { get; set; }
    public string? Location { get; set; }
    public string? TeamsUrl { get; set; }

    /// <summary>Seats; null is unlimited (a broadcast).</summary>
    public int? Capacity { get; set; }

    /// <summary>The iCalendar UID, stable for the session's life so calendars update rather than duplicate.</summary>
    public required string CalendarUid { get; set; }

    /// <summary>The iCalendar SEQUENCE, raised on every change a calendar must pick up.</summary>
    public int CalendarSequence { get; set; }

    public DateTime? CancelledAt { get; set; }

    /// <summary>Raised by every registration change: the write that serialises registrations for the session.</summary>
    public int RegistrationVersion { get; set; }

    /// <summary>
    /// Seats held: the registrations with status Registered. Kept in step under the registration lock by every change
    /// that seats or unseats someone, so a registration reads it from the locked row instead of counting.
    /// </summary>
    public int SeatsTaken { get; set; }

    /// <summary>Follow-up material e-mailed after the session (see <see cref="FollowUps"/>): the owner's text.</summary>
    public string? FollowUpText { get; set; }

    /// <summary>The follow-up's links, one "Title | https://…" a line.</summary>
    public string? FollowUpLinks { get; set; }

    /// <summary>When the follow-up was queued for sending; it is sent once, and not again if changed afterwards.</summary>
    public DateTime? FollowUpSentAt { get; set; }
}

public enum RegistrationStatus
{
    Registered = 0,
    Waiting = 1,
    Cancelled = 2,
}

public sealed class Registration
{
    public int Id { get; set; }
    public int SessionId { get; set; }
    public int PersonId { get; set; }
    public RegistrationStatus Status { get; set; }
    public DateTime RegisteredAt { get; set; }

    /// <summary>Order on the waiting list (and of registration): taken from the session's version under its lock.</summary>
    public int Position { get; set; }

    public DateTime? CancelledAt { get; set; }

    /// <summary>Who registered: the person themself or the leader who registered a group.</summary>
    public required string RegisteredBy { get; set; }

    public DateTime? ReminderSentAt { get; set; }
}

public sealed class AttendanceImport
{
    public int Id { get; set; }
    public int SessionId { get; set; }
    public required string FileName { get; set; }
    public string? MeetingTitle { get; set; }
    public DateTime ImportedAt { get; set; }
    public required string ImportedBy { get; set; }
    public int Attendees { get; set; }
    public int Matched { get; set; }
    public int Guests { get; set; }
}

/// <summary>One attendee of a session from a Teams attendance report; guests keep their name, people link to the directory.</summary>
public sealed class Attendance
{
    public int Id { get; set; }
    public int SessionId { get; set; }
    public int ImportId { get; set; }
    public int? PersonId { get; set; }
    public required string Name { get; set; }
    public string? Email { get; set; }
    public string? ParticipantId { get; set; }
    public string? Role { get; set; }
    public DateTime? FirstJoin { get; set; }
    public DateTime? LastLeave { get; set; }
    public int DurationSeconds { get; set; }
}

public sealed class Recording
{
    public int Id { get; set; }
    public int ProgrammeId { get; set; }
    public int? SessionId { get; set; }
    public required string Title { get; set; }

    /// <summary>The Stream or SharePoint address of the video.</summary>
    public required string Url { get; set; }

    public int DurationSeconds { get; set; }

    /// <summary>Views of the recording in Stream: entered by the owner or read from Microsoft Graph; null when unknown.</summary>
    public int? Views { get; set; }

    /// <summary>Distinct viewers in Stream, when Graph gives them (never entered by hand); null when unknown.</summary>
    public int? Viewers { get; set; }

    /// <summary>Where <see cref="Views"/> comes from; a figure the owner entered is not replaced by the scheduled read.</summary>
    public RecordingViewsSource ViewsSource { get; set; }

    /// <summary>When <see cref="Views"/> was read from Graph (UTC); null for an entered figure.</summary>
    public DateTime? ViewsReadAt { get; set; }

    public string? TranscriptFileName { get; set; }

    /// <summary>The WebVTT transcript as uploaded.</summary>
    public string? Transcript { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>When the video goes to the recycle bin in Stream/OneDrive (UTC); null when it does not expire.</summary>
    public DateTime? ExpiresAt { get; set; }

    /// <summary>Where <see cref="ExpiresAt"/> comes from; a date the owner set is never replaced by the policy.</summary>
    public RecordingExpirySource ExpirySource { get; set; }

    /// <summary>When the owner was e-mailed that the recording expires soon; cleared when the expiry changes.</summary>
    public DateTime? ExpiryWarnedAt { get; set; }
}

public sealed class LearningDocument
{
    public int Id { get; set; }
    public int ProgrammeId { get; set; }
    public int? SessionId { get; set; }
    public required string Title { get; set; }
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public long Bytes { get; set; }

    /// <summary>Where the file lies, relative to the data folder's documents folder.</summary>
    public required string StoredName { get; set; }

    public DateTime UploadedAt { get; set; }
    public required string UploadedBy { get; set; }
}

/// <summary>
/// A rating and comment on a session, with no link to who gave it: whether a person has answered is a separate
/// <see cref="FeedbackGiven"/> row, written in the same transaction and never joined to the answer.
/// </summary>
public sealed class Feedback
{
    public int Id { get; set; }
    public int SessionId { get; set; }
    public int Rating { get; set; }
    public string? Comment { get; set; }

    /// <summary>The day the answer was given (midnight UTC): no time of day to match against a sign-in or a log line.</summary>
    public DateTime GivenAt { get; set; }
}

/// <summary>That a person has answered a session's feedback, so they cannot answer twice; it says nothing of what they answered.</summary>
public sealed class FeedbackGiven
{
    public int SessionId { get; set; }
    public int PersonId { get; set; }
}

/// <summary>The secret in a person's calendar feed address: calendar apps cannot sign in, so the address is the key.</summary>
public sealed class CalendarFeed
{
    public int PersonId { get; set; }
    public required string Token { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// An e-mail written in the same transaction as the change it tells of, and sent afterwards, so a
/// registration never waits for the mail server and never loses its confirmation.
/// </summary>
public sealed class OutgoingMail
{
    public long Id { get; set; }
    public required string To { get; set; }
    public required string Subject { get; set; }
    public required string Body { get; set; }

    /// <summary>An iCalendar attachment (invite.ics), or null.</summary>
    public string? Calendar { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime? SentAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }

    /// <summary>Until when a sender has claimed the mail; another sender takes it only after that (the first one died).</summary>
    public DateTime? ClaimedUntil { get; set; }

    /// <summary>The sender (node) that claimed it last.</summary>
    public string? ClaimedBy { get; set; }
}

/// <summary>
/// That a signed-in person opened a recording through Oppdrift on a day (in Oslo): one row a person, recording and day,
/// however often they opened it. It is the same kind of fact as attendance, kept and shown under the same rules.
/// </summary>
public sealed class RecordingView
{
    public int RecordingId { get; set; }
    public int PersonId { get; set; }
    public DateOnly Day { get; set; }
}

/// <summary>That a signed-in person downloaded a programme's document through Oppdrift on a day (in Oslo): one row a person, document and day.</summary>
public sealed class DocumentDownload
{
    public int DocumentId { get; set; }
    public int PersonId { get; set; }
    public DateOnly Day { get; set; }
}

/// <summary>Where a recording's expiry date comes from.</summary>
public enum RecordingViewsSource
{
    /// <summary>Entered by the programme owner (Stream's own figure, copied by hand).</summary>
    Entered = 0,

    /// <summary>Read from Microsoft Graph's item analytics of the video file.</summary>
    Graph = 1,
}

public enum RecordingExpirySource
{
    /// <summary>The tenant's policy (<c>Learning:Recordings:ExpiryDays</c>) applied to the day the recording was made.</summary>
    Policy = 0,

    /// <summary>The policy applied to the creation time Microsoft Graph gives for the meeting's recording.</summary>
    Graph = 1,

    /// <summary>Set or cleared by the programme owner (the expiry changed in Stream, or the file moved).</summary>
    Owner = 2,
}
