using System.Globalization;
using Azure.Identity;
using Microsoft.Graph;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Reports;
using Microsoft.Kiota.Abstractions;
using Oppdrift.Shared;

namespace Oppdrift.Usage.Graph;

/// <summary>The slice of a report to download: one day (<c>date=2026-11-25</c>) or a period (<c>period='D7'</c>).</summary>
public sealed record GraphReportRequest
{
    private GraphReportRequest(UsageReportType report, DateOnly? date, string? period)
    {
        Report = report;
        Date = date;
        Period = period;
    }

    public UsageReportType Report { get; }

    public DateOnly? Date { get; }

    public string? Period { get; }

    /// <summary>The periods the reports API accepts.</summary>
    public static IReadOnlyList<string> Periods { get; } = ["D7", "D30", "D90", "D180"];

    public static GraphReportRequest ForDate(UsageReportType report, DateOnly date)
    {
        if (!GraphReportDownloader.SupportsDate(report))
        {
            throw new ArgumentException($"{report.Name} has no date parameter; ask for a period.", nameof(report));
        }
        return new(report, date, null);
    }

    public static GraphReportRequest ForPeriod(UsageReportType report, string period)
    {
        if (!Periods.Contains(period, StringComparer.Ordinal))
        {
            throw new ArgumentException($"'{period}' is not one of {string.Join(", ", Periods)}.", nameof(period));
        }
        return new(report, null, period);
    }

    /// <summary>The Graph function call, e.g. <c>getEmailActivityUserDetail(date=2026-11-25)</c>; the name of the source.</summary>
    public override string ToString() => Date is { } date
        ? $"{Report.Name}(date={date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)})"
        : $"{Report.Name}(period='{Period}')";
}

/// <summary>
/// Downloads usage reports live from the Microsoft Graph reports API with app credentials (Reports.Read.All). Graph
/// answers 302 with a short-lived pre-authenticated download URL; the SDK's redirect handler follows it and drops the
/// bearer token because the host changes, and its retry handler waits out 429 and 503 as Retry-After asks.
/// </summary>
public sealed class GraphReportDownloader : IDisposable
{
    private delegate Task<Stream?> ByDate(ReportsRequestBuilder reports, Date date, CancellationToken cancellationToken);

    private delegate Task<Stream?> ByPeriod(ReportsRequestBuilder reports, string period, CancellationToken cancellationToken);

    private sealed record Functions(ByDate? Date, ByPeriod Period);

    // The SDK has one request builder per function; this is the only place that knows which goes with which report.
    private static readonly Dictionary<string, Functions> FunctionsByReport = new(StringComparer.OrdinalIgnoreCase)
    {
        [UsageReportCatalogue.Office365ActiveUserDetail.Name] = new(
            (r, d, ct) => r.GetOffice365ActiveUserDetailWithDate(d).GetAsync(cancellationToken: ct),
            (r, p, ct) => r.GetOffice365ActiveUserDetailWithPeriod(p).GetAsync(cancellationToken: ct)),
        [UsageReportCatalogue.EmailActivityUserDetail.Name] = new(
            (r, d, ct) => r.GetEmailActivityUserDetailWithDate(d).GetAsync(cancellationToken: ct),
            (r, p, ct) => r.GetEmailActivityUserDetailWithPeriod(p).GetAsync(cancellationToken: ct)),
        [UsageReportCatalogue.TeamsUserActivityUserDetail.Name] = new(
            (r, d, ct) => r.GetTeamsUserActivityUserDetailWithDate(d).GetAsync(cancellationToken: ct),
            (r, p, ct) => r.GetTeamsUserActivityUserDetailWithPeriod(p).GetAsync(cancellationToken: ct)),
        [UsageReportCatalogue.OneDriveActivityUserDetail.Name] = new(
            (r, d, ct) => r.GetOneDriveActivityUserDetailWithDate(d).GetAsync(cancellationToken: ct),
            (r, p, ct) => r.GetOneDriveActivityUserDetailWithPeriod(p).GetAsync(cancellationToken: ct)),
        [UsageReportCatalogue.SharePointActivityUserDetail.Name] = new(
            (r, d, ct) => r.GetSharePointActivityUserDetailWithDate(d).GetAsync(cancellationToken: ct),
            (r, p, ct) => r.GetSharePointActivityUserDetailWithPeriod(p).GetAsync(cancellationToken: ct)),
        [UsageReportCatalogue.OneDriveUsageAccountDetail.Name] = new(
            (r, d, ct) => r.GetOneDriveUsageAccountDetailWithDate(d).GetAsync(cancellationToken: ct),
            (r, p, ct) => r.GetOneDriveUsageAccountDetailWithPeriod(p).GetAsync(cancellationToken: ct)),
        [UsageReportCatalogue.SharePointSiteUsageDetail.Name] = new(
            (r, d, ct) => r.GetSharePointSiteUsageDetailWithDate(d).GetAsync(cancellationToken: ct),
            (r, p, ct) => r.GetSharePointSiteUsageDetailWithPeriod(p).GetAsync(cancellationToken: ct)),
        // The mailbox report is a snapshot: v1.0 offers it by period only.
        [UsageReportCatalogue.MailboxUsageDetail.Name] = new(
            null,
            (r, p, ct) => r.GetMailboxUsageDetailWithPeriod(p).GetAsync(cancellationToken: ct)),
        // Teams devices are read over a period ("used on a phone in the last 30 days"), not by day: see UsagePullPlanner.
        [UsageReportCatalogue.TeamsDeviceUsageUserDetail.Name] = new(
            null,
            (r, p, ct) => r.GetTeamsDeviceUsageUserDetailWithPeriod(p).GetAsync(cancellationToken: ct)),
        [UsageReportCatalogue.M365AppUserDetail.Name] = new(
            (r, d, ct) => r.GetM365AppUserDetailWithDate(d).GetAsync(cancellationToken: ct),
            (r, p, ct) => r.GetM365AppUserDetailWithPeriod(p).GetAsync(cancellationToken: ct)),
    };

