using System.Net;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Web;

/// <summary>The employees' privacy page: readable without signing in, in both languages, linked from every page.</summary>
public sealed class PrivacyPageTests
{
    [Fact]
    public async Task Employees_can_read_what_their_employer_can_and_cannot_see_without_signing_in_in_Bokmal_and_English()
    {
        await using var app = await RunningApp.StartAsync(DatabaseKind.Sqlite, demoPeople: 300, "--Privacy:MinimumGroupSize=7");
        using var anonymous = app.Anonymous();

        using var norwegian = await anonymous.GetAsync("/personvern");
        Assert.Equal(HttpStatusCode.OK, norwegian.StatusCode);
        var nb = WebUtility.HtmlDecode(await norwegian.Content.ReadAsStringAsync());
        Assert.Contains("Dette kan arbeidsgiveren ikke se", nb, StringComparison.Ordinal);
        Assert.Contains("færre enn 7 personer skjules", nb, StringComparison.Ordinal);
        Assert.Contains("minst 7 har svart", nb, StringComparison.Ordinal);

        var en = WebUtility.HtmlDecode(await anonymous.GetStringAsync("/personvern?culture=en-GB"));
        Assert.Contains("What your employer cannot see", en, StringComparison.Ordinal);
        Assert.Contains("fewer than 7 people are hidden", en, StringComparison.Ordinal);

        Assert.Contains("href=\"/personvern\"", await anonymous.GetStringAsync("/account/login"), StringComparison.Ordinal);
    }
}
