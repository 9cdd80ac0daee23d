using System.Globalization;
using Oppdrift.Access;
using Oppdrift.Access.Pages;

namespace Oppdrift.Tests.Access;

public sealed class AuditHistoryTests
{
    private static AuditEntry Entry(string? before, string? after) =>
        new() { At = new DateTime(2025, 3, 10, 9, 0, 0, DateTimeKind.Utc), Actor = "eier", Action = "learning.programme.update", Before = before, After = after };

    [Fact]
    public void A_change_shows_each_field_with_its_value_before_and_after()
    {
        var fields = AuditHistory.Fields(Entry("{\"Name\":\"Frokostwebinar\",\"Agencies\":[]}", "{\"Name\":\"Frokost 2025\",\"Agencies\":[3,5]}"));

        Assert.Equal([("Name", "Frokostwebinar", "Frokost 2025"), ("Agencies", "–", "3, 5")], fields);
    }

    [Fact]
    public void A_creation_shows_only_what_it_was_made_with_and_a_deletion_only_what_was_removed()
    {
        Assert.Equal([("Title", null, "Bedre møter"), ("Capacity", null, "–")], AuditHistory.Fields(Entry(null, "{\"Title\":\"Bedre møter\",\"Capacity\":null}")));
        Assert.Equal([("Title", "Bedre møter", null)], AuditHistory.Fields(Entry("{\"Title\":\"Bedre møter\"}", null)));
    }

    [Theory]
    [InlineData("2025-03-10T08:00:00Z", true)]
    [InlineData("2025-03-10T08:00:00", true)]
    [InlineData("2025-03-10", false)]
    [InlineData("Frokost 2025-03-10T08", false)]
    [InlineData("12", false)]
    public void A_stored_time_is_told_from_other_text(string raw, bool isTime)
    {
        Assert.Equal(isTime, AuditHistory.IsTime(raw, out var utc));
        if (isTime)
        {
            Assert.Equal(new DateTime(2025, 3, 10, 8, 0, 0, DateTimeKind.Utc), utc);
        }
    }

    [Fact]
    public void A_programmes_history_names_forms_audiences_and_agencies_whether_stored_by_name_or_by_number()
    {
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("nb");
        try
        {
            var values = Oppdrift.Learning.ProgrammeHistory.Values(new Dictionary<int, string> { [3] = "Sykehjemsetaten", [5] = "Mobbeombudet" });

            Assert.Equal("Digitalt (Teams)", values("Mode", "0"));
            Assert.Equal("Hybrid", values("Mode", "Hybrid"));
            Assert.Equal("Ledere", values("Audience", "Leaders"));
            Assert.Equal("Sykehjemsetaten, Mobbeombudet", values("Agencies", "3, 5"));
            Assert.Equal("Mobbeombudet", values("OwnerAgencyId", "5"));
            Assert.Equal("9", values("OwnerAgencyId", "9"));
            Assert.Null(values("Mode", "7"));
            Assert.Null(values("Name", "Frokostwebinar"));
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }
}
