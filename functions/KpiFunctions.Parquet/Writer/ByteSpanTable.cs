namespace KpiFunctions.Parquet.Writer;

/// <summary>
/// An open-addressing hash set of byte ranges inside one buffer, numbering each distinct value in order of first
/// appearance: the string dictionary without a string object per value.
/// </summary>
internal sealed class ByteSpanTable
{
    private readonly byte[] _data;
    private readonly int[] _slots;
    private readonly int _mask;
    private (int Start, int Length, int Hash)[] _entries;

    public ByteSpanTable(byte[] data, int expected)
    {
        _data = data;
        var size = 16;
        while (size < expected * 2)
        {
            size <<= 1;
        }

        _slots = new int[size];
        Array.Fill(_slots, -1);
        _mask = size - 1;
        _entries = new (int, int, int)[Math.Max(expected, 16)];
    }

    public int Count { get; private set; }

    public (int Start, int Length) Entry(int index) => (_entries[index].Start, _entries[index].Length);

    /// <summary>The value's number; new values get the next one (the table never grows past its expected size without resizing its entries).</summary>
    public int FindOrAdd(int start, int length, out bool added)
    {
        var value = _data.AsSpan(start, length);
        var hash = Hash(value);
        var slot = hash & _mask;
        while (true)
        {
            var index = _slots[slot];
            if (index < 0)
            {
                if (Count == _entries.Length)
                {
                    Array.Resize(ref _entries, _entries.Length * 2);
                }

                if (Count * 2 >= _slots.Length)
                {
                    // Full enough that probing degrades; the caller's entry limit stops us before this in practice.
                    added = true;
                    return AddWithoutSlot(start, length, hash);
                }

                _entries[Count] = (start, length, hash);
                _slots[slot] = Count;
                added = true;
                return Count++;
            }

            var e = _entries[index];
            if (e.Hash == hash && e.Length == length && _data.AsSpan(e.Start, e.Length).SequenceEqual(value))
            {
                added = false;
                return index;
            }

            slot = (slot + 1) & _mask;
        }
    }

    private int AddWithoutSlot(int start, int length, int hash)
    {
        _entries[Count] = (start, length, hash);
        return Count++;
    }

    private static int Hash(ReadOnlySpan<byte> value)
    {
        // FNV-1a over the bytes, mixed at the end; fast for the short ids and names these columns hold.
        var h = 2166136261u;
        foreach (var b in value)
        {
            h = (h ^ b) * 16777619u;
        }

        h ^= h >> 15;
        h *= 0x2c1b3c6du;
        h ^= h >> 12;
        return (int)(h & 0x7FFFFFFF);
    }
}
