using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Shared;

namespace Oppdrift.Organisation;

public sealed record DirectoryImportProgress(string Stage, double Fraction);

/// <summary>How an import may treat people missing from the file.</summary>
/// <param name="AllowMassDeactivation">
/// Deactivate everyone missing even when that is many. Without it, a file that would deactivate more
/// than <see cref="EntraUserImport.MassDeactivationShare"/> of the active people (and more than
/// <see cref="EntraUserImport.MassDeactivationMinimum"/>) is refused: most often it is a filtered
/// download, not the whole directory.
/// </param>
public sealed record DirectoryImportOptions(bool AllowMassDeactivation = false);

/// <summary>An Entra ID user file read and checked (<see cref="EntraUserImport.Read"/>), with its size, digest and the time reading began.</summary>
public sealed record DirectoryFileRead(DirectoryFile File, string FileName, string Sha256, long Bytes, DateTime StartedAt);

/// <summary>
/// Imports an Entra ID user file: reads and checks all of it first, then adds, updates, moves and
/// deactivates people in one transaction. A file with any error writes nothing but the record of
/// the failed attempt; the same file twice changes nothing the second time.
/// </summary>
public sealed class EntraUserImport(OppdriftDb db, TimeProvider clock)
{
    /// <summary>How many users are written per slice of the one transaction.</summary>
    internal int SaveEvery { get; init; } = 5_000;

    public const double MassDeactivationShare = 0.10;
    public const int MassDeactivationMinimum = 20;

    public Task<DirectoryImport> ImportAsync(Stream stream, string fileName, string actor,
        IProgress<DirectoryImportProgress>? progress = null, CancellationToken cancellationToken = default) =>
        ImportAsync(stream, fileName, actor, new DirectoryImportOptions(), progress, cancellationToken);

    public Task<DirectoryImport> ImportAsync(Stream stream, string fileName, string actor, DirectoryImportOptions options,
        IProgress<DirectoryImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        progress?.Report(new DirectoryImportProgress("read", 0));
        return ImportAsync(Read(stream, fileName, clock), actor, options, progress, cancellationToken);
    }

    /// <summary>
    /// Reads and checks a whole file without the database, so that a caller may do it while the database opens (the
    /// command line does, on the other core); <see cref="ImportAsync(DirectoryFileRead, string, DirectoryImportOptions, IProgress{DirectoryImportProgress}?, CancellationToken)"/>
    /// then writes it.
    /// </summary>
    public static DirectoryFileRead Read(Stream stream, string fileName, TimeProvider clock)
    {
        var started = clock.GetUtcNow().UtcDateTime;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var counting = new HashingStream(stream, hash);
        var file = EntraUserFile.Read(counting, fileName);
        return new DirectoryFileRead(file, fileName, Convert.ToHexStringLower(hash.GetCurrentHash()), counting.BytesRead, started);
    }

