namespace Oppdrift.Shared.Privacy;

/// <summary>
/// Where the pseudonymisation key comes from. Production sets <see cref="Key"/> from a secret; the
/// embedded mode sets <see cref="KeyFile"/> to a file in the data directory, created on first start.
/// When both are set the configured key wins and the file is neither read nor created.
/// </summary>
public sealed record PseudonymiserOptions
{
    /// <summary>A 32-byte key in base64, as written by <see cref="Pseudonymiser.NewKey"/> or found in an embedded key file.</summary>
    public string? Key { get; init; }

    /// <summary>A file holding the key in base64, readable only by its owner; created if missing.</summary>
    public string? KeyFile { get; init; }
}
