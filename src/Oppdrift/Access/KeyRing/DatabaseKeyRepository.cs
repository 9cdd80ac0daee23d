using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Data;

namespace Oppdrift.Access.KeyRing;

/// <summary>The data-protection key ring in the database: every node reads the keys any node wrote.</summary>
public sealed class DatabaseKeyRepository(IServiceScopeFactory scopes, TimeProvider clock) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
        return [.. db.ProtectionKeys.AsNoTracking().OrderBy(k => k.Id).Select(k => k.Xml).AsEnumerable().Select(xml => XElement.Parse(xml))];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
        db.ProtectionKeys.Add(new ProtectionKey
        {
            Name = friendlyName,
            Xml = element.ToString(SaveOptions.DisableFormatting),
            StoredAt = clock.GetUtcNow().UtcDateTime,
        });
        db.SaveChanges();
    }
}
