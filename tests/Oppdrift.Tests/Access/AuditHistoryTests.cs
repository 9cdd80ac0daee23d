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
}
