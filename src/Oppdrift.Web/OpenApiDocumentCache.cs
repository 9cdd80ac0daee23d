using Microsoft.AspNetCore.OutputCaching;

namespace Oppdrift.Web;

/// <summary>
/// The OpenAPI document describes the endpoints, which change only with a new build, and is the same for every reader:
/// it is written once per document name and host and then served from memory, signed in or not (output caching's
/// default policy would store nothing for a signed-in reader). Writing it walks every endpoint, some 100 ms a request.
/// </summary>
public sealed class OpenApiDocumentCache : IOutputCachePolicy
{
    public const string Name = "OpenApiDocument";

    public ValueTask CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(context);
        var get = HttpMethods.IsGet(context.HttpContext.Request.Method) || HttpMethods.IsHead(context.HttpContext.Request.Method);
        context.EnableOutputCaching = true;
        context.AllowCacheLookup = get;
        context.AllowCacheStorage = get;
        context.AllowLocking = true;
        context.ResponseExpirationTimeSpan = TimeSpan.FromDays(1);
        // The query string changes nothing in the document: one entry per path and host, whatever is appended.
        context.CacheVaryByRules.QueryKeys = default;
        return ValueTask.CompletedTask;
    }

    public ValueTask ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    public ValueTask ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Only a written document is kept, never an error or a response that sets a cookie.
        if (context.HttpContext.Response.StatusCode != StatusCodes.Status200OK || context.HttpContext.Response.Headers.SetCookie.Count > 0)
        {
            context.AllowCacheStorage = false;
        }
        return ValueTask.CompletedTask;
    }
}
