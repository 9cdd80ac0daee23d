// The per-row half of UsagePeople.Resolve: a report's user name as its exact UTF-8 bytes, looked up without decoding
// it or folding its case. A table belongs to one aggregator at a time, so it needs no lock; UsagePeople keeps a few
// and hands them out, and each learns a name once from the shared, case-insensitive UsagePeople.
using System.Runtime.InteropServices;

namespace Oppdrift.Usage;

internal sealed class UsageNameTable(UsagePeople people)
{
    private byte[] _bytes = new byte[1 << 20];
    private int _used;
    private Entry[] _entries = new Entry[1 << 17];
    private int _count;

    private struct Entry
    {
        public int Hash;
        public int Start;
        public int Length;
        public UsagePerson Person;
    }

    public UsagePerson Resolve(ReadOnlySpan<byte> name)
    {
        var hash = Hash(name);
        var mask = _entries.Length - 1;
        for (var i = hash & mask; ; i = (i + 1) & mask)
        {
            ref var entry = ref _entries[i];
            if (entry.Length == 0)
            {
                break;
            }
            if (entry.Hash == hash && name.SequenceEqual(_bytes.AsSpan(entry.Start, entry.Length)))
            {
                return entry.Person;
            }
        }
        var person = people.Resolve(name);
        Add(name, hash, person);
        return person;
    }

    private void Add(ReadOnlySpan<byte> name, int hash, UsagePerson person)
    {
        if ((_count + 1) * 2 > _entries.Length)
        {
            Grow();
        }
        if (_used + name.Length > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _used + name.Length));
        }
        name.CopyTo(_bytes.AsSpan(_used));
        Insert(_entries, new Entry { Hash = hash, Start = _used, Length = name.Length, Person = person });
        _used += name.Length;
        _count++;
    }

    private void Grow()
    {
        var entries = new Entry[_entries.Length * 2];
        foreach (var entry in _entries)
        {
            if (entry.Length > 0)
            {
                Insert(entries, entry);
            }
        }
        _entries = entries;
    }

    private static void Insert(Entry[] entries, Entry entry)
    {
        var mask = entries.Length - 1;
        var i = entry.Hash & mask;
        while (entries[i].Length != 0)
        {
            i = (i + 1) & mask;
        }
        entries[i] = entry;
    }

    // A multiply-and-rotate hash eight bytes at a time; names are 20–60 bytes, so this is a handful of steps.
    private static int Hash(ReadOnlySpan<byte> name)
    {
        var h = (ulong)name.Length * 0x9E3779B97F4A7C15;
        var words = MemoryMarshal.Cast<byte, ulong>(name);
        foreach (var word in words)
        {
            h = ulong.RotateLeft((h ^ word) * 0x9E3779B97F4A7C15, 29);
        }
        foreach (var b in name[(words.Length * 8)..])
        {
            h = ulong.RotateLeft((h ^ b) * 0x9E3779B97F4A7C15, 29);
        }
        return (int)(h ^ (h >> 32)) & int.MaxValue;
    }
}
