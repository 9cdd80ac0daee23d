// Resolves the user names in usage reports to an agency and a pseudonym, once per name per import, so a year of
// reports costs one keyed hash per person instead of one per row. Names are held in memory only while importing.
using System.Collections.Concurrent;
using System.Text;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Shared.Privacy;

namespace Oppdrift.Usage;

/// <summary>A person as an import sees them: the agency figures count them in and the pseudonym windows link them by.</summary>
/// <remarks><see cref="Slot"/> is a dense number for this import only, so per-day snapshots are plain arrays; -1 for no person.</remarks>
public readonly record struct UsagePerson(int AgencyId, int Slot, bool Matched)
{
    public static readonly UsagePerson Nobody = new(UsageFigure.Unplaced, -1, false);
}

public sealed class UsagePeople
{
    private readonly Pseudonymiser _pseudonymiser;
    private readonly IReadOnlyDictionary<string, int?> _agencyByName;
    private Dictionary<string, string>? _nameByConcealed;
    // Reports are read on several threads at once; every name after the first sighting is a lock-free hit.
    private readonly ConcurrentDictionary<string, UsagePerson> _seen = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();
    private readonly IReadOnlyList<string> _directoryNames;
    private readonly Dictionary<UInt128, int> _slotByPseudonym = [];
    private readonly List<UInt128> _pseudonyms = [];
    private readonly ConcurrentBag<UsageNameTable> _tables = [];

    private UsagePeople(Pseudonymiser pseudonymiser, IReadOnlyDictionary<string, int?> agencyByName, IReadOnlyList<string> directoryNames)
    {
        _pseudonymiser = pseudonymiser;
        _agencyByName = agencyByName;
        _directoryNames = directoryNames;
    }

    /// <summary>Everyone the directory has ever held (deactivated people still have history in the reports).</summary>
    public static async Task<UsagePeople> LoadAsync(OppdriftDb db, Pseudonymiser pseudonymiser, CancellationToken cancellationToken)
    {
        var byName = await new OrganisationDirectory(db).AgencyByUserPrincipalNameAsync(cancellationToken);
        return new UsagePeople(pseudonymiser, byName, [.. byName.Keys]);
    }

    /// <summary>How many concealed names matched a directory person through <see cref="ConcealedNames"/>.</summary>
    public int ConcealedMatched { get; private set; }

    public int ConcealedUnmatched { get; private set; }

    /// <summary>The agency and pseudonym of a report's user name as UTF-8, without making a string for a name seen before.</summary>
    public UsagePerson Resolve(ReadOnlySpan<byte> utf8)
    {
        Span<char> buffer = stackalloc char[256];
        if (utf8.Length <= buffer.Length && Encoding.UTF8.TryGetChars(utf8, buffer, out var length)
            && _seen.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(buffer[..length], out var known))
        {
            return known;
        }
        return Resolve(Encoding.UTF8.GetString(utf8));
    }

    /// <summary>A table for one aggregator's rows, which learns each name from this; give it back when the report is read.</summary>
    internal UsageNameTable RentNames() => _tables.TryTake(out var table) ? table : new UsageNameTable(this);

    internal void ReturnNames(UsageNameTable table) => _tables.Add(table);

    /// <summary>The agency and pseudonym of a report's user name (a UPN, or a concealed 32-hex-digit name).</summary>
    public UsagePerson Resolve(string name)
    {
        if (_seen.TryGetValue(name, out var known))
        {
            return known;
        }
        lock (_lock)
        {
            if (_seen.TryGetValue(name, out known))
            {
                return known;
            }
            var person = Place(name);
            _seen[name] = person;
            return person;
        }
    }

    private UsagePerson Place(string name)
    {
        UsagePerson person;
        if (_agencyByName.TryGetValue(name, out var agency))
        {
            person = new UsagePerson(agency ?? UsageFigure.Unplaced, Pseudonym(name), true);
        }
        else if (UsageValues.IsConcealedName(name))
        {
            if (ConcealedDirectory().TryGetValue(name, out var upn))
            {
                person = new UsagePerson(_agencyByName[upn] ?? UsageFigure.Unplaced, Pseudonym(upn), true);
                ConcealedMatched++;
            }
            else
            {
                // Still one stable pseudonym per concealed name, so tenant-wide windows work without the directory.
                person = new UsagePerson(UsageFigure.Unplaced, Pseudonym("concealed:" + name), false);
                ConcealedUnmatched++;
            }
        }
        else
        {
            person = new UsagePerson(UsageFigure.Unplaced, Pseudonym(name), false);
        }
        return person;
    }

    private int Pseudonym(string name) => SlotOf(ToKey(_pseudonymiser.PseudonymBytes(name)));

    /// <summary>The number of slots handed out so far; snapshot arrays of this length cover everyone seen.</summary>
    public int Slots
    {
        get
        {
            lock (_lock)
            {
                return _pseudonyms.Count;
            }
        }
    }

    /// <summary>The slot of a pseudonym, for rows read back from the database; a new one if this import has not met it.</summary>
    public int SlotOf(UInt128 pseudonym)
    {
        lock (_lock)
        {
            if (!_slotByPseudonym.TryGetValue(pseudonym, out var slot))
            {
                slot = _pseudonyms.Count;
                _pseudonyms.Add(pseudonym);
                _slotByPseudonym[pseudonym] = slot;
            }
            return slot;
        }
    }

    public UInt128 PseudonymOf(int slot)
    {
        lock (_lock)
        {
            return _pseudonyms[slot];
        }
    }

    public static UInt128 ToKey(ReadOnlySpan<byte> pseudonym) =>
        new(BitConverter.ToUInt64(pseudonym[..8]), BitConverter.ToUInt64(pseudonym[8..16]));

    public static byte[] ToBytes(UInt128 key)
    {
        var bytes = new byte[16];
        WriteBytes(key, bytes);
        return bytes;
    }

    /// <summary>The 16 bytes <see cref="ToBytes"/> makes, into <paramref name="destination"/>.</summary>
    public static void WriteBytes(UInt128 key, Span<byte> destination)
    {
        BitConverter.TryWriteBytes(destination[..8], (ulong)(key >> 64));
        BitConverter.TryWriteBytes(destination[8..16], (ulong)key);
    }

    // Built on first need: only a concealed report pays for hashing the directory.
    private Dictionary<string, string> ConcealedDirectory()
    {
        if (_nameByConcealed is null)
        {
            _nameByConcealed = new Dictionary<string, string>(_directoryNames.Count * 3, StringComparer.OrdinalIgnoreCase);
            foreach (var name in _directoryNames)
            {
                foreach (var hash in ConcealedNames.CandidateHashes(name))
                {
                    _nameByConcealed.TryAdd(hash, name);
                }
            }
        }
        return _nameByConcealed;
    }
}
