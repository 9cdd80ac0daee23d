using System.Net;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Web;

public sealed class NotFoundTests
{
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_page_for_something_that_does_not_exist_answers_404_with_the_not_found_page(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        using var client = await app.SignInAsync(Roles.ChangeLeader);

        foreach (var path in new[] { "/agencies/FINNESIKKE", "/benefits/9999", "/learning/programmes/9999", "/migration/shares/9999", "/usage/agencies/FINNESIKKE",
            "/usage/workloads/fax", "/no/such/page" })
        {
            var response = await client.GetAsync(path);
            var html = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path} answered {(int)response.StatusCode}");
            Assert.Contains("Fant ikke siden", html, StringComparison.Ordinal);
            Assert.Contains("shell-nav", html, StringComparison.Ordinal);
        }
    }
}
