using Oppdrift.Shared;

namespace Oppdrift.Access;

/// <summary>
/// The <c>Authentication:Entra</c> section: sign-in with OpenID Connect against Microsoft Entra ID, which tenants'
/// identities may sign in, and the poll of the home tenant's users that ends the sessions of those disabled or deleted
/// there. See docs/operations.md.
/// </summary>
public sealed class EntraSettings
{
    public const string Section = "Authentication:Entra";

    /// <summary>The municipality's tenant: tokens must come from it (or from <see cref="AllowedTenants"/>).</summary>
    public string? TenantId { get; set; }

    /// <summary>The app registration's client id; setting it turns Entra ID sign-in on.</summary>
    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>The sign-in service for national clouds; its tenants' issuers are <c>{Instance}{tenant}/v2.0</c>.</summary>
    public string Instance { get; set; } = "https://login.microsoftonline.com/";

    /// <summary>Overrides the authority (by default the home tenant's, or <c>organizations</c> with other tenants allowed).</summary>
    public string? Authority { get; set; }

    /// <summary>
    /// Other tenants whose identities may sign in too (a multi-tenant app registration, say for a shared service
    /// centre). Empty by default: only the home tenant. Each is named by its tenant id; there is no "any tenant".
    /// </summary>
    public List<string> AllowedTenants { get; } = [];

    public bool Configured => !string.IsNullOrWhiteSpace(ClientId);

    /// <summary>
    /// Instead of <see cref="ClientSecret"/>, for the directory poll only: a PFX or PEM file with the app's certificate and
    /// private key.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>The password of a PFX <see cref="CertificatePath"/>, if it has one.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// Whether the home tenant's users are polled from Microsoft Graph (a delta query; application permission
    /// User.Read.All), so that someone disabled or deleted in Entra ID loses their sessions within a minute (poll and session check, 30 seconds each by default). On by
    /// default whenever sign-in and a credential are configured.
    /// </summary>
    public bool DirectoryPoll { get; set; } = true;

    /// <summary>How often the poll asks Microsoft Graph for changed users (default 1 minute).</summary>
    public TimeSpan DirectoryPollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Microsoft Graph with its version, for the directory poll; national clouds have their own.</summary>
    public Uri GraphBaseUrl { get; set; } = new("https://graph.microsoft.com/v1.0");

    /// <summary>What keeps the directory poll from running, by setting name; empty when it can run.</summary>
    public IReadOnlyList<string> DirectoryPollProblems()
    {
        var problems = new List<string>();
        if (!Configured)
        {
            problems.Add($"{Section}:{nameof(ClientId)} is missing");
        }
        if (HomeTenant is null)
        {
            problems.Add($"{Section}:{nameof(TenantId)} must be the tenant id (a GUID)");
        }
        if (string.IsNullOrWhiteSpace(ClientSecret) && string.IsNullOrWhiteSpace(CertificatePath))
        {
            problems.Add($"{Section}:{nameof(ClientSecret)} or {Section}:{nameof(CertificatePath)} is missing");
        }
        if (DirectoryPollInterval < TimeSpan.FromSeconds(5))
        {
            problems.Add($"{Section}:{nameof(DirectoryPollInterval)} must be at least 5 seconds");
        }
        return problems;
    }

    /// <summary>Whether the directory poll is on and has what it needs.</summary>
    public bool DirectoryPollConfigured => DirectoryPoll && DirectoryPollProblems().Count == 0;

    /// <summary>The app registration as the directory poll signs in to Microsoft Graph with it, in the home tenant.</summary>
    public GraphApp GraphApp() => new()
    {
        TenantId = HomeTenant ?? throw new InvalidOperationException($"{Section}:{nameof(TenantId)} is not a tenant id."),
        ClientId = ClientId ?? throw new InvalidOperationException($"{Section}:{nameof(ClientId)} is missing."),
        ClientSecret = ClientSecret,
        CertificatePath = CertificatePath,
        CertificatePassword = CertificatePassword,
        BaseUrl = GraphBaseUrl,
        AuthorityHost = new Uri(InstanceRoot),
    };

    /// <summary>The home tenant as a lower-case GUID; null when it is missing or not a GUID.</summary>
    public string? HomeTenant => Identifier(TenantId);

    /// <summary>Every tenant whose identities may sign in, home tenant first, as lower-case GUIDs.</summary>
    public IReadOnlyList<string> Tenants =>
        [.. new[] { TenantId }.Concat(AllowedTenants).Select(Identifier).OfType<string>().Distinct(StringComparer.Ordinal)];

    public string EffectiveAuthority => Authority is { Length: > 0 } authority ? authority
        : $"{InstanceRoot}{(AllowedTenants.Count > 0 ? "organizations" : HomeTenant)}/v2.0";

    /// <summary>The issuer each allowed tenant's tokens carry; a token from any other tenant fails issuer validation.</summary>
    public IReadOnlyList<string> Issuers => [.. Tenants.Select(t => $"{InstanceRoot}{t}/v2.0")];

    private string InstanceRoot => Instance.EndsWith('/') ? Instance : Instance + "/";

    /// <summary>What is missing or wrong, by setting name; empty when sign-in can be turned on.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (HomeTenant is null)
        {
            problems.Add($"{Section}:{nameof(TenantId)} must be the tenant id (a GUID), since tokens are checked against it");
        }
        foreach (var tenant in AllowedTenants.Where(t => Identifier(t) is null))
        {
            problems.Add($"{Section}:{nameof(AllowedTenants)} holds '{tenant}', which is not a tenant id (a GUID)");
        }
        return problems;
    }

    /// <summary>Whether identities of this tenant (a token's <c>tid</c>) may sign in.</summary>
    public bool Admits(string? tenantId) => Identifier(tenantId) is { } tenant && Tenants.Contains(tenant, StringComparer.Ordinal);

    /// <summary>A tenant or object id as Entra ID writes it (a lower-case GUID); null when it is not a GUID.</summary>
    public static string? Identifier(string? value) =>
        Guid.TryParse(value?.Trim(), out var id) && id != Guid.Empty ? id.ToString("D") : null;
}
