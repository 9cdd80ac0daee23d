using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.ShareMigration;

public sealed class MigrationWebTests
{
    private static MultipartFormDataContent Upload(string inventory, string agency, string share)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(agency), "agency" },
            { new StringContent(share), "share" },
            { new StringContent(@"\\fil01\test$"), "sourcePath" },
        };
        var file = new ByteArrayContent(File.ReadAllBytes(inventory));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", Path.GetFileName(inventory));
        return form;
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Scans_are_attached_and_read_through_the_API_only_for_the_agencies_one_may_plan(DatabaseKind kind)
    {
        using var share = await PlanShare.CreateAsync();
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        string[] codes;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            codes = [.. await scope.ServiceProvider.GetRequiredService<OppdriftDb>().Agencies.OrderBy(a => a.Code).Select(a => a.Code).Take(2).ToListAsync()];
        }
        var (own, other) = (codes[0], codes[1]);
        using var leader = await RunningApp.WithApiTokenAsync(await app.SignInAsync(Roles.AgencyLeader, own));
        using var central = await RunningApp.WithApiTokenAsync(await app.SignInAsync(Roles.ChangeLeader));
        using var employee = await RunningApp.WithApiTokenAsync(await app.SignInAsync(Roles.Employee));

        var attached = await leader.PostAsync("/api/migration/scans", Upload(share.Inventory, own, "Fellesområde"));
        var forbidden = await leader.PostAsync("/api/migration/scans", Upload(share.Inventory, other, "Fellesområde"));
        var byEmployee = await employee.PostAsync("/api/migration/scans", Upload(share.Inventory, own, "Fellesområde"));
        var again = await central.PostAsync("/api/migration/scans", Upload(share.Inventory, own, "Fellesområde"));
        var elsewhere = await central.PostAsync("/api/migration/scans", Upload(share.Inventory, other, "Arkiv"));
        var anonymous = await app.Anonymous().GetAsync("/api/migration");

        Assert.Equal(HttpStatusCode.OK, attached.StatusCode);
        using var first = JsonDocument.Parse(await attached.Content.ReadAsStringAsync());
        Assert.False(first.RootElement.GetProperty("alreadyAttached").GetBoolean());
        Assert.Equal(7, first.RootElement.GetProperty("files").GetInt64());
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byEmployee.StatusCode);
        using var second = JsonDocument.Parse(await again.Content.ReadAsStringAsync());
        Assert.True(second.RootElement.GetProperty("alreadyAttached").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var leaderView = JsonDocument.Parse(await leader.GetStringAsync("/api/migration"));
        using var centralView = JsonDocument.Parse(await central.GetStringAsync("/api/migration"));
        Assert.Equal([own], leaderView.RootElement.GetProperty("agencies").EnumerateArray().Select(a => a.GetProperty("code").GetString()));
        Assert.Equal(2, centralView.RootElement.GetProperty("agencies").GetArrayLength());
        Assert.Equal(2 * 2367, centralView.RootElement.GetProperty("bytes").GetInt64());

        // The share's page and its files follow the same rule.
        var shareId = first.RootElement.GetProperty("shareId").GetInt32();
        var otherShare = JsonDocument.Parse(await elsewhere.Content.ReadAsStringAsync()).RootElement.GetProperty("shareId").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await leader.GetAsync($"/migration/shares/{shareId}/findings.xlsx")).StatusCode);
        var refused = await leader.GetAsync($"/migration/shares/{otherShare}/findings.xlsx");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/account/access-denied", refused.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        await using (var db = app.Database.CreateContext())
        {
            // The workbook names people's folders: its download is recorded, the refused one is not.
            var recorded = await db.AuditEntries.Where(a => a.Action == "export.migration.findings").ToListAsync();
            Assert.Equal([$"/migration/shares/{shareId}/findings.xlsx"], recorded.Select(a => a.Target));
            Assert.StartsWith("agencyleader-", recorded[0].Actor, StringComparison.Ordinal);
        }
        var hidden = await leader.GetAsync($"/migration/shares/{otherShare}");
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.DoesNotContain("Arkiv", await hidden.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
