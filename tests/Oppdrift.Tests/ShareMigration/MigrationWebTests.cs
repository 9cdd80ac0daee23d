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

    /// <summary>
    /// Rights come before the body: the agency is checked when its field arrives, so an upload for an agency the leader may
    /// not plan is answered 403 while the file is still on its way (the client sends the fields and the start of a 50 MB file
    /// and waits). For the leader's own agency the server reads on, waiting for the rest of the file.
    /// </summary>
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_scan_upload_for_an_agency_one_may_not_plan_is_refused_before_its_file_is_read(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, 300);
        using var leader = await RunningApp.WithApiTokenAsync(await app.SignInAsync(Roles.AgencyLeader, "SYE"));

        Assert.StartsWith("HTTP/1.1 403", await StartUploadAsync(app, leader, "BNO", TimeSpan.FromSeconds(30)), StringComparison.Ordinal);
        Assert.Null(await StartUploadAsync(app, leader, "SYE", TimeSpan.FromSeconds(3)));
    }

    /// <summary>
    /// The page's form too: the antiforgery check takes its token from the fields before the file, and the agency is checked
    /// before the file is read (a refusal is the redirect to the access-denied page). A wrong token is refused with 400, a
    /// token after the file as a missing one, both before the file is read.
    /// </summary>
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_pages_upload_form_is_refused_for_an_agency_one_may_not_plan_before_its_file_is_read(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, 300);
        using var leader = await app.SignInAsync(Roles.AgencyLeader, "SYE");
        var token = RunningApp.AntiforgeryToken(await leader.GetStringAsync("/migration"));

        var refused = await StartUploadAsync(app, leader, "BNO", TimeSpan.FromSeconds(30), formToken: token);
        var forged = await StartUploadAsync(app, leader, "SYE", TimeSpan.FromSeconds(30), formToken: "not-the-token");
        var late = await StartUploadAsync(app, leader, "SYE", TimeSpan.FromSeconds(30), formToken: token, tokenAfterFile: true);
        var own = await StartUploadAsync(app, leader, "SYE", TimeSpan.FromSeconds(3), formToken: token);

        Assert.StartsWith("HTTP/1.1 302", refused, StringComparison.Ordinal);
        Assert.Contains("/account/access-denied", refused, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 400", forged, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 400", late, StringComparison.Ordinal);
        Assert.Null(own);

        // The whole form, as the browser sends it (token first), attaches the inventory and goes to the share's page.
        using var share = await PlanShare.CreateAsync();
        using var form = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" } };
        foreach (var part in Upload(share.Inventory, "SYE", "Fellesområde"))
        {
            form.Add(part);
        }
        using var attached = await leader.PostAsync("/migration/scans", form);
        Assert.Equal(HttpStatusCode.Redirect, attached.StatusCode);
        Assert.Matches("^/migration/shares/[0-9]+", attached.Headers.Location!.OriginalString);
        await using var db = app.Database.CreateContext();
        Assert.Equal(1, await db.ShareScans.CountAsync());
    }

    /// <summary>
    /// Sends the fields and the first 64 KB of a 50 MB file part, and returns the response head if one comes within
    /// <paramref name="wait"/>: to the API with the token in its header, or with <paramref name="formToken"/> as the page's
    /// form sends it, a field before the others (or after the file's start).
    /// </summary>
    private static async Task<string?> StartUploadAsync(RunningApp app, HttpClient client, string agency, TimeSpan wait, string? formToken = null,
        bool tokenAfterFile = false)
    {
        const string boundary = "oppdrift-upload-boundary";
        var tokenField = formToken is null ? "" : $"--{boundary}\r\nContent-Disposition: form-data; name=\"__RequestVerificationToken\"\r\n\r\n{formToken}\r\n";
        var head = System.Text.Encoding.UTF8.GetBytes(
            (tokenAfterFile ? "" : tokenField)
            + $"--{boundary}\r\nContent-Disposition: form-data; name=\"agency\"\r\n\r\n{agency}\r\n"
            + $"--{boundary}\r\nContent-Disposition: form-data; name=\"share\"\r\n\r\nFelles\r\n"
            + $"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"felles.scan.sqlite\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        var request = System.Text.Encoding.ASCII.GetBytes(
            $"POST {(formToken is null ? "/api/migration/scans" : "/migration/scans")} HTTP/1.1\r\nHost: {app.Address.Authority}\r\n"
            + $"Cookie: {RunningApp.CookiesOf(client).GetCookieHeader(app.Address)}\r\n"
            + (formToken is null ? $"RequestVerificationToken: {client.DefaultRequestHeaders.GetValues("RequestVerificationToken").Single()}\r\n" : "")
            + $"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {head.Length + (50 << 20)}\r\n\r\n");
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(app.Address.Host, app.Address.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(request);
        await stream.WriteAsync(head);
        await stream.WriteAsync(new byte[64 << 10]);
        if (tokenAfterFile)
        {
            await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes("\r\n" + tokenField));
        }
        await stream.FlushAsync();
        using var timeout = new CancellationTokenSource(wait);
        var buffer = new byte[1024];
        try
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            var response = System.Text.Encoding.ASCII.GetString(buffer, 0, read);
            var end = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            return formToken is null ? response.Split("\r\n")[0] : end < 0 ? response : response[..end];
        }
        catch (OperationCanceledException)
        {
            return null;
        }
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
