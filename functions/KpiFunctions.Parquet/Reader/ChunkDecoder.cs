using System.Buffers;
using System.Buffers.Binary;
using KpiFunctions.Parquet.Compression;
using KpiFunctions.Parquet.Encodings;
using KpiFunctions.Parquet.Format;
using KpiFunctions.Parquet.Schema;

namespace KpiFunctions.Parquet.Reader;

/// <summary>
/// Decodes one column chunk's pages (parquet-format README "Column chunks"): an optional dictionary page, then data
/// pages V1 or V2 with PLAIN, PLAIN_DICTIONARY / RLE_DICTIONARY or (booleans) RLE values. Every count and length is
/// checked against the bytes that are really there.
/// </summary>
internal static class ChunkDecoder
{
    /// <summary>Largest number of values one page may claim; far above what writers produce.</summary>
    public const int MaxValuesPerPage = 1 << 22;

    public static ParquetColumn Decode(ColumnSpec spec, ColumnMetaData meta, ReadOnlySpan<byte> chunk, long rows)
    {
        return spec.Field.Type switch
        {
            ParquetType.Boolean => Decode<bool>(spec, meta, chunk, rows),
            ParquetType.Int32 => Decode<int>(spec, meta, chunk, rows),
            ParquetType.Int64 => Decode<long>(spec, meta, chunk, rows),
            ParquetType.Double => Decode<double>(spec, meta, chunk, rows),
            // INT32/INT64 decimals stay unscaled longs, as DuckDB keeps them; the column makes decimals on request.
            ParquetType.Decimal when spec.Physical is PhysicalType.Int32 or PhysicalType.Int64 => Decode<long>(spec, meta, chunk, rows),
            ParquetType.Decimal => Decode<decimal>(spec, meta, chunk, rows),
            ParquetType.String => Decode<Utf8Value>(spec, meta, chunk, rows),
            ParquetType.Date => Decode<DateOnly>(spec, meta, chunk, rows),
            ParquetType.Timestamp => Decode<DateTimeOffset>(spec, meta, chunk, rows),
            _ => throw new NotSupportedException($"Parquet: column '{spec.Field.Name}' type {spec.Field.Type} is not supported."),
        };
    }

