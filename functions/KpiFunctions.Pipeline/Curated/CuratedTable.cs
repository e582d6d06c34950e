using System.Buffers;
using System.Runtime.InteropServices;
using Parquet;
using Parquet.Schema;

namespace KpiFunctions.Pipeline.Curated;

/// <summary>
/// A curated dataset's Parquet shape: the columns (declared once, with meaning and unit), how a record fills them,
/// and how a record is made back from a row. Files are written and read with Parquet.Net; the options live in
/// <see cref="CuratedParquet"/>.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
public sealed class CuratedTable<T>
{
    /// <summary>Version of the curated schemas, written into every file's key-value metadata.</summary>
    public const string SchemaVersion = "1";

    private readonly List<Slot> _slots = [];
    private readonly Func<RowReader, T> _read;
    private Layout? _layout;

    /// <summary>Starts a table; add columns with the typed methods.</summary>
    public CuratedTable(string name, string description, Func<RowReader, T> read)
    {
        Name = name;
        Description = description;
        _read = read;
    }

    /// <summary>Dataset name (folder under curated/).</summary>
    public string Name { get; }

    /// <summary>What a row is.</summary>
    public string Description { get; }

    /// <summary>The columns in file order.</summary>
    public IReadOnlyList<CuratedColumn> Columns => [.. _slots.Select(s => s.Column)];

    /// <summary>A string column.</summary>
    public CuratedTable<T> String(string name, Func<T, string?> get, string meaning, string unit = "text", bool required = true) =>
        Add(new StringSlot(new CuratedColumn(name, CuratedType.String, required, meaning, unit), get));

    /// <summary>A 32-bit integer column.</summary>
    public CuratedTable<T> Int32(string name, Func<T, int> get, string meaning, string unit = "count") =>
        Add(new ValueSlot<int>(new CuratedColumn(name, CuratedType.Int32, true, meaning, unit), x => get(x)));

    /// <summary>A 64-bit integer column.</summary>
    public CuratedTable<T> Int64(string name, Func<T, long> get, string meaning, string unit = "count") =>
        Add(new ValueSlot<long>(new CuratedColumn(name, CuratedType.Int64, true, meaning, unit), x => get(x)));

    /// <summary>A 64-bit integer column that may be null.</summary>
    public CuratedTable<T> OptionalInt64(string name, Func<T, long?> get, string meaning, string unit = "count") =>
        Add(new ValueSlot<long>(new CuratedColumn(name, CuratedType.Int64, false, meaning, unit), get));

    /// <summary>A 32-bit integer column that may be null.</summary>
    public CuratedTable<T> OptionalInt32(string name, Func<T, int?> get, string meaning, string unit = "count") =>
        Add(new ValueSlot<int>(new CuratedColumn(name, CuratedType.Int32, false, meaning, unit), get));

    /// <summary>A boolean column that may be null.</summary>
    public CuratedTable<T> OptionalBoolean(string name, Func<T, bool?> get, string meaning) =>
        Add(new ValueSlot<bool>(new CuratedColumn(name, CuratedType.Boolean, false, meaning, "true/false"), get));

    /// <summary>A boolean column.</summary>
    public CuratedTable<T> Boolean(string name, Func<T, bool> get, string meaning) =>
        Add(new ValueSlot<bool>(new CuratedColumn(name, CuratedType.Boolean, true, meaning, "true/false"), x => get(x)));

    /// <summary>A decimal column (money: DECIMAL(18,4)).</summary>
    public CuratedTable<T> Decimal(string name, Func<T, decimal?> get, string meaning, string unit, int precision = 18, int scale = 4, bool required = true)
    {
        if (precision is < 1 or > 28 || scale < 0 || scale > precision)
        {
            throw new ArgumentException($"Decimal column '{name}' needs 1 <= precision <= 28 (what decimal holds) and 0 <= scale <= precision; got ({precision}, {scale}).", nameof(precision));
        }

        return Add(new DecimalSlot(new CuratedColumn(name, CuratedType.Decimal, required, meaning, unit, precision, scale), get));
    }

    /// <summary>A store-local calendar date.</summary>
    public CuratedTable<T> Date(string name, Func<T, DateOnly?> get, string meaning, bool required = true) =>
        Add(new ValueSlot<DateOnly>(new CuratedColumn(name, CuratedType.Date, required, meaning, "store-local date"), get));

