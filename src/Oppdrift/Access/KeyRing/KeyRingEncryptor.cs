using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace Oppdrift.Access.KeyRing;

/// <summary>The 256-bit key that encrypts the key ring at rest, from configuration or from a key file.</summary>
public sealed class KeyRingKey(byte[] key)
{
    public const int Bytes = 32;

    internal byte[] Value { get; } = key.Length == Bytes ? key : throw new ArgumentException($"The key-ring key must be {Bytes} bytes.", nameof(key));
}

/// <summary>
/// Encrypts a key-ring secret with AES-256-GCM under <see cref="KeyRingKey"/> before it is stored: the database and
/// its backups then hold the data-protection keys only in encrypted form.
/// </summary>
public sealed class KeyRingEncryptor(KeyRingKey key) : IXmlEncryptor
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var plain = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[NonceBytes + TagBytes + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key.Value, TagBytes))
        {
            aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes));
        }
        CryptographicOperations.ZeroMemory(plain);
        var element = new XElement("encryptedKey",
            new XComment(" AES-256-GCM under Oppdrift's key-ring key (DataProtection:Key or its key file); nonce, tag, ciphertext "),
            new XElement("value", Convert.ToBase64String(sealedBytes)));
        return new EncryptedXmlInfo(element, typeof(KeyRingDecryptor));
    }

    internal static XElement Decrypt(KeyRingKey key, XElement encryptedElement)
    {
        var sealedBytes = Convert.FromBase64String((string?)encryptedElement.Element("value") ?? throw new CryptographicException("The encrypted key has no value."));
        if (sealedBytes.Length < NonceBytes + TagBytes)
        {
            throw new CryptographicException("The encrypted key is too short.");
        }
        var plain = new byte[sealedBytes.Length - NonceBytes - TagBytes];
        using (var aes = new AesGcm(key.Value, TagBytes))
        {
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), plain);
        }
        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(plain));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }
}

/// <summary>Reverses <see cref="KeyRingEncryptor"/>; the key ring creates it by type with the app's services.</summary>
public sealed class KeyRingDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        return KeyRingEncryptor.Decrypt(services.GetRequiredService<KeyRingKey>(), encryptedElement);
    }
}
