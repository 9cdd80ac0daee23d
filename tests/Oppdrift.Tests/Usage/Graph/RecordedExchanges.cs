using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Usage.Graph;

namespace Oppdrift.Tests.Usage.Graph;

/// <summary>A request as it reached the network, after the SDK's middleware.</summary>
public sealed record SentRequest(string Method, Uri Url, string? Authorization, IReadOnlyDictionary<string, string> Headers, string? Body);

/// <summary>
/// The network for the Graph tests: answers each request with the next exchange recorded in
/// testdata/usage/graph (or another folder, see <see cref="In"/>), in order, and keeps what was sent. A request that differs from the recording gets a 599
/// that names both, so a wrong URL fails the test instead of hanging or reaching out.
/// </summary>
public sealed class RecordedExchanges : HttpMessageHandler
{
    private sealed record Exchange(string Folder, string File, string Method, string Url, int Status, Dictionary<string, string> Headers, string? BodyFile, bool Optional);

    private static readonly string UsageFolder = TestFiles.Path("usage", "graph");

    // Exchanges a client makes at most once per process (MSAL's instance discovery), answered whenever asked.
    private static readonly Exchange[] Optional = [Load(UsageFolder, "instance-discovery.json")];

    private readonly ConcurrentQueue<Exchange> expected;
    private readonly ConcurrentQueue<SentRequest> sent = new();
    private readonly ConcurrentQueue<string> mismatches = new();

    public RecordedExchanges(params string[] files)
        : this(UsageFolder, files)
    {
    }

    private RecordedExchanges(string folder, string[] files)
    {
        expected = new ConcurrentQueue<Exchange>(files.Select(f => Load(folder, f)));
    }

    /// <summary>The exchanges recorded in another folder under testdata, e.g. <c>In(["access", "graph"], "token.json")</c>.</summary>
    public static RecordedExchanges In(string[] folder, params string[] files) => new(TestFiles.Path(folder), files);

    public const string TenantId = "5b3c8a1e-7d42-4f0e-9c61-2a8e4f1d9b07";

    public static UsageGraphOptions Options() => new()
    {
        Enabled = true,
        TenantId = TenantId,
        ClientId = "0f1e2d3c-4b5a-4697-8877-a1b2c3d4e5f6",
        ClientSecret = "not-a-real-secret",
    };

    public IReadOnlyList<SentRequest> Sent => [.. sent];

    public IReadOnlyList<string> Mismatches => [.. mismatches];

    public int Unused => expected.Count;

    /// <summary>The CSV a recorded download returns, as bytes on disk.</summary>
    public static byte[] BodyOf(string file) => File.ReadAllBytes(BodyPath(Load(UsageFolder, file)));

    private static string BodyPath(Exchange exchange) => Path.GetFullPath(Path.Combine(exchange.Folder, exchange.BodyFile!));

    private static Exchange Load(string folder, string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, file)));
        var request = json.RootElement.GetProperty("request");
        var response = json.RootElement.GetProperty("response");
        var headers = response.TryGetProperty("headers", out var h)
            ? h.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!)
            : [];
        var body = response.TryGetProperty("bodyFile", out var b) ? b.GetString() : null;
        var optional = json.RootElement.TryGetProperty("optional", out var o) && o.GetBoolean();
        return new Exchange(folder, file, request.GetProperty("method").GetString()!, request.GetProperty("url").GetString()!,
            response.GetProperty("status").GetInt32(), headers, body, optional);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        sent.Enqueue(new SentRequest(request.Method.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), headers, body));

        var url = Uri.UnescapeDataString(request.RequestUri!.AbsoluteUri);
        var exchange = Array.Find(Optional, e => e.Method == request.Method.Method && e.Url == url);
        if (exchange is null && !expected.TryDequeue(out exchange))
        {
            return Mismatch($"no recorded exchange left for {request.Method} {url}");
        }
        if (exchange.Method != request.Method.Method || exchange.Url != url)
        {
            return Mismatch($"{exchange.File} records {exchange.Method} {exchange.Url}, but {request.Method} {url} was sent");
        }

        var response = new HttpResponseMessage((HttpStatusCode)exchange.Status)
        {
            RequestMessage = request,
            Content = exchange.BodyFile is null ? new ByteArrayContent([]) : new ByteArrayContent(await File.ReadAllBytesAsync(BodyPath(exchange), cancellationToken)),
        };
        foreach (var (name, value) in exchange.Headers)
        {
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                response.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
        return response;
    }

    private HttpResponseMessage Mismatch(string message)
    {
        mismatches.Enqueue(message);
        return new HttpResponseMessage((HttpStatusCode)599) { Content = new StringContent(message) };
    }
}
