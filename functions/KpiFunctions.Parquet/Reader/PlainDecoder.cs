using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using KpiFunctions.Parquet.Encodings;
using KpiFunctions.Parquet.Format;
using KpiFunctions.Parquet.Schema;

namespace KpiFunctions.Parquet.Reader;

/// <summary>Decodes PLAIN values (parquet-format Encodings.md, PLAIN) straight into the column's .NET type.</summary>
internal abstract class PlainDecoder<T>
{
    protected PlainDecoder(ColumnSpec spec) => Spec = spec;

    protected ColumnSpec Spec { get; }

    /// <summary>Decodes destination.Length values; returns the bytes used; throws when the data runs out.</summary>
    public abstract int Decode(ArraySegment<byte> data, Span<T> destination);

    protected InvalidDataException RanOut(int needed, int have) =>
        new($"Parquet: column '{Spec.Field.Name}': PLAIN values need {needed} bytes, the page has {have}.");

    protected int Fixed(ReadOnlySpan<byte> data, int count, int width)
    {
        var needed = (long)count * width;
        if (needed > data.Length)
        {
            throw RanOut((int)Math.Min(needed, int.MaxValue), data.Length);
        }

        return (int)needed;
    }
}

internal static class PlainDecoders
{
    private static readonly int EpochDay = new DateOnly(1970, 1, 1).DayNumber;

    public static object Create(ColumnSpec spec) => !BitConverter.IsLittleEndian
        ? throw new PlatformNotSupportedException("Parquet: reading needs a little-endian machine.")
        : (spec.Field.Type, spec.Physical) switch
        {
            (ParquetType.Boolean, _) => new BooleanDecoder(spec),
            (ParquetType.Int32, _) => new RawDecoder<int>(spec),
            (ParquetType.Int64, _) => new RawDecoder<long>(spec),
            (ParquetType.Double, PhysicalType.Float) => new FloatDecoder(spec),
            (ParquetType.Double, _) => new RawDecoder<double>(spec),
            (ParquetType.Date, _) => new DateDecoder(spec),
            (ParquetType.Timestamp, PhysicalType.Int96) => new Int96Decoder(spec),
            (ParquetType.Timestamp, _) => new TimestampDecoder(spec),
            (ParquetType.String, _) => new Utf8Decoder(spec),
            (ParquetType.Decimal, PhysicalType.Int32) => new UnscaledInt32Decoder(spec),
            (ParquetType.Decimal, PhysicalType.Int64) => new RawDecoder<long>(spec),
            (ParquetType.Decimal, PhysicalType.ByteArray) => new DecimalBytesDecoder(spec, false),
            (ParquetType.Decimal, PhysicalType.FixedLenByteArray) => new DecimalBytesDecoder(spec, true),
            _ => throw new NotSupportedException($"Parquet: column '{spec.Field.Name}' ({spec.Physical} as {spec.Field.Type}) is not supported."),
        };

    /// <summary>
    /// PLAIN INT32, INT64 and DOUBLE are the values' little-endian bytes back to back, which is the layout of every
    /// platform .NET runs on (checked in <see cref="Create"/>), so a page's values are copied, not parsed one by one.
    /// </summary>
    private sealed class RawDecoder<T>(ColumnSpec spec) : PlainDecoder<T>(spec)
        where T : unmanaged
    {
        public override int Decode(ArraySegment<byte> segment, Span<T> destination)
        {
            var used = Fixed(segment, destination.Length, Unsafe.SizeOf<T>());
            MemoryMarshal.Cast<byte, T>(segment.AsSpan(0, used)).CopyTo(destination);
            return used;
        }
    }

    private sealed class BooleanDecoder(ColumnSpec spec) : PlainDecoder<bool>(spec)
    {
        public override int Decode(ArraySegment<byte> segment, Span<bool> destination)
        {
            ReadOnlySpan<byte> data = segment;
            var bytes = (destination.Length + 7) / 8;
            if (bytes > data.Length)
            {
                throw RanOut(bytes, data.Length);
            }

            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = (data[i >> 3] & (1 << (i & 7))) != 0;
            }

