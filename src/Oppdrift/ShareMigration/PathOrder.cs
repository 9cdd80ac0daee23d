namespace Oppdrift.ShareMigration;

/// <summary>
/// Puts places in a scanned tree (a folder, or a name in a folder) in the ordinal order of their displayed relative
/// paths without making those paths, which for a deep tree add up to the square of its depth. Within a folder, each
/// subfolder has two keys: its displayed name (the subfolder itself) and its name followed by '/' (everything below it),
/// sorted with the names of the folder's other places; numbering the keys depth first in that order gives the order
/// of the full paths, since two paths first differ where their keys do, and a key that is a prefix of another sorts
/// first as the shorter path does. Names hold no '/', and <see cref="InventoryTree.Display"/> escapes byte by byte, so
/// the displayed path is its displayed names joined with '/'.
/// </summary>
internal static class PathOrder
{
    /// <summary>Each place's rank: equal for the same path, smaller for an earlier one; the root (folder 1, no name) comes first.</summary>
    public static long[] Rank(InventoryTree tree, IReadOnlyList<(int Dir, byte[]? Name)> places)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(places);
        var count = tree.FolderCount;
        var (firstChild, nextSibling) = tree.Children();
        // Names of places that are not subfolders, by the folder they are in.
        var named = new Dictionary<int, List<byte[]>>();
        foreach (var (dir, name) in places)
        {
            if (name is not null)
            {
                (named.TryGetValue(dir, out var list) ? list : named[dir] = []).Add(name);
            }
        }

        // Only folders with a place in them or below are descended into, and a subfolder is numbered only when it is a
        // place itself: the places keep their order among themselves, and a tree with few findings is hardly walked.
        var descend = new bool[count + 1];
        var placeFolder = new bool[count + 1];
        foreach (var (dir, name) in places)
        {
            var start = dir;
            if (name is null)
            {
                if (dir <= 1 || dir > count)
                {
                    continue;
                }
                placeFolder[dir] = true;
                start = tree.Parent(dir);
            }
            for (var folder = start; folder > 1 && folder <= count && !descend[folder]; folder = tree.Parent(folder))
            {
                descend[folder] = true;
            }
        }

        var numbers = new Dictionary<(int Dir, byte[] Name), long>(new PlaceComparer());
        var next = 0L;
        var stack = new Stack<(int Folder, Key[] Keys, int At)>();
        if (count >= 1)
        {
            stack.Push((1, KeysOf(tree, 1, firstChild, nextSibling, named, descend, placeFolder), 0));
        }
        while (stack.Count > 0)
        {
            var (folder, keys, at) = stack.Pop();
            if (at >= keys.Length)
            {
                continue;
            }
            stack.Push((folder, keys, at + 1));
            var key = keys[at];
            if (key.Below)
            {
                stack.Push((key.Child, KeysOf(tree, key.Child, firstChild, nextSibling, named, descend, placeFolder), 0));
            }
            else
            {
                numbers.TryAdd((folder, key.Name), next++);
            }
        }

        var rank = new long[places.Count];
        for (var i = 0; i < places.Count; i++)
        {
            var (dir, name) = places[i];
            rank[i] = name is not null ? numbers.GetValueOrDefault((dir, name), long.MaxValue)
                : dir <= 1 ? -1
                : numbers.GetValueOrDefault((tree.Parent(dir), tree.Name(dir)), long.MaxValue);
        }
        return rank;
    }

    private readonly record struct Key(string Text, byte[] Name, int Child, bool Below);

    private static Key[] KeysOf(InventoryTree tree, int folder, int[] firstChild, int[] nextSibling, Dictionary<int, List<byte[]>> named,
        bool[] descend, bool[] placeFolder)
    {
        var keys = new List<Key>();
        HashSet<byte[]>? namedHere = named.TryGetValue(folder, out var names) ? new HashSet<byte[]>(names, new BytesComparer()) : null;
        for (var child = firstChild[folder]; child != 0; child = nextSibling[child])
        {
            var name = tree.Name(child);
            // A name found in this folder that is a subfolder's is that subfolder's place.
            var isPlace = placeFolder[child] | (namedHere?.Remove(name) ?? false);
            if (!isPlace && !descend[child])
            {
                continue;
            }
            var shown = InventoryTree.Display(name);
            if (isPlace)
            {
                keys.Add(new Key(shown, name, child, false));
            }
            if (descend[child])
            {
                keys.Add(new Key(shown + "/", name, child, true));
            }
        }
        if (namedHere is not null)
        {
            foreach (var name in namedHere)
            {
                keys.Add(new Key(InventoryTree.Display(name), name, 0, false));
            }
        }
        keys.Sort((a, b) => string.CompareOrdinal(a.Text, b.Text));
        return [.. keys];
    }

    private sealed class BytesComparer : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(obj);
            return hash.ToHashCode();
        }
    }

    private sealed class PlaceComparer : IEqualityComparer<(int Dir, byte[] Name)>
    {
        private static readonly BytesComparer Bytes = new();

        public bool Equals((int Dir, byte[] Name) x, (int Dir, byte[] Name) y) => x.Dir == y.Dir && Bytes.Equals(x.Name, y.Name);

        public int GetHashCode((int Dir, byte[] Name) obj) => HashCode.Combine(obj.Dir, Bytes.GetHashCode(obj.Name));
    }
}
