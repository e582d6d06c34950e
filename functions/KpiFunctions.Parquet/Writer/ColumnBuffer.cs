using System.Buffers;
using System.Buffers.Binary;
using KpiFunctions.Parquet.Compression;
using KpiFunctions.Parquet.Encodings;
using KpiFunctions.Parquet.Format;
using KpiFunctions.Parquet.Schema;

namespace KpiFunctions.Parquet.Writer;

/// <summary>
/// Buffers one column of the current row group (non-null values plus definition levels) and encodes it as a
/// column chunk: an optional dictionary page, then V1 data pages (parquet-format README "Data Pages"): for an
/// OPTIONAL column a 4-byte length and RLE definition levels, then the values, PLAIN or RLE_DICTIONARY.
/// </summary>
internal abstract class ColumnBuffer
{
    private byte[] _defLevels = new byte[1024];

    protected ColumnBuffer(ParquetField field) => Field = field;

    public ParquetField Field { get; }

    /// <summary>Rows buffered, nulls included.</summary>
    public int Rows { get; private set; }

    public int NullCount { get; private set; }

    /// <summary>Plain-encoded size estimate of what is buffered.</summary>
    public long EstimatedBytes { get; protected set; }

    public abstract PhysicalType Physical { get; }

    /// <summary>The typed appender handed to callers.</summary>
    public abstract object Writer { get; }

    protected abstract int NonNullCount { get; }

    public void Reset()
    {
        Rows = 0;
        NullCount = 0;
        EstimatedBytes = 0;
        ResetValues();
    }

    public EncodedChunk Encode(ParquetWriterOptions options, CompressionCodec codec)
    {
        var output = new ArrayBufferWriter<byte>(Math.Max(256, (int)Math.Min(EstimatedBytes / 2 + 256, int.MaxValue / 2)));
        var encodings = new List<PageEncoding> { PageEncoding.Plain, PageEncoding.Rle };
        var encodingStats = new List<PageEncodingStats>();
        long uncompressedTotal = 0;
        int[]? indices = null;
        var bitWidth = 0;
        if (options.UseDictionary && NonNullCount > 0 && TryBuildDictionary(options.DictionaryPageSizeLimit, out var dictionary, out var entries, out var candidate))
        {
            indices = candidate;
            bitWidth = RleBitPackedHybrid.BitWidth(entries - 1);
            var indexBytes = ((long)NonNullCount * bitWidth / 8) + 1 + ((long)NonNullCount / options.PageRowLimit + 1);
            if (dictionary.Length + indexBytes < PlainSize(0, NonNullCount))
            {
                uncompressedTotal += WritePage(output, codec, PageType.DictionaryPage, dictionary.Span, entries, PageEncoding.Plain);
                encodingStats.Add(new PageEncodingStats { PageType = PageType.DictionaryPage, Encoding = PageEncoding.Plain, Count = 1 });
                encodings.Add(PageEncoding.RleDictionary);
            }
            else
            {
                indices = null;
            }
        }

        var dataPageOffset = output.WrittenCount;
        var pages = 0;
        var payload = new ArrayBufferWriter<byte>(64 * 1024);
        var levelBytes = Field.Required ? null : new ArrayBufferWriter<byte>(1024);
        var rowLevels = ArrayPool<int>.Shared.Rent(Math.Min(options.PageRowLimit, Math.Max(Rows, 1)));
        try
        {
            var row = 0;
            var value = 0;
            do
            {
                // Cut the page at the row limit or once its plain values pass the byte budget.
                var pageRows = 0;
                var pageValues = 0;
                long pageBytes = 0;
                while (row + pageRows < Rows && pageRows < options.PageRowLimit && pageBytes < options.PageSizeBytes)
                {
                    if (Field.Required || _defLevels[row + pageRows] == 1)
                    {
                        pageBytes += PlainSize(value + pageValues, value + pageValues + 1);
                        pageValues++;
                    }

                    pageRows++;
                }

                payload.ResetWrittenCount();
                if (!Field.Required)
                {
                    var levels = rowLevels.AsSpan(0, pageRows);
                    for (var i = 0; i < pageRows; i++)
                    {
                        levels[i] = _defLevels[row + i];
                    }

                    levelBytes!.ResetWrittenCount();
                    RleBitPackedHybrid.Encode(levels, 1, levelBytes);
                    BinaryPrimitives.WriteInt32LittleEndian(payload.GetSpan(4), levelBytes.WrittenCount);
                    payload.Advance(4);
                    payload.Write(levelBytes.WrittenSpan);
                }

                if (indices is not null)
                {
                    payload.GetSpan(1)[0] = (byte)bitWidth;
                    payload.Advance(1);
                    RleBitPackedHybrid.Encode(indices.AsSpan(value, pageValues), bitWidth, payload);
                }
                else
                {
                    WritePlain(value, value + pageValues, payload);
                }

                var encoding = indices is not null ? PageEncoding.RleDictionary : PageEncoding.Plain;
                uncompressedTotal += WritePage(output, codec, PageType.DataPage, payload.WrittenSpan, pageRows, encoding);
                pages++;
                row += pageRows;
                value += pageValues;
            }
            while (row < Rows);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rowLevels);
        }

