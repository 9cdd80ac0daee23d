namespace Oppdrift.Usage.Graph;

/// <summary>
/// The <c>Usage:Graph</c> configuration section: the app registration that reads the usage reports, and when the
/// nightly pull runs. Everything is off until <see cref="Enabled"/> is set with a tenant, a client and a credential.
/// </summary>
public sealed class UsageGraphOptions
{
    public const string Section = "Usage:Graph";

    public bool Enabled { get; set; }

    public string? TenantId { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>A PFX or PEM file with the app's certificate and private key; used when no client secret is set.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The password of a PFX certificate, if it has one.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>Microsoft Graph with its version; national clouds and proxies use another host.</summary>
    public Uri BaseUrl { get; set; } = new("https://graph.microsoft.com/v1.0");

    /// <summary>Where tokens come from; national clouds have their own (e.g. https://login.microsoftonline.us/).</summary>
    public Uri AuthorityHost { get; set; } = new("https://login.microsoftonline.com/");

    /// <summary>Local time of day the nightly pull starts, in <see cref="TimeZone"/>.</summary>
    public TimeOnly NightlyTime { get; set; } = new(3, 30);

    public string TimeZone { get; set; } = UsageOptions.DefaultTimeZone;

    /// <summary>
    /// How many days, counting today, the pull fills in when a date is missing. Microsoft keeps daily reports for
    /// 28 days counting today and rejects older dates, so more than 28 only yields errors.
    /// </summary>
    public int BackfillDays { get; set; } = 28;

    /// <summary>The reports to pull by API name (e.g. getTeamsUserActivityUserDetail); empty means all nine.</summary>
    public IReadOnlyList<string> Reports { get; set; } = [];

    /// <summary>What keeps the pull from running, by key, for a person to fix; empty when it can run.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(TenantId))
        {
            problems.Add($"{Section}:{nameof(TenantId)} is missing");
        }
        if (string.IsNullOrWhiteSpace(ClientId))
        {
            problems.Add($"{Section}:{nameof(ClientId)} is missing");
        }
        if (string.IsNullOrWhiteSpace(ClientSecret) && string.IsNullOrWhiteSpace(CertificatePath))
        {
            problems.Add($"{Section}:{nameof(ClientSecret)} or {Section}:{nameof(CertificatePath)} is missing");
        }
        foreach (var name in Reports)
        {
            if (UsageReportCatalogue.Find(name) is null)
            {
                problems.Add($"{Section}:{nameof(Reports)} names {name}, which is not one of {string.Join(", ", UsageReportCatalogue.All)}");
            }
        }
        return problems;
    }

    public bool IsConfigured => Enabled && Problems().Count == 0;

    /// <summary>The reports <see cref="Reports"/> names, in catalogue order; unknown names are left out.</summary>
    public IReadOnlyList<UsageReportType> SelectedReports() => Reports.Count == 0
        ? UsageReportCatalogue.All
        : [.. UsageReportCatalogue.All.Where(r => Reports.Contains(r.Name, StringComparer.OrdinalIgnoreCase))];
}
