using System.Text;
using Microsoft.Data.Sqlite;

namespace Oppdrift.ShareMigration;

/// <summary>
/// The folders of an inventory in memory as parent index + name bytes (no full path strings), enough to rebuild any
/// path on demand and to open a file below PATH_MAX or one name at a time beyond it.
/// </summary>
internal sealed class InventoryTree : IDisposable
{
    private readonly DeepFolders _deep;

    // In UTF-8 these bytes are only ever the control characters themselves.
    private static readonly System.Buffers.SearchValues<byte> ControlBytes =
        System.Buffers.SearchValues.Create([.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)0x7F]);

    private readonly int[] _parents;
    private readonly byte[][] _names;

    public byte[] Root { get; }

    public InventoryTree(SqliteConnection connection)
    {
        var max = 0;
        using (var count = connection.CreateCommand())
        {
            count.CommandText = "SELECT coalesce(max(id), 0) FROM dirs";
            max = Convert.ToInt32(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        _parents = new int[max + 1];
        _names = new byte[max + 1][];
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, parent, name FROM dirs";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var id = reader.GetInt32(0);
            _parents[id] = reader.IsDBNull(1) ? 0 : reader.GetInt32(1);
            _names[id] = (byte[])reader[2];
        }
        Root = max > 0 ? _names[1] : [];
        _deep = new DeepFolders(Root, Parent, Name);
    }

    public int FolderCount => _parents.Length - 1;

    public int Parent(int id) => _parents[id];

    public byte[] Name(int id) => _names[id] ?? [];

    /// <summary>
    /// Each folder's subfolders as linked lists, in id order: the first child of a folder, and the next sibling of a
    /// folder (0 for none). Ids left empty by the inventory (no name) are in no list.
    /// </summary>
    public (int[] FirstChild, int[] NextSibling) Children()
    {
        var count = FolderCount;
        var firstChild = new int[count + 1];
        var nextSibling = new int[count + 1];
        for (var id = count; id >= 2; id--)
        {
            if (Name(id).Length == 0)
            {
                continue;
            }
            var parent = Parent(id);
            nextSibling[id] = firstChild[parent];
            firstChild[parent] = id;
        }
        return (firstChild, nextSibling);
    }

    /// <summary>The folder's path below the root ("" for the root), names joined with '/'.</summary>
    public byte[] RelativePath(int id)
    {
        var length = -1;
        for (var node = id; node > 1; node = _parents[node])
        {
            length += _names[node].Length + 1;
        }
        if (length <= 0)
        {
            return [];
        }
        var path = new byte[length];
        var end = length;
        for (var node = id; node > 1; node = _parents[node])
        {
            var name = _names[node];
            end -= name.Length;
            name.CopyTo(path, end);
            if (end > 0)
            {
                path[--end] = (byte)'/';
            }
        }
        return path;
    }

    public byte[] RelativePath(int dir, ReadOnlySpan<byte> name)
    {
        var folder = RelativePath(dir);
        if (folder.Length == 0)
        {
            return name.ToArray();
        }
        var path = new byte[folder.Length + 1 + name.Length];
        folder.CopyTo(path, 0);
        path[folder.Length] = (byte)'/';
        name.CopyTo(path.AsSpan(folder.Length + 1));
        return path;
    }

    public byte[] FullPath(int dir, ReadOnlySpan<byte> name)
    {
        var relative = RelativePath(dir, name);
        var path = new byte[Root.Length + 1 + relative.Length];
        Root.CopyTo(path, 0);
        path[Root.Length] = (byte)'/';
        relative.CopyTo(path, Root.Length + 1);
        return path;
    }

    /// <summary>
    /// A path for people: UTF-8 where it is valid, \xNN for each byte that is not, and for each control character
    /// (a tab or line break in a name would otherwise split a line or a column of every report).
    /// </summary>
    public static string Display(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IndexOfAny(ControlBytes) < 0 && System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return Encoding.UTF8.GetString(bytes);
        }
        var builder = new StringBuilder(bytes.Length + 8);
        while (!bytes.IsEmpty)
        {
            var status = System.Text.Rune.DecodeFromUtf8(bytes, out var rune, out var consumed);
            if (status == System.Buffers.OperationStatus.Done && !(rune.IsAscii && SharePointRules.IsControlCharacter((char)rune.Value)))
            {
                builder.Append(rune.ToString());
            }
            else
            {
                for (var i = 0; i < consumed; i++)
                {
                    builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{bytes[i]:X2}");
                }
            }
            bytes = bytes[consumed..];
        }
        return builder.ToString();
    }

    /// <summary>
    /// Opens a folder by path, or beyond PATH_MAX one name at a time from the deepest ancestor still held open (see
    /// <see cref="DeepFolders"/>); returns a descriptor or -errno.
    /// </summary>
    public int OpenFolder(int dir)
    {
        var length = Root.Length;
        for (var node = dir; node > 1 && length < DeepFolders.PathMax; node = _parents[node])
        {
            length += 1 + _names[node].Length;
        }
        if (length < DeepFolders.PathMax)
        {
            var relative = RelativePath(dir);
            var path = new byte[Root.Length + 1 + relative.Length];
            Root.CopyTo(path, 0);
            path[Root.Length] = (byte)'/';
            relative.CopyTo(path, Root.Length + 1);
            var fd = LinuxFiles.OpenDirectory(LinuxFiles.AtCwd, relative.Length == 0 ? Root : path);
            if (fd >= 0 || LinuxFiles.LastError != LinuxFiles.ENAMETOOLONG)
            {
                return fd >= 0 ? fd : -LinuxFiles.LastError;
            }
        }
        var folder = _deep.Open(dir, out _);
        return folder >= 0 ? folder : -LinuxFiles.LastError;
    }

    /// <summary>Closes the folders held open for <see cref="OpenFolder"/>.</summary>
    public void Dispose() => _deep.Dispose();
}
