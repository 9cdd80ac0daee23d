namespace Oppdrift.Access;

/// <summary>
/// The <c>Access</c> section of the configuration: how long sessions last and how often they are checked against the
/// account, and how many sign-in attempts are allowed. Every value has a safe default; see docs/operations.md.
/// </summary>
public sealed class AccessSettings
{
    public const string Section = "Access";

    /// <summary>How long a session may go between checks of its security stamp against the account (default 1 minute).</summary>
    public TimeSpan SessionRevalidation { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A session not used for this long ends (sliding expiry; default 30 minutes, ASVS 3.3.2).</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A session ends this long after sign-in however much it is used (default 10 hours, ASVS 3.3.2).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(10);

    /// <summary>Sign-in attempts allowed from one client address per <see cref="SignInWindow"/> (default 30).</summary>
    public int SignInAttemptsPerAddress { get; set; } = 30;

    /// <summary>Sign-in attempts allowed for one user name per <see cref="SignInWindow"/> (default 10).</summary>
    public int SignInAttemptsPerUserName { get; set; } = 10;

    /// <summary>The window the sign-in limits count in (default 1 minute).</summary>
    public TimeSpan SignInWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Whether the sign-in and antiforgery cookies are sent only over HTTPS. Unset, they are everywhere but in the
    /// Development environment; set false only for a test server on plain HTTP.
    /// </summary>
    public bool? SecureCookies { get; set; }

    /// <summary>
    /// When Entra ID sign-in is configured, the one local account that may still sign in with a password (for when Entra
    /// ID is unreachable); every such sign-in is audited as <c>account.break-glass-sign-in</c>. Default <c>admin</c>.
    /// </summary>
    public string BreakGlassAccount { get; set; } = AccountService.FirstAdministrator;
}
