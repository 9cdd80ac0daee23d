using System.Text;
using Azure.Identity;
using Microsoft.Graph;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;
using Oppdrift.Shared;

namespace Oppdrift.Learning;

/// <summary>A session's transcript from Teams, and when Graph says the meeting's recording was made (null when it does not say).</summary>
public sealed record TeamsTranscript(string MeetingId, string TranscriptId, string Vtt, DateTime? RecordingCreatedAt);

/// <summary>
/// Reads the transcript of a Teams meeting through Microsoft Graph with application permissions: finds the online meeting
/// by its join link under its organiser (as <see cref="TeamsAttendanceReader"/> does), lists its transcripts
/// (<c>GET /users/{userId}/onlineMeetings/{meetingId}/transcripts</c>), takes the one made during the session and reads its
/// content as WebVTT (<c>/transcripts/{id}/content?$format=text/vtt</c>). It also lists the meeting's recordings
/// (<c>/recordings</c>) for the recording's <c>createdDateTime</c>, the one date Graph documents for it: neither
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
    /// The transcript made between <paramref name="from"/> and <paramref name="to"/> (UTC, widened by
    /// <see cref="TeamsAttendanceReader.Slack"/>): a weekly series shares one meeting, and so one list of transcripts.
    /// </summary>
    public async Task<Result<TeamsTranscript>> ReadAsync(TeamsMeetingLink link, DateTime from, DateTime to, CancellationToken cancellationToken)
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
                return Result<TeamsTranscript>.Fail(name, LearningText.Get("TeamsMeetingNotFound", link.OrganizerId));
            }
            var start = from - TeamsAttendanceReader.Slack;
            var end = to + TeamsAttendanceReader.Slack;
            var transcripts = await meetings[meeting.Id].Transcripts.GetAsync(cancellationToken: cancellationToken);
            // callTranscript.createdDateTime: when transcription started, inside the session's time.
            var transcript = (transcripts?.Value ?? []).Where(t => t.Id is not null && t.CreatedDateTime is { } c && c.UtcDateTime >= start && c.UtcDateTime <= end)
                .OrderBy(t => t.CreatedDateTime).FirstOrDefault();
            if (transcript is null)
            {
                return Result<TeamsTranscript>.Fail(name, LearningText.Get("TranscriptNotInTeams", LearningFormat.Date(from)));
            }
            var content = meetings[meeting.Id].Transcripts[transcript.Id].Content;
            var url = content.ToGetRequestInformation().URI.GetLeftPart(UriPartial.Path) + "?$format=text/vtt";
            string vtt;
            await using (var stream = await content.WithUrl(url).GetAsync(cancellationToken: cancellationToken))
            {
                if (stream is null)
                {
                    return Result<TeamsTranscript>.Fail(name, LearningText.Get("TranscriptNotInTeams", LearningFormat.Date(from)));
                }
                using var reader = new StreamReader(stream, Encoding.UTF8);
                vtt = await reader.ReadToEndAsync(cancellationToken);
            }
            return Result<TeamsTranscript>.Ok(new TeamsTranscript(meeting.Id!, transcript.Id!, vtt,
                await RecordingCreatedAsync(meetings[meeting.Id], transcript.ContentCorrelationId, start, end, cancellationToken)));
        }
        catch (ODataError error) when (error.ResponseStatusCode == 403)
        {
            return Result<TeamsTranscript>.Fail(name, LearningText.Get("TranscriptForbidden", link.OrganizerId, Describe(error)));
        }
        catch (ODataError error) when (error.ResponseStatusCode == 404)
        {
            return Result<TeamsTranscript>.Fail(name, LearningText.Get("TeamsGone", Describe(error)));
        }
        catch (ApiException error)
        {
            return Result<TeamsTranscript>.Fail(name, LearningText.Get("TeamsGraphFailed", error.ResponseStatusCode, Describe(error)));
        }
        catch (AggregateException error) when (error.InnerExceptions.Count > 0 && error.InnerExceptions.All(e => e is ApiException))
        {
            var last = (ApiException)error.InnerExceptions[^1];
            return Result<TeamsTranscript>.Fail(name, LearningText.Get("TeamsThrottled", error.InnerExceptions.Count - 1, last.ResponseStatusCode));
        }
        catch (AuthenticationFailedException error)
        {
            return Result<TeamsTranscript>.Fail(name, LearningText.Get("TeamsSignInFailed", GraphAppClient.FirstLine(error.Message)));
        }
        catch (HttpRequestException error) when (!cancellationToken.IsCancellationRequested)
        {
            return Result<TeamsTranscript>.Fail(name, LearningText.Get("TeamsUnreachable", error.Message));
        }
    }

    // callRecording.createdDateTime of the recording the transcript belongs to (same contentCorrelationId), else of the one
    // made in the session's time. A tenant that has not granted the recordings permission still gets its transcript.
    private static async Task<DateTime?> RecordingCreatedAsync(Microsoft.Graph.Users.Item.OnlineMeetings.Item.OnlineMeetingItemRequestBuilder meeting,
        string? correlation, DateTime start, DateTime end, CancellationToken cancellationToken)
    {
        try
        {
            var recordings = (await meeting.Recordings.GetAsync(cancellationToken: cancellationToken))?.Value ?? [];
            var recording = recordings.FirstOrDefault(r => correlation is not null && r.ContentCorrelationId == correlation)
                ?? recordings.Where(r => r.CreatedDateTime is { } c && c.UtcDateTime >= start && c.UtcDateTime <= end).OrderBy(r => r.CreatedDateTime).FirstOrDefault();
            // Whole seconds, as the attendance harvest keeps times, so the date compares equal on every database.
            return recording?.CreatedDateTime is { } made ? new DateTime(made.UtcTicks - (made.UtcTicks % TimeSpan.TicksPerSecond), DateTimeKind.Utc) : null;
        }
        catch (ODataError error) when (error.ResponseStatusCode is 403 or 404)
        {
            return null;
        }
    }

    private static string Describe(ApiException error) => error is ODataError { Error: { } main }
        ? $"{main.Code}: {main.Message}"
        : GraphAppClient.FirstLine(error.Message);

    public void Dispose() => client.Dispose();
}