            return bytes;
        }
    }

    private sealed class FloatDecoder(ColumnSpec spec) : PlainDecoder<double>(spec)
    {
        public override int Decode(ArraySegment<byte> segment, Span<double> destination)
        {
            ReadOnlySpan<byte> data = segment;
            var used = Fixed(data, destination.Length, 4);
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(4 * i)..]);
            }

            return used;
        }
    }

    private sealed class DateDecoder(ColumnSpec spec) : PlainDecoder<DateOnly>(spec)
    {
        public override int Decode(ArraySegment<byte> segment, Span<DateOnly> destination)
        {
            ReadOnlySpan<byte> data = segment;
            var used = Fixed(data, destination.Length, 4);
            for (var i = 0; i < destination.Length; i++)
            {
                var day = (long)BinaryPrimitives.ReadInt32LittleEndian(data[(4 * i)..]) + EpochDay;
                if (day is < 0 or > 3652058)
                {
                    throw new InvalidDataException($"Parquet: column '{Spec.Field.Name}': date {day - EpochDay} days from 1970 is outside years 1-9999.");
                }

                destination[i] = DateOnly.FromDayNumber((int)day);
            }

            return used;
        }
    }

    private sealed class TimestampDecoder(ColumnSpec spec) : PlainDecoder<DateTimeOffset>(spec)
    {
        public override int Decode(ArraySegment<byte> segment, Span<DateTimeOffset> destination)
        {
            ReadOnlySpan<byte> data = segment;
            var used = Fixed(data, destination.Length, 8);
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = FromUnit(BinaryPrimitives.ReadInt64LittleEndian(data[(8 * i)..]), Spec.Unit, Spec.Field.Name);
            }

            return used;
        }
    }

    /// <summary>INT96 (legacy Impala/Spark): nanoseconds of the day, then the Julian day number (2,440,588 = 1970-01-01).</summary>
    private sealed class Int96Decoder(ColumnSpec spec) : PlainDecoder<DateTimeOffset>(spec)
    {
        public override int Decode(ArraySegment<byte> segment, Span<DateTimeOffset> destination)
        {
            ReadOnlySpan<byte> data = segment;
            var used = Fixed(data, destination.Length, 12);
            for (var i = 0; i < destination.Length; i++)
            {
                var nanos = BinaryPrimitives.ReadInt64LittleEndian(data[(12 * i)..]);
                var julian = BinaryPrimitives.ReadInt32LittleEndian(data[((12 * i) + 8)..]);
                var days = (long)julian - 2_440_588;
                if (Math.Abs(days) > 3_000_000 || Math.Abs(nanos) > 86_400_000_000_000L)
                {
                    throw new InvalidDataException($"Parquet: column '{Spec.Field.Name}': INT96 timestamp (day {julian}, {nanos} ns) is out of range.");
                }

                destination[i] = FromUnit((days * 86_400_000_000L) + (nanos / 1000), TimeUnit.Micros, Spec.Field.Name);
            }

            return used;
        }
    }

    /// <summary>Strings stay UTF-8 inside the page buffer (checked valid: invalid UTF-8 is refused, as DuckDB does).</summary>
    internal sealed class Utf8Decoder(ColumnSpec spec) : PlainDecoder<Utf8Value>(spec)
    {
        /// <summary>The page buffers the decoded values point into.</summary>
        public List<byte[]> Buffers { get; } = [];

        public override int Decode(ArraySegment<byte> segment, Span<Utf8Value> destination)
        {
            ReadOnlySpan<byte> data = segment;
            if (Buffers.Count == 0 || !ReferenceEquals(Buffers[^1], segment.Array))
            {
                Buffers.Add(segment.Array!);
            }

            var buffer = Buffers.Count - 1;
            var pos = 0;
            for (var i = 0; i < destination.Length; i++)
            {
                var bytes = LengthPrefixed(data, ref pos, Spec.Field.Name);
                if (!System.Text.Unicode.Utf8.IsValid(bytes))
                {
                    throw new InvalidDataException($"Parquet: column '{Spec.Field.Name}' holds a string that is not valid UTF-8.");
                }

                destination[i] = new Utf8Value(buffer, segment.Offset + pos - bytes.Length, bytes.Length);
            }

            return pos;
        }
    }

    /// <summary>DECIMAL in INT32, kept unscaled as long (the column makes decimals on request).</summary>
    private sealed class UnscaledInt32Decoder(ColumnSpec spec) : PlainDecoder<long>(spec)
    {
        public override int Decode(ArraySegment<byte> segment, Span<long> destination)
        {
            ReadOnlySpan<byte> data = segment;
            var used = Fixed(data, destination.Length, 4);
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = BinaryPrimitives.ReadInt32LittleEndian(data[(4 * i)..]);
            }

            return used;
        }
    }

    private sealed class DecimalBytesDecoder(ColumnSpec spec, bool fixedLength) : PlainDecoder<decimal>(spec)
    {
        public override int Decode(ArraySegment<byte> segment, Span<decimal> destination)
        {
            ReadOnlySpan<byte> data = segment;
            var pos = 0;
            for (var i = 0; i < destination.Length; i++)
            {
                ReadOnlySpan<byte> bytes;
                if (fixedLength)
                {
                    if (Spec.TypeLength > data.Length - pos)
                    {
                        throw RanOut(Spec.TypeLength, data.Length - pos);
                    }

                    bytes = data.Slice(pos, Spec.TypeLength);
                    pos += Spec.TypeLength;
                }
                else
                {
                    bytes = LengthPrefixed(data, ref pos, Spec.Field.Name);
                }

                destination[i] = DecimalBytes.ToDecimal(DecimalBytes.ReadBigEndian(bytes, Spec.Field.Name), Spec.Field.Scale, Spec.Field.Name);
            }

            return pos;
        }
    }

    internal static DateTimeOffset FromUnit(long value, TimeUnit unit, string column)
    {
        var ticksPerUnit = unit switch
        {
            TimeUnit.Millis => TimeSpan.TicksPerMillisecond,
            TimeUnit.Micros => TimeSpan.TicksPerMicrosecond,
            _ => 0,
        };
        long ticks;
        if (ticksPerUnit == 0)
        {
            // Nanoseconds: floor to the 100 ns tick .NET keeps.
            ticks = (value / 100) - ((value % 100) < 0 ? 1 : 0);
        }
        else if (value > (long.MaxValue / ticksPerUnit) || value < (long.MinValue / ticksPerUnit))
        {
            throw new InvalidDataException($"Parquet: column '{column}': timestamp {value} is out of range.");
        }
        else
        {
            ticks = value * ticksPerUnit;
        }

        var utcTicks = DateTimeOffset.UnixEpoch.UtcTicks + ticks;
        if (utcTicks < DateTimeOffset.MinValue.UtcTicks || utcTicks > DateTimeOffset.MaxValue.UtcTicks || (ticks > 0 && utcTicks < 0))
        {
            throw new InvalidDataException($"Parquet: column '{column}': timestamp {value} is outside years 1-9999.");
        }

        return new DateTimeOffset(utcTicks, TimeSpan.Zero);
    }

    private static ReadOnlySpan<byte> LengthPrefixed(ReadOnlySpan<byte> data, scoped ref int pos, string column)
    {
        if (data.Length - pos < 4)
        {
            throw new InvalidDataException($"Parquet: column '{column}': a byte array's length runs past the end of the page.");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(data[pos..]);
        pos += 4;
        if (length < 0 || length > data.Length - pos)
        {
            throw new InvalidDataException($"Parquet: column '{column}': a byte array of {length} bytes runs past the end of the page.");
        }

        var bytes = data.Slice(pos, length);
        pos += length;
        return bytes;
    }
}
