// Writes the people a directory import adds inside its transaction. The first import of a municipality adds every
// employee at once (54,000 in the demo), which EF's change tracker spends most of the import on: as the usage and survey
// imports do, they go past it through Data/BulkInsert (binary COPY on PostgreSQL, one prepared statement on SQLite), with
// ids taken from the table's own sequence first so the import can point at them (leader arrivals).
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using NpgsqlTypes;
using Oppdrift.Data;

namespace Oppdrift.Organisation;

internal static class PeopleStore
{
    /// <summary>
    /// Everyone the directory has held, untracked. On SQLite the rows are read by position straight from SQLite: through
    /// EF Core and Microsoft.Data.Sqlite each of the 23 columns of 54,000 people took several calls into SQLite to check
    /// its type and bounds, most of the time of importing the same file again.
    /// </summary>
    public static async Task<List<Person>> ReadAllAsync(OppdriftDb db, CancellationToken cancellationToken)
    {
        if (BulkInsert.Postgres(db) is not null)
        {
            return await db.People.AsNoTracking().ToListAsync(cancellationToken);
        }
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var people = new List<Person>();
            using var select = new RawStatement((SqliteConnection)db.Database.GetDbConnection(), $"SELECT {Columns} FROM people");
            while (select.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                people.Add(new Person
                {
                    Id = (int)select.Int64(0),
                    ObjectId = select.Text(1),
                    UserPrincipalName = select.Text(2)!,
                    NormalizedUserPrincipalName = select.Text(3)!,
                    DisplayName = select.Text(4)!,
                    GivenName = select.Text(5),
                    Surname = select.Text(6),
                    Mail = select.Text(7),
                    JobTitle = select.Text(8),
                    Department = select.Text(9),
                    CompanyName = select.Text(10),
                    OfficeLocation = select.Text(11),
                    City = select.Text(12),
                    Country = select.Text(13),
                    UsageLocation = select.Text(14),
                    UserType = select.Text(15),
                    AccountEnabled = select.Int64(16) != 0,
                    IsLeader = select.Int64(17) != 0,
                    AgencyId = select.IsNull(18) ? null : (int)select.Int64(18),
                    UnitId = select.IsNull(19) ? null : (int)select.Int64(19),
                    IsActive = select.Int64(20) != 0,
                    FirstSeenAt = SqliteTime(select.Text(21)!),
                    DeactivatedAt = select.Text(22) is { } deactivated ? SqliteTime(deactivated) : null,
                });
            }
            return people;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>A time as Microsoft.Data.Sqlite reads it back, then marked UTC as the model's converter marks every time.</summary>
    private static DateTime SqliteTime(string text) =>
        DateTime.SpecifyKind(DateTime.Parse(text, CultureInfo.InvariantCulture), DateTimeKind.Utc);

    /// <summary>Inserts <paramref name="people"/> (untracked, <c>Id</c> 0, <c>Unit</c> resolved to <c>UnitId</c>) and sets their ids.</summary>
    public static async Task InsertAsync(OppdriftDb db, IReadOnlyList<Person> people, CancellationToken cancellationToken)
    {
        if (people.Count == 0)
        {
            return;
        }
        if (BulkInsert.Postgres(db) is { } npgsql)
        {
            // The identity's sequence hands out the ids, as it would to EF's inserts, so concurrent writers never collide.
            await using (var command = BulkInsert.Prepare(db,
                $"SELECT nextval(pg_get_serial_sequence('people', 'Id'))::integer FROM generate_series(1, {people.Count.ToString(CultureInfo.InvariantCulture)})"))
            {
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                var i = 0;
                while (await reader.ReadAsync(cancellationToken))
                {
                    people[i++].Id = reader.GetInt32(0);
                }
            }
            await BulkInsert.CopyAsync(npgsql, $"COPY people ({Columns}) FROM STDIN (FORMAT BINARY)", people,
                static async (writer, person, cancellationToken) =>
                {
                    await writer.WriteAsync(person.Id, NpgsqlDbType.Integer, cancellationToken);
                    await BulkInsert.WriteAsync(writer, person.ObjectId, cancellationToken);
                    await writer.WriteAsync(person.UserPrincipalName, NpgsqlDbType.Text, cancellationToken);
                    await writer.WriteAsync(person.NormalizedUserPrincipalName, NpgsqlDbType.Text, cancellationToken);
                    await writer.WriteAsync(person.DisplayName, NpgsqlDbType.Text, cancellationToken);
                    await BulkInsert.WriteAsync(writer, person.GivenName, cancellationToken);
                    await BulkInsert.WriteAsync(writer, person.Surname, cancellationToken);
                    await BulkInsert.WriteAsync(writer, person.Mail, cancellationToken);
                    await BulkInsert.WriteAsync(writer, person.JobTitle, cancellationToken);
                    await BulkInsert.WriteAsync(writer, person.Department, cancellationToken);
                    await BulkInsert.WriteAsync(writer, person.CompanyName, cancellationToken);
                    await BulkInsert.WriteAsync(writer, person.OfficeLocation, cancellationToken);
                    await BulkInsert.WriteAsync(writer, person.City, cancellationToken);
                    await BulkInsert.WriteAsync(writer, person.Country, cancellationToken);
                    await BulkInsert.WriteAsync(writer, person.UsageLocation, cancellationToken);
                    await BulkInsert.WriteAsync(writer, person.UserType, cancellationToken);
                    await writer.WriteAsync(person.AccountEnabled, NpgsqlDbType.Boolean, cancellationToken);
                    await writer.WriteAsync(person.IsLeader, NpgsqlDbType.Boolean, cancellationToken);
                    await BulkInsert.WriteAsync(writer, person.AgencyId, cancellationToken);
                    await BulkInsert.WriteAsync(writer, person.UnitId, cancellationToken);
                    await writer.WriteAsync(person.IsActive, NpgsqlDbType.Boolean, cancellationToken);
                    await writer.WriteAsync(person.FirstSeenAt, NpgsqlDbType.TimestampTz, cancellationToken);
                    if (person.DeactivatedAt is { } deactivated)
                    {
                        await writer.WriteAsync(deactivated, NpgsqlDbType.TimestampTz, cancellationToken);
                    }
                    else
                    {
                        await writer.WriteNullAsync(cancellationToken);
                    }
                }, cancellationToken);
            return;
        }

        // SQLite: the import's transaction holds the write lock, so the ids after the highest ever given are ours. The
        // table is AUTOINCREMENT, which remembers that highest id in sqlite_sequence even when its row is gone.
        await using (var command = BulkInsert.Prepare(db, """
            SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'people'), 0), coalesce((SELECT max("Id") FROM people), 0))
            """))
        {
            var last = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
            foreach (var person in people)
            {
                person.Id = ++last;
            }
        }
        // One prepared statement per person, bound by position: with 23 columns, mostly text, SQLite spends twice as long
        // unpacking the same rows from JSON texts (json_each and ->> per column) as binding them, and SqliteCommand's named
        // parameters, looked up by name at every execution, cost more than the insert (docs/performance.md, "Directory import").
        var positions = string.Join(", ", Enumerable.Range(1, 23).Select(i => "?" + i.ToString(CultureInfo.InvariantCulture)));
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        using var cache = BulkInsert.SqliteCache(connection, 64 * 1024);
        using var insert = new RawStatement(connection, $"INSERT INTO people ({Columns}) VALUES ({positions})");
        foreach (var person in people)
        {
            cancellationToken.ThrowIfCancellationRequested();
            insert.Bind(1, person.Id)
                .Bind(2, person.ObjectId)
                .Bind(3, person.UserPrincipalName)
                .Bind(4, person.NormalizedUserPrincipalName)
                .Bind(5, person.DisplayName)
                .Bind(6, person.GivenName)
                .Bind(7, person.Surname)
                .Bind(8, person.Mail)
                .Bind(9, person.JobTitle)
                .Bind(10, person.Department)
                .Bind(11, person.CompanyName)
                .Bind(12, person.OfficeLocation)
                .Bind(13, person.City)
                .Bind(14, person.Country)
                .Bind(15, person.UsageLocation)
                .Bind(16, person.UserType)
                .Bind(17, person.AccountEnabled ? 1 : 0)
                .Bind(18, person.IsLeader ? 1 : 0)
                .Bind(19, person.AgencyId)
                .Bind(20, person.UnitId)
                .Bind(21, person.IsActive ? 1 : 0)
                // As EF Core writes a time to SQLite, so that it compares and reads back alike.
                .Bind(22, person.FirstSeenAt.ToString(BulkInsert.SqliteDateTimeFormat, CultureInfo.InvariantCulture))
                .Bind(23, person.DeactivatedAt?.ToString(BulkInsert.SqliteDateTimeFormat, CultureInfo.InvariantCulture))
                .Execute();
        }
    }

    private const string Columns = """
        "Id", "ObjectId", "UserPrincipalName", "NormalizedUserPrincipalName", "DisplayName", "GivenName", "Surname", "Mail",
        "JobTitle", "Department", "CompanyName", "OfficeLocation", "City", "Country", "UsageLocation", "UserType",
        "AccountEnabled", "IsLeader", "AgencyId", "UnitId", "IsActive", "FirstSeenAt", "DeactivatedAt"
        """;
}
