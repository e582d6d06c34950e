using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace KpiFunctions.Parquet.Encodings;

/// <summary>
/// The RLE / bit-packing hybrid (parquet-format Encodings.md, "Run Length Encoding / Bit-Packing Hybrid"):
/// runs of repeated values as (count &lt;&lt; 1, value) and other values in bit-packed groups of eight, LSB first.
/// </summary>
internal static class RleBitPackedHybrid
{
    /// <summary>Bits needed for values up to <paramref name="maxValue"/> (0 for 0).</summary>
    public static int BitWidth(int maxValue) => maxValue == 0 ? 0 : 32 - int.LeadingZeroCount(maxValue);

    /// <summary>Encodes values (each below 2^bitWidth); repeats of eight or more become RLE runs.</summary>
    public static void Encode(ReadOnlySpan<int> values, int bitWidth, IBufferWriter<byte> output)
    {
        var byteWidth = (bitWidth + 7) / 8;
        var i = 0;
        while (i < values.Length)
        {
            var run = RunLength(values, i);
            if (run >= 8)
            {
                WriteVarint(output, (ulong)run << 1);
                WriteLittleEndian(output, values[i], byteWidth);
                i += run;
                continue;
            }

            // A literal stretch: groups of eight until a long run starts (or 63 groups keep the header one byte).
            var start = i;
            var groups = 0;
            while (i < values.Length && groups < 63)
            {
                if (i > start && RunLength(values, i) >= 8 && (i - start) % 8 == 0)
                {
                    break;
                }

                i = Math.Min(i + 8, values.Length);
                groups++;
            }

            WriteVarint(output, ((ulong)groups << 1) | 1);
            BitPack(values[start..i], groups, bitWidth, output);
        }
    }

    /// <summary>Decodes exactly <paramref name="destination"/>.Length values; throws on corrupt input.</summary>
    public static int Decode(ReadOnlySpan<byte> data, int bitWidth, Span<int> destination)
    {
        if (bitWidth is < 0 or > 32)
        {
            throw new InvalidDataException($"Parquet: bit width {bitWidth} is out of range 0-32.");
        }

        var byteWidth = (bitWidth + 7) / 8;
        var pos = 0;
        var n = 0;
        while (n < destination.Length)
        {
            var header = ReadVarint(data, ref pos);
            if ((header & 1) == 0)
            {
                var count = header >> 1;
                if (count == 0 || count > (ulong)(destination.Length - n))
                {
                    // Writers may end with a run longer than needed only in bit-packed form; a too-long RLE run is corrupt.
                    if (count == 0)
                    {
                        throw new InvalidDataException("Parquet: an RLE run of length 0.");
                    }

                    count = (ulong)(destination.Length - n);
                }

                if (pos + byteWidth > data.Length)
                {
                    throw new InvalidDataException("Parquet: an RLE run's value runs past the end of the data.");
                }

                var value = 0;
                for (var b = 0; b < byteWidth; b++)
                {
                    value |= data[pos + b] << (8 * b);
                }

                pos += byteWidth;
                if (bitWidth < 32 && (uint)value >= 1u << bitWidth)
                {
                    throw new InvalidDataException($"Parquet: RLE value {value} does not fit in {bitWidth} bits.");
                }

                destination.Slice(n, (int)count).Fill(value);
                n += (int)count;
            }
            else
            {
                var groups = header >> 1;
                var bytes = groups * (ulong)bitWidth;
                if (groups == 0 || bytes > (ulong)(data.Length - pos))
                {
                    // A truncated final group is accepted (some writers drop trailing padding); an empty one is not.
                    if (groups == 0)
                    {
                        throw new InvalidDataException("Parquet: a bit-packed run of 0 groups.");
                    }

                    bytes = (ulong)(data.Length - pos);
                }

                var count = (int)Math.Min(groups * 8, (ulong)(destination.Length - n));
                if (bitWidth > 0 && (ulong)count * (ulong)bitWidth > bytes * 8)
                {
                    throw new InvalidDataException("Parquet: a bit-packed run runs past the end of the data.");
                }

                Unpack(data.Slice(pos, (int)bytes), bitWidth, destination.Slice(n, count));
                pos += (int)Math.Min(bytes, groups * (ulong)bitWidth);
                n += count;
            }
        }

        return pos;
    }

