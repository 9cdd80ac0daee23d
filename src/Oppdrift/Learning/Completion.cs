// What completing a programme means (its rule: sessions attended live, recordings watched in Oppdrift), who has
// completed it, and completion per cohort and per agency with small groups suppressed.
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Shared.Privacy;

namespace Oppdrift.Learning;

/// <summary>A programme's completion rule; a bar that is null asks nothing, and a rule with neither bar is no rule.</summary>
public sealed record CompletionRule(int? Sessions, int? Recordings)
{
    public bool Defined => Sessions is > 0 || Recordings is > 0;

    public static CompletionRule Of(Programme programme) => new(programme?.CompletionSessions, programme?.CompletionRecordings);

    /// <summary>Whether someone who attended <paramref name="attended"/> sessions and watched <paramref name="watched"/> recordings has completed.</summary>
    public bool Meets(int attended, int watched) =>
        Defined && (Sessions is not { } sessions || sessions <= 0 || attended >= sessions) && (Recordings is not { } recordings || recordings <= 0 || watched >= recordings);

    /// <summary>The rule in words, in the current language ("attended at least 3 sessions live and watched at least 2 recordings in Oppdrift").</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Sessions is > 0)
        {
            parts.Add(LearningText.Get("CompletionRuleSessions", Sessions.Value.ToString(CultureInfo.CurrentCulture)));
        }
        if (Recordings is > 0)
        {
            parts.Add(LearningText.Get("CompletionRuleRecordings", Recordings.Value.ToString(CultureInfo.CurrentCulture)));
        }
        return string.Join(LearningText.Get("CompletionRuleAnd"), parts);
    }
}

/// <summary>One person's progress against a programme's rule: distinct sessions attended live and distinct recordings watched.</summary>
public sealed record PersonCompletion(int Attended, int Watched, bool Completed);

/// <summary>
/// One group's completion (a cohort, an agency, or everyone): how many people, how many completed and the share. A figure
/// is null where it rests on too few people to show (or could be worked out from one that does); <see cref="Hidden"/> says
/// whether any is.
/// </summary>
public sealed record CompletionGroup(int? Id, string Name, int? People, int? Completed, double? Share)
{
    public bool Hidden => People is null || Completed is null;
}

public sealed record CompletionSummary(CompletionRule Rule, IReadOnlyList<CompletionGroup> Cohorts, IReadOnlyList<CompletionGroup> Agencies, CompletionGroup Total,
    int MinimumGroupSize);

public sealed class Completion(OppdriftDb db, SuppressionOptions suppression)
{
    private OrganisationDirectory Directory => new(db);

    /// <summary>
    /// Per person in the programme: sessions attended live (distinct, of sessions not cancelled, from attendance) and
    /// recordings of the programme watched in Oppdrift (distinct). Only people with either are in the answer.
    /// </summary>
    public static async Task<IReadOnlyDictionary<int, (int Attended, int Watched)>> CountsAsync(OppdriftDb db, int programmeId, IReadOnlyCollection<int>? personIds,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var sessions = db.LearningSessions.Where(s => s.ProgrammeId == programmeId && s.CancelledAt == null).Select(s => s.Id);
        var attendance = db.Attendance.Where(a => sessions.Contains(a.SessionId) && a.PersonId != null);
        var recordings = db.Recordings.Where(r => r.ProgrammeId == programmeId).Select(r => r.Id);
        var views = db.RecordingViews.Where(v => recordings.Contains(v.RecordingId));
        if (personIds is not null)
        {
            var ids = personIds.ToList();
            attendance = attendance.Where(a => ids.Contains(a.PersonId!.Value));
            views = views.Where(v => ids.Contains(v.PersonId));
        }
        var attended = await attendance.Select(a => new { PersonId = a.PersonId!.Value, a.SessionId }).Distinct()
            .GroupBy(a => a.PersonId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken);
        var watched = await views.Select(v => new { v.PersonId, v.RecordingId }).Distinct()
            .GroupBy(v => v.PersonId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken);
        return attended.Keys.Union(watched.Keys).ToDictionary(id => id, id => (attended.GetValueOrDefault(id), watched.GetValueOrDefault(id)));
    }

    /// <summary>One person's completion of a programme: what a participant sees of themself.</summary>
    public async Task<PersonCompletion> ForPersonAsync(Programme programme, int personId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(programme);
        var counts = (await CountsAsync(db, programme.Id, [personId], cancellationToken)).GetValueOrDefault(personId);
        return new PersonCompletion(counts.Attended, counts.Watched, CompletionRule.Of(programme).Meets(counts.Attended, counts.Watched));
    }

    /// <summary>
    /// The programmes a person takes part in (enrolled, holding a seat in a session, or attended one), each with their own
    /// completion: what "Min læring" shows them of themself.
    /// </summary>
    public async Task<IReadOnlyList<(Programme Programme, PersonCompletion Completion)>> MineAsync(int personId, CancellationToken cancellationToken)
    {
        var enrolled = db.Participants.Where(p => p.PersonId == personId).Select(p => p.ProgrammeId);
        var seated = db.Registrations.Where(r => r.PersonId == personId && r.Status == RegistrationStatus.Registered)
            .Join(db.LearningSessions, r => r.SessionId, s => s.Id, (r, s) => s.ProgrammeId);
        var attended = db.Attendance.Where(a => a.PersonId == personId).Join(db.LearningSessions, a => a.SessionId, s => s.Id, (a, s) => s.ProgrammeId);
        var ids = await enrolled.Union(seated).Union(attended).ToListAsync(cancellationToken);
        var programmes = await db.Programmes.AsNoTracking().Where(p => ids.Contains(p.Id)).ToListAsync(cancellationToken);
        var rows = new List<(Programme, PersonCompletion)>();
        foreach (var programme in programmes.OrderBy(p => p.Name, OrganisationQueries.NorwegianOrder))
        {
            rows.Add((programme, await ForPersonAsync(programme, personId, cancellationToken)));
        }
        return rows;
    }

