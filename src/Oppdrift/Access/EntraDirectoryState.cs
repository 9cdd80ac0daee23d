namespace Oppdrift.Access;

/// <summary>
/// Where the poll of a tenant's users in Microsoft Graph stands: the delta link that asks for the changes since the last
/// poll, and when the poll last ran and how it went, for the accounts page.
/// </summary>
public sealed class EntraDirectoryState
{
    public int Id { get; set; }

    /// <summary>The tenant polled (a lower-case GUID); one row per tenant.</summary>
    public required string TenantId { get; set; }

    /// <summary>
    /// The <c>@odata.deltaLink</c> of the last complete round; null before the first, and after Graph asked for a resync
    /// until the new full round completes.
    /// </summary>
    public string? DeltaLink { get; set; }

    /// <summary>When the last poll ended, whether or not it succeeded.</summary>
    public DateTime? LastPolledAt { get; set; }

    public DateTime? LastSucceededAt { get; set; }

    /// <summary>When the poll last read every user (its first round, or after Graph asked for a resync).</summary>
    public DateTime? LastFullSyncAt { get; set; }

    /// <summary>Why the last poll failed, for a person; null when it succeeded.</summary>
    public string? LastError { get; set; }
}
