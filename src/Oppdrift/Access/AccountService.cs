using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Shared;

namespace Oppdrift.Access;

public sealed record AccountRequest(string UserName, string DisplayName, Roles Roles, IReadOnlyCollection<int> AgencyIds);

public sealed record NewAccount(Account Account, string OneTimePassword);

/// <summary>Local accounts for the embedded mode, and the first administrator.</summary>
public sealed class AccountService(OppdriftDb db, TimeProvider clock)
{
    /// <summary>
    /// PBKDF2 iterations for new hashes. ASP.NET Core's hasher derives with HMAC-SHA512, for which OWASP's Password Storage
    /// Cheat Sheet (2023, current) asks for 210,000 iterations (600,000 is its figure for HMAC-SHA256). Hashes made with
    /// fewer are replaced at the account's next successful sign-in.
    /// </summary>
    public const int PasswordIterations = 210_000;

    private static readonly PasswordHasher<Account> Hasher = new(Options.Create(new PasswordHasherOptions { IterationCount = PasswordIterations }));

    /// <summary>A hash no password matches, checked when the user name is unknown so that its answer takes as long.</summary>
    private static readonly Lazy<string> DummyHash = new(() => Hasher.HashPassword(null!, GeneratePassword()));

    /// <summary>A new random security stamp; see <see cref="Account.SecurityStamp"/>.</summary>
    public static string NewSecurityStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    public const string FirstAdministrator = "admin";
    public const int MinimumPasswordLength = 12;

    public static string Normalize(string userName) => userName.Trim().ToLowerInvariant();

    /// <summary>
    /// Creates the first administrator when no administrator exists, and returns the one-time
    /// password to show once. There is no default password.
    /// </summary>
    public async Task<NewAccount?> EnsureAdministratorAsync(CancellationToken cancellationToken)
    {
        var any = await db.Accounts.AnyAsync(a => ((int)a.Roles & (int)Roles.Administrator) != 0 && !a.IsDisabled, cancellationToken);
        if (any)
        {
            return null;
        }
        var existing = await db.Accounts.SingleOrDefaultAsync(a => a.NormalizedUserName == FirstAdministrator, cancellationToken);
        if (existing is not null)
        {
            // The name is taken by a non-administrator: restore it as the administrator with a fresh password.
            var password = GeneratePassword();
            existing.Roles |= Roles.Administrator;
            existing.IsDisabled = false;
            existing.PasswordHash = Hasher.HashPassword(existing, password);
            existing.MustChangePassword = true;
            existing.SecurityStamp = NewSecurityStamp();
            AuditLog.Record(db, clock, "system", "account.bootstrap", existing.UserName);
            await db.SaveChangesAsync(cancellationToken);
            return new NewAccount(existing, password);
        }
        var created = await CreateAsync(new AccountRequest(FirstAdministrator, "Administrator", Roles.Administrator | Roles.Employee, []), "system", cancellationToken);
        return created.Value;
    }

    public async Task<Result<NewAccount>> CreateAsync(AccountRequest request, string actor, CancellationToken cancellationToken)
    {
        var userName = request.UserName.Trim();
        if (userName.Length is 0 or > 200)
        {
            return Result<NewAccount>.Fail("userName", AccessText.Get("AccountErrorUserName"));
        }
        var normalized = Normalize(userName);
        if (await db.Accounts.AnyAsync(a => a.NormalizedUserName == normalized, cancellationToken))
        {
            return Result<NewAccount>.Fail("userName", AccessText.Get("AccountErrorUserNameTaken", userName));
        }
        if (request.Roles.HasFlag(Roles.AgencyLeader) && request.AgencyIds.Count == 0)
        {
            return Result<NewAccount>.Fail("agencies", AccessText.Get("AccountErrorLeaderAgencies"));
        }
        if (!await AgenciesExistAsync(request.AgencyIds, cancellationToken))
        {
            return Result<NewAccount>.Fail("agencies", AccessText.Get("AccountErrorAgencyNotFound"));
        }
        var password = GeneratePassword();
        var account = new Account
        {
            UserName = userName,
            NormalizedUserName = normalized,
            DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? userName : request.DisplayName.Trim(),
            Roles = request.Roles | Roles.Employee,
            MustChangePassword = true,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            SecurityStamp = NewSecurityStamp(),
        };
        account.PasswordHash = Hasher.HashPassword(account, password);
        foreach (var agencyId in request.AgencyIds.Distinct())
        {
            account.Agencies.Add(new AccountAgency { AgencyId = agencyId });
        }
        db.Accounts.Add(account);
        AuditLog.Record(db, clock, actor, "account.create", userName, after: Describe(account));
        await db.SaveChangesAsync(cancellationToken);
        return Result<NewAccount>.Ok(new NewAccount(account, password));
    }

