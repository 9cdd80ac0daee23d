using System.Globalization;
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

/// <summary>What a validated Entra ID token says about who signed in.</summary>
public sealed record EntraIdentity(string? TenantId, string? ObjectId, string? UserName, string? DisplayName, IReadOnlyCollection<string> Roles);

/// <summary>Why an Entra ID sign-in was refused.</summary>
public enum EntraRefusal
{
    /// <summary>The token has no tenant id or no object id.</summary>
    NoIdentity,

    /// <summary>The token is from a tenant that is not configured.</summary>
    OtherTenant,

    /// <summary>No account holds the identity, and another account has its user name.</summary>
    UserNameHeld,

    /// <summary>The account is disabled here.</summary>
    Disabled,
}

/// <summary>The account signed in, or why not.</summary>
public sealed record EntraSignIn(Account? Account, EntraRefusal? Refusal);

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

    /// <summary>The language a sign-in is made in: the reader's chosen one in the web app; none outside a request (the command).</summary>
    private static string? SignInLanguage() => Localized.Supported(CultureInfo.CurrentUICulture.Name)?.Name;

    /// <summary>
    /// The languages the accounts named last signed in with, by user name (case-insensitive); an account never signed in,
    /// or a name with no account, is left out, and its e-mails are written in Bokmål.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, CultureInfo>> LanguagesAsync(OppdriftDb db, IEnumerable<string> userNames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(userNames);
        var normalized = userNames.Where(n => !string.IsNullOrWhiteSpace(n)).Select(Normalize).Distinct(StringComparer.Ordinal).ToList();
        var languages = new Dictionary<string, CultureInfo>(StringComparer.OrdinalIgnoreCase);
        foreach (var chunk in normalized.Chunk(500))
        {
            var rows = await db.Accounts.AsNoTracking().Where(a => chunk.Contains(a.NormalizedUserName) && a.Language != null)
                .Select(a => new { a.NormalizedUserName, a.Language }).ToListAsync(cancellationToken);
            foreach (var row in rows)
            {
                if (Localized.Supported(row.Language) is { } culture)
                {
                    languages[row.NormalizedUserName] = culture;
                }
            }
        }
        return languages;
    }

    /// <summary>
    /// Creates the first administrator when no administrator exists, and returns the one-time
    /// password to show once. There is no default password.
    /// </summary>
    public async Task<NewAccount?> EnsureAdministratorAsync(CancellationToken cancellationToken)
    {
        var any = await db.Accounts.AnyAsync(a => (((int)a.Roles | (int)a.EntraRoles) & (int)Roles.Administrator) != 0 && !a.IsDisabled && !a.DisabledInDirectory, cancellationToken);
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
        if (changed.EffectiveRoles.HasFlag(Roles.Administrator) && !changed.IsDisabled && !changed.DisabledInDirectory)
        {
            return true;
        }
        return await db.Accounts.AnyAsync(a => a.Id != changed.Id && (((int)a.Roles | (int)a.EntraRoles) & (int)Roles.Administrator) != 0
            && !a.IsDisabled && !a.DisabledInDirectory, cancellationToken);
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
    /// The account of someone who signed in through Entra ID, linked only by tenant id and object id (the token's
    /// <c>tid</c> and <c>oid</c>), never by user name:
    /// <list type="bullet">
    /// <item>a token without both, or from a tenant <paramref name="settings"/> does not admit, is refused;</item>
    /// <item>the account holding that tenant and object id is used (one an administrator linked by entering the object id
    /// on the account page, or one an earlier sign-in created); a link made before tenant ids were stored is taken up by
    /// the home tenant and gets its tenant id;</item>
    /// <item>otherwise a new account is created with no rights beyond Employee and the token's app roles, unless another
    /// account already has the token's user name: then the sign-in is refused, since that account (someone else's, or
    /// one an administrator prepared by name) must not be taken over by whoever now has the name in Entra ID.
    /// The administrator links it by object id on the account page.</item>
    /// </list>
    /// The token's app roles replace the account's <see cref="Account.EntraRoles"/> at every sign-in, so a role removed in
    /// Entra ID is removed here, and the roles an administrator set here stay; a change of rights renews the security
    /// stamp, which ends the account's other sessions at their next check. Every sign-in and refusal is audited.
    /// </summary>
    public async Task<EntraSignIn> SignInWithEntraAsync(EntraIdentity identity, EntraSettings settings, CancellationToken cancellationToken)
    {
        var tenantId = EntraSettings.Identifier(identity.TenantId);
        var objectId = EntraSettings.Identifier(identity.ObjectId);
        var userName = string.IsNullOrWhiteSpace(identity.UserName) ? objectId ?? "" : identity.UserName.Trim();
        if (userName.Length > 200)
        {
            userName = userName[..200];
        }
        if (tenantId is null || objectId is null)
        {
            return await RefuseAsync(EntraRefusal.NoIdentity, identity, userName, cancellationToken);
        }
        if (!settings.Admits(tenantId))
        {
            return await RefuseAsync(EntraRefusal.OtherTenant, identity, userName, cancellationToken);
        }
        var account = await db.Accounts.Include(a => a.Agencies)
            .SingleOrDefaultAsync(a => a.ExternalId == objectId && a.TenantId == tenantId, cancellationToken);
        if (account is null && tenantId == settings.HomeTenant)
        {
            account = await db.Accounts.Include(a => a.Agencies)
                .SingleOrDefaultAsync(a => a.ExternalId == objectId && a.TenantId == null, cancellationToken);
            if (account is not null)
            {
                // A link from before tenant ids were stored: the roles it holds that the token grants now count as coming
                // from Entra ID (so they go when Entra ID removes them); the rest stay as set here.
                account.TenantId = tenantId;
                account.Roles = (account.Roles & ~ParseRoles(identity.Roles)) | Roles.Employee;
            }
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var entraRoles = ParseRoles(identity.Roles);
        if (account is null)
        {
            var normalized = Normalize(userName);
            if (await db.Accounts.AnyAsync(a => a.NormalizedUserName == normalized, cancellationToken))
            {
                return await RefuseAsync(EntraRefusal.UserNameHeld, identity, userName, cancellationToken);
            }
            account = new Account
            {
                UserName = userName,
                NormalizedUserName = normalized,
                DisplayName = string.IsNullOrWhiteSpace(identity.DisplayName) ? userName : identity.DisplayName.Trim(),
                ExternalId = objectId,
                TenantId = tenantId,
                Roles = Roles.Employee,
                EntraRoles = entraRoles,
                CreatedAt = now,
                SecurityStamp = NewSecurityStamp(),
            };
            db.Accounts.Add(account);
            AuditLog.Record(db, clock, userName, "account.create-external", userName, after: Describe(account));
        }
        if (account.IsDisabled)
        {
            return await RefuseAsync(EntraRefusal.Disabled, identity, account.UserName, cancellationToken);
        }
        if (account.DisabledInDirectory)
        {
            // Entra ID issues no token to a disabled or deleted user: this sign-in shows the person is enabled again.
            account.DisabledInDirectory = false;
            AuditLog.Record(db, clock, account.UserName, "account.enabled-in-entra", account.UserName, after: new { Source = "sign-in" });
        }
        if (account.EntraRoles != entraRoles)
        {
            var before = Describe(account);
            var effective = account.EffectiveRoles;
            account.EntraRoles = entraRoles;
            if (account.EffectiveRoles != effective)
            {
                account.SecurityStamp = NewSecurityStamp();
            }
            AuditLog.Record(db, clock, account.UserName, "account.entra-roles", account.UserName, before, Describe(account));
        }
        if (account.SecurityStamp.Length == 0)
        {
            account.SecurityStamp = NewSecurityStamp();
        }
        account.LastSignInAt = now;
        account.Language = SignInLanguage() ?? account.Language;
        AuditLog.Record(db, clock, account.UserName, "account.entra-sign-in", account.UserName, after: new { Tenant = tenantId, ObjectId = objectId });
        await db.SaveChangesAsync(cancellationToken);
        return new EntraSignIn(account, null);
    }

    private async Task<EntraSignIn> RefuseAsync(EntraRefusal reason, EntraIdentity identity, string userName, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var actor = userName.Length > 0 ? userName : "entra";
        AuditLog.Record(db, clock, actor, "account.entra-sign-in-failed", actor, after: new
        {
            Reason = reason.ToString(),
            Tenant = identity.TenantId is { Length: <= 100 } tenant ? tenant : null,
            ObjectId = identity.ObjectId is { Length: <= 100 } objectId ? objectId : null,
        });
        await db.SaveChangesAsync(cancellationToken);
        return new EntraSignIn(null, reason);
    }

    /// <summary>The app roles a token carries, by name; unknown names and Employee (everyone has it) are ignored.</summary>
    public static Roles ParseRoles(IEnumerable<string> names)
    {
        var roles = Roles.None;
        foreach (var name in names)
        {
            if (Enum.TryParse<Roles>(name, ignoreCase: true, out var role) && Enum.IsDefined(role) && !int.TryParse(name, out _))
            {
                roles |= role;
            }
        }
        return roles & ~Roles.Employee;
    }

    /// <summary>
    /// Links an account to an Entra ID identity (its object id, in the home tenant) as an administrator decides, or
    /// unlinks it with an empty object id. This is how an account prepared for someone is taken up by them: on their first
    /// sign-in, by the object id, never by the user name. The account's sessions end, since it now belongs to an identity.
    /// </summary>
    public async Task<Result<Account>> LinkEntraAsync(int id, string? objectId, EntraSettings settings, string actor, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.Include(a => a.Agencies).SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (account is null)
        {
            return Result<Account>.Fail("id", AccessText.Get("AccountErrorNotFound"));
        }
        string? linked = null;
        if (!string.IsNullOrWhiteSpace(objectId))
        {
            linked = EntraSettings.Identifier(objectId);
            if (linked is null || settings.HomeTenant is null)
            {
                return Result<Account>.Fail("objectId", AccessText.Get(linked is null ? "AccountErrorObjectId" : "AccountErrorEntraNotConfigured"));
            }
            var home = settings.HomeTenant;
            if (await db.Accounts.AnyAsync(a => a.Id != id && a.ExternalId == linked && (a.TenantId == home || a.TenantId == null), cancellationToken))
            {
                return Result<Account>.Fail("objectId", AccessText.Get("AccountErrorObjectIdTaken"));
            }
        }
        var tenant = linked is null ? null : settings.HomeTenant;
        if (account.ExternalId == linked && account.TenantId == tenant)
        {
            return Result<Account>.Ok(account);
        }
        var before = new { Tenant = account.TenantId, ObjectId = account.ExternalId, EntraRoles = account.EntraRoles.ToString() };
        account.ExternalId = linked;
        account.TenantId = tenant;
        account.EntraRoles = Roles.None;
        account.DisabledInDirectory = false;
        account.SecurityStamp = NewSecurityStamp();
        AuditLog.Record(db, clock, actor, "account.link-entra", account.UserName, before,
            new { Tenant = account.TenantId, ObjectId = account.ExternalId, EntraRoles = account.EntraRoles.ToString() });
        await db.SaveChangesAsync(cancellationToken);
        return Result<Account>.Ok(account);
    }

    /// <summary>
    /// After a directory import: accounts linked to a person now disabled in Entra ID or gone from it are disabled here and
    /// get a new security stamp, so their open sessions end at their next check (<c>Access:SessionRevalidation</c>);
    /// those whose person is enabled again are enabled. Matched by object id only. Changes are left to the caller's save
    /// (the import's transaction), with an audit entry each. Returns how many accounts were disabled and enabled.
    /// </summary>
    public async Task<(int Disabled, int Enabled)> FollowDirectoryAsync(IReadOnlySet<string> disabledObjectIds, IReadOnlySet<string> enabledObjectIds,
        string actor, CancellationToken cancellationToken)
    {
        var linked = await db.Accounts.Where(a => a.ExternalId != null).ToListAsync(cancellationToken);
        int disabled = 0, enabled = 0;
        foreach (var account in linked)
        {
            var objectId = account.ExternalId!;
            if (!account.DisabledInDirectory && disabledObjectIds.Contains(objectId))
            {
                account.DisabledInDirectory = true;
                account.SecurityStamp = NewSecurityStamp();
                AuditLog.Record(db, clock, actor, "account.disabled-in-entra", account.UserName, after: new { ObjectId = objectId });
                disabled++;
            }
            else if (account.DisabledInDirectory && enabledObjectIds.Contains(objectId))
            {
                account.DisabledInDirectory = false;
                AuditLog.Record(db, clock, actor, "account.enabled-in-entra", account.UserName, after: new { ObjectId = objectId, Source = "directory" });
                enabled++;
            }
        }
        return (disabled, enabled);
    }

    /// <summary>
    /// After a round of the directory poll (<see cref="EntraDirectoryPollJob"/>): accounts linked to a user of
    /// <paramref name="tenantId"/> (by tenant and object id; a link from before tenant ids were stored counts as the home
    /// tenant's) whom the round shows disabled or removed, or, in a full round, does not list at all, are marked disabled in
    /// the directory and get a new security stamp, so their sessions end at their next check; those it shows enabled again
    /// are marked enabled. An account an administrator disabled here stays disabled. Changes are left to the caller's save,
    /// with an audit entry each. A full round that leaves out more than <see cref="MassAbsenceShare"/> of the linked
    /// accounts (and more than <see cref="MassAbsenceMinimum"/>) disables none of them for being left out: that looks like
    /// a broken listing, not a mass deletion, and the directory import (which has the same guard) or the users' own
    /// changes in later rounds still reach them. Returns how many accounts were disabled and enabled, and how many left
    /// out were spared.
    /// </summary>
    public async Task<(int Disabled, int Enabled, int AbsentSpared)> FollowEntraDirectoryAsync(string tenantId, EntraDirectoryDelta delta, string actor,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delta);
        var linked = new List<Account>();
        var inTenant = db.Accounts.Where(a => a.ExternalId != null && (a.TenantId == tenantId || a.TenantId == null));
        if (delta.Full)
        {
            linked = await inTenant.ToListAsync(cancellationToken);
        }
        else
        {
            // A round of changes is small; fetch only the accounts it names, in bounded batches.
            foreach (var batch in delta.Users.Keys.Chunk(500))
            {
                linked.AddRange(await inTenant.Where(a => batch.Contains(a.ExternalId!)).ToListAsync(cancellationToken));
            }
        }
        var absent = delta.Full ? linked.Count(a => !a.DisabledInDirectory && !delta.Users.ContainsKey(a.ExternalId!)) : 0;
        var spareAbsent = absent > MassAbsenceMinimum && absent > MassAbsenceShare * linked.Count;
        int disabled = 0, enabled = 0;
        foreach (var account in linked)
        {
            var objectId = account.ExternalId!;
            var reason = delta.Users.TryGetValue(objectId, out var state)
                ? state switch
                {
                    DirectoryUserState.Disabled => "disabled",
                    DirectoryUserState.Removed => "removed",
                    _ => null,
                }
                : delta.Full && !spareAbsent ? "absent" : null;
            if (reason is not null && !account.DisabledInDirectory)
            {
                account.DisabledInDirectory = true;
                account.SecurityStamp = NewSecurityStamp();
                AuditLog.Record(db, clock, actor, "account.disabled-in-entra", account.UserName,
                    after: new { ObjectId = objectId, Reason = reason, Source = "directory-poll" });
                disabled++;
            }
            else if (state == DirectoryUserState.Enabled && account.DisabledInDirectory)
            {
                account.DisabledInDirectory = false;
                AuditLog.Record(db, clock, actor, "account.enabled-in-entra", account.UserName, after: new { ObjectId = objectId, Source = "directory-poll" });
                enabled++;
            }
        }
        return (disabled, enabled, spareAbsent ? absent : 0);
    }

    /// <summary>See <see cref="FollowEntraDirectoryAsync"/>; the directory import's own guard has the same figures.</summary>
    public const double MassAbsenceShare = 0.10;

    public const int MassAbsenceMinimum = 20;

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
        if (account?.PasswordHash is null || account.IsDisabled || account.DisabledInDirectory || account.LockedOutUntil > now)
        {
            Hasher.VerifyHashedPassword(null!, DummyHash.Value, password);
            var reason = localOff ? "local-sign-in-off" : account is null ? "unknown" : account.IsDisabled || account.DisabledInDirectory ? "disabled" : account.PasswordHash is null ? "no-local-password" : "locked-out";
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
        account.Language = SignInLanguage() ?? account.Language;
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
    /// session is checked against it every 30 seconds at most (<c>Access:SessionRevalidation</c>), not on every request.
    /// </summary>
    public async Task<string?> ActiveSecurityStampAsync(int id, CancellationToken cancellationToken) =>
        await db.Accounts.AsNoTracking().Where(a => a.Id == id && !a.IsDisabled && !a.DisabledInDirectory).Select(a => a.SecurityStamp).SingleOrDefaultAsync(cancellationToken);

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
        EntraRoles = account.EntraRoles.ToString(),
        Agencies = account.Agencies.Select(a => a.AgencyId).Order().ToArray(),
        account.IsDisabled,
    };
}
