using System.Buffers.Binary;
using KpiFunctions.Parquet.Format;
using KpiFunctions.Parquet.Schema;

namespace KpiFunctions.Parquet.Reader;

/// <summary>
/// Reads flat Parquet files: footer, schema, row-group statistics, and columns one chunk at a time (projection by
/// name). Anything it cannot read (a codec, an encoding, a nested schema) fails with an error that names it; a
/// truncated or corrupt file fails with <see cref="InvalidDataException"/>. Not thread-safe: one reader, one caller.
/// </summary>
public sealed class ParquetReader : IAsyncDisposable
{
    private const int MaxFooterBytes = 64 * 1024 * 1024;
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly FileMetaData _metadata;
    private readonly ColumnSpec[] _columns;
    private readonly long _dataEnd;

    private ParquetReader(Stream stream, bool leaveOpen, FileMetaData metadata, ColumnSpec[] columns, long dataEnd)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _metadata = metadata;
        _columns = columns;
        _dataEnd = dataEnd;
        Schema = new ParquetSchema([.. columns.Select(c => c.Field)]);
        RowGroups = [.. metadata.RowGroups.Select((rg, i) => new RowGroupInfo(i, rg.NumRows, [.. rg.Columns.Select((c, j) => Stats(columns[j], c.MetaData!))]))];
        Metadata = metadata.KeyValueMetadata.GroupBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);
    }

    /// <summary>The file's columns.</summary>
    public ParquetSchema Schema { get; }

    /// <summary>Rows in the file.</summary>
    public long RowCount => _metadata.NumRows;

    /// <summary>Row groups with their statistics.</summary>
    public IReadOnlyList<RowGroupInfo> RowGroups { get; }

    /// <summary>The writer that made the file.</summary>
    public string? CreatedBy => _metadata.CreatedBy;

    /// <summary>File key-value metadata.</summary>
    public IReadOnlyDictionary<string, string?> Metadata { get; }

    /// <summary>Opens a file from a seekable stream and reads its footer.</summary>
    public static async Task<ParquetReader> OpenAsync(Stream stream, bool leaveOpen = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek || !stream.CanRead)
        {
            throw new ArgumentException("Parquet needs a readable, seekable stream (the footer is at the end); buffer other streams first.", nameof(stream));
        }

        var length = stream.Length;
        if (length < 12)
        {
            throw new InvalidDataException($"Parquet: the file is {length} bytes; a Parquet file has at least 12 (PAR1, footer length, PAR1).");
        }

        var head = new byte[4];
        await ReadAtAsync(stream, 0, head, cancellationToken).ConfigureAwait(false);
        var tail = new byte[8];
        await ReadAtAsync(stream, length - 8, tail, cancellationToken).ConfigureAwait(false);
        if (!head.AsSpan().SequenceEqual("PAR1"u8) || !tail.AsSpan(4).SequenceEqual("PAR1"u8))
        {
            throw new InvalidDataException("Parquet: magic bytes PAR1 not found at the start and end of the file; it is not Parquet, or it is truncated.");
        }

        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(tail);
        if (footerLength <= 0 || footerLength > length - 12 || footerLength > MaxFooterBytes)
        {
            throw new InvalidDataException($"Parquet: footer length {footerLength} does not fit in a file of {length} bytes.");
        }

        var footer = new byte[footerLength];
        await ReadAtAsync(stream, length - 8 - footerLength, footer, cancellationToken).ConfigureAwait(false);
        var (metadata, columns) = Guard("the footer", () =>
        {
            var m = ThriftSerializer.ReadFileMetaData(footer);
            return (m, ReadSchema(m));
        });
        if (metadata.NumRows != metadata.RowGroups.Sum(rg => Math.Max(rg.NumRows, 0)))
        {
            throw new InvalidDataException($"Parquet: the footer says {metadata.NumRows} rows but its row groups hold {metadata.RowGroups.Sum(rg => rg.NumRows)}.");
        }

        foreach (var rg in metadata.RowGroups)
        {
            if (rg.Columns.Count != columns.Length || rg.Columns.Any(c => c.MetaData is null))
            {
                throw new InvalidDataException($"Parquet: a row group has {rg.Columns.Count} column chunks (with metadata) for {columns.Length} columns.");
            }

            if (rg.NumRows is < 0 or > int.MaxValue)
            {
                throw new InvalidDataException($"Parquet: a row group claims {rg.NumRows} rows.");
            }
        }

        return Guard("the footer", () => new ParquetReader(stream, leaveOpen, metadata, columns, length - 8 - footerLength));
    }

    /// <summary>Reads one column of one row group.</summary>
    public async Task<ParquetColumn> ReadColumnAsync(int rowGroup, int column, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rowGroup);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rowGroup, _metadata.RowGroups.Count);
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, _columns.Length);
        var rg = _metadata.RowGroups[rowGroup];
        var meta = rg.Columns[column].MetaData!;
        var spec = _columns[column];
        if (rg.Columns[column].FilePath is not null)
        {
            throw new NotSupportedException($"Parquet: column '{spec.Field.Name}' lives in another file ({rg.Columns[column].FilePath}); external column chunks are not supported.");
        }

        if (rg.NumRows == 0)
        {
            return ChunkDecoder.Decode(spec, meta, [], 0);
        }

        var start = meta.DictionaryPageOffset is { } d && d >= 4 && d < meta.DataPageOffset ? d : meta.DataPageOffset;
        if (start < 4 || meta.TotalCompressedSize <= 0 || start > _dataEnd || meta.TotalCompressedSize > _dataEnd - start)
        {
            throw new InvalidDataException($"Parquet: column '{spec.Field.Name}' in row group {rowGroup} claims bytes {start}..{start + meta.TotalCompressedSize}, outside the data (4..{_dataEnd}).");
        }

        var chunk = new byte[meta.TotalCompressedSize];
        await ReadAtAsync(_stream, start, chunk, cancellationToken).ConfigureAwait(false);
        return Guard($"column '{spec.Field.Name}' of row group {rowGroup}", () => ChunkDecoder.Decode(spec, meta, chunk, rg.NumRows));
    }

    /// <summary>Reads the named columns (all when null) of one row group, in the order asked.</summary>
    public async Task<IReadOnlyList<ParquetColumn>> ReadRowGroupAsync(int rowGroup, IReadOnlyList<string>? columns = null, CancellationToken cancellationToken = default)
    {
        var indices = columns is null ? Enumerable.Range(0, _columns.Length).ToArray() : columns.Select(IndexOf).ToArray();
        var result = new List<ParquetColumn>(indices.Length);
        foreach (var i in indices)
        {
            result.Add(await ReadColumnAsync(rowGroup, i, cancellationToken).ConfigureAwait(false));
        }

        return result;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_leaveOpen)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The decoders check every length and count they read; this net turns anything a corrupt file still gets past
    /// them (an overflow, an index) into the format error callers expect, keeping the original as the inner exception.
    /// </summary>
    private static T Guard<T>(string what, Func<T> decode)
    {
        try
        {
            return decode();
        }
        catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentException or OverflowException or InvalidCastException or FormatException)
        {
            throw new InvalidDataException($"Parquet: {what} could not be decoded ({ex.GetType().Name}: {ex.Message}); the file is corrupt.", ex);
        }
    }

    private int IndexOf(string name)
    {
        var index = Schema.IndexOf(name);
        return index >= 0 ? index : throw new ArgumentException($"No column '{name}'; the file has {string.Join(", ", Schema.Fields.Select(f => f.Name))}.", nameof(name));
    }

    private static ColumnSpec[] ReadSchema(FileMetaData metadata)
    {
        if (metadata.Schema.Count < 2)
        {
            throw new InvalidDataException("Parquet: the schema has no columns.");
        }

        var root = metadata.Schema[0];
        if (root.NumChildren != metadata.Schema.Count - 1 || metadata.Schema.Skip(1).Any(e => e.NumChildren is > 0))
        {
            var nested = metadata.Schema.Skip(1).FirstOrDefault(e => e.NumChildren is > 0)?.Name ?? root.Name;
            throw new NotSupportedException($"Parquet: the schema is nested (at '{nested}'); only flat schemas are supported.");
        }

        var columns = metadata.Schema.Skip(1).Select(ColumnSpec.From).ToArray();
        var duplicate = columns.GroupBy(c => c.Field.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? columns : throw new InvalidDataException($"Parquet: column '{duplicate.Key}' appears twice in the schema.");
    }

    private static ColumnStatistics Stats(ColumnSpec spec, ColumnMetaData meta)
    {
        var s = meta.Statistics;
        var signed = spec.Physical is not (PhysicalType.ByteArray or PhysicalType.FixedLenByteArray);
        var min = s?.MinValue ?? (signed ? s?.Min : null);
        var max = s?.MaxValue ?? (signed ? s?.Max : null);
        return new ColumnStatistics(s?.NullCount, StatValue(spec, min), StatValue(spec, max), meta.NumValues);
    }

    /// <summary>A statistic is one PLAIN value without the byte-array length prefix; unreadable statistics are ignored.</summary>
    private static object? StatValue(ColumnSpec spec, byte[]? bytes)
    {
        if (bytes is null)
        {
            return null;
        }

        try
        {
            var plain = bytes;
            if (spec.Physical == PhysicalType.ByteArray)
            {
                plain = new byte[bytes.Length + 4];
                BinaryPrimitives.WriteInt32LittleEndian(plain, bytes.Length);
                bytes.CopyTo(plain, 4);
            }

            var decoder = PlainDecoders.Create(spec);
            return spec.Field.Type switch
            {
                ParquetType.Boolean => One<bool>(decoder, plain),
                ParquetType.Int32 => One<int>(decoder, plain),
                ParquetType.Int64 => One<long>(decoder, plain),
                ParquetType.Double => One<double>(decoder, plain),
                ParquetType.Decimal when spec.Physical is PhysicalType.Int32 or PhysicalType.Int64 =>
                    Encodings.DecimalBytes.ToDecimal((long)One<long>(decoder, plain)!, spec.Field.Scale, spec.Field.Name),
                ParquetType.Decimal => One<decimal>(decoder, plain),
                ParquetType.String => One<Utf8Value>(decoder, plain) is Utf8Value u ? System.Text.Encoding.UTF8.GetString(plain, 4, u.Length) : null,
                ParquetType.Date => One<DateOnly>(decoder, plain),
                ParquetType.Timestamp => One<DateTimeOffset>(decoder, plain),
                _ => null,
            };
        }
        catch (Exception ex) when (ex is InvalidDataException or NotSupportedException)
        {
            return null;
        }
    }

    private static object? One<T>(object decoder, byte[] plain)
    {
        var value = new T[1];
        ((PlainDecoder<T>)decoder).Decode(new ArraySegment<byte>(plain), value);
        return value[0];
    }

    private static async Task ReadAtAsync(Stream stream, long offset, byte[] buffer, CancellationToken cancellationToken)
    {
        stream.Seek(offset, SeekOrigin.Begin);
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException($"Parquet: the file ends before byte {offset + buffer.Length}.", ex);
        }
    }
}