    private static ParquetColumn Decode<T>(ColumnSpec spec, ColumnMetaData meta, ReadOnlySpan<byte> chunk, long rows)
    {
        var name = spec.Field.Name;
        if (meta.NumValues != rows)
        {
            throw new InvalidDataException($"Parquet: column '{name}' has {meta.NumValues} values but its row group has {rows} rows.");
        }

        var decoder = (PlainDecoder<T>)PlainDecoders.Create(spec);
        // Sized for the whole chunk when the row count is plausible for the bytes really there (not the sizes the
        // metadata claims); otherwise grown as pages arrive.
        var plausible = rows <= Math.Max(1 << 16, (long)chunk.Length * 8);
        var values = new T[(int)(plausible ? rows : Math.Min(rows, 1 << 16))];
        var defined = spec.Field.Required ? null : new bool[values.Length];
        T[]? dictionary = null;
        var count = 0;
        var anyNull = false;
        var pos = 0;
        while (count < rows)
        {
            var where = $"column '{name}' page at chunk byte {pos}";
            if (pos >= chunk.Length)
            {
                throw new InvalidDataException($"Parquet: column '{name}' ends after {count} of {rows} values.");
            }

            var header = ThriftSerializer.ReadPageHeader(chunk[pos..], out var headerLength);
            pos += headerLength;
            if (header.CompressedPageSize > chunk.Length - pos)
            {
                throw new InvalidDataException($"Parquet: {where}: payload of {header.CompressedPageSize} bytes runs past the chunk's end.");
            }

            if ((long)header.UncompressedPageSize > ((long)header.CompressedPageSize * 1100) + (1 << 20))
            {
                throw new InvalidDataException($"Parquet: {where}: claims {header.UncompressedPageSize} uncompressed bytes from {header.CompressedPageSize}, more than any codec expands.");
            }

            var payload = chunk.Slice(pos, header.CompressedPageSize);
            pos += header.CompressedPageSize;
            switch (header.Type)
            {
                case PageType.DictionaryPage:
                    var dh = header.DictionaryPageHeader ?? throw new InvalidDataException($"Parquet: {where}: dictionary page without its header.");
                    if (dictionary is not null)
                    {
                        throw new InvalidDataException($"Parquet: {where}: a second dictionary page.");
                    }

                    if (dh.NumValues < 0 || dh.NumValues > ((long)header.UncompressedPageSize * 8) + 8)
                    {
                        throw new InvalidDataException($"Parquet: {where}: dictionary of {dh.NumValues} entries cannot fit in {header.UncompressedPageSize} bytes.");
                    }

                    var raw = PageCodec.Decompress(meta.Codec, payload, header.UncompressedPageSize, where);
                    if ((long)dh.NumValues * MinPlainBits(spec) > (long)raw.Length * 8)
                    {
                        throw new InvalidDataException($"Parquet: {where}: dictionary of {dh.NumValues} entries cannot fit in {raw.Length} bytes.");
                    }

                    dictionary = new T[dh.NumValues];
                    decoder.Decode(new ArraySegment<byte>(raw), dictionary);
                    break;
                case PageType.DataPage:
                    var v1 = header.DataPageHeader ?? throw new InvalidDataException($"Parquet: {where}: data page without its header.");

                    // PLAIN string values point into their page buffer, so those pages get their own array; every
                    // other page (dictionary indices included) is decoded into copies and can use a pooled buffer.
                    var pooled = spec.Field.Type != ParquetType.String || v1.Encoding != PageEncoding.Plain;
                    var page = pooled ? ArrayPool<byte>.Shared.Rent(header.UncompressedPageSize) : new byte[header.UncompressedPageSize];
                    try
                    {
                        PageCodec.DecompressInto(meta.Codec, payload, page.AsSpan(0, header.UncompressedPageSize), where);
                        var pageLength = header.UncompressedPageSize;
                        var n = CheckCount(v1.NumValues, count, rows, where);
                        Grow(ref values, ref defined, count + n);
                        var offset = 0;
                        if (!spec.Field.Required)
                        {
                            if (pageLength < 4)
                            {
                                throw new InvalidDataException($"Parquet: {where}: definition levels missing.");
                            }

                            var length = BinaryPrimitives.ReadInt32LittleEndian(page);
                            if (length < 0 || length > pageLength - 4)
                            {
                                throw new InvalidDataException($"Parquet: {where}: definition levels of {length} bytes run past the page.");
                            }

                            anyNull |= DecodeLevels(page.AsSpan(4, length), defined!.AsSpan(count, n), where);
                            offset = 4 + length;
                        }

                        DecodeValues(spec, decoder, v1.Encoding, new ArraySegment<byte>(page, offset, pageLength - offset), dictionary, values.AsSpan(count, n), defined is null ? Span<bool>.Empty : defined.AsSpan(count, n), where);
                        count += n;
                    }
                    finally
                    {
                        if (pooled)
                        {
                            ArrayPool<byte>.Shared.Return(page);
                        }
                    }

                    break;
                case PageType.DataPageV2:
                    var v2 = header.DataPageHeaderV2 ?? throw new InvalidDataException($"Parquet: {where}: data page V2 without its header.");
                    var m = CheckCount(v2.NumValues, count, rows, where);
                    Grow(ref values, ref defined, count + m);
                    var rep = v2.RepetitionLevelsByteLength;
                    var def = v2.DefinitionLevelsByteLength;
                    if (rep < 0 || def < 0 || (long)rep + def > payload.Length || (long)rep + def > header.UncompressedPageSize)
                    {
                        throw new InvalidDataException($"Parquet: {where}: level lengths {rep} + {def} exceed the page.");
                    }

                    if (!spec.Field.Required)
                    {
                        anyNull |= DecodeLevels(payload.Slice(rep, def), defined!.AsSpan(count, m), where);
                    }

                    var body = payload[(rep + def)..];
                    var bodySize = header.UncompressedPageSize - rep - def;
                    var bytes = v2.IsCompressed && meta.Codec != CompressionCodec.Uncompressed && body.Length > 0
                        ? PageCodec.Decompress(meta.Codec, body, bodySize, where)
                        : body.ToArray();
                    DecodeValues(spec, decoder, v2.Encoding, new ArraySegment<byte>(bytes), dictionary, values.AsSpan(count, m), defined is null ? Span<bool>.Empty : defined.AsSpan(count, m), where);
                    count += m;
                    break;
                default:
                    // Index pages and page types this reader does not know carry nothing it needs.
                    break;
            }
        }

        if (values.Length != count)
        {
            Array.Resize(ref values, count);
            if (defined is not null)
            {
                Array.Resize(ref defined, count);
            }
        }

        var present = anyNull ? defined : null;
        return values switch
        {
            Utf8Value[] utf8 => ParquetColumn.FromUtf8(spec.Field, utf8, ((PlainDecoders.Utf8Decoder)(object)decoder).Buffers, present),
            long[] unscaled when spec.Field.Type == ParquetType.Decimal => ParquetColumn.FromUnscaled(spec.Field, unscaled, present),
            _ => new ParquetColumn(spec.Field, values, present),
        };
    }