    public async Task<Result<Account>> UpdateAsync(int id, Roles roles, IReadOnlyCollection<int> agencyIds, bool disabled, string actor, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.Include(a => a.Agencies).SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (account is null)
        {
            return Result<Account>.Fail("id", AccessText.Get("AccountErrorNotFound"));
        }
        if (roles.HasFlag(Roles.AgencyLeader) && agencyIds.Count == 0)
        {
            return Result<Account>.Fail("agencies", AccessText.Get("AccountErrorLeaderAgencies"));
        }
        if (!await AgenciesExistAsync(agencyIds, cancellationToken))
        {
            return Result<Account>.Fail("agencies", AccessText.Get("AccountErrorAgencyNotFound"));
        }
        var before = Describe(account);
        account.Roles = roles | Roles.Employee;
        account.IsDisabled = disabled;
        account.Agencies.Clear();
        foreach (var agencyId in agencyIds.Distinct())
        {
            account.Agencies.Add(new AccountAgency { AgencyId = agencyId });
        }
        if (!await OtherAdministratorRemainsAsync(account, cancellationToken))
        {
            return Result<Account>.Fail("roles", AccessText.Get("AccountErrorLastAdministrator"));
        }
        var after = Describe(account);
        if (JsonEquals(before, after) is false)
        {
            // Disabled, or roles or agencies changed: the account's open sessions end at their next check.
            account.SecurityStamp = NewSecurityStamp();
        }
        AuditLog.Record(db, clock, actor, "account.update", account.UserName, before, after);
        await db.SaveChangesAsync(cancellationToken);
        return Result<Account>.Ok(account);
    }

    /// <summary>
    /// An agency removed while the form was open (or a tampered form) is refused with a message, rather than left to the
    /// database's foreign key as an error page.
    /// </summary>
    private async Task<bool> AgenciesExistAsync(IReadOnlyCollection<int> agencyIds, CancellationToken cancellationToken)
    {
        if (agencyIds.Count == 0)
        {
            return true;
        }
        var wanted = agencyIds.ToHashSet();
        var found = await new OrganisationDirectory(db).AgenciesAsync(wanted, cancellationToken);
        return found.Count == wanted.Count;
    }

    private async Task<bool> OtherAdministratorRemainsAsync(Account changed, CancellationToken cancellationToken)
    {
        if (changed.Roles.HasFlag(Roles.Administrator) && !changed.IsDisabled)
        {
            return true;
        }
        return await db.Accounts.AnyAsync(a => a.Id != changed.Id && ((int)a.Roles & (int)Roles.Administrator) != 0 && !a.IsDisabled, cancellationToken);
    }

    public async Task<Result<string>> ResetPasswordAsync(int id, string actor, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (account is null)
        {
            return Result<string>.Fail("id", AccessText.Get("AccountErrorNotFound"));
        }
        var password = GeneratePassword();
        account.PasswordHash = Hasher.HashPassword(account, password);
        account.MustChangePassword = true;
        account.FailedSignIns = 0;
        account.LockedOutUntil = null;
        account.SecurityStamp = NewSecurityStamp();
        AuditLog.Record(db, clock, actor, "account.reset-password", account.UserName);
        await db.SaveChangesAsync(cancellationToken);
        return Result<string>.Ok(password);
    }

