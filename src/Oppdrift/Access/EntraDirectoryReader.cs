using Azure.Identity;
using Microsoft.Graph;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Users.Delta;
using Microsoft.Kiota.Abstractions;
using Oppdrift.Shared;

namespace Oppdrift.Access;

/// <summary>What a round of the users delta query says about one user.</summary>
public enum DirectoryUserState
{
    /// <summary>Listed, but without <c>accountEnabled</c>: nothing to conclude.</summary>
    Listed,

    /// <summary><c>accountEnabled</c> is true.</summary>
    Enabled,

    /// <summary><c>accountEnabled</c> is false.</summary>
    Disabled,

    /// <summary>Listed with <c>@removed</c>: deleted (restorable for 30 days, or for good).</summary>
    Removed,
}

/// <summary>
/// One complete round of the users delta query: each user listed, by object id (the last entry wins when Graph lists a
/// user twice), and the delta link for the next round. A <see cref="Full"/> round lists every user in the tenant, so a
/// linked object id it does not list is gone.
/// </summary>
public sealed record EntraDirectoryDelta(IReadOnlyDictionary<string, DirectoryUserState> Users, string DeltaLink, bool Full, int Pages, bool Resynced);

/// <summary>
/// Reads the users that changed in the home tenant since the last round, with the Microsoft Graph SDK and app credentials
/// (application permission User.Read.All): <c>GET /users/delta?$select=id,accountEnabled</c>, then each
/// <c>@odata.nextLink</c> until an <c>@odata.deltaLink</c>, which the next round starts from. When Graph no longer knows
/// the delta link (410 Gone, or 400 <c>syncStateNotFound</c> once it is older than seven days) the round starts over
/// as a full one.
/// </summary>
public sealed class EntraDirectoryReader : IDisposable
{
    private static readonly string[] Selected = ["id", "accountEnabled"];

    private readonly GraphServiceClient client;

    public EntraDirectoryReader(GraphServiceClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        this.client = client;
    }

    /// <summary>A reader signed in as the configured app; <paramref name="transport"/> replaces the network (tests, a proxy).</summary>
    public static EntraDirectoryReader Create(EntraSettings settings, HttpMessageHandler? transport = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new EntraDirectoryReader(GraphAppClient.Create(settings.GraphApp(), transport));
    }

    /// <summary>
    /// The changes since <paramref name="deltaLink"/> (every user when it is null), or a message for a person when Graph
    /// refuses or cannot be reached. Cancellation throws.
    /// </summary>
    public async Task<Result<EntraDirectoryDelta>> ReadAsync(string? deltaLink, CancellationToken cancellationToken)
    {
        const string Name = "users/delta";
        try
        {
            try
            {
                return Result<EntraDirectoryDelta>.Ok(await RoundAsync(deltaLink, resynced: false, cancellationToken));
            }
            catch (ODataError error) when (deltaLink is not null && AsksForResync(error))
            {
                return Result<EntraDirectoryDelta>.Ok(await RoundAsync(null, resynced: true, cancellationToken));
            }
        }
        catch (ODataError error) when (error.ResponseStatusCode == 403)
        {
            return Result<EntraDirectoryDelta>.Fail(Name, AccessText.Get("DirectoryPollForbidden", Describe(error)));
        }
        catch (ApiException error)
        {
            return Result<EntraDirectoryDelta>.Fail(Name, AccessText.Get("DirectoryPollFailed", error.ResponseStatusCode, Describe(error)));
        }
        catch (AggregateException error) when (error.InnerExceptions.Count > 0 && error.InnerExceptions.All(e => e is ApiException))
        {
            // The retry handler gives up with an AggregateException of the throttled answers.
            var last = (ApiException)error.InnerExceptions[^1];
            return Result<EntraDirectoryDelta>.Fail(Name, AccessText.Get("DirectoryPollThrottled", error.InnerExceptions.Count - 1, last.ResponseStatusCode));
        }
        catch (AuthenticationFailedException error)
        {
            return Result<EntraDirectoryDelta>.Fail(Name, AccessText.Get("DirectoryPollSignInFailed", GraphAppClient.FirstLine(error.Message)));
        }
        catch (HttpRequestException error) when (!cancellationToken.IsCancellationRequested)
        {
            return Result<EntraDirectoryDelta>.Fail(Name, AccessText.Get("DirectoryPollUnreachable", error.Message));
        }
        catch (InvalidDataException error)
        {
            return Result<EntraDirectoryDelta>.Fail(Name, error.Message);
        }
    }

    /// <summary>410 Gone, or the 400 Graph answers for a delta link past its lifetime: start over with a full round.</summary>
    public static bool AsksForResync(ODataError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.ResponseStatusCode == 410
            || (error.ResponseStatusCode == 400 && error.Error?.Code is { } code
                && (code.Equals("syncStateNotFound", StringComparison.OrdinalIgnoreCase) || code.Equals("resyncRequired", StringComparison.OrdinalIgnoreCase)));
    }

    private async Task<EntraDirectoryDelta> RoundAsync(string? deltaLink, bool resynced, CancellationToken cancellationToken)
    {
        var users = new Dictionary<string, DirectoryUserState>(StringComparer.Ordinal);
        var page = deltaLink is null
            ? await client.Users.Delta.GetAsDeltaGetResponseAsync(c => c.QueryParameters.Select = Selected, cancellationToken)
            : await client.Users.Delta.WithUrl(deltaLink).GetAsDeltaGetResponseAsync(cancellationToken: cancellationToken);
        var pages = 1;
        while (true)
        {
            Read(page, users);
            if (page?.OdataNextLink is { Length: > 0 } next)
            {
                page = await client.Users.Delta.WithUrl(next).GetAsDeltaGetResponseAsync(cancellationToken: cancellationToken);
                pages++;
                continue;
            }
            if (page?.OdataDeltaLink is { Length: > 0 } delta)
            {
                return new EntraDirectoryDelta(users, delta, deltaLink is null, pages, resynced);
            }
            throw new InvalidDataException(AccessText.Get("DirectoryPollNoLink", pages));
        }
    }

    private static void Read(DeltaGetResponse? page, Dictionary<string, DirectoryUserState> users)
    {
        foreach (var user in page?.Value ?? [])
        {
            if (EntraSettings.Identifier(user.Id) is not { } objectId)
            {
                continue;
            }
            users[objectId] = user.AdditionalData.ContainsKey("@removed") ? DirectoryUserState.Removed
                : user.AccountEnabled switch
                {
                    true => DirectoryUserState.Enabled,
                    false => DirectoryUserState.Disabled,
                    null => users.GetValueOrDefault(objectId, DirectoryUserState.Listed),
                };
        }
    }

    private static string Describe(ApiException error) => error is ODataError { Error: { } main }
        ? $"{main.Code}: {main.Message}"
        : GraphAppClient.FirstLine(error.Message);

    public void Dispose() => client.Dispose();
}
