using Microsoft.Extensions.Configuration;

namespace Oppdrift.Data;

public enum DatabaseKind
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Chooses the database at run time: PostgreSQL when a connection string is configured
/// (<c>OPPDRIFT_DATABASE</c> or <c>ConnectionStrings:Oppdrift</c>), otherwise an embedded SQLite
/// file in the data folder.
/// </summary>
public sealed record DatabaseProvider(DatabaseKind Kind, string ConnectionString)
{
    public static DatabaseProvider FromConfiguration(IConfiguration configuration)
    {
        var configured = configuration["OPPDRIFT_DATABASE"] ?? configuration.GetConnectionString("Oppdrift");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Parse(configured);
        }
        var dataDirectory = DataDirectory.Resolve(configuration);
        return new DatabaseProvider(DatabaseKind.Sqlite, $"Data Source={Path.Combine(dataDirectory, "oppdrift.db")}");
    }

    /// <summary>
    /// Accepts a PostgreSQL keyword connection string (<c>Host=…</c>), a <c>postgres://</c> URL,
    /// or a SQLite one (<c>Data Source=…</c>, or a bare path ending in .db).
    /// </summary>
    public static DatabaseProvider Parse(string value)
    {
        var trimmed = value.Trim();
        if (trimmed.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || trimmed.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return new DatabaseProvider(DatabaseKind.Postgres, FromUrl(new Uri(trimmed)));
        }
        if (trimmed.Contains("Host=", StringComparison.OrdinalIgnoreCase)
            || trimmed.Contains("Server=", StringComparison.OrdinalIgnoreCase))
        {
            return new DatabaseProvider(DatabaseKind.Postgres, trimmed);
        }
        if (trimmed.Contains("Data Source=", StringComparison.OrdinalIgnoreCase))
        {
            return new DatabaseProvider(DatabaseKind.Sqlite, trimmed);
        }
        return new DatabaseProvider(DatabaseKind.Sqlite, $"Data Source={trimmed}");
    }

    private static string FromUrl(Uri url)
    {
        var userInfo = url.UserInfo.Split(':', 2);
        var parts = new List<string>
        {
            $"Host={url.Host}",
            $"Port={(url.Port > 0 ? url.Port : 5432)}",
            $"Database={url.AbsolutePath.TrimStart('/')}",
        };
        if (userInfo[0].Length > 0)
        {
            parts.Add($"Username={Uri.UnescapeDataString(userInfo[0])}");
        }
        if (userInfo.Length > 1)
        {
            parts.Add($"Password={Uri.UnescapeDataString(userInfo[1])}");
        }
        return string.Join(';', parts);
    }

    /// <summary>A description for logs and the health endpoint that never includes a password.</summary>
    public string Describe()
    {
        if (Kind == DatabaseKind.Sqlite)
        {
            return $"SQLite ({new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString).DataSource})";
        }
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
        return $"PostgreSQL ({builder.Host}:{builder.Port}/{builder.Database})";
    }
}

public static class DataDirectory
{
    /// <summary>The folder for the embedded database, keys and uploads: <c>Oppdrift:DataDirectory</c>, default ./data.</summary>
    public static string Resolve(IConfiguration configuration)
    {
        var folder = Path.GetFullPath(configuration["Oppdrift:DataDirectory"] ?? "data");
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>
    /// The folder for files every web node must see: uploads waiting for their next step, share scans and learning
    /// documents. <c>Oppdrift:SharedDirectory</c> (a network share all nodes mount), by default the data folder, which is
    /// right for one node.
    /// </summary>
    public static string Shared(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration["Oppdrift:SharedDirectory"];
        if (string.IsNullOrWhiteSpace(configured))
        {
            return Resolve(configuration);
        }
        var folder = Path.GetFullPath(configured);
        Directory.CreateDirectory(folder);
        return folder;
    }
}
