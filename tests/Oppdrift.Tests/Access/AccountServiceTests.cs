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

    private static async Task<int> AgencyAsync(OppdriftDb db, string code)
    {
        var agency = new Oppdrift.Organisation.Agency { Code = code, Name = code };
        db.Agencies.Add(agency);
        await db.SaveChangesAsync();
        return agency.Id;
    }

    /// <summary>Creates an account and gives it a password of its own, as its user would after the first sign-in.</summary>
    private static async Task<Account> AccountAsync(AccountService accounts, string userName, Roles roles, params int[] agencies)
    {
        var created = await accounts.CreateAsync(new AccountRequest(userName, userName, roles, agencies), "admin", default);
        Assert.True(created.Succeeded, created.Error);
        var changed = await accounts.ChangePasswordAsync(created.Value!.Account.Id, created.Value.OneTimePassword, OwnPassword, default);
        Assert.True(changed.Succeeded, changed.Error);
        return changed.Value!;
    }

    private const string OwnPassword = "a sentence I remember";

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Every_refused_account_names_its_field_and_nothing_is_saved(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var agency = await AgencyAsync(db, "SYE");
        var accounts = new AccountService(db, _clock);
        await accounts.EnsureAdministratorAsync(default);
        var entries = await db.AuditEntries.CountAsync();

        var refusals = new (AccountRequest Request, string Field)[]
        {
            (new AccountRequest("", "Tom", Roles.Employee, []), "userName"),
            (new AccountRequest("   ", "Blank", Roles.Employee, []), "userName"),
            (new AccountRequest(new string('a', 201), "Long", Roles.Employee, []), "userName"),
            (new AccountRequest(" ADMIN ", "Taken", Roles.Employee, []), "userName"),
            (new AccountRequest("leder@k.no", "Leder", Roles.AgencyLeader, []), "agencies"),
            (new AccountRequest("leder@k.no", "Leder", Roles.AgencyLeader, [agency + 1000]), "agencies"),
            (new AccountRequest("ansatt@k.no", "Ansatt", Roles.Employee, [agency, agency + 1000]), "agencies"),
        };
        foreach (var (request, field) in refusals)
        {
            var result = await accounts.CreateAsync(request, "admin", default);
            Assert.False(result.Succeeded, request.UserName);
            Assert.Equal(field, result.Field);
            Assert.False(string.IsNullOrWhiteSpace(result.Error));
        }

        await using var check = database.CreateContext();
        Assert.Equal([AccountService.FirstAdministrator], await check.Accounts.Select(a => a.UserName).ToListAsync());
        Assert.Equal(entries, await check.AuditEntries.CountAsync());
        Assert.Empty(await check.AccountAgencies.ToListAsync());
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_new_account_is_an_employee_with_its_own_one_time_password_that_it_must_change(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var accounts = new AccountService(db, _clock);

        var kari = await accounts.CreateAsync(new AccountRequest("  Kari@Nordvik.kommune.no ", " ", Roles.None, []), "admin", default);
        var ola = await accounts.CreateAsync(new AccountRequest("ola@nordvik.kommune.no", "Ola", Roles.ChangeLeader, []), "admin", default);

        var account = kari.Value!.Account;
        Assert.Equal("Kari@Nordvik.kommune.no", account.UserName);
        Assert.Equal("kari@nordvik.kommune.no", account.NormalizedUserName);
        Assert.Equal(account.UserName, account.DisplayName);
        Assert.Equal(Roles.Employee, account.Roles);
        Assert.Equal(Roles.Employee | Roles.ChangeLeader, ola.Value!.Account.Roles);
        Assert.True(account.MustChangePassword);
        Assert.Equal(_clock.GetUtcNow().UtcDateTime, account.CreatedAt);
        // Sixteen characters without look-alikes (0/O, 1/l/I), never the same twice, and only a hash is stored.
        foreach (var password in new[] { kari.Value.OneTimePassword, ola.Value.OneTimePassword })
        {
            Assert.Equal(16, password.Length);
            Assert.DoesNotContain(password, c => "0O1lI".Contains(c, StringComparison.Ordinal) || !char.IsAsciiLetterOrDigit(c));
        }
        Assert.NotEqual(kari.Value.OneTimePassword, ola.Value.OneTimePassword);
        await using var check = database.CreateContext();
        var stored = await check.Accounts.SingleAsync(a => a.Id == account.Id);
        Assert.DoesNotContain(kari.Value.OneTimePassword, stored.PasswordHash!, StringComparison.Ordinal);
        var signedIn = await new AccountService(check, _clock).VerifyAsync("KARI@nordvik.kommune.no", kari.Value.OneTimePassword, default);
        Assert.True(signedIn!.MustChangePassword);
        Assert.Equal(_clock.GetUtcNow().UtcDateTime, signedIn.LastSignInAt);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_new_password_must_be_long_new_and_given_with_the_current_one(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var accounts = new AccountService(db, _clock);
        var user = await AccountAsync(accounts, "kari@k.no", Roles.Employee);
        var external = await accounts.FindOrCreateExternalAsync("oid-7", "ola@k.no", "Ola", [], default);

        var tooShort = await accounts.ChangePasswordAsync(user.Id, OwnPassword, new string('x', AccountService.MinimumPasswordLength - 1), default);
        var same = await accounts.ChangePasswordAsync(user.Id, OwnPassword, OwnPassword, default);
        var wrongCurrent = await accounts.ChangePasswordAsync(user.Id, "not my password", "another long sentence", default);
        var noLocalPassword = await accounts.ChangePasswordAsync(external!.Id, "", "another long sentence", default);
        var noAccount = await accounts.ChangePasswordAsync(user.Id + 1000, OwnPassword, "another long sentence", default);

        Assert.Equal(("next", "next", "current", "current", "current"),
            (tooShort.Field, same.Field, wrongCurrent.Field, noLocalPassword.Field, noAccount.Field));
        Assert.NotNull(await accounts.VerifyAsync("kari@k.no", OwnPassword, default));
        Assert.Equal(AccountService.MinimumPasswordLength, "lyng og tang".Length);
        var exactlyLongEnough = await accounts.ChangePasswordAsync(user.Id, OwnPassword, "lyng og tang", default);
        Assert.True(exactlyLongEnough.Succeeded, exactlyLongEnough.Error);
        Assert.Null(await accounts.VerifyAsync("kari@k.no", OwnPassword, default));
        Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.Action == "account.change-password" && a.Target == "kari@k.no"));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_reset_gives_a_new_one_time_password_ends_the_old_password_and_lifts_a_lockout(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var accounts = new AccountService(db, _clock);
        var user = await AccountAsync(accounts, "kari@k.no", Roles.Employee);
        for (var i = 0; i < AccountService.MaxFailedSignIns; i++)
        {
            await accounts.VerifyAsync("kari@k.no", "guess " + i, default);
        }
        Assert.True(await accounts.IsLockedOutAsync("kari@k.no", default));

        var reset = await accounts.ResetPasswordAsync(user.Id, "admin", default);
        var missing = await accounts.ResetPasswordAsync(user.Id + 1000, "admin", default);

        Assert.True(reset.Succeeded, reset.Error);
        Assert.Equal("id", missing.Field);
        Assert.False(await accounts.IsLockedOutAsync("kari@k.no", default));
        Assert.Null(await accounts.VerifyAsync("kari@k.no", OwnPassword, default));
        var signedIn = await accounts.VerifyAsync("kari@k.no", reset.Value!, default);
        Assert.True(signedIn!.MustChangePassword);
        var entry = await db.AuditEntries.SingleAsync(a => a.Action == "account.reset-password");
        Assert.Equal(("admin", "kari@k.no"), (entry.Actor, entry.Target));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_disabled_account_cannot_sign_in_with_the_right_password_until_it_is_enabled_again(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var accounts = new AccountService(db, _clock);
        await accounts.EnsureAdministratorAsync(default);
        var user = await AccountAsync(accounts, "kari@k.no", Roles.ChangeLeader);

        var disabled = await accounts.UpdateAsync(user.Id, Roles.ChangeLeader, [], disabled: true, "admin", default);
        var refused = await accounts.VerifyAsync("kari@k.no", OwnPassword, default);
        var enabled = await accounts.UpdateAsync(user.Id, Roles.ChangeLeader, [], disabled: false, "admin", default);
        var admitted = await accounts.VerifyAsync("kari@k.no", OwnPassword, default);

        Assert.True(disabled.Succeeded, disabled.Error);
        Assert.Null(refused);
        Assert.True(enabled.Succeeded, enabled.Error);
        Assert.NotNull(admitted);
        var changes = await db.AuditEntries.Where(a => a.Action == "account.update").OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(2, changes.Count);
        Assert.Contains("\"IsDisabled\":false", changes[0].Before, StringComparison.Ordinal);
        Assert.Contains("\"IsDisabled\":true", changes[0].After, StringComparison.Ordinal);
        Assert.Contains("\"IsDisabled\":false", changes[1].After, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_update_replaces_roles_and_agencies_and_a_refused_one_changes_nothing(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var (sye, bno) = (await AgencyAsync(db, "SYE"), await AgencyAsync(db, "BNO"));
        var accounts = new AccountService(db, _clock);
        await accounts.EnsureAdministratorAsync(default);
        var leader = await AccountAsync(accounts, "leder@k.no", Roles.AgencyLeader, sye);

        var moved = await accounts.UpdateAsync(leader.Id, Roles.AgencyLeader, [bno, bno], disabled: false, "admin", default);
        var withoutAgency = await accounts.UpdateAsync(leader.Id, Roles.AgencyLeader | Roles.SystemOwner, [], disabled: false, "admin", default);
        var unknownAgency = await accounts.UpdateAsync(leader.Id, Roles.AgencyLeader, [bno, bno + 1000], disabled: false, "admin", default);
        var unknownAccount = await accounts.UpdateAsync(leader.Id + 1000, Roles.Employee, [], disabled: false, "admin", default);

        Assert.True(moved.Succeeded, moved.Error);
        Assert.Equal(("agencies", "agencies", "id"), (withoutAgency.Field, unknownAgency.Field, unknownAccount.Field));
        await using (var check = database.CreateContext())
        {
            var stored = await check.Accounts.Include(a => a.Agencies).SingleAsync(a => a.Id == leader.Id);
            Assert.Equal(Roles.Employee | Roles.AgencyLeader, stored.Roles);
            Assert.Equal([bno], stored.Agencies.Select(a => a.AgencyId));
            Assert.Equal(1, await check.AuditEntries.CountAsync(a => a.Action == "account.update"));
        }

        // Every account stays an employee, whatever the form leaves out.
        var plain = await accounts.UpdateAsync(leader.Id, Roles.None, [], disabled: false, "admin", default);
        Assert.Equal(Roles.Employee, plain.Value!.Roles);
        Assert.Empty(plain.Value.Agencies);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task No_password_or_password_hash_ever_reaches_the_audit_log(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var accounts = new AccountService(db, _clock);
        var admin = (await accounts.EnsureAdministratorAsync(default))!;
        var created = await accounts.CreateAsync(new AccountRequest("kari@k.no", "Kari", Roles.SystemOwner, []), "admin", default);
        await accounts.ChangePasswordAsync(created.Value!.Account.Id, created.Value.OneTimePassword, OwnPassword, default);
        var reset = await accounts.ResetPasswordAsync(created.Value.Account.Id, "admin", default);
        for (var i = 0; i < AccountService.MaxFailedSignIns; i++)
        {
            await accounts.VerifyAsync("kari@k.no", OwnPassword + i, default);
        }
        await accounts.UpdateAsync(created.Value.Account.Id, Roles.ChangeLeader, [], disabled: true, "admin", default);

        var hashes = await db.Accounts.Select(a => a.PasswordHash!).ToListAsync();
        var entries = await db.AuditEntries.ToListAsync();
        Assert.Equal(["account.create", "account.create", "account.change-password", "account.reset-password",
            .. Enumerable.Repeat("account.sign-in-failed", AccountService.MaxFailedSignIns), "account.locked-out", "account.update"],
            entries.OrderBy(e => e.Id).Select(e => e.Action));
        var recorded = string.Join('\n', entries.Select(e => $"{e.Actor} {e.Action} {e.Target} {e.Before} {e.After}"));
        foreach (var secret in new[] { admin.OneTimePassword, created.Value.OneTimePassword, OwnPassword, reset.Value! }.Concat(hashes))
        {
            Assert.DoesNotContain(secret, recorded, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("Password", recorded, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task When_every_administrator_is_disabled_the_first_start_restores_admin_with_a_fresh_one_time_password(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var accounts = new AccountService(db, _clock);
        var first = (await accounts.EnsureAdministratorAsync(default))!;
        await accounts.ChangePasswordAsync(first.Account.Id, first.OneTimePassword, OwnPassword, default);
        // Only the database itself can get here: the service never lets the last administrator go.
        await db.Accounts.ExecuteUpdateAsync(s => s.SetProperty(a => a.IsDisabled, true).SetProperty(a => a.Roles, Roles.Employee));

        var restored = await new AccountService(database.CreateContext(), _clock).EnsureAdministratorAsync(default);

        Assert.NotNull(restored);
        Assert.Equal(first.Account.Id, restored.Account.Id);
        Assert.NotEqual(first.OneTimePassword, restored.OneTimePassword);
        await using var check = database.CreateContext();
        var admin = await check.Accounts.SingleAsync();
        Assert.True(admin.Roles.HasFlag(Roles.Administrator));
        Assert.False(admin.IsDisabled);
        Assert.True(admin.MustChangePassword);
        Assert.Null(await new AccountService(check, _clock).VerifyAsync("admin", OwnPassword, default));
        Assert.Equal("system", (await check.AuditEntries.SingleAsync(a => a.Action == "account.bootstrap")).Actor);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_Entra_sign_in_takes_up_a_prepared_account_adds_the_token_roles_and_never_removes_any(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var sye = await AgencyAsync(db, "SYE");
        var accounts = new AccountService(db, _clock);
        var prepared = await accounts.CreateAsync(new AccountRequest("Kari@Nordvik.kommune.no", "Kari", Roles.AgencyLeader, [sye]), "admin", default);

        var first = await accounts.FindOrCreateExternalAsync("oid-1", "kari@nordvik.kommune.no", "Kari N.", ["SystemOwner"], default);
        var later = await accounts.FindOrCreateExternalAsync("oid-1", "kari.nordmann@nordvik.kommune.no", "Kari N.", [], default);

        Assert.Equal(prepared.Value!.Account.Id, first!.Id);
        Assert.Equal(first.Id, later!.Id);
        Assert.Equal("oid-1", later.ExternalId);
        Assert.Equal(Roles.Employee | Roles.AgencyLeader | Roles.SystemOwner, later.Roles);
        Assert.Equal([sye], later.Agencies.Select(a => a.AgencyId));
        Assert.Equal(_clock.GetUtcNow().UtcDateTime, later.LastSignInAt);
        Assert.Equal(1, await db.Accounts.CountAsync());
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_Entra_sign_in_is_refused_for_a_disabled_account_and_for_an_account_another_identity_holds(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var accounts = new AccountService(db, _clock);
        await accounts.EnsureAdministratorAsync(default);
        var held = await accounts.FindOrCreateExternalAsync("oid-old", "per@nordvik.kommune.no", "Per", ["Administrator"], default);
        var kari = await accounts.FindOrCreateExternalAsync("oid-kari", "kari@nordvik.kommune.no", "Kari", [], default);
        await accounts.UpdateAsync(kari!.Id, Roles.Employee, [], disabled: true, "admin", default);

        // A user name given to someone new (another object id) must not hand them the old holder's account and roles.
        var newcomer = await accounts.FindOrCreateExternalAsync("oid-new", "per@nordvik.kommune.no", "Per Nyansatt", [], default);
        var disabled = await accounts.FindOrCreateExternalAsync("oid-kari", "kari@nordvik.kommune.no", "Kari", ["ChangeLeader"], default);

        Assert.Null(newcomer);
        Assert.Null(disabled);
        await using var check = database.CreateContext();
        Assert.Equal("oid-old", (await check.Accounts.SingleAsync(a => a.Id == held!.Id)).ExternalId);
        Assert.Equal(Roles.Employee, (await check.Accounts.SingleAsync(a => a.Id == kari.Id)).Roles);
        Assert.Equal(3, await check.Accounts.CountAsync());
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
