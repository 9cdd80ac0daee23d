using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Oppdrift.Data;
using Oppdrift.Shared;

namespace Oppdrift.Access.KeyRing;

/// <summary>
/// Where the data-protection keys live and how they are encrypted at rest: in the database (every web node shares
/// them), each key's secret encrypted with the certificate in <c>DataProtection:CertificatePath</c> (and
/// <c>DataProtection:CertificatePassword</c>) when one is configured, else with AES-256-GCM under a 32-byte key from
/// <c>DataProtection:Key</c> (base64, from a secret store) or, in embedded mode, from the key file
/// <c>DataProtection:KeyFile</c> (default <c>keyring.key</c> in the data directory), created on first start readable by
/// its owner only. Neither the database nor a backup of it alone can then read a cookie.
/// </summary>
public static partial class KeyRingServices
{
    public const string KeyFileName = "keyring.key";

    /// <summary>The folder earlier versions kept the key ring in, unencrypted; moved into the database at start.</summary>
    public const string OldFolderName = "keys";

    private static readonly XNamespace DataProtection = "http://schemas.asp.net/2015/03/dataProtection";

    public static IDataProtectionBuilder PersistKeysToDatabase(this IDataProtectionBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var services = builder.Services;
        services.AddSingleton<DatabaseKeyRepository>();
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = provider.GetRequiredService<DatabaseKeyRepository>()));
        var section = configuration.GetSection("DataProtection");
        if (section["CertificatePath"] is { Length: > 0 } certificate)
        {
            builder.ProtectKeysWithCertificate(X509CertificateLoader.LoadPkcs12FromFile(certificate, section["CertificatePassword"]));
            return builder;
        }
        services.AddSingleton(_ => new KeyRingKey(section["Key"] is { Length: > 0 } configured
            ? Decode(configured, "DataProtection:Key")
            : Decode(OwnerOnlyKeyFile.ReadOrCreate(section["KeyFile"] ?? Path.Combine(DataDirectory.Resolve(configuration), KeyFileName), KeyRingKey.Bytes,
                "key-ring key file"), "The key-ring key file")));
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlEncryptor = new KeyRingEncryptor(provider.GetRequiredService<KeyRingKey>())));
        return builder;
    }

    private static byte[] Decode(string base64, string source)
    {
        try
        {
            var key = Convert.FromBase64String(base64.Trim());
            return key.Length == KeyRingKey.Bytes ? key : throw new InvalidOperationException($"{source} is {key.Length} bytes; it must be {KeyRingKey.Bytes} (base64).");
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"{source} is not base64.", ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved {Count} data-protection key(s) from {Folder} into the database, encrypted")]
    private static partial void LogMoved(ILogger logger, int count, string folder);

    /// <summary>
    /// Moves the key-ring files an earlier version left in the data folder into the database, encrypting their secrets
    /// as new keys are, and deletes the files: sessions survive the upgrade and no key stays on disk in plain form.
    /// </summary>
    public static void MoveKeyFilesIntoDatabase(IServiceProvider services, string dataDirectory, ILogger logger)
    {
        var folder = Path.Combine(dataDirectory, OldFolderName);
        if (!Directory.Exists(folder))
        {
            return;
        }
        var options = services.GetRequiredService<IOptions<KeyManagementOptions>>().Value;
        var repository = services.GetRequiredService<DatabaseKeyRepository>();
        var known = repository.GetAllElements().Select(e => (string?)e.Attribute("id")).ToHashSet();
        var moved = 0;
        foreach (var file in Directory.GetFiles(folder, "*.xml"))
        {
            var key = XElement.Load(file);
            var id = (string?)key.Attribute("id");
            if (!known.Contains(id))
            {
                foreach (var secret in key.Descendants().Where(e => (string?)e.Attribute(DataProtection + "requiresEncryption") == "true").ToList())
                {
                    var encryptor = options.XmlEncryptor ?? throw new InvalidOperationException("No key-ring encryption is configured.");
                    var encrypted = encryptor.Encrypt(new XElement(secret));
                    secret.ReplaceWith(new XElement(DataProtection + "encryptedSecret",
                        new XAttribute("decryptorType", encrypted.DecryptorType.AssemblyQualifiedName!),
                        encrypted.EncryptedElement));
                }
                repository.StoreElement(key, "key-" + id);
                moved++;
            }
            Overwrite(file);
        }
        if (Directory.GetFileSystemEntries(folder).Length == 0)
        {
            Directory.Delete(folder);
        }
        LogMoved(logger, moved, folder);
    }

    /// <summary>Overwrites a plain key file before deleting it, so its bytes do not linger in the file's old blocks.</summary>
    private static void Overwrite(string path)
    {
        var length = new FileInfo(path).Length;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.Write(new byte[length]);
            stream.Flush(flushToDisk: true);
        }
        File.Delete(path);
    }
}
