using Oppdrift.Access;

namespace Oppdrift.Web;

public sealed record NavigationItem(string Href, string TextKey, string Policy);

/// <summary>
/// The main navigation: one entry per module page a role may open. A new module adds its entries
/// here; the menu shows each user only what their policies admit.
/// </summary>
public static class Navigation
{
    public static readonly IReadOnlyList<NavigationItem> Items =
    [
        new("/", "NavHome", Policies.SignedIn),
        new("/agencies", "NavAgencies", Policies.Insight),
        new("/usage", "NavUsage", Policies.Insight),
        new("/learning", "NavLearning", Policies.SignedIn),
        new("/knowledge", "NavKnowledge", Policies.SignedIn),
        new("/benefits", "NavBenefits", Policies.Insight),
        new("/surveys", "NavSurveys", Policies.Insight),
        new("/migration", "NavMigration", Policies.Insight),
        new("/processes", "NavProcesses", Policies.Insight),
        new("/effects", "NavEffects", Policies.Insight),
        new("/organisation", "NavOrganisation", Policies.CentralTeam),
        new("/admin/accounts", "NavAccounts", Policies.Administrator),
        new("/admin/audit", "NavAudit", Policies.Administrator),
    ];
}