    /// <summary>An instant in UTC (microseconds).</summary>
    public CuratedTable<T> Timestamp(string name, Func<T, DateTimeOffset?> get, string meaning, bool required = true) =>
        Add(new TimestampSlot(new CuratedColumn(name, CuratedType.Timestamp, required, meaning, "UTC instant"), get));

    /// <summary>
    /// Writes rows as one Parquet file with the dataset and schema version in its metadata. Each row group is written a
    /// column at a time from a pooled buffer, so beside the records there is never more than one column of one row group.
    /// </summary>
    public async Task<byte[]> WriteAsync(IReadOnlyList<T> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var layout = Prepared();
        using var buffer = new MemoryStream();
        var writer = await ParquetWriter.CreateAsync(layout.Schema, buffer, layout.Options, cancellationToken: cancellationToken).ConfigureAwait(false);
        Exception? failure = null;
        try
        {
            writer.CustomMetadata = new Dictionary<string, string> { ["kpifunctions.dataset"] = Name, ["kpifunctions.schema_version"] = SchemaVersion };
            for (var start = 0; start < rows.Count; start += CuratedParquet.RowGroupRows)
            {
                var count = Math.Min(CuratedParquet.RowGroupRows, rows.Count - start);
                using var group = writer.CreateRowGroup();
                for (var i = 0; i < _slots.Count; i++)
                {
                    await _slots[i].WriteAsync(group, layout.Fields[i], rows, start, count, Name, cancellationToken).ConfigureAwait(false);
                }

                group.CompleteValidate();
            }
        }
        catch (Exception ex)
        {
            failure = ex;
            throw;
        }
        finally
        {
            try
            {
                await writer.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception) when (failure is not null)
            {
                // The file is thrown away; the first error (a bad value, with its row) is the one to report.
            }
        }

        return buffer.ToArray();
    }

    /// <summary>Reads a file back into records.</summary>
    public async Task<IReadOnlyList<T>> ReadAsync(Stream file, string source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        var layout = Prepared();
        ParquetReader reader;
        try
        {
            reader = await ParquetReader.CreateAsync(file, layout.Options, leaveStreamOpen: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ParquetException or IOException or ArgumentException)
        {
            throw new InvalidDataException($"{source}: not a readable Parquet file: {ex.Message}", ex);
        }

        await using (reader.ConfigureAwait(false))
        {
            var inFile = reader.Schema.DataFields.ToDictionary(f => f.Name, StringComparer.Ordinal);
            var rows = new List<T>();
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                var group = reader.OpenRowGroupReader(g);
                var count = checked((int)group.RowCount);
                var columns = new Dictionary<string, Array>(_slots.Count, StringComparer.Ordinal);
                foreach (var slot in _slots)
                {
                    // A column the file lacks is reported by RowReader only if a record asks for it.
                    if (inFile.TryGetValue(slot.Column.Name, out var field))
                    {
                        columns[slot.Column.Name] = await slot.ReadAsync(group, field, count, source, cancellationToken).ConfigureAwait(false);
                    }
                }

                rows.EnsureCapacity(rows.Count + count);
                var row = new RowReader(columns, source);
                for (var r = 0; r < count; r++)
                {
                    row.Row = r;
                    rows.Add(_read(row));
                }
            }

            return rows;
        }
    }

    private CuratedTable<T> Add(Slot slot)
    {
        _slots.Add(slot);
        _layout = null;
        return this;
    }

    // Tables are built once (static) and then shared by concurrent writers: the layout is made on first use, and two
    // threads that race make the same one.
    private Layout Prepared() => _layout ??= new Layout(_slots.Select(s => s.Column).ToList());

    private static InvalidDataException Unwritable(string table, int row, string problem) => new($"{table}: row {row} cannot be written: {problem}");

    /// <summary>The schema, its fields in column order and the writer options of one table.</summary>
    private sealed class Layout
    {
        public Layout(IReadOnlyList<CuratedColumn> columns)
        {
            Fields = [.. columns.Select(CuratedParquet.Field)];
            Schema = new ParquetSchema(Fields);
            Options = CuratedParquet.Options(columns, Fields);
        }

        public DataField[] Fields { get; }

        public ParquetSchema Schema { get; }

        public ParquetOptions Options { get; }
    }

    /// <summary>One column: how a row group's values are taken from records and written, and read back.</summary>
    private abstract class Slot(CuratedColumn column)
    {
        public CuratedColumn Column { get; } = column;

        public abstract Task WriteAsync(ParquetRowGroupWriter group, DataField field, IReadOnlyList<T> rows, int start, int count, string table, CancellationToken cancellationToken);

