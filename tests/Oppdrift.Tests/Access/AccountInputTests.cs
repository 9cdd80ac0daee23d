using Oppdrift.Access;

namespace Oppdrift.Tests.Access;

/// <summary>The account form as posted: only the roles an administrator may assign get through, whatever else arrives.</summary>
public sealed class AccountInputTests
{
    [Theory]
    [InlineData(new[] { "ChangeLeader", "SystemOwner" }, Roles.ChangeLeader | Roles.SystemOwner)]
    [InlineData(new[] { "AgencyLeader", "AgencyLeader" }, Roles.AgencyLeader)]
    [InlineData(new[] { "Administrator", "Unknown" }, Roles.Administrator)]
    [InlineData(new string[0], Roles.None)]
    // Everyone is an employee anyway; it is not a role one assigns.
    [InlineData(new[] { "Employee" }, Roles.None)]
    // A tampered form: numbers and lists that Enum.TryParse would accept must not smuggle in several roles at once.
    [InlineData(new[] { "63" }, Roles.None)]
    [InlineData(new[] { "ChangeLeader, Administrator" }, Roles.None)]
    [InlineData(new[] { "administrator" }, Roles.None)]
    [InlineData(new[] { "None" }, Roles.None)]
    public void Only_assignable_roles_by_their_names_are_taken_from_the_form(string[] names, Roles expected)
    {
        var input = new AccountInput { RoleNames = names };

        Assert.Equal(expected, input.ToRoles());
    }

    [Fact]
    public void A_form_with_nothing_ticked_has_no_roles_and_no_agencies()
    {
        var input = new AccountInput();

        Assert.Equal(Roles.None, input.ToRoles());
        Assert.False(input.Has(Roles.Administrator));
        Assert.False(input.HasAgency(1));
    }

    [Fact]
    public void The_form_shows_an_accounts_roles_and_agencies_as_they_are()
    {
        var roles = Roles.Employee | Roles.AgencyLeader | Roles.Administrator;
        var input = new AccountInput { RoleNames = RoleNames.NamesOf(roles), AgencyIds = [4, 7] };

        Assert.Equal(["Administrator", "AgencyLeader"], input.RoleNames);
        Assert.Equal(Roles.AgencyLeader | Roles.Administrator, input.ToRoles());
        Assert.True(input.Has(Roles.AgencyLeader));
        Assert.False(input.Has(Roles.ChangeLeader));
        Assert.True(input.HasAgency(7));
        Assert.False(input.HasAgency(5));
    }
}
