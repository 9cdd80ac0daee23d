using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Shared.Privacy;

namespace Oppdrift.Learning;

public sealed record SessionRow(LearningSession Session, int Seated, int Waiting, RegistrationStatus? Mine, int? MyWaitingPosition);

public sealed record ProgrammeRow(Programme Programme, int Sessions, DateTime? NextSession, int Recordings, int Documents);

public sealed record ProgrammeView(
    Programme Programme, string? OwnerAgency, IReadOnlyList<string> AudienceAgencies, IReadOnlyList<ProgrammeModule> Modules,
    IReadOnlyList<CohortRow> Cohorts, IReadOnlyList<SessionRow> Sessions, IReadOnlyList<Recording> Recordings, IReadOnlyList<LearningDocument> Documents,
    int Participants);

public sealed record CohortRow(Cohort Cohort, int Participants);

public sealed record SessionView(SessionRow Row, Programme Programme, IReadOnlyList<Recording> Recordings, IReadOnlyList<LearningDocument> Documents,
    bool FeedbackGiven, AttendanceImport? LastImport);

public sealed record AttendanceRow(LearningSession Session, int Seated, int Attended, int Guests, int? RecordingViews);

/// <summary>Attendees per agency; Hidden is true where the figure rests on too few people to show.</summary>
public sealed record AgencyAttendance(string Agency, int? People, bool Hidden);

/// <summary>A programme's first attended day and the distinct attendees per agency id (see <see cref="LearningQueries.ReachAsync"/>).</summary>
public sealed record ProgrammeReach(DateOnly? FirstAttended, IReadOnlyDictionary<int, int> AttendeesByAgency);

/// <summary>
/// One programme as an agency's people took part in it: the distinct people of the agency who attended live, or null
/// with Hidden set where the programme's results page hides that agency's figure.
/// </summary>
public sealed record AgencyProgrammeParticipation(int ProgrammeId, string Programme, int? People, bool Hidden);

public sealed record AttendanceSummary(IReadOnlyList<AttendanceRow> Sessions, IReadOnlyList<AgencyAttendance> Agencies, int? TotalPeople, bool TotalHidden, int MinimumGroupSize);

/// <summary>
/// A session's feedback: the number of answers always; the average, spread and comments only from the minimum group size
/// (<see cref="Hidden"/> below it, with all three empty), since with a few answers each one can be told apart.
/// </summary>
public sealed record FeedbackRow(LearningSession Session, int Answers, double? Average, IReadOnlyList<int> Distribution, IReadOnlyList<string> Comments,
    bool Hidden = false);

/// <summary>Read-only views of programmes and sessions for the pages and feeds.</summary>
public sealed class LearningQueries(OppdriftDb db, SuppressionOptions suppression, AttendanceByAgencyCache? attendanceCache = null)
{
    private OrganisationDirectory Organisation => new(db);

    /// <summary>Whether any programme has been created.</summary>
    public static async Task<bool> AnyProgrammeAsync(OppdriftDb db, CancellationToken cancellationToken) => await db.Programmes.AnyAsync(cancellationToken);

    public async Task<IReadOnlyList<ProgrammeRow>> ProgrammesAsync(DateTime now, CancellationToken cancellationToken)
    {
        var programmes = await db.Programmes.AsNoTracking().ToListAsync(cancellationToken);
        var sessions = await db.LearningSessions.GroupBy(s => s.ProgrammeId)
            .Select(g => new { g.Key, Count = g.Count(), Next = g.Where(s => s.StartsAt > now && s.CancelledAt == null).Min(s => (DateTime?)s.StartsAt) })
            .ToDictionaryAsync(x => x.Key, cancellationToken);
        var recordings = await db.Recordings.GroupBy(r => r.ProgrammeId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken);
        var documents = await db.LearningDocuments.GroupBy(r => r.ProgrammeId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken);
        return [.. programmes
            .Select(p => new ProgrammeRow(p, sessions.GetValueOrDefault(p.Id)?.Count ?? 0, sessions.GetValueOrDefault(p.Id)?.Next,
                recordings.GetValueOrDefault(p.Id), documents.GetValueOrDefault(p.Id)))
            .OrderBy(r => r.NextSession ?? DateTime.MaxValue).ThenBy(r => r.Programme.Name, OrganisationQueries.NorwegianOrder)];
    }

