using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using KpiFunctions.Parquet.Format;
using KpiFunctions.Parquet.Schema;

namespace KpiFunctions.Parquet.Writer;

/// <summary>
/// STRING values (BYTE_ARRAY, UTF-8), encoded to UTF-8 once on append into one contiguous buffer, so the row
/// group's memory is the bytes themselves (no string object per value) and PLAIN pages are copies.
/// </summary>
internal sealed class StringColumnBuffer(ParquetField field) : ColumnBuffer(field)
{
    /// <summary>Statistics longer than this are left out, as Arrow does (its DEFAULT_MAX_STATISTICS_SIZE).</summary>
    private const int MaxStatisticsBytes = 4096;

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private byte[] _bytes = new byte[16 * 1024];
    private int[] _offsets = new int[1025];
    private int _count;

    public override PhysicalType Physical => PhysicalType.ByteArray;

    public override object Writer => new DirectWriter<string>(Append, AddNull);

    protected override int NonNullCount => _count;

    public void Append(string value)
    {
        if (value is null)
        {
            AddNull();
            return;
        }

        var end = _offsets[_count];
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_bytes.Length - end < max)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, end + max));
        }

        int length;
        try
        {
            length = Strict.GetBytes(value, _bytes.AsSpan(end));
        }
        catch (EncoderFallbackException)
        {
            throw new ArgumentException($"Column '{Field.Name}': a string holds an unpaired surrogate (a character cut in half); it cannot be written as UTF-8.");
        }
        if (_count + 1 == _offsets.Length)
        {
            Array.Resize(ref _offsets, (_offsets.Length * 2) - 1);
        }

        _offsets[++_count] = end + length;
        AddDefined(length + 4);
    }

    protected override void ResetValues() => _count = 0;

    protected override void WritePlain(int from, int to, IBufferWriter<byte> output)
    {
        var total = (_offsets[to] - _offsets[from]) + (4 * (to - from));
        var span = output.GetSpan(total);
        var pos = 0;
        for (var i = from; i < to; i++)
        {
            var value = Value(i);
            BinaryPrimitives.WriteInt32LittleEndian(span[pos..], value.Length);
            value.CopyTo(span[(pos + 4)..]);
            pos += 4 + value.Length;
        }

        output.Advance(total);
    }

    protected override long PlainSize(int from, int to) => (long)(_offsets[to] - _offsets[from]) + (4L * (to - from));

    protected override bool TryBuildDictionary(int limitBytes, out ReadOnlyMemory<byte> dictionary, out int entries, out int[] indices)
    {
        // Give up on chunks where more than a fifth of the values are distinct (DuckDB's rule): a dictionary
        // would hardly shrink them and building it costs as much as the rest of the encoding.
        var maxEntries = Math.Max(256, _count / 5);
        var table = new ByteSpanTable(_bytes, Math.Min(_count, maxEntries));
        indices = new int[_count];
        long bytes = 0;
        for (var i = 0; i < _count; i++)
        {
            var start = _offsets[i];
            var length = _offsets[i + 1] - start;
            var index = table.FindOrAdd(start, length, out var added);
            if (added)
            {
                bytes += length + 4;
                if (bytes > limitBytes || table.Count > maxEntries)
                {
                    dictionary = default;
                    entries = 0;
                    return false;
                }
            }

            indices[i] = index;
        }

        var output = new ArrayBufferWriter<byte>((int)Math.Max(bytes, 1));
        for (var e = 0; e < table.Count; e++)
        {
            var (start, length) = table.Entry(e);
            var span = output.GetSpan(length + 4);
            BinaryPrimitives.WriteInt32LittleEndian(span, length);
            _bytes.AsSpan(start, length).CopyTo(span[4..]);
            output.Advance(length + 4);
        }

        dictionary = output.WrittenMemory;
        entries = table.Count;
        return true;
    }

    protected override Statistics Statistics()
    {
        if (_count == 0)
        {
            return new Statistics();
        }

        // Parquet orders STRING statistics by unsigned bytes, which is exactly how UTF-8 spans compare.
        int min = 0, max = 0;
        for (var i = 1; i < _count; i++)
        {
            var v = Value(i);
            if (v.SequenceCompareTo(Value(min)) < 0)
            {
                min = i;
            }

            if (v.SequenceCompareTo(Value(max)) > 0)
            {
                max = i;
            }
        }

        return Value(min).Length > MaxStatisticsBytes || Value(max).Length > MaxStatisticsBytes
            ? new Statistics()
            : StatisticsBytes.Unsigned(Value(min).ToArray(), Value(max).ToArray());
    }

    private ReadOnlySpan<byte> Value(int i) => _bytes.AsSpan(_offsets[i], _offsets[i + 1] - _offsets[i]);
}
