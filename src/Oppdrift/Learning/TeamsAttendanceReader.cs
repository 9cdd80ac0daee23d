using System.Globalization;
using Azure.Identity;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;
using Oppdrift.Shared;

namespace Oppdrift.Learning;

/// <summary>One attendance report of an online meeting: Teams makes one each time the meeting ends.</summary>
public sealed record TeamsAttendanceReport(string Id, DateTime? StartsAt, DateTime? EndsAt, IReadOnlyList<AttendanceParticipant> Participants);

/// <summary>The reports of a meeting that fall in a session's time, with the meeting's subject.</summary>
public sealed record TeamsMeetingAttendance(string MeetingId, string? Subject, IReadOnlyList<TeamsAttendanceReport> Reports);

/// <summary>
/// Reads a Teams meeting's attendance through Microsoft Graph with application permissions: finds the online meeting by
/// its join link under its organiser, lists its attendance reports, and reads each report's records page by page.
/// Graph lists only the 50 most recent reports of a meeting and keeps reports for one year; both limits come back as a
/// message for a person, never as a silent gap.
/// </summary>
public sealed class TeamsAttendanceReader : IDisposable
{
    /// <summary>How many reports Graph lists for a meeting at most: the most recent ones.</summary>
    public const int MostRecentReports = 50;

    /// <summary>How long Teams keeps an attendance report after the meeting.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(365);

    /// <summary>How far a report may start before or end after the session's own times and still be the session's.</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromHours(1);

    private readonly GraphServiceClient client;

    public TeamsAttendanceReader(GraphServiceClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        this.client = client;
    }

    /// <summary>A reader signed in as <paramref name="app"/>; <paramref name="transport"/> replaces the network (a proxy, tests).</summary>
    public static TeamsAttendanceReader Create(GraphApp app, HttpMessageHandler? transport = null) => new(GraphAppClient.Create(app, transport));

