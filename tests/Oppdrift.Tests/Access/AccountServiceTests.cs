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

    private const string Home = "5b3c8a1e-7d42-4f0e-9c61-2a8e4f1d9b07";
    private const string Other = "0e6f2a4c-1b3d-4e5f-8a7b-9c0d1e2f3a4b";
    private static readonly EntraSettings Entra = new() { TenantId = Home, ClientId = "client" };

    private static string Oid(int n) => $"00000000-0000-4000-8000-{n:D12}";

    private static EntraIdentity Token(int oid, string userName, params string[] roles) =>
        new(Home, Oid(oid), userName, userName, roles);

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_Entra_sign_in_creates_an_account_with_the_app_roles_of_the_token_once(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var accounts = new AccountService(db, _clock);

        var first = await accounts.SignInWithEntraAsync(Token(1, "kari@nordvik.kommune.no", "ChangeLeader", "Unknown", "16"), Entra, default);
        var again = await accounts.SignInWithEntraAsync(Token(1, "kari@nordvik.kommune.no", "ChangeLeader"), Entra, default);

        Assert.Equal(first.Account!.Id, again.Account!.Id);
        Assert.Equal(Roles.Employee, again.Account.Roles);
        Assert.Equal(Roles.ChangeLeader, again.Account.EntraRoles);
        Assert.Equal((Home, Oid(1)), (again.Account.TenantId, again.Account.ExternalId));
        Assert.Null(again.Account.PasswordHash);
        Assert.Equal(first.Account.SecurityStamp, again.Account.SecurityStamp);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_token_without_tenant_or_object_id_or_from_a_tenant_not_configured_is_refused_and_audited(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var accounts = new AccountService(db, _clock);
        var multi = new EntraSettings { TenantId = Home, ClientId = "client" };
        multi.AllowedTenants.Add(Other.ToUpperInvariant());

        var noTenant = await accounts.SignInWithEntraAsync(new EntraIdentity(null, Oid(1), "kari@k.no", "Kari", []), Entra, default);
        var noObject = await accounts.SignInWithEntraAsync(new EntraIdentity(Home, null, "kari@k.no", "Kari", []), Entra, default);
        var notGuid = await accounts.SignInWithEntraAsync(new EntraIdentity(Home, "kari", "kari@k.no", "Kari", []), Entra, default);
        var otherTenant = await accounts.SignInWithEntraAsync(new EntraIdentity(Other, Oid(1), "kari@k.no", "Kari", []), Entra, default);
        var allowedOther = await accounts.SignInWithEntraAsync(new EntraIdentity(Other, Oid(1), "kari@k.no", "Kari", []), multi, default);

        Assert.Equal([EntraRefusal.NoIdentity, EntraRefusal.NoIdentity, EntraRefusal.NoIdentity, EntraRefusal.OtherTenant],
            new[] { noTenant, noObject, notGuid, otherTenant }.Select(r => r.Refusal!.Value));
        Assert.Equal(Other, allowedOther.Account!.TenantId);
        Assert.Equal(1, await db.Accounts.CountAsync());
        Assert.Equal(4, await db.AuditEntries.CountAsync(e => e.Action == "account.entra-sign-in-failed"));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_app_role_removed_in_Entra_is_removed_here_and_roles_set_here_stay(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var accounts = new AccountService(db, _clock);
        await accounts.EnsureAdministratorAsync(default);
        var first = (await accounts.SignInWithEntraAsync(Token(1, "kari@k.no", "Administrator", "ChangeLeader"), Entra, default)).Account!;
        // An administrator here grants ChangeLeader too, and ProgrammeOwner.
        Assert.True((await accounts.UpdateAsync(first.Id, Roles.ChangeLeader | Roles.ProgrammeOwner, [], disabled: false, "admin", default)).Succeeded);
        var stamp = (await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == first.Id)).SecurityStamp;

        var later = (await accounts.SignInWithEntraAsync(Token(1, "kari@k.no", "SystemOwner"), Entra, default)).Account!;

        Assert.Equal(Roles.SystemOwner, later.EntraRoles);
        Assert.Equal(Roles.Employee | Roles.ChangeLeader | Roles.ProgrammeOwner, later.Roles);
        Assert.Equal(Roles.Employee | Roles.ChangeLeader | Roles.ProgrammeOwner | Roles.SystemOwner, later.EffectiveRoles);
        Assert.NotEqual(stamp, later.SecurityStamp);
        var claims = OppdriftClaims.CreatePrincipal(later);
        Assert.False(claims.IsInRole("Administrator"));
        Assert.True(claims.IsInRole("SystemOwner") && claims.IsInRole("ChangeLeader"));
        Assert.Contains(await db.AuditEntries.Select(e => e.Action).ToListAsync(), a => a == "account.entra-roles");
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_link_made_before_tenant_ids_were_stored_is_taken_up_by_the_home_tenant_and_its_token_roles_then_come_from_Entra(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var accounts = new AccountService(db, _clock);
        db.Accounts.Add(new Account
        {
            UserName = "per@k.no",
            NormalizedUserName = "per@k.no",
            DisplayName = "Per",
            ExternalId = Oid(5),
            Roles = Roles.Employee | Roles.Administrator | Roles.SystemOwner,
            SecurityStamp = AccountService.NewSecurityStamp(),
        });
        await db.SaveChangesAsync();

        var fromOther = await accounts.SignInWithEntraAsync(new EntraIdentity(Other, Oid(5), "per@k.no", "Per", ["Administrator"]), Entra, default);
        var first = (await accounts.SignInWithEntraAsync(Token(5, "per@k.no", "Administrator"), Entra, default)).Account!;
        var afterFirst = (first.TenantId, first.Roles, first.EntraRoles);
        var removed = (await accounts.SignInWithEntraAsync(Token(5, "per@k.no"), Entra, default)).Account!;

        Assert.Equal(EntraRefusal.OtherTenant, fromOther.Refusal);
        Assert.Equal((Home, Roles.Employee | Roles.SystemOwner, Roles.Administrator), afterFirst);
        Assert.Equal(Roles.Employee | Roles.SystemOwner, removed.EffectiveRoles);
        Assert.Equal(1, await db.Accounts.CountAsync());
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
        var (ui, format) = (System.Globalization.CultureInfo.CurrentUICulture, System.Globalization.CultureInfo.CurrentCulture);
        Account? signedIn;
        try
        {
            // Signed in from a page in English: e-mails to the account are written in English from now on.
            System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo("en-GB");
            signedIn = await new AccountService(check, _clock).VerifyAsync("KARI@nordvik.kommune.no", kari.Value.OneTimePassword, default);
        }
        finally
        {
            (System.Globalization.CultureInfo.CurrentUICulture, System.Globalization.CultureInfo.CurrentCulture) = (ui, format);
        }
        Assert.True(signedIn!.MustChangePassword);
        Assert.Equal(_clock.GetUtcNow().UtcDateTime, signedIn.LastSignInAt);
        Assert.Equal("en-GB", signedIn.Language);
        var languages = await AccountService.LanguagesAsync(check, ["Kari@Nordvik.Kommune.no", "ola@nordvik.kommune.no", "nobody@nordvik.kommune.no"], default);
        Assert.Equal("en-GB", Assert.Single(languages, l => l.Key == "kari@nordvik.kommune.no").Value.Name); // Ola has not signed in: not known
        Assert.Single(languages);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_new_password_must_be_long_new_and_given_with_the_current_one(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var accounts = new AccountService(db, _clock);
        var user = await AccountAsync(accounts, "kari@k.no", Roles.Employee);
        var external = (await accounts.SignInWithEntraAsync(Token(7, "ola@k.no"), Entra, default)).Account;

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
    public async Task A_prepared_account_is_taken_up_only_by_the_object_id_an_administrator_linked_never_by_user_name(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var sye = await AgencyAsync(db, "SYE");
        var accounts = new AccountService(db, _clock);
        var prepared = (await accounts.CreateAsync(new AccountRequest("Kari@Nordvik.kommune.no", "Kari", Roles.AgencyLeader, [sye]), "admin", default)).Value!.Account;

        // The same user name with an object id nobody linked: not this account, and no new one under the name.
        var byName = await accounts.SignInWithEntraAsync(Token(1, "kari@nordvik.kommune.no", "SystemOwner"), Entra, default);
        var badId = await accounts.LinkEntraAsync(prepared.Id, "kari", Entra, "admin", default);
        var linked = await accounts.LinkEntraAsync(prepared.Id, Oid(2).ToUpperInvariant(), Entra, "admin", default);
        var first = await accounts.SignInWithEntraAsync(Token(2, "kari.nordmann@nordvik.kommune.no", "SystemOwner"), Entra, default);
        var stillNot = await accounts.SignInWithEntraAsync(Token(1, "kari@nordvik.kommune.no"), Entra, default);
        var other = (await accounts.CreateAsync(new AccountRequest("ola@k.no", "Ola", Roles.Employee, []), "admin", default)).Value!.Account;
        var taken = await accounts.LinkEntraAsync(other.Id, Oid(2), Entra, "admin", default);

        Assert.Equal(EntraRefusal.UserNameHeld, byName.Refusal);
        Assert.Equal("objectId", badId.Field);
        Assert.True(linked.Succeeded);
        Assert.Equal(prepared.Id, first.Account!.Id);
        Assert.Equal((Home, Oid(2)), (first.Account.TenantId, first.Account.ExternalId));
        Assert.Equal(Roles.Employee | Roles.AgencyLeader | Roles.SystemOwner, first.Account.EffectiveRoles);
        Assert.Equal([sye], first.Account.Agencies.Select(a => a.AgencyId));
        Assert.Equal(_clock.GetUtcNow().UtcDateTime, first.Account.LastSignInAt);
        Assert.Equal(EntraRefusal.UserNameHeld, stillNot.Refusal);
        Assert.Equal("objectId", taken.Field);
        Assert.Equal(2, await db.Accounts.CountAsync());
        var audit = await db.AuditEntries.Select(e => e.Action).ToListAsync();
        Assert.Contains("account.link-entra", audit);
        Assert.Contains("account.entra-sign-in", audit);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_Entra_sign_in_is_refused_for_a_disabled_account_and_for_an_account_another_identity_holds(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var accounts = new AccountService(db, _clock);
        await accounts.EnsureAdministratorAsync(default);
        var held = (await accounts.SignInWithEntraAsync(Token(1, "per@nordvik.kommune.no", "Administrator"), Entra, default)).Account;
        var kari = (await accounts.SignInWithEntraAsync(Token(2, "kari@nordvik.kommune.no"), Entra, default)).Account;
        await accounts.UpdateAsync(kari!.Id, Roles.Employee, [], disabled: true, "admin", default);

        // A user name given to someone new (another object id) must not hand them the old holder's account and roles.
        var newcomer = await accounts.SignInWithEntraAsync(Token(3, "per@nordvik.kommune.no"), Entra, default);
        var disabled = await accounts.SignInWithEntraAsync(Token(2, "kari@nordvik.kommune.no", "ChangeLeader"), Entra, default);

        Assert.Equal(EntraRefusal.UserNameHeld, newcomer.Refusal);
        Assert.Equal(EntraRefusal.Disabled, disabled.Refusal);
        await using var check = database.CreateContext();
        Assert.Equal(Oid(1), (await check.Accounts.SingleAsync(a => a.Id == held!.Id)).ExternalId);
        Assert.Equal(Roles.Employee, (await check.Accounts.SingleAsync(a => a.Id == kari.Id)).EffectiveRoles);
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
