namespace Oppdrift.Access.KeyRing;

/// <summary>
/// One key of ASP.NET Core's data-protection key ring (it protects sign-in cookies and antiforgery tokens), stored in
/// the database so every web node shares it. Its secret part is encrypted (<see cref="KeyRingEncryptor"/> or a
/// certificate) before it is stored.
/// </summary>
public sealed class ProtectionKey
{
    public int Id { get; set; }

    /// <summary>The key's id as the key ring names it ("key-…").</summary>
    public required string Name { get; set; }

    /// <summary>The key's XML as the key ring wrote it, the master key inside an encrypted element.</summary>
    public required string Xml { get; set; }

    public DateTime StoredAt { get; set; }
}
