using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Access;

public sealed class AccountServiceTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 2, 2, 9, 0, 0, TimeSpan.Zero));

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_first_start_creates_one_administrator_with_a_one_time_password_and_never_again(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var accounts = new AccountService(db, _clock);

        var first = await accounts.EnsureAdministratorAsync(default);
        var second = await accounts.EnsureAdministratorAsync(default);

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Equal(16, first.OneTimePassword.Length);
        Assert.True(first.Account.MustChangePassword);
        Assert.NotNull(await accounts.VerifyAsync("ADMIN", first.OneTimePassword, default));
        Assert.Null(await accounts.VerifyAsync("admin", "password", default));
        Assert.Equal(1, await db.Accounts.CountAsync());
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Changing_the_one_time_password_requires_the_old_one_and_a_long_new_one(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var accounts = new AccountService(db, _clock);
        var admin = (await accounts.EnsureAdministratorAsync(default))!;

        Assert.Equal("current", (await accounts.ChangePasswordAsync(admin.Account.Id, "wrong", "a long enough password", default)).Field);
        Assert.Equal("next", (await accounts.ChangePasswordAsync(admin.Account.Id, admin.OneTimePassword, "short", default)).Field);
        var changed = await accounts.ChangePasswordAsync(admin.Account.Id, admin.OneTimePassword, "a long enough password", default);

        Assert.True(changed.Succeeded);
        Assert.False(changed.Value!.MustChangePassword);
        Assert.Null(await accounts.VerifyAsync("admin", admin.OneTimePassword, default));
        Assert.NotNull(await accounts.VerifyAsync("admin", "a long enough password", default));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_last_administrator_cannot_be_removed_or_disabled(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var accounts = new AccountService(db, _clock);
        var admin = (await accounts.EnsureAdministratorAsync(default))!;

        var demoted = await accounts.UpdateAsync(admin.Account.Id, Roles.ChangeLeader, [], disabled: false, "test", default);
        var disabled = await accounts.UpdateAsync(admin.Account.Id, Roles.Administrator, [], disabled: true, "test", default);

        Assert.False(demoted.Succeeded);
        Assert.False(disabled.Succeeded);
        await using var check = database.CreateContext();
        Assert.True((await check.Accounts.SingleAsync()).Roles.HasFlag(Roles.Administrator));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_agency_leader_must_be_scoped_to_an_agency_and_the_audit_log_shows_before_and_after(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var agency = new Oppdrift.Organisation.Agency { Code = "SYE", Name = "Sykehjemsetaten" };
        db.Agencies.Add(agency);
        await db.SaveChangesAsync();
        var accounts = new AccountService(db, _clock);
        await accounts.EnsureAdministratorAsync(default);

        var unscoped = await accounts.CreateAsync(new AccountRequest("leder@k.no", "Leder", Roles.AgencyLeader, []), "admin", default);
        var scoped = await accounts.CreateAsync(new AccountRequest("leder@k.no", "Leder", Roles.AgencyLeader, [agency.Id]), "admin", default);
        var duplicate = await accounts.CreateAsync(new AccountRequest("LEDER@k.no", "Leder", Roles.Employee, []), "admin", default);
        await accounts.UpdateAsync(scoped.Value!.Account.Id, Roles.AgencyLeader | Roles.ProgrammeOwner, [agency.Id], disabled: false, "admin", default);

        Assert.Equal("agencies", unscoped.Field);
        Assert.True(scoped.Succeeded);
        Assert.Equal("userName", duplicate.Field);
        var update = await db.AuditEntries.SingleAsync(a => a.Action == "account.update");
        Assert.Equal("admin", update.Actor);
        Assert.Contains("\"Roles\":\"Employee, AgencyLeader\"", update.Before, StringComparison.Ordinal);
        Assert.Contains("\"Roles\":\"Employee, ProgrammeOwner, AgencyLeader\"", update.After, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_Entra_sign_in_creates_an_account_with_the_app_roles_of_the_token_once(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var accounts = new AccountService(db, _clock);

        var first = await accounts.FindOrCreateExternalAsync("oid-1", "kari@nordvik.kommune.no", "Kari", ["ChangeLeader", "Unknown"], default);
        var again = await accounts.FindOrCreateExternalAsync("oid-1", "kari@nordvik.kommune.no", "Kari", [], default);

        Assert.Equal(first!.Id, again!.Id);
        Assert.Equal(Roles.Employee | Roles.ChangeLeader, again.Roles);
        Assert.Null(again.PasswordHash);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Five_wrong_passwords_lock_the_account_for_five_minutes_even_for_the_right_one(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var accounts = new AccountService(db, _clock);
        var admin = (await accounts.EnsureAdministratorAsync(default))!;

        for (var i = 0; i < AccountService.MaxFailedSignIns - 1; i++)
        {
            Assert.Null(await accounts.VerifyAsync("admin", "guess " + i, default));
        }
        Assert.False(await accounts.IsLockedOutAsync("admin", default));
        Assert.Null(await accounts.VerifyAsync("admin", "the fifth guess", default));

        Assert.True(await accounts.IsLockedOutAsync("admin", default));
        Assert.Null(await accounts.VerifyAsync("admin", admin.OneTimePassword, default));
        _clock.Advance(AccountService.LockoutTime + TimeSpan.FromSeconds(1));
        Assert.NotNull(await accounts.VerifyAsync("admin", admin.OneTimePassword, default));
        Assert.Contains(await db.AuditEntries.Select(a => a.Action).ToListAsync(), a => a == "account.locked-out");
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_right_password_resets_the_count_of_wrong_ones(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var accounts = new AccountService(db, _clock);
        var admin = (await accounts.EnsureAdministratorAsync(default))!;

        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < AccountService.MaxFailedSignIns - 1; i++)
            {
                await accounts.VerifyAsync("admin", "guess", default);
            }
            Assert.NotNull(await accounts.VerifyAsync("admin", admin.OneTimePassword, default));
        }
    }

    [Fact]
    public void Claims_carry_roles_and_agency_scope()
    {
        var account = new Account { Id = 7, UserName = "l@k.no", NormalizedUserName = "l@k.no", DisplayName = "L", Roles = Roles.Employee | Roles.AgencyLeader };
        account.Agencies.Add(new AccountAgency { AccountId = 7, AgencyId = 3 });

        var user = OppdriftClaims.CreatePrincipal(account);

        Assert.Equal(Roles.Employee | Roles.AgencyLeader, user.GetRoles());
        Assert.True(user.CanSeeAgency(3));
        Assert.False(user.CanSeeAgency(4));
        Assert.False(user.SeesAllAgencies());
        Assert.Equal(7, user.GetAccountId());
    }
}
