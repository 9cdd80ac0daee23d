using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Web;

/// <summary>The account forms as a browser posts them: checked boxes repeat a name, unchecked ones are absent.</summary>
public sealed class AccountFormTests
{
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_account_created_through_the_form_keeps_its_roles_and_agencies(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind);
        var admin = await app.SignInAsync(Roles.Administrator);
        int sye;
        await using (var db = app.Database.CreateContext())
        {
            sye = await db.Agencies.Where(a => a.Code == "SYE").Select(a => a.Id).SingleAsync();
        }

        async Task<HttpResponseMessage> PostAsync(params (string Key, string Value)[] fields)
        {
            var token = RunningApp.AntiforgeryToken(await admin.GetStringAsync("/admin/accounts"));
            return await admin.PostAsync("/admin/accounts", new FormUrlEncodedContent(
                [new("_handler", "new-account"), new("__RequestVerificationToken", token), .. fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))]));
        }

        var central = await PostAsync(("Input.UserName", "endring@nordvik.kommune.no"), ("Input.DisplayName", "Endring"),
            ("Input.RoleNames", "ChangeLeader"), ("Input.RoleNames", "SystemOwner"));
        var leader = await PostAsync(("Input.UserName", "leder@nordvik.kommune.no"), ("Input.DisplayName", "Leder"),
            ("Input.RoleNames", "AgencyLeader"), ("Input.AgencyIds", sye.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var plain = await PostAsync(("Input.UserName", "ansatt@nordvik.kommune.no"));

        Assert.All([central, leader, plain], r => Assert.Equal(System.Net.HttpStatusCode.OK, r.StatusCode));
        Assert.Contains("one-time-password", await central.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var check = app.Database.CreateContext();
        var accounts = await check.Accounts.Include(a => a.Agencies).ToDictionaryAsync(a => a.UserName);
        Assert.Equal(Roles.Employee | Roles.ChangeLeader | Roles.SystemOwner, accounts["endring@nordvik.kommune.no"].Roles);
        Assert.Equal(Roles.Employee | Roles.AgencyLeader, accounts["leder@nordvik.kommune.no"].Roles);
        Assert.Equal([sye], accounts["leder@nordvik.kommune.no"].Agencies.Select(a => a.AgencyId));
        Assert.Equal(Roles.Employee, accounts["ansatt@nordvik.kommune.no"].Roles);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Pages_with_forms_render_on_every_request(DatabaseKind kind)
    {
        // Forms must have their models before the page awaits data; on PostgreSQL the await is real.
        await using var app = await RunningApp.StartAsync(kind);
        var admin = await app.SignInAsync(Roles.Administrator);
        int accountId;
        await using (var db = app.Database.CreateContext())
        {
            accountId = await db.Accounts.OrderBy(a => a.Id).Select(a => a.Id).FirstAsync();
        }

        foreach (var url in new[] { "/organisation", "/organisation/rules", "/admin/accounts", $"/admin/accounts/{accountId}", "/account/change-password" })
        {
            for (var i = 0; i < 15; i++)
            {
                using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                using var response = await admin.GetAsync(url, cancel.Token);
                Assert.True(response.IsSuccessStatusCode, $"{url} #{i}: {(int)response.StatusCode}");
            }
        }
    }
}