    /// <summary>
    /// The account of someone who signed in through Entra ID: found by object id, else by user name
    /// (an account an administrator prepared), else created with the app roles the token carries.
    /// Null when the account is disabled, or when the user name belongs to an account another Entra ID identity holds:
    /// a user name given to someone new must not hand them the previous holder's account and roles.
    /// </summary>
    public async Task<Account?> FindOrCreateExternalAsync(string externalId, string userName, string displayName,
        IReadOnlyCollection<string> tokenRoles, CancellationToken cancellationToken)
    {
        var normalized = Normalize(userName);
        var account = await db.Accounts.Include(a => a.Agencies).SingleOrDefaultAsync(a => a.ExternalId == externalId, cancellationToken)
            ?? await db.Accounts.Include(a => a.Agencies).SingleOrDefaultAsync(a => a.NormalizedUserName == normalized, cancellationToken);
        if (account?.ExternalId is { } holder && holder != externalId)
        {
            return null;
        }
        var roles = Roles.Employee;
        foreach (var name in tokenRoles)
        {
            if (Enum.TryParse<Roles>(name, ignoreCase: true, out var role))
            {
                roles |= role;
            }
        }
        if (account is null)
        {
            account = new Account
            {
                UserName = userName,
                NormalizedUserName = normalized,
                DisplayName = displayName,
                ExternalId = externalId,
                Roles = roles,
                CreatedAt = clock.GetUtcNow().UtcDateTime,
                SecurityStamp = NewSecurityStamp(),
            };
            db.Accounts.Add(account);
            AuditLog.Record(db, clock, userName, "account.create-external", userName, after: Describe(account));
        }
        else
        {
            account.ExternalId ??= externalId;
            // App roles granted in Entra ID add to what an administrator set here; they never remove.
            if ((account.Roles | roles) != account.Roles)
            {
                account.Roles |= roles;
                account.SecurityStamp = NewSecurityStamp();
            }
        }
        if (account.IsDisabled)
        {
            return null;
        }
        account.LastSignInAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        return account;
    }