        encodingStats.Add(new PageEncodingStats { PageType = PageType.DataPage, Encoding = indices is not null ? PageEncoding.RleDictionary : PageEncoding.Plain, Count = pages });
        var stats = Statistics();
        stats.NullCount = NullCount;
        return new EncodedChunk(output.WrittenMemory, indices is not null, dataPageOffset, uncompressedTotal, encodings, encodingStats, stats, Rows);
    }

    protected void AddDefined(long bytes)
    {
        if (!Field.Required)
        {
            AddLevel(1);
        }

        Rows++;
        EstimatedBytes += bytes;
    }

    protected void AddNull()
    {
        if (Field.Required)
        {
            throw new ArgumentException($"Column '{Field.Name}' is required; it cannot hold a null.");
        }

        AddLevel(0);
        Rows++;
        NullCount++;
        EstimatedBytes++;
    }

    protected abstract void ResetValues();

    /// <summary>
    /// Builds the chunk's dictionary (PLAIN bytes, entry count, index per non-null value), or false when it would be
    /// too big. Types without dictionaries (booleans, wide decimals) keep this default.
    /// </summary>
    protected virtual bool TryBuildDictionary(int limitBytes, out ReadOnlyMemory<byte> dictionary, out int entries, out int[] indices)
    {
        dictionary = default;
        entries = 0;
        indices = [];
        return false;
    }

    /// <summary>PLAIN-encodes the non-null values [from, to).</summary>
    protected abstract void WritePlain(int from, int to, IBufferWriter<byte> output);

    /// <summary>PLAIN size of the non-null values [from, to).</summary>
    protected abstract long PlainSize(int from, int to);

    /// <summary>min/max (null count is filled in by the caller).</summary>
    protected abstract Statistics Statistics();

    private void AddLevel(byte level)
    {
        if (Rows == _defLevels.Length)
        {
            Array.Resize(ref _defLevels, _defLevels.Length * 2);
        }

        _defLevels[Rows] = level;
    }

    private static long WritePage(ArrayBufferWriter<byte> output, CompressionCodec codec, PageType type, ReadOnlySpan<byte> payload, int count, PageEncoding encoding)
    {
        var compressed = PageCodec.Compress(codec, payload.ToArray());
        var header = new PageHeader
        {
            Type = type,
            UncompressedPageSize = payload.Length,
            CompressedPageSize = compressed.Length,
        };
        if (type == PageType.DictionaryPage)
        {
            header.DictionaryPageHeader = new DictionaryPageHeader { NumValues = count, Encoding = encoding };
        }
        else
        {
            header.DataPageHeader = new DataPageHeader { NumValues = count, Encoding = encoding };
        }

        var before = output.WrittenCount;
        ThriftSerializer.Write(header, output);
        var headerLength = output.WrittenCount - before;
        compressed.Span.CopyTo(output.GetSpan(compressed.Length));
        output.Advance(compressed.Length);
        return headerLength + payload.Length;
    }
}