    public async Task<IReadOnlyList<SessionRow>> UpcomingAsync(DateTime now, int? personId, int take, CancellationToken cancellationToken)
    {
        var sessions = await db.LearningSessions.AsNoTracking().Include(s => s.Programme)
            .Where(s => s.EndsAt > now && s.CancelledAt == null).OrderBy(s => s.StartsAt).Take(take).ToListAsync(cancellationToken);
        return await RowsAsync(sessions, personId, cancellationToken);
    }

    public async Task<ProgrammeView?> ProgrammeAsync(int id, int? personId, CancellationToken cancellationToken)
    {
        var programme = await db.Programmes.AsNoTracking().Include(p => p.Agencies).Include(p => p.Modules).Include(p => p.Cohorts)
            .AsSplitQuery().SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (programme is null)
        {
            return null;
        }
        var agencyIds = programme.Agencies.Select(a => a.AgencyId).Append(programme.OwnerAgencyId ?? 0).ToList();
        var agencies = await Organisation.AgencyNamesAsync(agencyIds, cancellationToken);
        var sessions = await db.LearningSessions.AsNoTracking().Where(s => s.ProgrammeId == id).OrderBy(s => s.StartsAt).ToListAsync(cancellationToken);
        var recordings = await db.Recordings.AsNoTracking().Where(r => r.ProgrammeId == id).OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).ToListAsync(cancellationToken);
        var documents = await db.LearningDocuments.AsNoTracking().Where(d => d.ProgrammeId == id).OrderBy(d => d.Title).ToListAsync(cancellationToken);
        var cohortCounts = await db.Participants.Where(p => p.ProgrammeId == id && p.CohortId != null).GroupBy(p => p.CohortId!.Value)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken);
        var participants = await db.Participants.CountAsync(p => p.ProgrammeId == id, cancellationToken);
        var rows = await RowsAsync(sessions, personId, cancellationToken);
        return new ProgrammeView(programme,
            programme.OwnerAgencyId is { } owner ? agencies.GetValueOrDefault(owner) : null,
            [.. programme.Agencies.Select(a => agencies.GetValueOrDefault(a.AgencyId) ?? "").Order(OrganisationQueries.NorwegianOrder)],
            [.. programme.Modules.OrderBy(m => m.Position)],
            [.. programme.Cohorts.OrderBy(c => c.StartsOn).ThenBy(c => c.Name).Select(c => new CohortRow(c, cohortCounts.GetValueOrDefault(c.Id)))],
            rows, recordings, documents, participants);
    }

    public async Task<SessionView?> SessionAsync(int id, int? personId, CancellationToken cancellationToken)
    {
        var session = await db.LearningSessions.AsNoTracking().Include(s => s.Programme).SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (session is null)
        {
            return null;
        }
        var row = (await RowsAsync([session], personId, cancellationToken))[0];
        var recordings = await db.Recordings.AsNoTracking().Where(r => r.SessionId == id).ToListAsync(cancellationToken);
        var documents = await db.LearningDocuments.AsNoTracking().Where(d => d.SessionId == id).ToListAsync(cancellationToken);
        var feedback = personId is { } pid && await db.FeedbackGiven.AnyAsync(f => f.SessionId == id && f.PersonId == pid, cancellationToken);
        var import = await db.AttendanceImports.AsNoTracking().Where(i => i.SessionId == id).OrderByDescending(i => i.Id).FirstOrDefaultAsync(cancellationToken);
        return new SessionView(row, session.Programme!, recordings, documents, feedback, import);
    }

    public async Task<IReadOnlyList<SessionRow>> MySessionsAsync(int personId, CancellationToken cancellationToken)
    {
        var ids = await db.Registrations.Where(r => r.PersonId == personId && r.Status != RegistrationStatus.Cancelled).Select(r => r.SessionId).ToListAsync(cancellationToken);
        var sessions = await db.LearningSessions.AsNoTracking().Include(s => s.Programme).Where(s => ids.Contains(s.Id)).OrderBy(s => s.StartsAt).ToListAsync(cancellationToken);
        return await RowsAsync(sessions, personId, cancellationToken);
    }

    public async Task<Recording?> RecordingAsync(int id, CancellationToken cancellationToken) =>
        await db.Recordings.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);

    public async Task<(Programme Programme, IReadOnlyList<LearningSession> Sessions)?> ProgrammeFeedAsync(string token, CancellationToken cancellationToken)
    {
        var programme = await db.Programmes.AsNoTracking().SingleOrDefaultAsync(p => p.FeedToken == token, cancellationToken);
        if (programme is null)
        {
            return null;
        }
        var sessions = await db.LearningSessions.AsNoTracking().Where(s => s.ProgrammeId == programme.Id).OrderBy(s => s.StartsAt).ToListAsync(cancellationToken);
        return (programme, sessions);
    }

    public async Task<(PersonRow Person, IReadOnlyList<LearningSession> Sessions)?> PersonFeedAsync(string token, CancellationToken cancellationToken)
    {
        var feed = await db.CalendarFeeds.AsNoTracking().SingleOrDefaultAsync(f => f.Token == token, cancellationToken);
        if (feed is null)
        {
            return null;
        }
        var person = await Organisation.PersonAsync(feed.PersonId, cancellationToken)
            ?? throw new InvalidOperationException($"Calendar feed of person {feed.PersonId}, who is not in the directory.");
        var sessions = await db.Registrations.Where(r => r.PersonId == feed.PersonId && r.Status == RegistrationStatus.Registered)
            .Join(db.LearningSessions, r => r.SessionId, s => s.Id, (r, s) => s).AsNoTracking().OrderBy(s => s.StartsAt).ToListAsync(cancellationToken);
        return (person, sessions);
    }

    /// <summary>
    /// Attendance for a programme: per session (seats, live attendees, guests, recording views) and per
    /// agency (distinct people who attended live), suppressed below the minimum group size. The counts per agency are
    /// those the agency page shows (<see cref="AttendanceByAgencyCache"/>), so the two pages hide the same figures.
    /// </summary>
    public async Task<AttendanceSummary> AttendanceAsync(int programmeId, CancellationToken cancellationToken)
    {
        var sessions = await db.LearningSessions.AsNoTracking().Where(s => s.ProgrammeId == programmeId).OrderBy(s => s.StartsAt).ToListAsync(cancellationToken);
        var ids = sessions.Select(s => s.Id).ToList();
        var seated = await db.Registrations.Where(r => ids.Contains(r.SessionId) && r.Status == RegistrationStatus.Registered)
            .GroupBy(r => r.SessionId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken);
        var attended = await db.Attendance.Where(a => ids.Contains(a.SessionId))
            .GroupBy(a => a.SessionId).Select(g => new { g.Key, All = g.Count(), Guests = g.Count(a => a.PersonId == null) })
            .ToDictionaryAsync(x => x.Key, cancellationToken);
        var views = await db.Recordings.Where(r => r.ProgrammeId == programmeId && r.SessionId != null && r.Views != null)
            .GroupBy(r => r.SessionId!.Value).Select(g => new { g.Key, Views = g.Sum(r => r.Views!.Value) }).ToDictionaryAsync(x => x.Key, x => x.Views, cancellationToken);
        var rows = sessions.Select(s => new AttendanceRow(s, seated.GetValueOrDefault(s.Id),
            attended.GetValueOrDefault(s.Id)?.All ?? 0, attended.GetValueOrDefault(s.Id)?.Guests ?? 0,
            views.TryGetValue(s.Id, out var v) ? v : null)).ToList();

        var perAgency = (await AttendeesPerAgencyAsync(cancellationToken)).Where(x => x.ProgrammeId == programmeId).ToList();
        var placed = perAgency.Where(x => x.AgencyId is not null).ToList();
        var agencyNames = await Organisation.AgencyNamesAsync([.. placed.Select(x => x.AgencyId!.Value)], cancellationToken);
        var groups = SmallGroupSuppression.Groups(placed.Select(x => KeyValuePair.Create(x.AgencyId!.Value, x.People)), totalPublished: true, suppression);
        var agencies = placed
            .Select(x => groups.IsSuppressed(x.AgencyId!.Value)
                ? new AgencyAttendance(agencyNames[x.AgencyId!.Value], null, true)
                : new AgencyAttendance(agencyNames[x.AgencyId!.Value], x.People, false))
            .OrderBy(a => a.Agency, OrganisationQueries.NorwegianOrder)
            .ToList();
        var total = perAgency.Sum(x => x.People);
        var totalHidden = placed.Count > 0 ? groups.IsTotalSuppressed : total is > 0 && total < suppression.MinimumGroupSize;
        return new AttendanceSummary(rows, agencies, totalHidden ? null : total, totalHidden, suppression.MinimumGroupSize);
    }

    /// <summary>
    /// The programmes an agency's people attended, with the distinct attendees of that agency per programme. Each figure is
    /// suppressed exactly as <see cref="AttendanceAsync"/> suppresses the programme's agencies (over every agency, with the
    /// total published), so the agency page shows nothing the results page hides. One query, whatever the number of programmes.
    /// </summary>
    public async Task<IReadOnlyList<AgencyProgrammeParticipation>> AgencyParticipationAsync(int agencyId, CancellationToken cancellationToken)
    {
        var perAgency = await AttendeesPerAgencyAsync(cancellationToken);
        var attended = perAgency.Where(x => x.AgencyId == agencyId).Select(x => x.ProgrammeId).ToHashSet();
        if (attended.Count == 0)
        {
            return [];
        }
        var names = await db.Programmes.Where(p => attended.Contains(p.Id)).Select(p => new { p.Id, p.Name }).ToDictionaryAsync(p => p.Id, p => p.Name, cancellationToken);
        var rows = new List<AgencyProgrammeParticipation>();
        foreach (var programme in perAgency.Where(x => attended.Contains(x.ProgrammeId)).GroupBy(x => x.ProgrammeId))
        {
            var groups = SmallGroupSuppression.Groups(programme.Where(x => x.AgencyId is not null).Select(x => KeyValuePair.Create(x.AgencyId!.Value, x.People)),
                totalPublished: true, suppression);
            var own = programme.Single(x => x.AgencyId == agencyId).People;
            rows.Add(groups.IsSuppressed(agencyId)
                ? new AgencyProgrammeParticipation(programme.Key, names[programme.Key], null, true)
                : new AgencyProgrammeParticipation(programme.Key, names[programme.Key], own, false));
        }
        return [.. rows.OrderBy(r => r.Programme, OrganisationQueries.NorwegianOrder)];
    }

    /// <summary>Every programme's distinct live attendees per agency, kept by <see cref="AttendanceByAgencyCache"/> where there is one.</summary>
    private async Task<IReadOnlyList<ProgrammeAgencyPeople>> AttendeesPerAgencyAsync(CancellationToken cancellationToken) =>
        attendanceCache is null
            ? await ProgrammeAgencyPeopleAsync(cancellationToken)
            : await attendanceCache.GetAsync(await AttendanceVersionAsync(cancellationToken), () => ProgrammeAgencyPeopleAsync(cancellationToken));

    /// <summary>Every programme's distinct live attendees per agency, those in no agency under null: one query over all attendance.</summary>
    private async Task<IReadOnlyList<ProgrammeAgencyPeople>> ProgrammeAgencyPeopleAsync(CancellationToken cancellationToken) =>
        await db.Attendance.Where(a => a.PersonId != null)
            .Join(db.LearningSessions, a => a.SessionId, s => s.Id, (a, s) => new { a.PersonId, s.ProgrammeId })
            .Join(Organisation.PersonRows, a => a.PersonId, p => p.Id, (a, p) => new { a.ProgrammeId, a.PersonId, p.AgencyId })
            .Distinct()
            .GroupBy(x => new { x.ProgrammeId, x.AgencyId })
            .Select(g => new ProgrammeAgencyPeople(g.Key.ProgrammeId, g.Key.AgencyId, g.Count()))
            .ToListAsync(cancellationToken);

    public async Task<string?> ProgrammeNameAsync(int programmeId, CancellationToken cancellationToken) =>
        await db.Programmes.Where(p => p.Id == programmeId).Select(p => p.Name).SingleOrDefaultAsync(cancellationToken);

    /// <summary>Changes with every attendance import that lands or is replaced: the number of attendance rows and the largest id.</summary>
    public async Task<(int Rows, int LastId)> AttendanceVersionAsync(CancellationToken cancellationToken) =>
        (await db.Attendance.CountAsync(cancellationToken), await db.Attendance.MaxAsync(a => (int?)a.Id, cancellationToken) ?? 0);

    /// <summary>Every programme's id and name, in Norwegian order.</summary>
    public async Task<IReadOnlyList<(int Id, string Name)>> ProgrammeNamesAsync(CancellationToken cancellationToken) =>
        [.. (await db.Programmes.Select(p => new { p.Id, p.Name }).ToListAsync(cancellationToken))
            .OrderBy(p => p.Name, OrganisationQueries.NorwegianOrder).Select(p => (p.Id, p.Name))];

    /// <summary>
    /// Every programme with a session held (not cancelled, started before <paramref name="now"/>): its name and the day of
    /// its first such session, from which the Effects module judges it as a training.
    /// </summary>
    public async Task<IReadOnlyList<(int Id, string Name, DateOnly FirstSession)>> HeldProgrammesAsync(DateTime now, CancellationToken cancellationToken) =>
        [.. (await db.LearningSessions.Where(s => s.CancelledAt == null && s.StartsAt <= now)
            .GroupBy(s => s.ProgrammeId)
            .Select(g => new { Id = g.Key, First = g.Min(s => s.StartsAt) })
            .Join(db.Programmes, g => g.Id, p => p.Id, (g, p) => new { g.Id, p.Name, g.First })
            .ToListAsync(cancellationToken))
            .Select(x => (x.Id, x.Name, DateOnly.FromDateTime(x.First)))];

    /// <summary>
    /// Whom a programme reached, for judging its effect: the day of its first session anyone attended, and the distinct
    /// people of each agency who attended any session live. The counts are for computing a dose over the agency's head
    /// count; they are not for showing, and agencies under the minimum group size must be left out by the caller.
    /// <paramref name="before"/> counts only the sessions that started before it.
    /// </summary>
    public async Task<ProgrammeReach> ReachAsync(int programmeId, CancellationToken cancellationToken, DateTime? before = null)
    {
        var sessions = db.LearningSessions.Where(s => s.ProgrammeId == programmeId && (before == null || s.StartsAt < before)).Select(s => s.Id);
        var attended = db.Attendance.Where(a => sessions.Contains(a.SessionId));
        var first = await attended.Join(db.LearningSessions, a => a.SessionId, s => s.Id, (a, s) => (DateTime?)s.StartsAt).MinAsync(cancellationToken);
        var perAgency = await attended.Where(a => a.PersonId != null)
            .Join(Organisation.PersonRows, a => a.PersonId, p => p.Id, (a, p) => new { a.PersonId, p.AgencyId })
            .Where(x => x.AgencyId != null)
            .Distinct()
            .GroupBy(x => x.AgencyId!.Value)
            .Select(g => new { g.Key, People = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.People, cancellationToken);
        return new ProgrammeReach(first is { } f ? DateOnly.FromDateTime(f) : null, perAgency);
    }

    /// <summary>Feedback per session for the programme's owner: how many answered, the average, the spread and the comments, never who.</summary>
    public async Task<IReadOnlyList<FeedbackRow>> FeedbackAsync(int programmeId, CancellationToken cancellationToken)
    {
        var sessions = await db.LearningSessions.AsNoTracking().Where(s => s.ProgrammeId == programmeId).OrderBy(s => s.StartsAt).ToListAsync(cancellationToken);
        var ids = sessions.Select(s => s.Id).ToList();
        var answers = await db.Feedback.AsNoTracking().Where(f => ids.Contains(f.SessionId))
            .Select(f => new { f.SessionId, f.Rating, f.Comment, f.GivenAt }).ToListAsync(cancellationToken);
        var bySession = answers.ToLookup(a => a.SessionId);
        // Each session's answers are a group of people: no programme total is shown, so only small groups are hidden.
        var groups = SmallGroupSuppression.Groups(bySession.Select(g => KeyValuePair.Create(g.Key, g.Count())), totalPublished: false, suppression);
        return [.. sessions.Where(s => bySession.Contains(s.Id)).Select(s =>
        {
            var list = bySession[s.Id].ToList();
            if (groups.IsSuppressed(s.Id))
            {
                return new FeedbackRow(s, list.Count, null, [], [], Hidden: true);
            }
            return new FeedbackRow(s, list.Count, list.Average(a => a.Rating),
                [.. Enumerable.Range(1, 5).Select(r => list.Count(a => a.Rating == r))],
                // Comments in a fixed, meaningless order, so their order says nothing about who wrote them when.
                [.. list.Where(a => a.Comment is not null).Select(a => a.Comment!).Order(StringComparer.Ordinal)]);
        })];
    }

    private async Task<List<SessionRow>> RowsAsync(List<LearningSession> sessions, int? personId, CancellationToken cancellationToken)
    {
        var ids = sessions.Select(s => s.Id).ToList();
        var counts = await db.Registrations.Where(r => ids.Contains(r.SessionId) && r.Status != RegistrationStatus.Cancelled)
            .GroupBy(r => new { r.SessionId, r.Status }).Select(g => new { g.Key.SessionId, g.Key.Status, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var mine = personId is { } pid
            ? await db.Registrations.AsNoTracking().Where(r => ids.Contains(r.SessionId) && r.PersonId == pid).ToDictionaryAsync(r => r.SessionId, cancellationToken)
            : [];
        var rows = new List<SessionRow>();
        foreach (var s in sessions)
        {
            var seated = counts.Where(c => c.SessionId == s.Id && c.Status == RegistrationStatus.Registered).Sum(c => c.Count);
            var waiting = counts.Where(c => c.SessionId == s.Id && c.Status == RegistrationStatus.Waiting).Sum(c => c.Count);
            int? position = null;
            if (mine.TryGetValue(s.Id, out var r) && r.Status == RegistrationStatus.Waiting)
            {
                position = 1 + await db.Registrations.CountAsync(x => x.SessionId == s.Id && x.Status == RegistrationStatus.Waiting
                    && (x.Position < r.Position || (x.Position == r.Position && x.Id < r.Id)), cancellationToken);
            }
            rows.Add(new SessionRow(s, seated, waiting, mine.TryGetValue(s.Id, out var m) && m.Status != RegistrationStatus.Cancelled ? m.Status : null, position));
        }
        return rows;
    }
}