        public async Task<Array> ReadAsync(ParquetRowGroupReader group, DataField field, int count, string source, CancellationToken cancellationToken)
        {
            if (!CuratedParquet.Reads(Column.Type, field.ClrType) || field.IsArray)
            {
                throw new InvalidDataException($"{source}: column '{Column.Name}' holds {field.ClrType.Name}{(field.IsArray ? " lists" : "")}, not {Column.Type}; the file does not match this dataset's schema.");
            }

            try
            {
                return await ReadValuesAsync(group, field, count, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ParquetException or IOException or InvalidOperationException or ArgumentException)
            {
                throw new InvalidDataException($"{source}: column '{Column.Name}' cannot be read: {ex.Message}", ex);
            }
        }

        protected abstract Task<Array> ReadValuesAsync(ParquetRowGroupReader group, DataField field, int count, CancellationToken cancellationToken);

        protected InvalidDataException Null(string table, int row) => Unwritable(table, row, $"required column '{Column.Name}' is null.");
    }

    private sealed class StringSlot(CuratedColumn column, Func<T, string?> get) : Slot(column)
    {
        public override async Task WriteAsync(ParquetRowGroupWriter group, DataField field, IReadOnlyList<T> rows, int start, int count, string table, CancellationToken cancellationToken)
        {
            if (Column.Required)
            {
                var values = ArrayPool<ReadOnlyMemory<char>>.Shared.Rent(count);
                try
                {
                    for (var i = 0; i < count; i++)
                    {
                        values[i] = (get(rows[start + i]) ?? throw Null(table, start + i)).AsMemory();
                    }

                    await group.WriteAsync<ReadOnlyMemory<char>>(field, values.AsMemory(0, count), cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    // Cleared: a pooled array must not keep the strings alive.
                    ArrayPool<ReadOnlyMemory<char>>.Shared.Return(values, clearArray: true);
                }
            }
            else
            {
                var values = ArrayPool<ReadOnlyMemory<char>?>.Shared.Rent(count);
                try
                {
                    for (var i = 0; i < count; i++)
                    {
                        values[i] = get(rows[start + i])?.AsMemory();
                    }

                    await group.WriteAsync<ReadOnlyMemory<char>>(field, values.AsMemory(0, count), cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    ArrayPool<ReadOnlyMemory<char>?>.Shared.Return(values, clearArray: true);
                }
            }
        }

        /// <summary>
        /// Reads the column's characters and makes the strings here: a value of a dictionary page is one character array
        /// shared by every row that holds it, so it becomes one string, not one per row (a store id, a status, a SKU
        /// repeat on every row of a file).
        /// </summary>
        protected override async Task<Array> ReadValuesAsync(ParquetRowGroupReader group, DataField field, int count, CancellationToken cancellationToken)
        {
            var chars = ArrayPool<ReadOnlyMemory<char>>.Shared.Rent(count);
            var levels = field.MaxDefinitionLevel > 0 ? ArrayPool<int>.Shared.Rent(count) : null;
            try
            {
                await group.ReadRawAsync<ReadOnlyMemory<char>>(field, chars.AsMemory(0, count), levels?.AsMemory(0, count), null, cancellationToken).ConfigureAwait(false);
                var shared = group.GetMetadata(field)?.MetaData?.Encodings is { } used && (used.Contains(Parquet.Meta.Encoding.RLE_DICTIONARY) || used.Contains(Parquet.Meta.Encoding.PLAIN_DICTIONARY))
                    ? new Dictionary<char[], string>(ReferenceEqualityComparer.Instance)
                    : null;
                var values = new string?[count];
                for (int row = 0, value = 0; row < count; row++)
                {
                    if (levels is not null && levels[row] < field.MaxDefinitionLevel)
                    {
                        continue;
                    }

                    var text = chars[value++];
                    if (shared is not null && MemoryMarshal.TryGetArray(text, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length)
                    {
                        if (!shared.TryGetValue(segment.Array, out var known))
                        {
                            known = new string(text.Span);
                            shared[segment.Array] = known;
                        }

                        values[row] = known;
                    }
                    else
                    {
                        values[row] = new string(text.Span);
                    }
                }

                return values;
            }
            finally
            {
                // Cleared: a pooled array must not keep the page's characters alive.
                ArrayPool<ReadOnlyMemory<char>>.Shared.Return(chars, clearArray: true);
                if (levels is not null)
                {
                    ArrayPool<int>.Shared.Return(levels);
                }
            }
        }
    }

    /// <summary>A column of a value type stored as itself (int, long, bool, DateOnly).</summary>
    private class ValueSlot<TValue>(CuratedColumn column, Func<T, TValue?> get) : Slot(column)
        where TValue : struct
    {
        public override async Task WriteAsync(ParquetRowGroupWriter group, DataField field, IReadOnlyList<T> rows, int start, int count, string table, CancellationToken cancellationToken)
        {
            if (Column.Required)
            {
                var values = ArrayPool<TValue>.Shared.Rent(count);
                try
                {
                    for (var i = 0; i < count; i++)
                    {
                        values[i] = Check(get(rows[start + i]) ?? throw Null(table, start + i), table, start + i);
                    }

                    await group.WriteAsync<TValue>(field, values.AsMemory(0, count), cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    ArrayPool<TValue>.Shared.Return(values);
                }
            }
            else
            {
                var values = ArrayPool<TValue?>.Shared.Rent(count);
                try
                {
                    for (var i = 0; i < count; i++)
                    {
                        values[i] = get(rows[start + i]) is { } v ? Check(v, table, start + i) : null;
                    }

                    await group.WriteAsync<TValue>(field, values.AsMemory(0, count), cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    ArrayPool<TValue?>.Shared.Return(values);
                }
            }
        }

        /// <summary>Refuses a value the column's type cannot hold exactly; returns it otherwise.</summary>
        protected virtual TValue Check(TValue value, string table, int row) => value;

        protected override async Task<Array> ReadValuesAsync(ParquetRowGroupReader group, DataField field, int count, CancellationToken cancellationToken)
        {
            if (field.IsNullable)
            {
                var nullable = new TValue?[count];
                await group.ReadAsync<TValue>(field, nullable.AsMemory(), null, cancellationToken).ConfigureAwait(false);
                return nullable;
            }

            var values = new TValue[count];
            await group.ReadAsync<TValue>(field, values.AsMemory(), null, cancellationToken).ConfigureAwait(false);
            return values;
        }
    }

    /// <summary>
    /// A decimal column. Parquet.Net would round or cut a value with more places than the scale; finance's numbers are
    /// exact, so such a value is refused, as is one too large for the precision.
    /// </summary>
    private sealed class DecimalSlot(CuratedColumn column, Func<T, decimal?> get) : ValueSlot<decimal>(column, get)
    {
        private readonly decimal _limit = CuratedParquet.Pow10(column.Precision - column.Scale);

        protected override decimal Check(decimal value, string table, int row)
        {
            if (value.Scale > Column.Scale && decimal.Round(value, Column.Scale) != value)
            {
                throw Unwritable(table, row, $"column '{Column.Name}': {value} has more than {Column.Scale} decimal places (DECIMAL({Column.Precision},{Column.Scale})).");
            }

            return Math.Abs(value) < _limit ? value : throw Unwritable(table, row, $"column '{Column.Name}': {value} does not fit DECIMAL({Column.Precision},{Column.Scale}).");
        }
    }

    /// <summary>An instant: written as its UTC DateTime (Parquet.Net takes no DateTimeOffset), read back as UTC.</summary>
    private sealed class TimestampSlot(CuratedColumn column, Func<T, DateTimeOffset?> get) : Slot(column)
    {
        private readonly ValueSlot<DateTime> _utc = new(column, x => get(x)?.UtcDateTime);

        public override Task WriteAsync(ParquetRowGroupWriter group, DataField field, IReadOnlyList<T> rows, int start, int count, string table, CancellationToken cancellationToken) =>
            _utc.WriteAsync(group, field, rows, start, count, table, cancellationToken);

        protected override async Task<Array> ReadValuesAsync(ParquetRowGroupReader group, DataField field, int count, CancellationToken cancellationToken)
        {
            if (field.IsNullable)
            {
                var nullable = new DateTime?[count];
                await group.ReadAsync<DateTime>(field, nullable.AsMemory(), null, cancellationToken).ConfigureAwait(false);
                var instants = new DateTimeOffset?[count];
                for (var i = 0; i < count; i++)
                {
                    instants[i] = nullable[i] is { } t ? CuratedParquet.Utc(t) : null;
                }

                return instants;
            }

            var values = new DateTime[count];
            await group.ReadAsync<DateTime>(field, values.AsMemory(), null, cancellationToken).ConfigureAwait(false);
            var result = new DateTimeOffset[count];
            for (var i = 0; i < count; i++)
            {
                result[i] = CuratedParquet.Utc(values[i]);
            }

            return result;
        }
    }
}
