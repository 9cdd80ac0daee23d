// oppdrift-proxy --listen http://127.0.0.1:8080 --node http://127.0.0.1:5081 --node http://127.0.0.1:5082 [--health-every 2]
using System.Globalization;
using Oppdrift.Proxy;

Uri? listen = null;
var nodes = new List<Uri>();
var healthEvery = TimeSpan.FromSeconds(2);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--listen":
            listen = new Uri(args[i + 1]);
            break;
        case "--node":
            nodes.Add(new Uri(args[i + 1]));
            break;
        case "--health-every":
            healthEvery = TimeSpan.FromSeconds(double.Parse(args[i + 1], CultureInfo.InvariantCulture));
            break;
        default:
            await Console.Error.WriteLineAsync($"Unknown option {args[i]}");
            return 2;
    }
}
if (listen is null || nodes.Count == 0)
{
    await Console.Error.WriteLineAsync("Usage: Oppdrift.Proxy --listen http://127.0.0.1:8080 --node http://127.0.0.1:5081 --node http://127.0.0.1:5082 [--health-every seconds]");
    return 2;
}
await using var app = ClusterProxy.Build(listen, nodes, healthEvery);
await app.RunAsync();
return 0;
