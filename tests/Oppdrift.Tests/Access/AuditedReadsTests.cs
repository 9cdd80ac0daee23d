using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Tests.Usage;

namespace Oppdrift.Tests.Access;

/// <summary>Downloads and views of one agency's figures are recorded with who, what and when, and the audit page filters them.</summary>
public sealed class AuditedReadsTests
{
    /// <summary>The anonymous calendar feeds are the one deliberate exception: no one is signed in, and clients poll them.</summary>
    private static readonly string[] Unaudited = ["/learning/calendar/programmes/{token}.ics", "/learning/calendar/people/{token}.ics"];

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Every_download_and_agency_view_is_recorded_once_it_succeeds_and_the_audit_page_filters_by_kind_user_and_date(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        await using (var seed = app.Database.CreateContext())
        {
            var agencies = await seed.Agencies.Select(a => a.Id).ToListAsync();
            await UsageSeed.FiguresAsync(seed, [.. agencies.Select(id => (id, 40))], UsageSeed.LastDay.AddDays(-13), UsageSeed.LastDay);
        }

        // Every endpoint that hands out a file declares the export it is.
        var endpoints = app.App.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>().ToList();
        var downloads = endpoints.Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("GET") == true)
            .Select(e => (Route: "/" + e.RoutePattern.RawText!.TrimStart('/'), Endpoint: e))
            .Where(d => Path.GetExtension(d.Route) is ".csv" or ".xlsx" or ".docx" or ".ics" or ".pdf" || d.Route == "/learning/documents/{id:int}")
            .ToList();
        Assert.Contains(downloads, d => d.Route == "/usage/export.csv");
        Assert.Contains(downloads, d => d.Route == "/migration/shares/{id:int}/findings.xlsx");
        var unmarked = downloads.Where(d => !Unaudited.Contains(d.Route) && d.Endpoint.Metadata.GetMetadata<AuditedReadAttribute>() is not { Kind: AuditKind.Export })
            .Select(d => d.Route).ToList();
        Assert.True(unmarked.Count == 0, "Downloads not recorded in the audit log: " + string.Join(", ", unmarked));
        Assert.All(downloads.Where(d => Unaudited.Contains(d.Route)), d => Assert.NotNull(d.Endpoint.Metadata.GetMetadata<IAllowAnonymous>()));
        var agencyViews = endpoints.Where(e => e.RoutePattern.RawText!.Contains("agencies/{code}", StringComparison.OrdinalIgnoreCase)
            && e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("GET") == true).ToList();
        Assert.True(agencyViews.Count >= 4);
        Assert.All(agencyViews, e => Assert.True(e.Metadata.GetMetadata<AuditedReadAttribute>() is not null, e.RoutePattern.RawText + " is not audited"));

        using var central = await app.SignInAsync(Roles.ChangeLeader);
        using var leader = await app.SignInAsync(Roles.AgencyLeader, "SYE");
        string[] reads =
        [
            "/usage/export.csv?view=overview&window=7", "/usage/export.xlsx?view=agency&agency=SYE", "/benefits/report.docx?kind=plan",
            "/benefits/report.xlsx?kind=status", "/usage/agencies/SYE", "/api/usage/agencies/SYE", "/agencies/SYE", "/api/agencies/SYE",
        ];
        foreach (var url in reads)
        {
            using var response = await central.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode}");
        }
        // Refused and missing reads are not recorded as reads.
        using (var refused = await leader.GetAsync("/usage/agencies/BNO"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        using (var missing = await central.GetAsync("/usage/agencies/FINNESIKKE"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        await using (var db = app.Database.CreateContext())
        {
            var entries = await db.AuditEntries.Where(a => a.Action.StartsWith("export.") || a.Action.StartsWith("view.")).OrderBy(a => a.Id).ToListAsync();
            Assert.Equal(
                [
                    ("export.usage.csv", reads[0]), ("export.usage.xlsx", reads[1]), ("export.benefits.report", reads[2]), ("export.benefits.report", reads[3]),
                    ("view.usage.agency", reads[4]), ("view.usage.agency", reads[5]), ("view.organisation.agency", reads[6]), ("view.organisation.agency", reads[7]),
                ],
                entries.Select(e => (e.Action, e.Target!)));
            Assert.All(entries, e => Assert.StartsWith("changeleader-", e.Actor, StringComparison.Ordinal));
            Assert.All(entries, e => Assert.True(e.At > TimeProvider.System.GetUtcNow().UtcDateTime.AddMinutes(-5) && e.At <= TimeProvider.System.GetUtcNow().UtcDateTime.AddSeconds(1)));
        }

        // The audit page: by kind, by user and by date.
        using var administrator = await app.SignInAsync(Roles.Administrator);
        var exports = WebUtility.HtmlDecode(await administrator.GetStringAsync("/admin/audit?kind=exports"));
        Assert.Contains("export.usage.csv", exports, StringComparison.Ordinal);
        Assert.DoesNotContain("view.usage.agency", exports, StringComparison.Ordinal);
        Assert.DoesNotContain("account.create", exports, StringComparison.Ordinal);
        var views = WebUtility.HtmlDecode(await administrator.GetStringAsync("/admin/audit?kind=views"));
        Assert.Contains("/api/usage/agencies/SYE", views, StringComparison.Ordinal);
        Assert.DoesNotContain("export.usage.csv", views, StringComparison.Ordinal);
        var changes = WebUtility.HtmlDecode(await administrator.GetStringAsync("/admin/audit?kind=changes"));
        Assert.Contains("account.create", changes, StringComparison.Ordinal);
        Assert.DoesNotContain("export.", changes, StringComparison.Ordinal);
        Assert.DoesNotContain("view.", changes, StringComparison.Ordinal);
        var byLeader = WebUtility.HtmlDecode(await administrator.GetStringAsync("/admin/audit?kind=exports&actor=agencyleader-"));
        Assert.DoesNotContain("export.usage.csv", byLeader, StringComparison.Ordinal);
        var today = TimeProvider.System.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var tomorrow = TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("export.usage.csv", WebUtility.HtmlDecode(await administrator.GetStringAsync($"/admin/audit?kind=exports&from={today}&to={today}")),
            StringComparison.Ordinal);
        Assert.Contains("Ingen hendelser.", WebUtility.HtmlDecode(await administrator.GetStringAsync($"/admin/audit?from={tomorrow}")), StringComparison.Ordinal);
    }
}
