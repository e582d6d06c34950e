using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using KpiFunctions.Parquet.Format;
using KpiFunctions.Parquet.Schema;

namespace KpiFunctions.Parquet.Writer;

/// <summary>INT32, INT64 and DOUBLE columns: values kept in their physical little-endian form.</summary>
internal abstract class FixedColumnBuffer<T> : ColumnBuffer
    where T : unmanaged
{
    private T[] _values = new T[1024];
    private int _count;

    protected FixedColumnBuffer(ParquetField field, PhysicalType physical)
        : base(field)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new NotSupportedException("This Parquet writer needs a little-endian machine.");
        }

        Physical = physical;
    }

    public override PhysicalType Physical { get; }

    protected override int NonNullCount => _count;

    protected ReadOnlySpan<T> Values => _values.AsSpan(0, _count);

    protected static int Width => Marshal.SizeOf<T>();

    public void Append(T value)
    {
        if (_count == _values.Length)
        {
            Array.Resize(ref _values, _values.Length * 2);
        }

        _values[_count++] = value;
        AddDefined(Width);
    }

    public void AppendNull() => AddNull();

    /// <summary>Smallest and largest value in one pass (integer columns; doubles need NaN and zero rules).</summary>
    protected static (TNum Min, TNum Max) MinMax<TNum>(ReadOnlySpan<TNum> values)
        where TNum : INumber<TNum>
    {
        TNum min = values[0], max = values[0];
        foreach (var v in values)
        {
            min = TNum.Min(min, v);
            max = TNum.Max(max, v);
        }

        return (min, max);
    }

    protected override void ResetValues() => _count = 0;

    protected override void WritePlain(int from, int to, IBufferWriter<byte> output)
    {
        var bytes = MemoryMarshal.AsBytes(_values.AsSpan(from, to - from));
        output.Write(bytes);
    }

    protected override long PlainSize(int from, int to) => (long)(to - from) * Width;

    protected override bool TryBuildDictionary(int limitBytes, out ReadOnlyMemory<byte> dictionary, out int entries, out int[] indices) =>
        Width == 4
            ? Dictionary(MemoryMarshal.Cast<T, int>(Values), limitBytes, out dictionary, out entries, out indices)
            : Dictionary(MemoryMarshal.Cast<T, long>(Values), limitBytes, out dictionary, out entries, out indices);

    /// <summary>Dictionary over the raw bit patterns, so -0.0 and +0.0 (and every NaN payload) stay distinct.</summary>
    private static bool Dictionary<TKey>(ReadOnlySpan<TKey> values, int limitBytes, out ReadOnlyMemory<byte> dictionary, out int entries, out int[] indices)
        where TKey : unmanaged, IEquatable<TKey>
    {
        var maxEntries = limitBytes / Width;
        var map = new Dictionary<TKey, int>();
        var keys = new List<TKey>();
        indices = new int[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            if (!map.TryGetValue(values[i], out var index))
            {
                if (keys.Count >= maxEntries)
                {
                    dictionary = default;
                    entries = 0;
                    return false;
                }

                index = keys.Count;
                map.Add(values[i], index);
                keys.Add(values[i]);
            }

            indices[i] = index;
        }

        entries = keys.Count;
        dictionary = MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(keys)).ToArray();
        return true;
    }
}

/// <summary>INT32 physical values (int, DATE).</summary>
internal sealed class Int32ColumnBuffer(ParquetField field) : FixedColumnBuffer<int>(field, PhysicalType.Int32)
{
    public override object Writer => Field.Type == ParquetType.Date ? new DateWriter(this) : new DirectWriter<int>(Append, AppendNull);

    protected override Statistics Statistics()
    {
        if (Values.Length == 0)
        {
            return new Statistics();
        }

        var (min, max) = MinMax(Values);
        return StatisticsBytes.Signed(BitConverter.GetBytes(min), BitConverter.GetBytes(max));
    }
}

/// <summary>INT64 physical values (long, TIMESTAMP micros, DECIMAL up to 18 digits).</summary>
internal sealed class Int64ColumnBuffer(ParquetField field) : FixedColumnBuffer<long>(field, PhysicalType.Int64)
{
    public override object Writer => Field.Type switch
    {
        ParquetType.Timestamp => new TimestampWriter(this),
        ParquetType.Decimal => new DecimalInt64Writer(this, Field),
        _ => new DirectWriter<long>(Append, AppendNull),
    };

    protected override Statistics Statistics()
    {
        if (Values.Length == 0)
        {
            return new Statistics();
        }

        var (min, max) = MinMax(Values);
        return StatisticsBytes.Signed(BitConverter.GetBytes(min), BitConverter.GetBytes(max));
    }
}

/// <summary>DOUBLE values.</summary>
internal sealed class DoubleColumnBuffer(ParquetField field) : FixedColumnBuffer<double>(field, PhysicalType.Double)
{
    public override object Writer => new DirectWriter<double>(Append, AppendNull);

    protected override Statistics Statistics()
    {
        // parquet-format ColumnOrder notes: no min/max when NaN is present (DuckDB orders NaN differently);
        // a zero extreme is written as -0.0 for min and +0.0 for max.
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in Values)
        {
            if (double.IsNaN(v))
            {
                return new Statistics();
            }

            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        if (Values.Length == 0)
        {
            return new Statistics();
        }

        if (min == 0)
        {
            min = -0.0;
        }

        if (max == 0)
        {
            max = 0.0;
        }

        return StatisticsBytes.Signed(BitConverter.GetBytes(min), BitConverter.GetBytes(max));
    }
}
