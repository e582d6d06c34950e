using System.Buffers;
using System.Buffers.Binary;
using KpiFunctions.Parquet.Compression;
using KpiFunctions.Parquet.Format;
using KpiFunctions.Parquet.Schema;

namespace KpiFunctions.Parquet.Writer;

/// <summary>
/// Writes a Parquet file to a stream: values go into per-column buffers, a row group is encoded and written when
/// <see cref="FlushAsync"/> is called (callers flush when <see cref="RowGroupFull"/>), and
/// <see cref="CompleteAsync"/> writes the footer. Memory stays bounded by one row group's buffers.
/// </summary>
public sealed partial class ParquetWriter : IAsyncDisposable
{
    private static readonly byte[] Magic = "PAR1"u8.ToArray();
    private readonly Stream _output;
    private readonly ParquetWriterOptions _options;
    private readonly ColumnBuffer[] _columns;
    private readonly List<RowGroup> _rowGroups = [];
    private readonly CompressionCodec _codec;
    private long _position;
    private bool _started;
    private bool _completed;
    private bool _faulted;

    /// <summary>Creates a writer; nothing is written until the first flush.</summary>
    public ParquetWriter(Stream output, ParquetSchema schema, ParquetWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(schema);
        if (!output.CanWrite)
        {
            throw new ArgumentException("The output stream must be writable.", nameof(output));
        }

        _options = options ?? new ParquetWriterOptions();
        _options.Validate();
        _output = output;
        Schema = schema;
        _codec = PageCodec.ToCodec(_options.Compression);
        _columns = [.. schema.Fields.Select(CreateBuffer)];
    }

    /// <summary>The file's schema.</summary>
    public ParquetSchema Schema { get; }

    /// <summary>Rows buffered for the current row group.</summary>
    public int BufferedRows => _columns[0].Rows;

    /// <summary>Estimated bytes buffered for the current row group.</summary>
    public long BufferedBytes => _columns.Sum(c => c.EstimatedBytes);

    /// <summary>True once the buffered rows reach the row-group size: call <see cref="FlushAsync"/>.</summary>
    public bool RowGroupFull => BufferedBytes >= _options.RowGroupSizeBytes;

    /// <summary>Rows written to the file so far (flushed row groups).</summary>
    public long RowsWritten { get; private set; }

    /// <summary>The typed appender of a column; throws when <typeparamref name="T"/> is not the column's type.</summary>
    public ParquetColumnWriter<T> Column<T>(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _columns.Length);
        var field = Schema.Fields[index];
        return _columns[index].Writer as ParquetColumnWriter<T>
            ?? throw new ArgumentException($"Column '{field.Name}' is {field.Type}; write it as {ClrTypeOf(field.Type).Name}, not {typeof(T).Name}.", nameof(T));
    }

    /// <summary>The typed appender of a column by name.</summary>
    public ParquetColumnWriter<T> Column<T>(string name)
    {
        var index = Schema.IndexOf(name);
        return index >= 0 ? Column<T>(index) : throw new ArgumentException($"No column '{name}' in the schema.", nameof(name));
    }

    /// <summary>Encodes and writes the buffered rows as one row group (nothing when none are buffered).</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        var rows = _columns[0].Rows;
        foreach (var column in _columns)
        {
            if (column.Rows != rows)
            {
                _faulted = true;
                throw new InvalidOperationException(
                    $"Column '{column.Field.Name}' has {column.Rows} values but '{_columns[0].Field.Name}' has {rows}; every column needs one value (or null) per row.");
            }
        }

        if (rows == 0)
        {
            return;
        }

        await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        var rowGroup = new RowGroup { NumRows = rows, FileOffset = _position, Ordinal = (short)Math.Min(_rowGroups.Count, short.MaxValue) };
        long totalCompressed = 0;
        foreach (var column in _columns)
        {
            var chunk = column.Encode(_options, _codec);
            var start = _position;
            await WriteAsync(chunk.Bytes, cancellationToken).ConfigureAwait(false);
            rowGroup.Columns.Add(new ColumnChunk
            {
                FileOffset = 0,
                MetaData = new ColumnMetaData
                {
                    Type = column.Physical,
                    Encodings = chunk.Encodings,
                    PathInSchema = [column.Field.Name],
                    Codec = _codec,
                    NumValues = chunk.NumValues,
                    TotalUncompressedSize = chunk.TotalUncompressedSize,
                    TotalCompressedSize = chunk.Bytes.Length,
                    DataPageOffset = start + chunk.DataPageRelativeOffset,
                    DictionaryPageOffset = chunk.HasDictionary ? start : null,
                    Statistics = chunk.Statistics,
                    EncodingStats = chunk.EncodingStats,
                },
            });
            rowGroup.TotalByteSize += chunk.TotalUncompressedSize;
            totalCompressed += chunk.Bytes.Length;
            column.Reset();
        }

        rowGroup.TotalCompressedSize = totalCompressed;
        _rowGroups.Add(rowGroup);
        RowsWritten += rows;
    }

    /// <summary>Flushes the last row group and writes the footer; the file is complete afterwards.</summary>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (_completed)
        {
            return;
        }

        await FlushAsync(cancellationToken).ConfigureAwait(false);
        await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        var footer = new ArrayBufferWriter<byte>(4096);
        ThriftSerializer.Write(BuildFileMetaData(), footer);
        await WriteAsync(footer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        var tail = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(tail, footer.WrittenCount);
        Magic.CopyTo(tail, 4);
        await WriteAsync(tail, cancellationToken).ConfigureAwait(false);
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        _completed = true;
    }

    /// <summary>
    /// Completes the file if <see cref="CompleteAsync"/> was not called and nothing failed. After a failed flush, or a
    /// write that failed part-way through a row (the columns hold different numbers of values), the output is left
    /// without a footer (an unreadable, not a wrong, file) and nothing is thrown here, so the original error stands.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (!_faulted && !_completed && _columns.All(c => c.Rows == _columns[0].Rows))
        {
            await CompleteAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask EnsureStartedAsync(CancellationToken cancellationToken)
    {
        if (!_started)
        {
            _started = true;
            await WriteAsync(Magic, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        _position += bytes.Length;
    }

    private static ColumnBuffer CreateBuffer(ParquetField field) => field.Type switch
    {
        ParquetType.Boolean => new BooleanColumnBuffer(field),
        ParquetType.Int32 or ParquetType.Date => new Int32ColumnBuffer(field),
        ParquetType.Int64 or ParquetType.Timestamp => new Int64ColumnBuffer(field),
        ParquetType.Decimal when field.Precision <= 18 => new Int64ColumnBuffer(field),
        ParquetType.Decimal => new WideDecimalColumnBuffer(field),
        ParquetType.Double => new DoubleColumnBuffer(field),
        ParquetType.String => new StringColumnBuffer(field),
        _ => throw new NotSupportedException($"Column '{field.Name}': type {field.Type} is not supported."),
    };

    /// <summary>The .NET type a column's values are written and read as.</summary>
    public static Type ClrTypeOf(ParquetType type) => type switch
    {
        ParquetType.Boolean => typeof(bool),
        ParquetType.Int32 => typeof(int),
        ParquetType.Int64 => typeof(long),
        ParquetType.Double => typeof(double),
        ParquetType.Decimal => typeof(decimal),
        ParquetType.String => typeof(string),
        ParquetType.Date => typeof(DateOnly),
        ParquetType.Timestamp => typeof(DateTimeOffset),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
