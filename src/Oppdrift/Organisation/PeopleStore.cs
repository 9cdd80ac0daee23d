// Writes the people a directory import adds inside its transaction. The first import of a municipality adds every
// employee at once (54,000 in the demo), which EF's change tracker spends most of the import on: as the usage and survey
// imports do, they go past it through Data/BulkInsert (binary COPY on PostgreSQL, one prepared statement on SQLite), with
// ids taken from the table's own sequence first so the import can point at them (leader arrivals).
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using NpgsqlTypes;
using Oppdrift.Data;

namespace Oppdrift.Organisation;

internal static class PeopleStore
{
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
        // One prepared statement per person: with 23 columns, mostly text, SQLite spends twice as long unpacking the same
        // rows from JSON texts (json_each and ->> per column) as binding them (docs/performance.md, "Directory import").
        var names = Enumerable.Range(0, 23).Select(i => "$p" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        await using var insert = BulkInsert.Prepare(db, $"INSERT INTO people ({Columns}) VALUES ({string.Join(", ", names)})", names);
        var values = insert.Parameters;
        foreach (var person in people)
        {
            values[0].Value = person.Id;
            values[1].Value = OrNull(person.ObjectId);
            values[2].Value = person.UserPrincipalName;
            values[3].Value = person.NormalizedUserPrincipalName;
            values[4].Value = person.DisplayName;
            values[5].Value = OrNull(person.GivenName);
            values[6].Value = OrNull(person.Surname);
            values[7].Value = OrNull(person.Mail);
            values[8].Value = OrNull(person.JobTitle);
            values[9].Value = OrNull(person.Department);
            values[10].Value = OrNull(person.CompanyName);
            values[11].Value = OrNull(person.OfficeLocation);
            values[12].Value = OrNull(person.City);
            values[13].Value = OrNull(person.Country);
            values[14].Value = OrNull(person.UsageLocation);
            values[15].Value = OrNull(person.UserType);
            values[16].Value = person.AccountEnabled ? 1 : 0;
            values[17].Value = person.IsLeader ? 1 : 0;
            values[18].Value = OrNull(person.AgencyId);
            values[19].Value = OrNull(person.UnitId);
            values[20].Value = person.IsActive ? 1 : 0;
            // As EF Core writes a time to SQLite, so that it compares and reads back alike.
            values[21].Value = person.FirstSeenAt.ToString(BulkInsert.SqliteDateTimeFormat, CultureInfo.InvariantCulture);
            values[22].Value = OrNull(person.DeactivatedAt?.ToString(BulkInsert.SqliteDateTimeFormat, CultureInfo.InvariantCulture));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static object OrNull(object? value) => value ?? DBNull.Value;

    private const string Columns = """
        "Id", "ObjectId", "UserPrincipalName", "NormalizedUserPrincipalName", "DisplayName", "GivenName", "Surname", "Mail",
        "JobTitle", "Department", "CompanyName", "OfficeLocation", "City", "Country", "UsageLocation", "UserType",
        "AccountEnabled", "IsLeader", "AgencyId", "UnitId", "IsActive", "FirstSeenAt", "DeactivatedAt"
        """;
}