    /// <summary>
    /// The attendance of the meeting behind <paramref name="link"/> in the reports that overlap <paramref name="from"/> to
    /// <paramref name="to"/> (UTC, widened by <see cref="Slack"/>): a series of weekly sessions shares one link, and a
    /// restarted meeting leaves several reports for one session. A message for a person when there are none or Graph refuses.
    /// </summary>
    public async Task<Result<TeamsMeetingAttendance>> ReadAsync(TeamsMeetingLink link, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        const string name = "teams";
        try
        {
            var meetings = client.Users[link.OrganizerId].OnlineMeetings;
            var found = await meetings.GetAsync(r => r.QueryParameters.Filter = $"JoinWebUrl eq '{link.JoinUrl.Replace("'", "''", StringComparison.Ordinal)}'",
                cancellationToken);
            var meeting = found?.Value?.FirstOrDefault(m => m.Id is not null);
            if (meeting is null)
            {
                return Result<TeamsMeetingAttendance>.Fail(name, LearningText.Get("TeamsMeetingNotFound", link.OrganizerId));
            }
            var reports = new List<MeetingAttendanceReport>();
            var page = await meetings[meeting.Id].AttendanceReports.GetAsync(cancellationToken: cancellationToken);
            for (var pages = 0; page is not null && pages < 100; pages++)
            {
                reports.AddRange(page.Value ?? []);
                page = page.OdataNextLink is { } next
                    ? await meetings[meeting.Id].AttendanceReports.WithUrl(next).GetAsync(cancellationToken: cancellationToken)
                    : null;
            }
            var start = from - Slack;
            var end = to + Slack;
            var inWindow = reports.Where(r => r.Id is not null && r.MeetingStartDateTime is { } s && s.UtcDateTime < end
                && (r.MeetingEndDateTime ?? s).UtcDateTime > start).OrderBy(r => r.MeetingStartDateTime).ToList();
            if (inWindow.Count == 0)
            {
                var oldest = reports.Where(r => r.MeetingStartDateTime is not null).Select(r => r.MeetingStartDateTime!.Value.UtcDateTime).DefaultIfEmpty().Min();
                return reports.Count >= MostRecentReports && oldest >= end
                    ? Result<TeamsMeetingAttendance>.Fail(name, LearningText.Get("TeamsBeyondRecent", MostRecentReports, LearningFormat.Date(oldest)))
                    : Result<TeamsMeetingAttendance>.Fail(name, LearningText.Get("TeamsNoReport", LearningFormat.Date(from), LearningFormat.Date(to)));
            }
            var read = new List<TeamsAttendanceReport>();
            foreach (var report in inWindow)
            {
                var records = meetings[meeting.Id].AttendanceReports[report.Id].AttendanceRecords;
                var participants = new List<AttendanceParticipant>();
                var recordPage = await records.GetAsync(cancellationToken: cancellationToken);
                for (var pages = 0; recordPage is not null && pages < 10_000; pages++)
                {
                    participants.AddRange((recordPage.Value ?? []).Select((r, i) => Participant(r, participants.Count + i + 1)));
                    recordPage = recordPage.OdataNextLink is { } next ? await records.WithUrl(next).GetAsync(cancellationToken: cancellationToken) : null;
                }
                read.Add(new TeamsAttendanceReport(report.Id!, Seconds(report.MeetingStartDateTime), Seconds(report.MeetingEndDateTime), participants));
            }
            return Result<TeamsMeetingAttendance>.Ok(new TeamsMeetingAttendance(meeting.Id!, meeting.Subject, read));
        }
        catch (ODataError error) when (error.ResponseStatusCode == 403)
        {
            return Result<TeamsMeetingAttendance>.Fail(name, LearningText.Get("TeamsForbidden", link.OrganizerId, Describe(error)));
        }
        catch (ODataError error) when (error.ResponseStatusCode == 404)
        {
            return Result<TeamsMeetingAttendance>.Fail(name, LearningText.Get("TeamsGone", Describe(error)));
        }
        catch (ApiException error)
        {
            return Result<TeamsMeetingAttendance>.Fail(name, LearningText.Get("TeamsGraphFailed", error.ResponseStatusCode, Describe(error)));
        }
        catch (AggregateException error) when (error.InnerExceptions.Count > 0 && error.InnerExceptions.All(e => e is ApiException))
        {
            // The retry handler gives up with an AggregateException of the throttled answers.
            var last = (ApiException)error.InnerExceptions[^1];
            return Result<TeamsMeetingAttendance>.Fail(name, LearningText.Get("TeamsThrottled", error.InnerExceptions.Count - 1, last.ResponseStatusCode));
        }
        catch (AuthenticationFailedException error)
        {
            return Result<TeamsMeetingAttendance>.Fail(name, LearningText.Get("TeamsSignInFailed", GraphAppClient.FirstLine(error.Message)));
        }
        catch (HttpRequestException error) when (!cancellationToken.IsCancellationRequested)
        {
            return Result<TeamsMeetingAttendance>.Fail(name, LearningText.Get("TeamsUnreachable", error.Message));
        }
    }

    private static AttendanceParticipant Participant(AttendanceRecord record, int number)
    {
        var email = string.IsNullOrWhiteSpace(record.EmailAddress) ? null : record.EmailAddress.Trim();
        var intervals = record.AttendanceIntervals ?? [];
        return new AttendanceParticipant
        {
            Line = number,
            Name = record.Identity?.DisplayName is { Length: > 0 } shown ? shown : email ?? record.Identity?.Id ?? "?",
            Email = email,
            Role = record.Role,
            FirstJoin = intervals.Select(i => Seconds(i.JoinDateTime)).Where(t => t is not null).Min(),
            LastLeave = intervals.Select(i => Seconds(i.LeaveDateTime)).Where(t => t is not null).Max(),
            Duration = TimeSpan.FromSeconds(Math.Max(0, record.TotalAttendanceInSeconds ?? intervals.Sum(i => i.DurationInSeconds ?? 0))),
        };
    }

    // Whole seconds in UTC, as the report files have them, so the same attendance compares equal on every database.
    private static DateTime? Seconds(DateTimeOffset? time) => time is { } t
        ? new DateTime(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerSecond), DateTimeKind.Utc)
        : null;

    private static string Describe(ApiException error) => error is ODataError { Error: { } main }
        ? $"{main.Code}: {main.Message}"
        : GraphAppClient.FirstLine(error.Message);

    /// <summary>The name an import from Graph carries, where a file import carries the file's name.</summary>
    public static string SourceName(int reports) => reports == 1
        ? "Microsoft Teams"
        : string.Create(CultureInfo.InvariantCulture, $"Microsoft Teams ({reports})");

    public void Dispose() => client.Dispose();
}
