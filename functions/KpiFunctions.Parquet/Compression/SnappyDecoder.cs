using System.Buffers.Binary;

namespace KpiFunctions.Parquet.Compression;

/// <summary>
/// Decodes Snappy raw blocks (google/snappy format_description.txt: a varint length preamble, then literals and
/// copies with 1-, 2- or 4-byte offsets) into a caller's buffer, so pages can be decompressed into pooled memory.
/// Every offset and length is checked; corrupt input is an <see cref="InvalidDataException"/>.
/// </summary>
internal static class SnappyDecoder
{
    /// <summary>The uncompressed length the preamble states.</summary>
    public static int DecodedLength(ReadOnlySpan<byte> input, out int preambleLength)
    {
        ulong length = 0;
        for (var i = 0; i < 5 && i < input.Length; i++)
        {
            length |= (ulong)(input[i] & 0x7F) << (7 * i);
            if ((input[i] & 0x80) == 0)
            {
                preambleLength = i + 1;
                return length <= int.MaxValue ? (int)length : throw new InvalidDataException("Snappy: stated length exceeds 2 GiB.");
            }
        }

        throw new InvalidDataException("Snappy: the length preamble is corrupt.");
    }

    /// <summary>Decodes into <paramref name="output"/>, which must be exactly the stated length.</summary>
    public static void Decode(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var length = DecodedLength(input, out var pos);
        if (length != output.Length)
        {
            throw new InvalidDataException($"Snappy: stated length {length} differs from the {output.Length} expected.");
        }

        var o = 0;
        while (pos < input.Length)
        {
            var tag = input[pos++];
            switch (tag & 3)
            {
                case 0:
                    {
                        // Literal: length - 1 in the tag's top 6 bits, or in 1-4 following bytes when that field is 60-63.
                        var n = tag >> 2;
                        if (n >= 60)
                        {
                            var extra = n - 59;
                            if (pos + extra > input.Length)
                            {
                                throw Corrupt("a literal length runs past the end");
                            }

                            n = 0;
                            for (var i = 0; i < extra; i++)
                            {
                                n |= input[pos + i] << (8 * i);
                            }

                            pos += extra;
                            if (n < 0)
                            {
                                throw Corrupt("a literal length is negative");
                            }
                        }

                        var count = n + 1;
                        if (count > input.Length - pos || count > output.Length - o)
                        {
                            throw Corrupt("a literal runs past the end");
                        }

                        input.Slice(pos, count).CopyTo(output[o..]);
                        pos += count;
                        o += count;
                        break;
                    }

                case 1:
                    {
                        if (pos >= input.Length)
                        {
                            throw Corrupt("a copy runs past the end");
                        }

                        var count = 4 + ((tag >> 2) & 7);
                        var offset = ((tag >> 5) << 8) | input[pos++];
                        o = Copy(output, o, offset, count);
                        break;
                    }

                case 2:
                    {
                        if (pos + 2 > input.Length)
                        {
                            throw Corrupt("a copy runs past the end");
                        }

                        var count = 1 + (tag >> 2);
                        var offset = BinaryPrimitives.ReadUInt16LittleEndian(input[pos..]);
                        pos += 2;
                        o = Copy(output, o, offset, count);
                        break;
                    }

                default:
                    {
                        if (pos + 4 > input.Length)
                        {
                            throw Corrupt("a copy runs past the end");
                        }

                        var count = 1 + (tag >> 2);
                        var offset = BinaryPrimitives.ReadInt32LittleEndian(input[pos..]);
                        pos += 4;
                        o = Copy(output, o, offset, count);
                        break;
                    }
            }
        }

        if (o != output.Length)
        {
            throw Corrupt($"decoded {o} of {output.Length} bytes");
        }
    }

    private static int Copy(Span<byte> output, int o, int offset, int count)
    {
        if (offset <= 0 || offset > o || count > output.Length - o)
        {
            throw Corrupt($"a copy of {count} bytes from {offset} back is out of range at byte {o}");
        }

        if (offset >= count)
        {
            output.Slice(o - offset, count).CopyTo(output[o..]);
        }
        else
        {
            // Overlapping copy: repeats the last `offset` bytes (run-length effect), forward byte by byte.
            for (var i = 0; i < count; i++)
            {
                output[o + i] = output[o - offset + i];
            }
        }

        return o + count;
    }

    private static InvalidDataException Corrupt(string why) => new($"Snappy: corrupt block: {why}.");
}
