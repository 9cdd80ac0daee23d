// A small round-robin reverse proxy in front of several Oppdrift web nodes, for trying a cluster on one machine
// (scripts/cluster.sh) and for the two-node test. No sticky sessions: every request may land on any node. A node is
// taken out while GET /health/ready fails and put back once it answers again, as a production load balancer does.
using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace Oppdrift.Proxy;

/// <summary>
/// One web node as the proxy sees it: its name, its address, whether it has been checked yet, whether it is in (an
/// unchecked node is), and how many answers it gave.
/// </summary>
public sealed record ProxiedNode(string Name, string Address, bool Checked, bool Healthy, long Served);

public static class ClusterProxy
{
    /// <summary>The response header naming the node that answered (<c>node1</c>, <c>node2</c>, …).</summary>
    public const string NodeHeader = "X-Oppdrift-Node";

    /// <summary>The proxy's own page: each node with its health and the answers it gave, as JSON.</summary>
    public const string StatusPath = "/_proxy/nodes";

    private const string ClusterId = "nodes";

    /// <summary>
    /// Builds the proxy listening on <paramref name="listen"/> (port 0 for any free one) in front of
    /// <paramref name="nodes"/>, named <c>node1</c>, <c>node2</c>, … in their order, each checked every
    /// <paramref name="healthEvery"/>.
    /// </summary>
    public static WebApplication Build(Uri listen, IReadOnlyList<Uri> nodes, TimeSpan healthEvery)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(nodes);
        if (nodes.Count == 0)
        {
            throw new ArgumentException("The proxy needs at least one node.", nameof(nodes));
        }
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(listen.ToString());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // A killed node is expected here; its failed requests are counted, not logged one by one.
        builder.Logging.AddFilter("Yarp.ReverseProxy.Forwarder", LogLevel.Error);
        var destinations = nodes
            .Select((node, i) => (Name: string.Create(CultureInfo.InvariantCulture, $"node{i + 1}"), Address: node))
            .ToDictionary(n => n.Name, n => new DestinationConfig { Address = n.Address.ToString() });
        var route = new RouteConfig
        {
            RouteId = "all",
            ClusterId = ClusterId,
            Match = new RouteMatch { Path = "{**rest}" },
            // The nodes see the address the user asked for, as behind nginx's `proxy_set_header Host $host`, so that the
            // redirects they answer with lead back through the proxy and not to one node.
            Transforms = [new Dictionary<string, string> { ["RequestHeaderOriginalHost"] = "true" }],
        };
        var cluster = new ClusterConfig
        {
            ClusterId = ClusterId,
            LoadBalancingPolicy = InTurn.Name,
            Destinations = destinations,
            HealthCheck = new HealthCheckConfig
            {
                Active = new ActiveHealthCheckConfig
                {
                    Enabled = true,
                    Interval = healthEvery,
                    // A stopped node refuses at once; a busy one may take a while to answer and is still in.
                    Timeout = TimeSpan.FromSeconds(15),
                    Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                    Path = "/health/ready",
                },
            },
            Metadata = new Dictionary<string, string>
            {
                // One failed check takes a node out: a node that stops answering is gone, not slow.
                ["ConsecutiveFailuresHealthPolicy.Threshold"] = "1",
            },
        };
        builder.Services.AddReverseProxy().LoadFromMemory([route], [cluster]);
        builder.Services.AddSingleton<ILoadBalancingPolicy, InTurn>();
        var served = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var app = builder.Build();
        app.MapGet(StatusPath, (IProxyStateLookup state) =>
        {
            var nodesNow = state.TryGetCluster(ClusterId, out var c)
                ? c.Destinations.Values
                    .OrderBy(d => d.DestinationId, StringComparer.Ordinal)
                    .Select(d => new ProxiedNode(d.DestinationId, d.Model.Config.Address, d.Health.Active != DestinationHealth.Unknown,
                        d.Health.Active != DestinationHealth.Unhealthy, served.GetValueOrDefault(d.DestinationId)))
                    .ToList()
                : [];
            return TypedResults.Ok(nodesNow);
        });
        app.MapReverseProxy(pipeline => pipeline.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                if (context.GetReverseProxyFeature().ProxiedDestination is { } destination)
                {
                    context.Response.Headers[NodeHeader] = destination.DestinationId;
                }
                return Task.CompletedTask;
            });
            await next();
            if (context.GetReverseProxyFeature().ProxiedDestination is { } answered && context.GetForwarderErrorFeature() is null)
            {
                served.AddOrUpdate(answered.DestinationId, 1, (_, n) => n + 1);
            }
        }));
        return app;
    }
}

/// <summary>
/// Round robin over the nodes that are in, taken in the order of their names, so that consecutive requests land on
/// different nodes whatever order the proxy keeps them in.
/// </summary>
internal sealed class InTurn : ILoadBalancingPolicy
{
    public const string Name = "InTurn";

    private long _next = -1;

    string ILoadBalancingPolicy.Name => Name;

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations)
    {
        if (availableDestinations.Count == 0)
        {
            return null;
        }
        var ordered = availableDestinations.OrderBy(d => d.DestinationId, StringComparer.Ordinal).ToList();
        return ordered[(int)((ulong)Interlocked.Increment(ref _next) % (ulong)ordered.Count)];
    }
}
