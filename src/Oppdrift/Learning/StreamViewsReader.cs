using System.Text;
using Azure.Identity;
using Microsoft.Graph;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;
using Oppdrift.Shared;

namespace Oppdrift.Learning;

/// <summary>A video's views in Stream as Graph counts them over the file's lifetime: views, and distinct viewers when Graph gives them.</summary>
public sealed record StreamViews(string DriveId, string ItemId, int Views, int? Viewers);

/// <summary>
/// Reads how often a recording's video was viewed in Stream through Microsoft Graph with application permissions. Stream keeps
/// its videos as files in SharePoint and OneDrive, so the file is found from its address with the shares API
/// (<c>GET /shares/{encoded url}/driveItem</c>) and its analytics read (<c>GET /drives/{drive}/items/{item}/analytics/allTime</c>):
/// <c>access.actionCount</c> is the views, <c>access.actorCount</c> the distinct viewers.
/// </summary>
public sealed class StreamViewsReader : IDisposable
{
    private readonly GraphServiceClient client;

    public StreamViewsReader(GraphServiceClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        this.client = client;
    }

    public static StreamViewsReader Create(GraphApp app, HttpMessageHandler? transport = null) => new(GraphAppClient.Create(app, transport));

    /// <summary>
    /// Whether Graph can find the file behind the address: an https address in SharePoint or OneDrive for Business, where
    /// Stream keeps its videos. Classic Stream (microsoftstream.com) and other sites are not files Graph can read.
    /// </summary>
    public static bool IsStreamFile(string? url) =>
        Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
        && (uri.Host.EndsWith(".sharepoint.com", StringComparison.OrdinalIgnoreCase)
            || uri.Host.EndsWith(".sharepoint.us", StringComparison.OrdinalIgnoreCase)
            || uri.Host.EndsWith(".sharepoint.cn", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The address as the shares API takes it: "u!" and the address's UTF-8 bytes in base64url without padding, as Microsoft
    /// Learn's "Access shared items" describes.
    /// </summary>
    public static string ShareId(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(url.Trim()));
        return "u!" + base64.TrimEnd('=').Replace('/', '_').Replace('+', '-');
    }

    public async Task<Result<StreamViews>> ReadAsync(string url, CancellationToken cancellationToken)
    {
        const string name = "stream";
        if (!IsStreamFile(url))
        {
            return Result<StreamViews>.Fail(name, LearningText.Get("StreamViewsNotStreamFile"));
        }
        try
        {
            var item = await client.Shares[ShareId(url)].DriveItem.GetAsync(cancellationToken: cancellationToken);
            if (item?.Id is not { } itemId || item.ParentReference?.DriveId is not { } driveId)
            {
                return Result<StreamViews>.Fail(name, LearningText.Get("StreamViewsFileNotFound", "driveItem"));
            }
            var stat = await client.Drives[driveId].Items[itemId].Analytics.AllTime.GetAsync(cancellationToken: cancellationToken);
            // A file nobody has opened has no access figures: that is zero views, not an unknown.
            var views = stat?.Access?.ActionCount ?? 0;
            return Result<StreamViews>.Ok(new StreamViews(driveId, itemId, views, stat?.Access?.ActorCount));
        }
        catch (ODataError error) when (error.ResponseStatusCode == 403)
        {
            return Result<StreamViews>.Fail(name, LearningText.Get("StreamViewsForbidden", Describe(error)));
        }
        catch (ODataError error) when (error.ResponseStatusCode == 404)
        {
            return Result<StreamViews>.Fail(name, LearningText.Get("StreamViewsFileNotFound", Describe(error)));
        }
        catch (ApiException error)
        {
            return Result<StreamViews>.Fail(name, LearningText.Get("TeamsGraphFailed", error.ResponseStatusCode, Describe(error)));
        }
        catch (AggregateException error) when (error.InnerExceptions.Count > 0 && error.InnerExceptions.All(e => e is ApiException))
        {
            var last = (ApiException)error.InnerExceptions[^1];
            return Result<StreamViews>.Fail(name, LearningText.Get("TeamsThrottled", error.InnerExceptions.Count - 1, last.ResponseStatusCode));
        }
        catch (AuthenticationFailedException error)
        {
            return Result<StreamViews>.Fail(name, LearningText.Get("TeamsSignInFailed", GraphAppClient.FirstLine(error.Message)));
        }
        catch (HttpRequestException error) when (!cancellationToken.IsCancellationRequested)
        {
            return Result<StreamViews>.Fail(name, LearningText.Get("TeamsUnreachable", error.Message));
        }
    }

    private static string Describe(ApiException error) => error is ODataError { Error: { } main }
        ? $"{main.Code}: {main.Message}"
        : GraphAppClient.FirstLine(error.Message);

    public void Dispose() => client.Dispose();
}
