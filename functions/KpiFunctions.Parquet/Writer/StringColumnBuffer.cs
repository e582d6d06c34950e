using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using KpiFunctions.Parquet.Format;
using KpiFunctions.Parquet.Schema;

namespace KpiFunctions.Parquet.Writer;

/// <summary>STRING values (BYTE_ARRAY, UTF-8). Strings are kept as references and encoded when the chunk is written.</summary>
internal sealed class StringColumnBuffer(ParquetField field) : ColumnBuffer(field)
{
    /// <summary>Statistics longer than this are left out, as Arrow does (its DEFAULT_MAX_STATISTICS_SIZE).</summary>
    private const int MaxStatisticsBytes = 4096;

    private string[] _values = new string[1024];
    private int[] _byteLengths = new int[1024];
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

        if (_count == _values.Length)
        {
            Array.Resize(ref _values, _values.Length * 2);
            Array.Resize(ref _byteLengths, _byteLengths.Length * 2);
        }

        var length = Encoding.UTF8.GetByteCount(value);
        _values[_count] = value;
        _byteLengths[_count++] = length;
        AddDefined(length + 4);
    }

    protected override void ResetValues()
    {
        Array.Clear(_values, 0, _count);
        _count = 0;
    }

    protected override void WritePlain(int from, int to, IBufferWriter<byte> output)
    {
        for (var i = from; i < to; i++)
        {
            var length = _byteLengths[i];
            var span = output.GetSpan(length + 4);
            BinaryPrimitives.WriteInt32LittleEndian(span, length);
            Encoding.UTF8.GetBytes(_values[i], span[4..]);
            output.Advance(length + 4);
        }
    }

    protected override long PlainSize(int from, int to)
    {
        long total = 0;
        for (var i = from; i < to; i++)
        {
            total += _byteLengths[i] + 4;
        }

        return total;
    }

    protected override bool TryBuildDictionary(int limitBytes, out ReadOnlyMemory<byte> dictionary, out int entries, out int[] indices)
    {
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<int>();
        indices = new int[_count];
        long bytes = 0;
        for (var i = 0; i < _count; i++)
        {
            if (!map.TryGetValue(_values[i], out var index))
            {
                bytes += _byteLengths[i] + 4;
                if (bytes > limitBytes)
                {
                    dictionary = default;
                    entries = 0;
                    return false;
                }

                index = order.Count;
                map.Add(_values[i], index);
                order.Add(i);
            }

            indices[i] = index;
        }

        var output = new ArrayBufferWriter<byte>((int)Math.Max(bytes, 1));
        foreach (var i in order)
        {
            WritePlain(i, i + 1, output);
        }

        dictionary = output.WrittenMemory;
        entries = order.Count;
        return true;
    }

    protected override Statistics Statistics()
    {
        if (_count == 0)
        {
            return new Statistics();
        }

        var min = _values[0];
        var max = _values[0];
        for (var i = 1; i < _count; i++)
        {
            var v = _values[i];
            if (Utf8Order.Compare(v, min) < 0)
            {
                min = v;
            }

            if (Utf8Order.Compare(v, max) > 0)
            {
                max = v;
            }
        }

        var minBytes = Encoding.UTF8.GetBytes(min);
        var maxBytes = Encoding.UTF8.GetBytes(max);
        return minBytes.Length > MaxStatisticsBytes || maxBytes.Length > MaxStatisticsBytes
            ? new Statistics()
            : StatisticsBytes.Unsigned(minBytes, maxBytes);
    }
}
