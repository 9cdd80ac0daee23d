using System.Text;
using Azure.Identity;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;
using Oppdrift.Shared;

namespace Oppdrift.Learning;

/// <summary>
/// One transcript Teams made during a session: transcription started at <paramref name="CreatedAt"/> (UTC) and, when Graph
/// says, stopped at <paramref name="EndedAt"/>; <paramref name="ContentCorrelationId"/> is shared with the recording it belongs to.
/// </summary>
public sealed record TeamsTranscriptPart(string Id, DateTime CreatedAt, DateTime? EndedAt, string? ContentCorrelationId, string Vtt);

/// <summary>A recording Teams made during a session: when (UTC, whole seconds) and the id its transcripts share with it.</summary>
public sealed record TeamsMeetingRecording(DateTime CreatedAt, string? ContentCorrelationId);

/// <summary>
/// What Teams holds for one session: every transcript made in its time, in the order they were started (never empty), and
/// the meeting's recordings made in its time, in the order they were made (empty when Graph lists none or may not be asked).
/// </summary>
public sealed record TeamsTranscripts(string MeetingId, IReadOnlyList<TeamsTranscriptPart> Parts, IReadOnlyList<TeamsMeetingRecording> Recordings);

/// <summary>
/// Reads the transcripts of a Teams meeting through Microsoft Graph with application permissions: finds the online meeting
/// by its join link under its organiser (as <see cref="TeamsAttendanceReader"/> does), lists its transcripts
/// (<c>GET /users/{userId}/onlineMeetings/{meetingId}/transcripts</c>, following <c>@odata.nextLink</c>), takes every one
/// made during the session (transcription stopped and started again, or a restarted recording, leaves several) and reads
/// each one's content as WebVTT (<c>/transcripts/{id}/content?$format=text/vtt</c>). It also lists the meeting's recordings
/// (<c>/recordings</c>) for their <c>createdDateTime</c>, the one date Graph documents for a recording: neither
/// callRecording nor driveItem documents an expiry date in v1.0, so the expiry is the tenant's policy counted from it.
/// </summary>
public sealed class TeamsTranscriptReader : IDisposable
{
    private readonly GraphServiceClient client;

    public TeamsTranscriptReader(GraphServiceClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        this.client = client;
    }

    public static TeamsTranscriptReader Create(GraphApp app, HttpMessageHandler? transport = null) => new(GraphAppClient.Create(app, transport));