    public const int MaxFailedSignIns = 5;
    public static readonly TimeSpan LockoutTime = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Checks a user name and password; null when either is wrong, the account is disabled, or it is
    /// locked after <see cref="MaxFailedSignIns"/> wrong passwords in a row (for <see cref="LockoutTime"/>),
    /// which stops password guessing without locking anyone out for long. An unknown, disabled or locked account costs
    /// one hash check all the same, so the time of the answer does not tell which user names exist. Every attempt is
    /// audited; a hash made with fewer iterations than today's is replaced on success. With
    /// <paramref name="breakGlassOnly"/> (Entra ID sign-in is configured) only that one account may sign in with a
    /// password, and its sign-ins are audited as break-glass.
    /// </summary>
    public async Task<Account?> VerifyAsync(string userName, string password, CancellationToken cancellationToken, string? breakGlassOnly = null)
    {
        var normalized = Normalize(userName);
        var typed = userName.Trim() is { Length: > 200 } longName ? longName[..200] : userName.Trim();
        var localOff = breakGlassOnly is not null && normalized != Normalize(breakGlassOnly);
        var account = localOff ? null : await db.Accounts.Include(a => a.Agencies)
            .SingleOrDefaultAsync(a => a.NormalizedUserName == normalized, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        if (account?.PasswordHash is null || account.IsDisabled || account.LockedOutUntil > now)
        {
            Hasher.VerifyHashedPassword(null!, DummyHash.Value, password);
            var reason = localOff ? "local-sign-in-off" : account is null ? "unknown" : account.IsDisabled ? "disabled" : account.PasswordHash is null ? "no-local-password" : "locked-out";
            AuditLog.Record(db, clock, typed, "account.sign-in-failed", typed, after: new { Reason = reason });
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        var result = Hasher.VerifyHashedPassword(account, account.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed)
        {
            account.FailedSignIns++;
            AuditLog.Record(db, clock, account.UserName, "account.sign-in-failed", account.UserName, after: new { Reason = "wrong-password" });
            if (account.FailedSignIns >= MaxFailedSignIns)
            {
                account.FailedSignIns = 0;
                account.LockedOutUntil = now + LockoutTime;
                AuditLog.Record(db, clock, account.UserName, "account.locked-out", account.UserName);
            }
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            // The same password, hashed with today's iteration count; the stamp stays, since nothing about access changed.
            account.PasswordHash = Hasher.HashPassword(account, password);
        }
        if (account.SecurityStamp.Length == 0)
        {
            account.SecurityStamp = NewSecurityStamp();
        }
        account.FailedSignIns = 0;
        account.LockedOutUntil = null;
        account.LastSignInAt = now;
        AuditLog.Record(db, clock, account.UserName, breakGlassOnly is null ? "account.sign-in" : "account.break-glass-sign-in", account.UserName);
        await db.SaveChangesAsync(cancellationToken);
        return account;
    }

    /// <summary>The account with this user name, in any case; null when there is none.</summary>
    public async Task<Account?> FindAsync(string userName, CancellationToken cancellationToken)
    {
        var normalized = Normalize(userName);
        return await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.NormalizedUserName == normalized, cancellationToken);
    }

    /// <summary>Whether any account exists yet (the web app creates the first administrator at its first start).</summary>
    public async Task<bool> AnyAsync(CancellationToken cancellationToken) => await db.Accounts.AnyAsync(cancellationToken);

    /// <summary>
    /// The security stamp of the account behind a session, as it is now; null when the account is disabled or gone. A
    /// session is checked against it every few minutes at most (<c>Access:SessionRevalidation</c>), not on every request.
    /// </summary>
    public async Task<string?> ActiveSecurityStampAsync(int id, CancellationToken cancellationToken) =>
        await db.Accounts.AsNoTracking().Where(a => a.Id == id && !a.IsDisabled).Select(a => a.SecurityStamp).SingleOrDefaultAsync(cancellationToken);

    /// <summary>Whether sign-in for this user name is refused for now after too many wrong passwords.</summary>
    public async Task<bool> IsLockedOutAsync(string userName, CancellationToken cancellationToken)
    {
        var normalized = Normalize(userName);
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Accounts.AnyAsync(a => a.NormalizedUserName == normalized && a.LockedOutUntil > now, cancellationToken);
    }

    public async Task<Result<Account>> ChangePasswordAsync(int id, string current, string next, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.Include(a => a.Agencies).SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (account?.PasswordHash is null)
        {
            return Result<Account>.Fail("current", AccessText.Get("AccountErrorNoLocalPassword"));
        }
        if (Hasher.VerifyHashedPassword(account, account.PasswordHash, current) == PasswordVerificationResult.Failed)
        {
            return Result<Account>.Fail("current", AccessText.Get("AccountErrorWrongPassword"));
        }
        if (next.Length < MinimumPasswordLength)
        {
            return Result<Account>.Fail("next", AccessText.Get("AccountErrorShortPassword", MinimumPasswordLength));
        }
        if (next == current)
        {
            return Result<Account>.Fail("next", AccessText.Get("AccountErrorSamePassword"));
        }
        if (BreachedPasswords.IsCommon(next, account.UserName))
        {
            return Result<Account>.Fail("next", AccessText.Get("AccountErrorCommonPassword"));
        }
        account.PasswordHash = Hasher.HashPassword(account, next);
        account.MustChangePassword = false;
        account.SecurityStamp = NewSecurityStamp();
        AuditLog.Record(db, clock, account.UserName, "account.change-password", account.UserName);
        await db.SaveChangesAsync(cancellationToken);
        return Result<Account>.Ok(account);
    }

    /// <summary>A password of 16 characters from an alphabet without look-alikes (no 0/O, 1/l/I).</summary>
    public static string GeneratePassword()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return RandomNumberGenerator.GetString(alphabet, 16);
    }

    private static bool JsonEquals(object a, object b) =>
        System.Text.Json.JsonSerializer.Serialize(a) == System.Text.Json.JsonSerializer.Serialize(b);

    private static object Describe(Account account) => new
    {
        account.UserName,
        account.DisplayName,
        Roles = account.Roles.ToString(),
        Agencies = account.Agencies.Select(a => a.AgencyId).Order().ToArray(),
        account.IsDisabled,
    };
}