    private readonly GraphServiceClient client;

    public GraphReportDownloader(GraphServiceClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        this.client = client;
    }

    /// <summary>Whether Graph offers this report for a single day (all but the mailbox usage snapshot).</summary>
    public static bool SupportsDate(UsageReportType report) =>
        FunctionsByReport.TryGetValue(report.Name, out var functions) && functions.Date is not null;

    /// <summary>Whether the downloader knows the report (every report of the catalogue).</summary>
    public static bool Knows(UsageReportType report) =>
        FunctionsByReport.ContainsKey(report.Name) || report == UsageReportCatalogue.CopilotUsageUserDetail;

    /// <summary>
    /// A downloader signed in as the configured app. <paramref name="transport"/> replaces the network for both
    /// the token endpoint and Graph (a proxy, or recorded exchanges in tests); the SDK's middleware runs either way.
    /// </summary>
    public static GraphReportDownloader Create(UsageGraphOptions options, HttpMessageHandler? transport = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"The Microsoft Graph pull is not configured: {string.Join("; ", problems)}.");
        }
        return new GraphReportDownloader(GraphAppClient.Create(new GraphApp
        {
            TenantId = options.TenantId!,
            ClientId = options.ClientId!,
            ClientSecret = options.ClientSecret,
            CertificatePath = options.CertificatePath,
            CertificatePassword = options.CertificatePassword,
            BaseUrl = options.BaseUrl,
            AuthorityHost = options.AuthorityHost,
        }, transport));
    }

    /// <summary>
    /// The report's CSV bytes as the download host sends them (UTF-8 with a byte-order mark), streamed; or a
    /// message for a person when Graph refuses (missing permission, a date outside the last 28 days, throttling
    /// that outlasted the retries, no network). The caller disposes the stream. Cancellation throws.
    /// </summary>
    public async Task<Result<Stream>> DownloadAsync(GraphReportRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = request.ToString();
        if (request.Report == UsageReportCatalogue.CopilotUsageUserDetail)
        {
            return await DownloadCopilotAsync(name, request.Period!, cancellationToken);
        }
        if (!FunctionsByReport.TryGetValue(request.Report.Name, out var functions))
        {
            throw new ArgumentException($"{request.Report.Name} is not a report the downloader knows.", nameof(request));
        }
        return await CallAsync(name, request.Date, async () => request.Date is { } date
                ? await functions.Date!(client.Reports, new Date(date.Year, date.Month, date.Day), cancellationToken)
                : await functions.Period(client.Reports, request.Period!, cancellationToken), cancellationToken);
    }

    // The report's second version, with prompt counts and active days, on the /copilot/reports root; and the first,
    // with last activity dates only, on /reports, which every tenant has.
    private const string CopilotSecondVersion = "{+baseurl}/copilot/reports/getMicrosoft365CopilotUsageUserDetail(period='{period}',version='v2'){?%24format}";
    private const string CopilotFirstVersion = "{+baseurl}/reports/getMicrosoft365CopilotUsageUserDetail(period='{period}'){?%24format}";

    // The SDK has no request builder for the Copilot report: the call is built here. The second version is asked for
    // first; a tenant or cloud that does not know it answers 400 or 404, and then the first version is asked for. CSV is
    // asked for; when Graph answers JSON anyway (the default of the report's beta form), its pages are followed and
    // turned into the same CSV.
    private async Task<Result<Stream>> DownloadCopilotAsync(string name, string period, CancellationToken cancellationToken)
    {
        var adapter = client.RequestAdapter;
        var errors = new Dictionary<string, Microsoft.Kiota.Abstractions.Serialization.ParsableFactory<Microsoft.Kiota.Abstractions.Serialization.IParsable>> { ["XXX"] = ODataError.CreateFromDiscriminatorValue };
        RequestInformation Ask(string template)
        {
            var request = new RequestInformation { HttpMethod = Method.GET, UrlTemplate = template };
            request.PathParameters["period"] = period;
            request.QueryParameters["%24format"] = "text/csv";
            return request;
        }
        var downloaded = await CallAsync(name, null, async () =>
        {
            try
            {
                return await adapter.SendPrimitiveAsync<Stream>(Ask(CopilotSecondVersion), errors, cancellationToken);
            }
            catch (ApiException error) when (error.ResponseStatusCode is 400 or 404)
            {
                return await adapter.SendPrimitiveAsync<Stream>(Ask(CopilotFirstVersion), errors, cancellationToken);
            }
        }, cancellationToken);
        if (!downloaded.Succeeded)
        {
            return downloaded;
        }
        var buffer = new MemoryStream();
        await using (var body = downloaded.Value!)
        {
            await body.CopyToAsync(buffer, cancellationToken);
        }
        if (!CopilotReportJson.LooksLikeJson(buffer.GetBuffer().AsSpan(0, (int)Math.Min(buffer.Length, 64))))
        {
            buffer.Position = 0;
            return Result<Stream>.Ok(buffer);
        }
        var days = int.Parse(period.AsSpan(1), CultureInfo.InvariantCulture);
        var csv = new System.Text.StringBuilder(CopilotReportJson.Header).Append("\r\n");
        for (var pages = 0; ; pages++)
        {
            string? next;
            try
            {
                buffer.Position = 0;
                using var page = await System.Text.Json.JsonDocument.ParseAsync(buffer, cancellationToken: cancellationToken);
                next = CopilotReportJson.AppendPage(page.RootElement, csv, days, out var error);
                if (error is not null)
                {
                    return Result<Stream>.Fail(name, error);
                }
            }
            catch (System.Text.Json.JsonException error)
            {
                return Result<Stream>.Fail(name, UsageText.Get("CopilotJsonInvalid", name, error.Message));
            }
            if (next is null || pages >= 10_000)
            {
                break;
            }
            var following = new RequestInformation { HttpMethod = Method.GET, URI = new Uri(next) };
            var more = await CallAsync(name, null, () => adapter.SendPrimitiveAsync<Stream>(following, errors, cancellationToken), cancellationToken);
            if (!more.Succeeded)
            {
                return more;
            }
            buffer = new MemoryStream();
            await using (var body = more.Value!)
            {
                await body.CopyToAsync(buffer, cancellationToken);
            }
        }
        return Result<Stream>.Ok(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv.ToString())));
    }

    private static async Task<Result<Stream>> CallAsync(string name, DateOnly? day, Func<Task<Stream?>> call, CancellationToken cancellationToken)
    {
        try
        {
            var stream = await call();
            return stream is null
                ? Result<Stream>.Fail(name, UsageText.Get("UsageGraphEmpty", name))
                : Result<Stream>.Ok(stream);
        }
        catch (ODataError error) when (error.ResponseStatusCode == 403)
        {
            return Result<Stream>.Fail(name, UsageText.Get("UsageGraphForbidden", name, Describe(error)));
        }
        catch (ODataError error) when (error.ResponseStatusCode == 400 && day is { } date)
        {
            return Result<Stream>.Fail(name, UsageText.Get("UsageGraphDateRejected", name, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Describe(error)));
        }
        catch (ApiException error)
        {
            return Result<Stream>.Fail(name, UsageText.Get("UsageGraphFailed", name, error.ResponseStatusCode, Describe(error)));
        }
        catch (AggregateException error) when (error.InnerExceptions.Count > 0 && error.InnerExceptions.All(e => e is ApiException))
        {
            // The retry handler gives up with an AggregateException of the throttled answers.
            var last = (ApiException)error.InnerExceptions[^1];
            return Result<Stream>.Fail(name, UsageText.Get("UsageGraphThrottled", name, error.InnerExceptions.Count - 1, last.ResponseStatusCode));
        }
        catch (AuthenticationFailedException error)
        {
            return Result<Stream>.Fail(name, UsageText.Get("UsageGraphSignInFailed", name, GraphAppClient.FirstLine(error.Message)));
        }
        catch (HttpRequestException error) when (!cancellationToken.IsCancellationRequested)
        {
            return Result<Stream>.Fail(name, UsageText.Get("UsageGraphUnreachable", name, error.Message));
        }
    }

    private static string Describe(ApiException error) => error is ODataError { Error: { } main }
        ? $"{main.Code}: {main.Message}"
        : GraphAppClient.FirstLine(error.Message);

    public void Dispose() => client.Dispose();
}
