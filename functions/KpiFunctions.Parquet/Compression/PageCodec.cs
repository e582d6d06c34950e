using System.IO.Compression;
using KpiFunctions.Parquet.Format;

namespace KpiFunctions.Parquet.Compression;

/// <summary>Compresses and decompresses page payloads (parquet-format Compression.md: one raw codec stream per page).</summary>
internal static class PageCodec
{
    public static CompressionCodec ToCodec(ParquetCompression compression) => compression switch
    {
        ParquetCompression.None => CompressionCodec.Uncompressed,
        ParquetCompression.Snappy => CompressionCodec.Snappy,
        ParquetCompression.Gzip => CompressionCodec.Gzip,
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, "Unknown compression."),
    };

    /// <summary>The compressed payload; for <see cref="CompressionCodec.Uncompressed"/> the input itself.</summary>
    public static ReadOnlyMemory<byte> Compress(CompressionCodec codec, ReadOnlyMemory<byte> payload)
    {
        switch (codec)
        {
            case CompressionCodec.Uncompressed:
                return payload;
            case CompressionCodec.Snappy:
                return IronSnappy.Snappy.Encode(payload.Span);
            case CompressionCodec.Gzip:
                using (var buffer = new MemoryStream(payload.Length / 2 + 64))
                {
                    using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
                    {
                        gzip.Write(payload.Span);
                    }

                    return buffer.ToArray();
                }

            default:
                throw new NotSupportedException($"Parquet: writing codec {codec} is not supported.");
        }
    }

    /// <summary>
    /// Decompresses into <paramref name="output"/> (exactly the uncompressed size long, e.g. a
    /// pooled buffer's prefix) or throws <see cref="InvalidDataException"/>.
    /// </summary>
    public static void DecompressInto(CompressionCodec codec, ReadOnlySpan<byte> payload, Span<byte> output, string where)
    {
        switch (codec)
        {
            case CompressionCodec.Uncompressed:
                if (payload.Length != output.Length)
                {
                    throw new InvalidDataException($"Parquet: {where}: uncompressed page of {payload.Length} bytes, header says {output.Length}.");
                }

                payload.CopyTo(output);
                break;
            case CompressionCodec.Snappy:
                try
                {
                    SnappyDecoder.Decode(payload, output);
                }
                catch (InvalidDataException ex)
                {
                    throw new InvalidDataException($"Parquet: {where}: {ex.Message}", ex);
                }

                break;
            default:
                Decompress(codec, payload, output.Length, where).CopyTo(output);
                break;
        }
    }

    /// <summary>Decompresses into exactly <paramref name="uncompressedSize"/> bytes or throws <see cref="InvalidDataException"/>.</summary>
    public static byte[] Decompress(CompressionCodec codec, ReadOnlySpan<byte> payload, int uncompressedSize, string where)
    {
        byte[] result;
        try
        {
            switch (codec)
            {
                case CompressionCodec.Uncompressed:
                    // The caller already holds the chunk in memory; one copy keeps the page independent of it.
                    result = payload.ToArray();
                    break;
                case CompressionCodec.Snappy:
                    CheckSnappyPreamble(payload, uncompressedSize, where);
                    result = new byte[uncompressedSize];
                    SnappyDecoder.Decode(payload, result);
                    break;
                case CompressionCodec.Gzip:
                    result = new byte[uncompressedSize];
                    using (var gzip = new GZipStream(new MemoryStream(payload.ToArray()), CompressionMode.Decompress))
                    {
                        var read = 0;
                        while (read < result.Length)
                        {
                            var n = gzip.Read(result, read, result.Length - read);
                            if (n == 0)
                            {
                                break;
                            }

                            read += n;
                        }

                        if (read != uncompressedSize || gzip.ReadByte() != -1)
                        {
                            throw new InvalidDataException($"Parquet: {where}: GZIP page does not decompress to its stated {uncompressedSize} bytes.");
                        }
                    }

                    break;
                default:
                    throw new NotSupportedException($"Parquet: {where} uses codec {codec}; this reader supports UNCOMPRESSED, SNAPPY and GZIP.");
            }
        }
        catch (Exception ex) when (ex is not (InvalidDataException or NotSupportedException))
        {
            // Codec libraries signal corrupt input with assorted exceptions; report them all as a format error.
            throw new InvalidDataException($"Parquet: {where}: {codec} payload is corrupt ({ex.GetType().Name}: {ex.Message}).", ex);
        }

        if (result.Length != uncompressedSize)
        {
            throw new InvalidDataException($"Parquet: {where}: page decompressed to {result.Length} bytes, header says {uncompressedSize}.");
        }

        return result;
    }

    /// <summary>Snappy's varint preamble is the uncompressed length; check it before the codec allocates.</summary>
    private static void CheckSnappyPreamble(ReadOnlySpan<byte> payload, int expected, string where)
    {
        ulong length = 0;
        var shift = 0;
        foreach (var b in payload)
        {
            length |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if (length != (ulong)expected)
                {
                    throw new InvalidDataException($"Parquet: {where}: Snappy length {length} differs from the page header's {expected}.");
                }

                return;
            }

            shift += 7;
            if (shift > 35)
            {
                break;
            }
        }

        throw new InvalidDataException($"Parquet: {where}: Snappy preamble is corrupt.");
    }
}