    private static string SpecName(PageEncoding encoding) => encoding switch
    {
        PageEncoding.DeltaBinaryPacked => "DELTA_BINARY_PACKED",
        PageEncoding.DeltaLengthByteArray => "DELTA_LENGTH_BYTE_ARRAY",
        PageEncoding.DeltaByteArray => "DELTA_BYTE_ARRAY",
        PageEncoding.ByteStreamSplit => "BYTE_STREAM_SPLIT",
        PageEncoding.BitPacked => "BIT_PACKED",
        PageEncoding.Rle => "RLE",
        _ => ((int)encoding).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Fewest bits one PLAIN value of the column takes (a bound for counts a page claims).</summary>
    private static int MinPlainBits(ColumnSpec spec) => spec.Physical switch
    {
        PhysicalType.Boolean => 1,
        PhysicalType.Int32 or PhysicalType.Float or PhysicalType.ByteArray => 32,
        PhysicalType.Int64 or PhysicalType.Double => 64,
        PhysicalType.Int96 => 96,
        PhysicalType.FixedLenByteArray => Math.Max(8, spec.TypeLength * 8),
        _ => 1,
    };

    private static int CheckCount(int n, int count, long rows, string where)
    {
        if (n < 0 || n > rows - count || n > MaxValuesPerPage)
        {
            throw new InvalidDataException($"Parquet: {where}: claims {n} values; {rows - count} are left in the chunk.");
        }

        return n;
    }

    private static void Grow<T>(ref T[] values, ref bool[]? defined, int needed)
    {
        if (needed <= values.Length)
        {
            return;
        }

        var size = Math.Max(needed, (int)Math.Min((long)values.Length * 2, int.MaxValue));
        Array.Resize(ref values, size);
        if (defined is not null)
        {
            Array.Resize(ref defined, size);
        }
    }

    /// <summary>Decodes definition levels (bit width 1 for a flat OPTIONAL column); returns true when any row is null.</summary>
    private static bool DecodeLevels(ReadOnlySpan<byte> data, Span<bool> defined, string where)
    {
        // The common page with no nulls is a single RLE run of 1s: fill it without decoding level by level.
        if (data.Length >= 2 && (data[0] & 1) == 0 && data[^1] == 1 && IsSingleRunOfOnes(data, defined.Length))
        {
            defined.Fill(true);
            return false;
        }

        var levels = ArrayPool<int>.Shared.Rent(Math.Max(defined.Length, 1));
        try
        {
            var span = levels.AsSpan(0, defined.Length);
            RleBitPackedHybrid.Decode(data, 1, span);
            var anyNull = false;
            for (var i = 0; i < span.Length; i++)
            {
                if (span[i] > 1)
                {
                    throw new InvalidDataException($"Parquet: {where}: definition level {span[i]} in a flat column.");
                }

                defined[i] = span[i] == 1;
                anyNull |= span[i] == 0;
            }

            return anyNull;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(levels);
        }
    }

    private static bool IsSingleRunOfOnes(ReadOnlySpan<byte> data, int count)
    {
        ulong header = 0;
        var shift = 0;
        var i = 0;
        while (i < data.Length && i < 5)
        {
            var b = data[i++];
            header |= (ulong)(b & 0x7F) << shift;
            shift += 7;
            if ((b & 0x80) == 0)
            {
                // An RLE run (even header) of at least count values, then exactly one value byte, equal to 1.
                return (header & 1) == 0 && (header >> 1) >= (ulong)count && i == data.Length - 1 && data[i] == 1;
            }
        }

        return false;
    }

    private static void DecodeValues<T>(ColumnSpec spec, PlainDecoder<T> decoder, PageEncoding encoding, ArraySegment<byte> segment, T[]? dictionary, Span<T> destination, Span<bool> defined, string where)
    {
        ReadOnlySpan<byte> data = segment;
        var present = destination.Length;
        if (!defined.IsEmpty)
        {
            present = 0;
            foreach (var d in defined)
            {
                present += d ? 1 : 0;
            }
        }

        var dense = present == destination.Length ? null : new T[present];
        var target = dense is null ? destination : dense.AsSpan();
        switch (encoding)
        {
            case PageEncoding.Plain:
                decoder.Decode(segment, target);
                break;
            case PageEncoding.PlainDictionary or PageEncoding.RleDictionary:
                if (dictionary is null)
                {
                    throw new InvalidDataException($"Parquet: {where}: dictionary-encoded page but the chunk has no dictionary page.");
                }

                if (present > 0)
                {
                    if (data.Length < 1)
                    {
                        throw new InvalidDataException($"Parquet: {where}: dictionary indices missing.");
                    }

                    var indices = ArrayPool<int>.Shared.Rent(present);
                    try
                    {
                        var idx = indices.AsSpan(0, present);
                        RleBitPackedHybrid.Decode(data[1..], data[0], idx);
                        for (var i = 0; i < present; i++)
                        {
                            if ((uint)idx[i] >= (uint)dictionary.Length)
                            {
                                throw new InvalidDataException($"Parquet: {where}: dictionary index {idx[i]} but the dictionary has {dictionary.Length} entries.");
                            }

                            target[i] = dictionary[idx[i]];
                        }
                    }
                    finally
                    {
                        ArrayPool<int>.Shared.Return(indices);
                    }
                }

                break;
            case PageEncoding.Rle when spec.Field.Type == ParquetType.Boolean:
                // RLE booleans carry a 4-byte length like levels do (Encodings.md, RLE).
                if (data.Length < 4)
                {
                    throw new InvalidDataException($"Parquet: {where}: RLE boolean length missing.");
                }

                var length = BinaryPrimitives.ReadInt32LittleEndian(data);
                if (length < 0 || length > data.Length - 4)
                {
                    throw new InvalidDataException($"Parquet: {where}: RLE booleans of {length} bytes run past the page.");
                }

                var bits = ArrayPool<int>.Shared.Rent(Math.Max(present, 1));
                try
                {
                    RleBitPackedHybrid.Decode(data.Slice(4, length), 1, bits.AsSpan(0, present));
                    for (var i = 0; i < present; i++)
                    {
                        // T is bool here (checked above); RLE booleans are rare enough that boxing is acceptable.
                        target[i] = (T)(object)(bits[i] == 1);
                    }
                }
                finally
                {
                    ArrayPool<int>.Shared.Return(bits);
                }

                break;
            default:
                throw new NotSupportedException($"Parquet: {where} uses encoding {SpecName(encoding)}; this reader supports PLAIN, PLAIN_DICTIONARY/RLE_DICTIONARY and RLE booleans.");
        }

        if (dense is not null)
        {
            var k = 0;
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = defined[i] ? dense[k++] : default!;
            }
        }
    }
}