    private static int RunLength(ReadOnlySpan<int> values, int start)
    {
        var v = values[start];
        var end = start + 1;
        while (end < values.Length && values[end] == v)
        {
            end++;
        }

        return end - start;
    }

    private static void BitPack(ReadOnlySpan<int> values, int groups, int bitWidth, IBufferWriter<byte> output)
    {
        var byteCount = groups * bitWidth;
        if (byteCount == 0)
        {
            return;
        }

        var span = output.GetSpan(byteCount)[..byteCount];
        span.Clear();
        ulong buffer = 0;
        var bits = 0;
        var o = 0;
        for (var i = 0; i < groups * 8; i++)
        {
            var v = i < values.Length ? (uint)values[i] : 0u;
            buffer |= (ulong)v << bits;
            bits += bitWidth;
            while (bits >= 8)
            {
                span[o++] = (byte)buffer;
                buffer >>= 8;
                bits -= 8;
            }
        }

        output.Advance(byteCount);
    }

    private static void Unpack(ReadOnlySpan<byte> data, int bitWidth, Span<int> destination)
    {
        if (bitWidth == 0)
        {
            destination.Clear();
            return;
        }

        // Fast path: one unaligned 64-bit load per value while 8 bytes remain (bit offset + width <= 7 + 32 < 64).
        var fast = 0;
        if (bitWidth <= 32)
        {
            ref var start = ref MemoryMarshal.GetReference(data);
            var fastMask = bitWidth == 32 ? uint.MaxValue : (1u << bitWidth) - 1;
            long bitPos = 0;
            while (fast < destination.Length && (bitPos >> 3) + 8 <= data.Length)
            {
                var word = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, (nint)(bitPos >> 3)));
                destination[fast++] = (int)((uint)(word >> (int)(bitPos & 7)) & fastMask);
                bitPos += bitWidth;
            }

            if (fast == destination.Length)
            {
                return;
            }

            data = data[(int)(bitPos >> 3)..];
            if ((bitPos & 7) != 0)
            {
                // Finish the rest bit by bit from the exact position.
                SlowUnpack(data, (int)(bitPos & 7), bitWidth, destination[fast..]);
                return;
            }

            destination = destination[fast..];
        }

        SlowUnpack(data, 0, bitWidth, destination);
    }

    private static void SlowUnpack(ReadOnlySpan<byte> data, int skipBits, int bitWidth, Span<int> destination)
    {
        ulong buffer = 0;
        var bits = 0;
        var pos = 0;
        var mask = bitWidth == 32 ? uint.MaxValue : (1u << bitWidth) - 1;
        if (skipBits > 0)
        {
            buffer = (ulong)(data.Length > 0 ? data[0] : (byte)0) >> skipBits;
            bits = 8 - skipBits;
            pos = 1;
        }

        for (var i = 0; i < destination.Length; i++)
        {
            while (bits < bitWidth)
            {
                buffer |= (ulong)(pos < data.Length ? data[pos] : (byte)0) << bits;
                pos++;
                bits += 8;
            }

            destination[i] = (int)((uint)buffer & mask);
            buffer >>= bitWidth;
            bits -= bitWidth;
        }
    }

    private static void WriteVarint(IBufferWriter<byte> output, ulong value)
    {
        var span = output.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        output.Advance(i);
    }

    private static void WriteLittleEndian(IBufferWriter<byte> output, int value, int byteWidth)
    {
        var span = output.GetSpan(4);
        for (var b = 0; b < byteWidth; b++)
        {
            span[b] = (byte)(value >> (8 * b));
        }

        output.Advance(byteWidth);
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (pos >= data.Length)
            {
                throw new InvalidDataException("Parquet: RLE/bit-packed data ends inside a run header.");
            }

            var b = data[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new InvalidDataException("Parquet: an RLE/bit-packed run header is longer than 10 bytes.");
    }
}
