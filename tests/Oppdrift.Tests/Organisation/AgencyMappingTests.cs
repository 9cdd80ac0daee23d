using Oppdrift.Organisation;

namespace Oppdrift.Tests.Organisation;

public sealed class AgencyMappingTests
{
    private static readonly MappingRule[] Rules =
    [
        new() { Id = 1, Position = 1, Field = DirectoryField.CompanyName, Operator = RuleOperator.Equals, Value = "Sykehjemsetaten", AgencyId = 10, UnitFrom = UnitSource.OfficeLocation },
        new() { Id = 2, Position = 2, Field = DirectoryField.Department, Operator = RuleOperator.StartsWith, Value = "Bydel Nord", AgencyId = 20, UnitFrom = UnitSource.Department },
        new() { Id = 3, Position = 3, Field = DirectoryField.Department, Operator = RuleOperator.Contains, Value = "skole", AgencyId = 30, UnitFrom = UnitSource.Department },
        new() { Id = 4, Position = 4, Field = DirectoryField.UserPrincipalName, Operator = RuleOperator.EndsWith, Value = "@kultur.nordvik.no", AgencyId = 40, UnitFrom = UnitSource.None },
        new() { Id = 5, Position = 5, Field = DirectoryField.CompanyName, Operator = RuleOperator.Equals, Value = "Sykehjemsetaten", AgencyId = 99, UnitFrom = UnitSource.None },
    ];

    public static TheoryData<string?, string?, string?, string, int?, string?> Cases => new()
    {
        // company, department, office, upn → agency, unit
        { "Sykehjemsetaten", "Pleie", "Lindeberg sykehjem", "a@k.no", 10, "Lindeberg sykehjem" },
        { "SYKEHJEMSETATEN ", "Pleie", null, "a@k.no", 10, null },
        { "Nordvik kommune", "Bydel Nord - Hjemmetjenesten", null, "a@k.no", 20, "Hjemmetjenesten" },
        { "Nordvik kommune", "Bydel Nord/NAV", null, "a@k.no", 20, "NAV" },
        { "Nordvik kommune", "Bydel Nord", null, "a@k.no", 20, null },
        { "Utdanningsetaten", "Haugen skole", null, "a@k.no", 30, "Haugen skole" },
        { null, null, null, "b@KULTUR.nordvik.no", 40, null },
        { "Partner AS", null, null, "c@partner.no", null, null },
        { null, null, null, "svc@k.no", null, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_first_matching_rule_places_the_person(string? company, string? department, string? office, string upn, int? agency, string? unit)
    {
        var placement = new AgencyMapping(Rules).Place(new DirectoryFields(company, department, office, null, null, upn));

        Assert.Equal(agency, placement.AgencyId);
        Assert.Equal(unit, placement.UnitName);
    }

    [Fact]
    public void Rules_are_tried_by_position_not_by_id()
    {
        var rules = new[]
        {
            new MappingRule { Id = 1, Position = 2, Field = DirectoryField.CompanyName, Operator = RuleOperator.Contains, Value = "etaten", AgencyId = 1 },
            new MappingRule { Id = 2, Position = 1, Field = DirectoryField.CompanyName, Operator = RuleOperator.Equals, Value = "Kulturetaten", AgencyId = 2 },
        };

        Assert.Equal(2, new AgencyMapping(rules).Place(new DirectoryFields("Kulturetaten", null, null, null, null, "x@k.no")).AgencyId);
    }
}

public sealed class LeaderTitlesTests
{
    [Theory]
    [InlineData("Avdelingsleder", true)]
    [InlineData("Enhetsleder hjemmetjenesten", true)]
    [InlineData("Rektor", true)]
    [InlineData("Assisterende rektor", true)]
    [InlineData("Etatsdirektør", true)]
    [InlineData("Økonomisjef", true)]
    [InlineData("Barnehagestyrer", true)]
    [InlineData("HR-sjef", true)]
    [InlineData("ETATSDIREKTØR", true)]
    [InlineData("Konsulent,  konstituert rektor", true)]
    [InlineData("Lederstøtte", false)]
    [InlineData("Lederstøtte/rådgiver - stab", false)]
    [InlineData("Sykepleier", false)]
    [InlineData("Rådgiver", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void A_job_title_ending_in_a_leader_word_marks_a_leader(string? title, bool leader) =>
        Assert.Equal(leader, new LeaderTitles(LeaderTitles.Default).IsLeader(title));

    [Fact]
    public void The_endings_are_configurable() =>
        Assert.True(new LeaderTitles("koordinator").IsLeader("Prosjektkoordinator"));
}

public sealed class NorwegianOrderTests
{
    [Fact]
    public void Names_sort_with_the_Norwegian_letters_last()
    {
        string[] names = ["Årvoll sykehjem", "Østre sykehjem", "Abildsø sykehjem", "Ærfuglen", "Zeta"];

        Assert.Equal(["Abildsø sykehjem", "Zeta", "Ærfuglen", "Østre sykehjem", "Årvoll sykehjem"], names.Order(OrganisationQueries.NorwegianOrder));
    }
}
