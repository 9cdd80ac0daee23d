// Writes the people a directory import adds inside its transaction. The first import of a municipality adds every
// employee at once (54,000 in the demo), which EF's change tracker spends most of the import on: as the usage and survey
// imports do, they go through Data/BulkInsert (binary COPY on PostgreSQL, slices of rows as JSON on SQLite), with ids
// taken from the table's own sequence first so the import can point at them (leader arrivals).
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
        await BulkInsert.JsonSlicesAsync(db, $"""
            INSERT INTO people ({Columns})
            SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, value ->> 8,
                value ->> 9, value ->> 10, value ->> 11, value ->> 12, value ->> 13, value ->> 14, value ->> 15, value ->> 16,
                value ->> 17, value ->> 18, value ->> 19, value ->> 20, value ->> 21, value ->> 22
            FROM json_each($rows)
            """, people, 400, static (json, person) =>
        {
            json.Append('[').Append(person.Id.ToString(CultureInfo.InvariantCulture));
            foreach (var text in (ReadOnlySpan<string?>)[person.ObjectId, person.UserPrincipalName, person.NormalizedUserPrincipalName, person.DisplayName,
                person.GivenName, person.Surname, person.Mail, person.JobTitle, person.Department, person.CompanyName, person.OfficeLocation,
                person.City, person.Country, person.UsageLocation, person.UserType])
            {
                json.Append(',');
                BulkInsert.AppendString(json, text);
            }
            json.Append(person.AccountEnabled ? ",1," : ",0,").Append(person.IsLeader ? "1," : "0,")
                .Append(BulkInsert.Number(person.AgencyId)).Append(',').Append(BulkInsert.Number(person.UnitId))
                .Append(person.IsActive ? ",1," : ",0,");
            BulkInsert.AppendSqliteDateTime(json, person.FirstSeenAt);
            json.Append(',');
            BulkInsert.AppendSqliteDateTime(json, person.DeactivatedAt);
            json.Append(']');
        }, cancellationToken);
    }

    private const string Columns = """
        "Id", "ObjectId", "UserPrincipalName", "NormalizedUserPrincipalName", "DisplayName", "GivenName", "Surname", "Mail",
        "JobTitle", "Department", "CompanyName", "OfficeLocation", "City", "Country", "UsageLocation", "UserType",
        "AccountEnabled", "IsLeader", "AgencyId", "UnitId", "IsActive", "FirstSeenAt", "DeactivatedAt"
        """;
}
