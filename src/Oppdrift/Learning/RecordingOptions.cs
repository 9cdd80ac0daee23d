namespace Oppdrift.Learning;

/// <summary>
/// The <c>Learning:Recordings</c> section: the tenant's expiry policy for Teams meeting recordings, and how early the
/// programme owner is warned. Teams moves a meeting recording to the recycle bin 120 days after it was made unless the
/// tenant's meeting policy (<c>NewMeetingRecordingExpirationDays</c>) says otherwise; see docs/operations.md.
/// </summary>
public sealed class RecordingOptions
{
    public const string Section = "Learning:Recordings";

    /// <summary>Days after it is made that a recording expires; null or 0 when the tenant lets recordings live for ever.</summary>
    public int? ExpiryDays { get; set; } = 120;

    /// <summary>How many days before a recording expires its owner is warned (on the pages and once by e-mail).</summary>
    public int WarningDays { get; set; } = 14;
}
