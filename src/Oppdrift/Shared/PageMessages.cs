using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Oppdrift.Shared;

/// <summary>
/// A message a form endpoint hands to the page it redirects to, in the address (<c>?error=…</c>). It travels protected by the
/// data-protection key ring (encrypted, signed and valid for a few minutes), so the page shows only a message the server
/// itself wrote from its resource texts, never text someone put in a link they send a colleague.
/// </summary>
public sealed class PageMessages(IDataProtectionProvider protection, TimeProvider clock)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector("Oppdrift.PageMessages").ToTimeLimitedDataProtector();

    /// <summary>The message as the value of a query-string parameter.</summary>
    public string Protect(string message) => _protector.Protect(message, clock.GetUtcNow() + Lifetime);

    /// <summary>The message the server wrote, or null for anything else: a value typed into the address, changed or expired.</summary>
    public string? Read(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        try
        {
            var message = _protector.Unprotect(value, out var expires);
            return expires >= clock.GetUtcNow() ? message : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
