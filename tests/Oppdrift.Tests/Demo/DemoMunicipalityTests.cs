using System.Security.Cryptography;
using Oppdrift.Demo;
using Oppdrift.Organisation;

namespace Oppdrift.Tests.Demo;

public sealed class DemoMunicipalityTests
{
    private static readonly DemoMunicipality Municipality = DemoMunicipality.Generate();

    private static byte[] WriteCsv(DemoMunicipality municipality, EntraExportFormat format = EntraExportFormat.Documented)
    {
        using var stream = new MemoryStream();
        EntraUsersWriter.Write(stream, municipality.People, format);
        return stream.ToArray();
    }

    [Fact]
    public void The_same_seed_gives_the_same_file_and_another_seed_another()
    {
        var first = SHA256.HashData(WriteCsv(DemoMunicipality.Generate(11, 5_000)));
        var again = SHA256.HashData(WriteCsv(DemoMunicipality.Generate(11, 5_000)));
        var other = SHA256.HashData(WriteCsv(DemoMunicipality.Generate(12, 5_000)));

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void It_has_54000_employees_in_about_50_agencies_of_heavy_tailed_sizes()
    {
        var employees = Municipality.People.Where(p => p.Agency is not null).ToList();
        var sizes = employees.GroupBy(p => p.Agency!.Code).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(54_000, employees.Count);
        Assert.InRange(sizes.Count, 45, 60);
        Assert.True(sizes.Values.Count(s => s >= 3_000) >= 2, "a few agencies with thousands");
        Assert.True(sizes.Values.Count(s => s is >= 100 and < 1_000) >= 15, "many with a few hundred");
        Assert.True(sizes.Values.Count(s => s < 10) >= 3, "some below the minimum group size of 10");
    }

    [Fact]
    public void Every_agency_has_a_director_and_units_have_leaders()
    {
        foreach (var agency in Municipality.Agencies)
        {
            var people = Municipality.People.Where(p => p.Agency == agency).ToList();
            Assert.Contains(people, p => p.IsLeader);
        }
        var leaders = Municipality.People.Count(p => p.IsLeader);
        Assert.InRange(leaders, 2_000, 5_000);
    }

    [Fact]
    public void User_names_are_unique_ascii_and_in_the_municipality_domain()
    {
        var upns = Municipality.People.Select(p => p.UserPrincipalName.ToLowerInvariant()).ToList();

        Assert.Equal(upns.Count, upns.Distinct().Count());
        Assert.All(upns, upn => Assert.Matches("^[a-z0-9._#-]+@nordvik\\.kommune\\.no$", upn));
    }

    [Theory]
    [InlineData(EntraExportFormat.Documented)]
    [InlineData(EntraExportFormat.Newer)]
    public void The_written_export_reads_back_through_the_real_reader_without_errors(EntraExportFormat format)
    {
        var municipality = DemoMunicipality.Generate(3, 3_000);
        var bytes = WriteCsv(municipality, format);

        var file = EntraUserFile.Read(new MemoryStream(bytes), "entra-users.csv");

        Assert.Empty(file.Errors);
        Assert.DoesNotContain(file.Warnings, w => !w.Contains("gjest", StringComparison.OrdinalIgnoreCase) && !w.Contains("guest", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(municipality.People.Count(p => p.UserType == "Member"), file.Users.Count);
        Assert.Equal(municipality.People.Count(p => p.UserType == "Guest"), file.GuestsSkipped);
        Assert.Equal(0xEF, bytes[0]);
    }

    [Fact]
    public void Names_with_Norwegian_letters_become_ascii_user_names()
    {
        Assert.Equal("ase.odegard", DemoMunicipality.Ascii("Åse") + "." + DemoMunicipality.Ascii("Ødegård"));
        Assert.Equal("baerum", DemoMunicipality.Ascii("Bærum"));
    }
}
