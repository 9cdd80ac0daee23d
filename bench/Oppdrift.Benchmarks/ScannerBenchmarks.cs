using System.Text;
using BenchmarkDotNet.Attributes;
using Oppdrift.ShareMigration;

namespace Oppdrift.Benchmarks;

/// <summary>
/// The file share scanner's per-entry work, for 1,000 entries a call (ten folders of a typical share): the SharePoint
/// name rules, packing a folder's entries into its inventory row and reading them back, and the partial hash of a
/// duplicate candidate. The whole scanner against find, jdupes and rmlint is the scan-tree subcommand.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ReaderConfig))]
public class ScannerBenchmarks
{
    private const int Entries = 1000;
    private string[] _names = [];
    private byte[][] _nameBytes = [];
    private EntryMetadata[] _metadata = [];
    private byte[] _pack = [];
    private int _packLength;
    private byte[] _blocks = [];

    [GlobalSetup]
    public void Generate()
    {
        var random = new Random(42);
        string[] stems = ["Referat styremøte", "budsjett 2024", "Søknad om permisjon", "kopi av rapport", "~$utkast", "plan:ny", "CON", "Thumbs", "bilde 0001", "lønnsoppgjør"];
        string[] extensions = [".docx", ".xlsx", ".pdf", ".txt", ".jpg", ".tmp", ".lnk", ".msg"];
        _names = Enumerable.Range(0, Entries).Select(i => $"{stems[random.Next(stems.Length)]} {i:D4}{extensions[random.Next(extensions.Length)]}").ToArray();
        _nameBytes = _names.Select(Encoding.UTF8.GetBytes).ToArray();
        _metadata = Enumerable.Range(0, Entries).Select(i => new EntryMetadata
        {
            Kind = EntryKind.File,
            Size = random.Next(1, 10_000_000),
            ModifiedNs = 1_700_000_000_000_000_000L + i,
            ChangedNs = 1_700_000_000_000_000_000L + i,
            Device = 2049,
            Inode = (ulong)(1_000_000 + i),
            Links = 1,
            Owner = 1000,
        }).ToArray();
        _pack = new byte[1024];
        _packLength = Pack();
        _blocks = new byte[8192];
        random.NextBytes(_blocks);
        if (Unpack() != _metadata.Sum(m => m.Size) || CheckNames() == 0)
        {
            throw new InvalidOperationException("The benchmark's data does not read back.");
        }
    }

    [Benchmark]
    [Rows(Entries)]
    public int CheckNames()
    {
        var found = 0;
        for (var i = 0; i < _names.Length; i++)
        {
            if (!NameRules.CheckName(_names[i], isFolder: false, atLibraryRoot: false).IsEmpty)
            {
                found++;
            }
        }
        return found;
    }

    [Benchmark]
    [Rows(Entries)]
    public int Pack()
    {
        var length = 0;
        for (var i = 0; i < _nameBytes.Length; i++)
        {
            length = EntryPack.Append(ref _pack, length, _nameBytes[i], _metadata[i]);
        }
        return length;
    }

    [Benchmark]
    [Rows(Entries)]
    public long Unpack()
    {
        long bytes = 0;
        var reader = EntryPack.Read(_pack.AsSpan(0, _packLength));
        while (reader.MoveNext())
        {
            bytes += reader.Metadata.Size;
        }
        return bytes;
    }

    [Benchmark]
    [Rows(Entries)]
    public UInt128 PartialHashes()
    {
        UInt128 combined = 0;
        for (var i = 0; i < Entries; i++)
        {
            combined ^= DuplicateFinder.PartialHash(_blocks);
        }
        return combined;
    }
}