    /// <summary>
    /// Completion per cohort and per agency. The people counted are the programme's participants and everyone else who
    /// registered for (a seat), attended or watched a recording of it, those outside a cohort in a group of their own, as
    /// are those the directory places in no agency. Each table (groups × completed/not completed, with the groups' sizes,
    /// the completed total and the grand total published) goes through <see cref="SmallGroupSuppression"/>.
    /// </summary>
    public async Task<CompletionSummary?> SummaryAsync(int programmeId, CancellationToken cancellationToken)
    {
        var programme = await db.Programmes.AsNoTracking().SingleOrDefaultAsync(p => p.Id == programmeId, cancellationToken);
        if (programme is null)
        {
            return null;
        }
        var rule = CompletionRule.Of(programme);
        var cohortOf = await db.Participants.Where(p => p.ProgrammeId == programmeId).Select(p => new { p.PersonId, p.CohortId })
            .ToDictionaryAsync(p => p.PersonId, p => p.CohortId, cancellationToken);
        var counts = await CountsAsync(db, programmeId, null, cancellationToken);
        // The same people as the participants, seats and counts above, chosen in the database and read with their agency
        // in one query: a large programme's thousands of ids sent back as parameters took longer than all the rest.
        var sessions = db.LearningSessions.Where(s => s.ProgrammeId == programmeId && s.CancelledAt == null).Select(s => s.Id);
        var recordings = db.Recordings.Where(r => r.ProgrammeId == programmeId).Select(r => r.Id);
        var population = db.Participants.Where(p => p.ProgrammeId == programmeId).Select(p => p.PersonId)
            .Union(db.Registrations.Where(r => sessions.Contains(r.SessionId) && r.Status == RegistrationStatus.Registered).Select(r => r.PersonId))
            .Union(db.Attendance.Where(a => sessions.Contains(a.SessionId) && a.PersonId != null).Select(a => a.PersonId!.Value))
            .Union(db.RecordingViews.Where(v => recordings.Contains(v.RecordingId)).Select(v => v.PersonId));
        var agencyOf = await Directory.AgencyOfAsync(population, cancellationToken);
        var done = agencyOf.Keys.ToDictionary(id => id, id =>
        {
            var (attended, watched) = counts.GetValueOrDefault(id);
            return rule.Meets(attended, watched);
        });

        var cohortNames = await db.Cohorts.AsNoTracking().Where(c => c.ProgrammeId == programmeId).ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
        var agencyIds = agencyOf.Values.OfType<int>().Distinct().ToList();
        var agencyNames = await Directory.AgencyNamesAsync(agencyIds, cancellationToken);

        // Group 0 is "no cohort" and "no agency": ids in the database start at 1.
        var (cohorts, total) = Groups(done, id => cohortOf.GetValueOrDefault(id) ?? 0,
            key => key == 0 ? LearningText.Get("NoCohortGroup") : cohortNames.GetValueOrDefault(key, "?"));
        var (agencies, _) = Groups(done, id => agencyOf[id] ?? 0,
            key => key == 0 ? LearningText.Get("NoAgencyGroup") : agencyNames.GetValueOrDefault(key, "?"));
        return new CompletionSummary(rule,
            [.. cohorts.OrderBy(g => g.Id is null ? 1 : 0).ThenBy(g => g.Name, OrganisationQueries.NorwegianOrder)],
            [.. agencies.OrderBy(g => g.Id is null ? 1 : 0).ThenBy(g => g.Name, OrganisationQueries.NorwegianOrder)],
            total, suppression.MinimumGroupSize);
    }

    private (List<CompletionGroup> Groups, CompletionGroup Total) Groups(Dictionary<int, bool> done, Func<int, int> groupOf, Func<int, string> nameOf)
    {
        var totalName = LearningText.Get("Total");
        if (done.Count == 0)
        {
            return ([], new CompletionGroup(null, totalName, 0, 0, null));
        }
        var cells = done.GroupBy(d => (Group: groupOf(d.Key), Completed: d.Value))
            .Select(g => new PeopleCount<int, bool>(g.Key.Group, g.Key.Completed, g.Count())).ToList();
        // Both columns in every row, so each row's "completed" has its complement beside it (a missing cell counts as zero).
        foreach (var group in cells.Select(c => c.Row).Distinct().ToList())
        {
            foreach (var completed in new[] { true, false })
            {
                if (!cells.Any(c => c.Row == group && c.Column == completed))
                {
                    cells.Add(new PeopleCount<int, bool>(group, completed, 0));
                }
            }
        }
        var table = SmallGroupSuppression.Table(cells, PublishedTotals.All, suppression);
        var groups = new List<CompletionGroup>();
        foreach (var group in table.Rows)
        {
            var size = cells.Where(c => c.Row == group).Sum(c => c.People);
            var completed = cells.Single(c => c.Row == group && c.Column).People;
            groups.Add(Group(group == 0 ? null : group, nameOf(group), table.IsRowTotalSuppressed(group) ? null : size, table.IsSuppressed(group, true) ? null : completed));
        }
        var all = done.Count;
        var allCompleted = done.Count(d => d.Value);
        var total = Group(null, totalName, table.IsGrandTotalSuppressed ? null : all, table.IsColumnTotalSuppressed(true) ? null : allCompleted);
        return (groups, total);
    }

    private static CompletionGroup Group(int? id, string name, int? people, int? completed) =>
        new(id, name, people, completed, people is > 0 && completed is { } c ? (double)c / people.Value : null);
}