    /// <summary>
    /// The transcripts made between <paramref name="from"/> and <paramref name="to"/> (UTC, widened by
    /// <see cref="TeamsAttendanceReader.Slack"/>): a weekly series shares one meeting, and so one list of transcripts.
    /// </summary>
    public async Task<Result<TeamsTranscripts>> ReadAsync(TeamsMeetingLink link, DateTime from, DateTime to, CancellationToken cancellationToken)
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
                return Result<TeamsTranscripts>.Fail(name, LearningText.Get("TeamsMeetingNotFound", link.OrganizerId));
            }
            var start = from - TeamsAttendanceReader.Slack;
            var end = to + TeamsAttendanceReader.Slack;
            var listed = new List<CallTranscript>();
            var page = await meetings[meeting.Id].Transcripts.GetAsync(cancellationToken: cancellationToken);
            for (var pages = 0; page is not null && pages < 100; pages++)
            {
                listed.AddRange(page.Value ?? []);
                page = page.OdataNextLink is { } next
                    ? await meetings[meeting.Id].Transcripts.WithUrl(next).GetAsync(cancellationToken: cancellationToken)
                    : null;
            }
            // callTranscript.createdDateTime: when transcription started, inside the session's time.
            var made = listed.Where(t => t.Id is not null && t.CreatedDateTime is { } c && c.UtcDateTime >= start && c.UtcDateTime <= end)
                .OrderBy(t => t.CreatedDateTime).ThenBy(t => t.Id, StringComparer.Ordinal).ToList();
            if (made.Count == 0)
            {
                return Result<TeamsTranscripts>.Fail(name, LearningText.Get("TranscriptNotInTeams", LearningFormat.Date(from)));
            }
            var parts = new List<TeamsTranscriptPart>();
            foreach (var transcript in made)
            {
                var content = meetings[meeting.Id].Transcripts[transcript.Id].Content;
                var url = content.ToGetRequestInformation().URI.GetLeftPart(UriPartial.Path) + "?$format=text/vtt";
                await using var stream = await content.WithUrl(url).GetAsync(cancellationToken: cancellationToken);
                if (stream is null)
                {
                    return Result<TeamsTranscripts>.Fail(name, LearningText.Get("TranscriptNotInTeams", LearningFormat.Date(from)));
                }
                using var reader = new StreamReader(stream, Encoding.UTF8);
                parts.Add(new TeamsTranscriptPart(transcript.Id!, transcript.CreatedDateTime!.Value.UtcDateTime, transcript.EndDateTime?.UtcDateTime,
                    transcript.ContentCorrelationId, await reader.ReadToEndAsync(cancellationToken)));
            }
            return Result<TeamsTranscripts>.Ok(new TeamsTranscripts(meeting.Id!, parts,
                await RecordingsAsync(meetings[meeting.Id], start, end, cancellationToken)));
        }
        catch (ODataError error) when (error.ResponseStatusCode == 403)
        {
            return Result<TeamsTranscripts>.Fail(name, LearningText.Get("TranscriptForbidden", link.OrganizerId, Describe(error)));
        }
        catch (ODataError error) when (error.ResponseStatusCode == 404)
        {
            return Result<TeamsTranscripts>.Fail(name, LearningText.Get("TeamsGone", Describe(error)));
        }
        catch (ApiException error)
        {
            return Result<TeamsTranscripts>.Fail(name, LearningText.Get("TeamsGraphFailed", error.ResponseStatusCode, Describe(error)));
        }
        catch (AggregateException error) when (error.InnerExceptions.Count > 0 && error.InnerExceptions.All(e => e is ApiException))
        {
            var last = (ApiException)error.InnerExceptions[^1];
            return Result<TeamsTranscripts>.Fail(name, LearningText.Get("TeamsThrottled", error.InnerExceptions.Count - 1, last.ResponseStatusCode));
        }
        catch (AuthenticationFailedException error)
        {
            return Result<TeamsTranscripts>.Fail(name, LearningText.Get("TeamsSignInFailed", GraphAppClient.FirstLine(error.Message)));
        }
        catch (HttpRequestException error) when (!cancellationToken.IsCancellationRequested)
        {
            return Result<TeamsTranscripts>.Fail(name, LearningText.Get("TeamsUnreachable", error.Message));
        }
    }

    // The recordings made in the session's time, oldest first. A tenant that has not granted the recordings permission still
    // gets its transcripts.
    private static async Task<IReadOnlyList<TeamsMeetingRecording>> RecordingsAsync(Microsoft.Graph.Users.Item.OnlineMeetings.Item.OnlineMeetingItemRequestBuilder meeting,
        DateTime start, DateTime end, CancellationToken cancellationToken)
    {
        try
        {
            var recordings = new List<CallRecording>();
            var page = await meeting.Recordings.GetAsync(cancellationToken: cancellationToken);
            for (var pages = 0; page is not null && pages < 100; pages++)
            {
                recordings.AddRange(page.Value ?? []);
                page = page.OdataNextLink is { } next ? await meeting.Recordings.WithUrl(next).GetAsync(cancellationToken: cancellationToken) : null;
            }
            return [.. recordings.Where(r => r.CreatedDateTime is { } c && c.UtcDateTime >= start && c.UtcDateTime <= end).OrderBy(r => r.CreatedDateTime)
                .Select(r => new TeamsMeetingRecording(Seconds(r.CreatedDateTime!.Value), r.ContentCorrelationId))];
        }
        catch (ODataError error) when (error.ResponseStatusCode is 403 or 404)
        {
            return [];
        }
    }

    // Whole seconds, as the attendance harvest keeps times, so the date compares equal on every database.
    private static DateTime Seconds(DateTimeOffset made) => new(made.UtcTicks - (made.UtcTicks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);

    private static string Describe(ApiException error) => error is ODataError { Error: { } main }
        ? $"{main.Code}: {main.Message}"
        : GraphAppClient.FirstLine(error.Message);

    public void Dispose() => client.Dispose();
}