    public async Task<DirectoryImport> ImportAsync(DirectoryFileRead read, string actor, DirectoryImportOptions options,
        IProgress<DirectoryImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var (file, fileName) = (read.File, read.FileName);
        var record = new DirectoryImport
        {
            FileName = Path.GetFileName(fileName),
            Sha256 = read.Sha256,
            Bytes = read.Bytes,
            ImportedBy = actor,
            StartedAt = read.StartedAt,
            Rows = file.Users.Count,
            Warnings = file.Warnings.Count > 0 ? string.Join('\n', file.Warnings) : null,
        };
        if (file.Errors.Count > 0)
        {
            await FailAsync(record, file.Errors, actor, cancellationToken);
            return record;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Everyone the directory has held, read once and untracked: the import compares each row with its person and
        // writes only the people it adds or changes.
        var people = await PeopleStore.ReadAllAsync(db, cancellationToken);
        if (!options.AllowMassDeactivation && MassDeactivation(people, file.Users, fileName) is { } refusal)
        {
            await FailAsync(record, [refusal], actor, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return record;
        }
        progress?.Report(new DirectoryImportProgress("apply", 0.3));
        await ApplyAsync(file.Users, people, record, actor, progress, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        progress?.Report(new DirectoryImportProgress("done", 1));
        return record;
    }

    /// <summary>Records the attempt that failed, with its errors, and nothing else.</summary>
    private async Task FailAsync(DirectoryImport record, IReadOnlyList<InputError> errors, string actor, CancellationToken cancellationToken)
    {
        record.Status = ImportStatus.Failed;
        record.Errors = string.Join('\n', errors.Select(e => e.ToString()));
        record.FinishedAt = clock.GetUtcNow().UtcDateTime;
        db.DirectoryImports.Add(record);
        AuditLog.Record(db, clock, actor, "organisation.import.failed", record.FileName, after: new { record.Sha256, Errors = errors.Count });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Refuses a file that would deactivate a large share of the active people, unless asked to:
    /// a filtered download from the admin centre looks just like a complete one.
    /// </summary>
    private static InputError? MassDeactivation(IReadOnlyList<Person> people, IReadOnlyList<DirectoryUser> users, string fileName)
    {
        var active = people.Where(p => p.IsActive).ToList();
        if (active.Count < MassDeactivationMinimum)
        {
            return null;
        }
        var objectIds = users.Where(u => u.ObjectId is not null).Select(u => u.ObjectId!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var upns = users.Select(u => u.UserPrincipalName.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        var missing = active.Count(p => !(p.ObjectId is not null && objectIds.Contains(p.ObjectId)) && !upns.Contains(p.NormalizedUserPrincipalName));
        if (missing <= MassDeactivationMinimum || missing <= active.Count * MassDeactivationShare)
        {
            return null;
        }
        return new InputError(fileName, 0, null, null,
            OrganisationText.Get("ImportErrorMassDeactivation", missing, active.Count, (double)missing / active.Count));
    }

    /// <summary>
    /// Matches every row with its person, in memory, then writes: the new units, the changed people in slices, the new
    /// people in bulk (binary COPY on PostgreSQL, JSON slices on SQLite, past EF's change tracker), and the import's
    /// record, leader arrivals, account changes and audit entry. All of it inside the caller's transaction.
    /// </summary>
    private async Task ApplyAsync(IReadOnlyList<DirectoryUser> users, List<Person> people, DirectoryImport record, string actor,
        IProgress<DirectoryImportProgress>? progress, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var settings = await OrganisationSetup.SettingsAsync(db, cancellationToken);
        var leaders = new LeaderTitles(settings.LeaderTitleEndings);
        var mapping = new AgencyMapping(await db.MappingRules.AsNoTracking().ToListAsync(cancellationToken));
        // Tracked: a unit the rules name for the first time is added to the context and written before the people.
        var units = new UnitCatalogue(await db.Units.ToListAsync(cancellationToken), db);
        var byObjectId = people.Where(p => p.ObjectId is not null).ToDictionary(p => p.ObjectId!, StringComparer.OrdinalIgnoreCase);
        // A user name can return on another object (someone left, a new employee got the name);
        // the active holder wins the look-up, and the inactive one keeps its history.
        var byUpn = new Dictionary<string, Person>(StringComparer.Ordinal);
        foreach (var existing in people.OrderBy(p => p.IsActive).ThenBy(p => p.Id))
        {
            byUpn[existing.NormalizedUserPrincipalName] = existing;
        }
        var seen = new HashSet<Person>(ReferenceEqualityComparer.Instance);
        var added = new List<Person>();
        var changed = new List<Person>();
        var arrivals = new List<(Person Person, LeaderArrivalKind Kind, int AgencyId, int? FromAgencyId)>();
        // The first import fills an empty directory: its leaders are new to Oppdrift, not to the municipality.
        var firstImport = people.Count == 0;

        for (var i = 0; i < users.Count; i++)
        {
            var user = users[i];
            var normalizedUpn = user.UserPrincipalName.ToLowerInvariant();
            Person? person = null;
            if (user.ObjectId is not null)
            {
                byObjectId.TryGetValue(user.ObjectId, out person);
            }
            if (person is null && byUpn.TryGetValue(normalizedUpn, out var byName) && !seen.Contains(byName)
                && (byName.ObjectId is null || user.ObjectId is null))
            {
                person = byName;
            }
            if (person is null)
            {
                person = new Person
                {
                    UserPrincipalName = user.UserPrincipalName,
                    NormalizedUserPrincipalName = normalizedUpn,
                    DisplayName = user.DisplayName,
                    FirstSeenAt = now,
                };
                added.Add(person);
                record.Added++;
                Fill(person, user, leaders);
                Place(person, mapping, units);
                person.IsActive = user.AccountEnabled;
                if (!person.IsActive)
                {
                    person.DeactivatedAt = now;
                }
                else if (!firstImport && person.IsLeader && person.AgencyId is { } agency)
                {
                    arrivals.Add((person, LeaderArrivalKind.New, agency, null));
                }
                byUpn[normalizedUpn] = person;
            }
            else
            {
                var wasActive = person.IsActive;
                var differs = Fill(person, user, leaders);
                if (person.NormalizedUserPrincipalName != normalizedUpn)
                {
                    if (byUpn.TryGetValue(person.NormalizedUserPrincipalName, out var holder) && ReferenceEquals(holder, person))
                    {
                        byUpn.Remove(person.NormalizedUserPrincipalName);
                    }
                    person.NormalizedUserPrincipalName = normalizedUpn;
                    byUpn[normalizedUpn] = person;
                    differs = true;
                }
                var agencyBefore = person.AgencyId;
                var moved = Place(person, mapping, units);
                var active = user.AccountEnabled;
                if (active && person.IsLeader && person.AgencyId is { } agency && agency != agencyBefore)
                {
                    arrivals.Add((person, LeaderArrivalKind.Moved, agency, agencyBefore));
                }
                if (active != wasActive)
                {
                    person.IsActive = active;
                    person.DeactivatedAt = active ? null : now;
                    if (active)
                    {
                        record.Reactivated++;
                    }
                    else
                    {
                        record.Deactivated++;
                    }
                }
                else if (moved)
                {
                    record.Moved++;
                }
                else if (differs)
                {
                    record.Updated++;
                }
                else
                {
                    record.Unchanged++;
                }
                if (differs || moved || active != wasActive)
                {
                    changed.Add(person);
                }
            }
            if (person.AgencyId is null)
            {
                record.Unassigned++;
            }
            seen.Add(person);
            if (i % SaveEvery == SaveEvery - 1)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new DirectoryImportProgress("apply", 0.3 + (0.3 * i / users.Count)));
            }
        }

        foreach (var person in people)
        {
            if (!seen.Contains(person) && person.IsActive)
            {
                person.IsActive = false;
                person.DeactivatedAt = now;
                record.Deactivated++;
                changed.Add(person);
            }
        }

        // Still applying: the writes of the people are most of a first import's time.
        progress?.Report(new DirectoryImportProgress("apply", 0.6));
        // The units the rules named for the first time, so that the people placed in them can point at them.
        await db.SaveChangesAsync(cancellationToken);
        foreach (var person in changed.Concat(added))
        {
            if (person.Unit is { } unit)
            {
                person.UnitId = unit.Id;
                person.Unit = null;
            }
        }
        // Changed people in slices: the change tracker holds one slice at a time.
        for (var start = 0; start < changed.Count; start += SaveEvery)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var slice = changed.GetRange(start, Math.Min(SaveEvery, changed.Count - start));
            db.People.UpdateRange(slice);
            await db.SaveChangesAsync(cancellationToken);
            foreach (var person in slice)
            {
                db.Entry(person).State = EntityState.Detached;
            }
        }
        progress?.Report(new DirectoryImportProgress("apply", 0.7));
        await PeopleStore.InsertAsync(db, added, cancellationToken);

        // Accounts linked to people (by object id) follow them: disabled or deleted in Entra ID ends their sessions.
        var disabledIds = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var enabledIds = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var person in people.Concat(added))
        {
            if (person.ObjectId is { } objectId)
            {
                (person.IsActive ? enabledIds : disabledIds).Add(objectId);
            }
        }
        var (accountsDisabled, accountsEnabled) = await new AccountService(db, clock).FollowDirectoryAsync(disabledIds, enabledIds, actor, cancellationToken);

        progress?.Report(new DirectoryImportProgress("save", 0.9));
        record.Status = ImportStatus.Succeeded;
        record.FinishedAt = clock.GetUtcNow().UtcDateTime;
        db.DirectoryImports.Add(record);
        db.LeaderArrivals.AddRange(arrivals.Select(a => new LeaderArrival
        {
            PersonId = a.Person.Id,
            Kind = a.Kind,
            AgencyId = a.AgencyId,
            FromAgencyId = a.FromAgencyId,
            Import = record,
            At = now,
        }));
        AuditLog.Record(db, clock, actor, "organisation.import", record.FileName, after: new
        {
            record.Sha256,
            record.Rows,
            record.Added,
            record.Updated,
            record.Moved,
            record.Deactivated,
            record.Reactivated,
            AccountsDisabled = accountsDisabled,
            AccountsEnabled = accountsEnabled,
            LeadersArrived = arrivals.Count,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Copies directory fields; true when anything differed.</summary>
    private static bool Fill(Person person, DirectoryUser user, LeaderTitles leaders)
    {
        var changed = false;
        void Set(string? current, string? next, Action<string?> assign)
        {
            if (!string.Equals(current, next, StringComparison.Ordinal))
            {
                assign(next);
                changed = true;
            }
        }
        Set(person.ObjectId, user.ObjectId, v => person.ObjectId = v);
        Set(person.UserPrincipalName, user.UserPrincipalName, v => person.UserPrincipalName = v!);
        Set(person.DisplayName, user.DisplayName, v => person.DisplayName = v!);
        Set(person.GivenName, user.GivenName, v => person.GivenName = v);
        Set(person.Surname, user.Surname, v => person.Surname = v);
        Set(person.Mail, user.Mail, v => person.Mail = v);
        Set(person.UserType, user.UserType, v => person.UserType = v);
        Set(person.JobTitle, user.JobTitle, v => person.JobTitle = v);
        Set(person.Department, user.Department, v => person.Department = v);
        Set(person.CompanyName, user.CompanyName, v => person.CompanyName = v);
        Set(person.OfficeLocation, user.OfficeLocation, v => person.OfficeLocation = v);
        Set(person.City, user.City, v => person.City = v);
        Set(person.Country, user.Country, v => person.Country = v);
        Set(person.UsageLocation, user.UsageLocation, v => person.UsageLocation = v);
        if (person.AccountEnabled != user.AccountEnabled)
        {
            person.AccountEnabled = user.AccountEnabled;
            changed = true;
        }
        var leader = leaders.IsLeader(user.JobTitle);
        if (person.IsLeader != leader)
        {
            person.IsLeader = leader;
            changed = true;
        }
        return changed;
    }

    /// <summary>Places a person by the rules; true when the agency or unit changed.</summary>
    internal static bool Place(Person person, AgencyMapping mapping, UnitCatalogue units)
    {
        var placement = mapping.Place(new DirectoryFields(person.CompanyName, person.Department, person.OfficeLocation, person.City, person.JobTitle, person.UserPrincipalName));
        var unit = placement.AgencyId is { } agencyId && placement.UnitName is { } unitName ? units.Get(agencyId, unitName) : null;
        // A unit written before is compared by id (the person may be untracked, without its Unit); a unit new in this
        // import has no id yet and is compared as the object.
        var sameUnit = unit is null ? person.UnitId is null && person.Unit is null
            : unit.Id > 0 ? person.UnitId == unit.Id : ReferenceEquals(person.Unit, unit);
        var moved = person.AgencyId != placement.AgencyId || !sameUnit;
        if (moved)
        {
            person.AgencyId = placement.AgencyId;
            person.Unit = unit;
            person.UnitId = unit is { Id: > 0 } ? unit.Id : null;
        }
        return moved;
    }
}

/// <summary>Finds or creates units by agency and name during one import.</summary>
internal sealed class UnitCatalogue
{
    private readonly Dictionary<(int, string), Unit> _byName;
    private readonly OppdriftDb _db;

    public UnitCatalogue(IEnumerable<Unit> units, OppdriftDb db)
    {
        _byName = [];
        foreach (var unit in units)
        {
            _byName[(unit.AgencyId, unit.Name.ToUpperInvariant())] = unit;
        }
        _db = db;
    }

    public Unit Get(int agencyId, string name)
    {
        var key = (agencyId, name.ToUpperInvariant());
        if (!_byName.TryGetValue(key, out var unit))
        {
            unit = new Unit { AgencyId = agencyId, Name = name };
            _db.Units.Add(unit);
            _byName[key] = unit;
        }
        return unit;
    }
}

/// <summary>Passes bytes through while hashing and counting them, so the file is read once.</summary>
internal sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
{
    public long BytesRead { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        hash.AppendData(buffer[..read]);
        BytesRead += read;
        return read;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
