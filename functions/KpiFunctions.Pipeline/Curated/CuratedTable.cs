using KpiFunctions.Parquet.Reader;
using KpiFunctions.Parquet.Schema;
using KpiFunctions.Parquet.Writer;

namespace KpiFunctions.Pipeline.Curated;

/// <summary>
/// A curated dataset's Parquet shape: the columns (declared once, with meaning and unit), how a record fills them,
/// and how a record is made back from a row.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
public sealed class CuratedTable<T>
{
    /// <summary>Version of the curated schemas, written into every file's key-value metadata.</summary>
    public const string SchemaVersion = "1";

    private readonly List<(CuratedColumn Column, Action<ParquetWriter, int, T> Write)> _columns = [];
    private readonly Func<RowReader, T> _read;

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
    public IReadOnlyList<CuratedColumn> Columns => [.. _columns.Select(c => c.Column)];

    /// <summary>The Parquet schema.</summary>
    public ParquetSchema Schema => new([.. _columns.Select(c => c.Column.Field)]);

    /// <summary>A string column.</summary>
    public CuratedTable<T> String(string name, Func<T, string?> get, string meaning, string unit = "text", bool required = true) =>
        Add(new ParquetField(name, ParquetType.String, required), meaning, unit, (w, i, r) => Put(w.Column<string>(i), get(r)));

    /// <summary>A 32-bit integer column.</summary>
    public CuratedTable<T> Int32(string name, Func<T, int> get, string meaning, string unit = "count") =>
        Add(new ParquetField(name, ParquetType.Int32, true), meaning, unit, (w, i, r) => w.Column<int>(i).Write(get(r)));

    /// <summary>A 64-bit integer column.</summary>
    public CuratedTable<T> Int64(string name, Func<T, long> get, string meaning, string unit = "count") =>
        Add(new ParquetField(name, ParquetType.Int64, true), meaning, unit, (w, i, r) => w.Column<long>(i).Write(get(r)));

    /// <summary>A 64-bit integer column that may be null.</summary>
    public CuratedTable<T> OptionalInt64(string name, Func<T, long?> get, string meaning, string unit = "count") =>
        Add(new ParquetField(name, ParquetType.Int64, false), meaning, unit, (w, i, r) => PutValue(w.Column<long>(i), get(r)));

    /// <summary>A 32-bit integer column that may be null.</summary>
    public CuratedTable<T> OptionalInt32(string name, Func<T, int?> get, string meaning, string unit = "count") =>
        Add(new ParquetField(name, ParquetType.Int32, false), meaning, unit, (w, i, r) => PutValue(w.Column<int>(i), get(r)));

    /// <summary>A boolean column that may be null.</summary>
    public CuratedTable<T> OptionalBoolean(string name, Func<T, bool?> get, string meaning) =>
        Add(new ParquetField(name, ParquetType.Boolean, false), meaning, "true/false", (w, i, r) => PutValue(w.Column<bool>(i), get(r)));

    /// <summary>A boolean column.</summary>
    public CuratedTable<T> Boolean(string name, Func<T, bool> get, string meaning) =>
        Add(new ParquetField(name, ParquetType.Boolean, true), meaning, "true/false", (w, i, r) => w.Column<bool>(i).Write(get(r)));

    /// <summary>A decimal column (money: DECIMAL(18,4)).</summary>
    public CuratedTable<T> Decimal(string name, Func<T, decimal?> get, string meaning, string unit, int precision = 18, int scale = 4, bool required = true) =>
        Add(ParquetField.Decimal(name, precision, scale, required), meaning, unit, (w, i, r) => PutValue(w.Column<decimal>(i), get(r)));

    /// <summary>A store-local calendar date.</summary>
    public CuratedTable<T> Date(string name, Func<T, DateOnly?> get, string meaning, bool required = true) =>
        Add(new ParquetField(name, ParquetType.Date, required), meaning, "store-local date", (w, i, r) => PutValue(w.Column<DateOnly>(i), get(r)));

    /// <summary>An instant in UTC (microseconds).</summary>
    public CuratedTable<T> Timestamp(string name, Func<T, DateTimeOffset?> get, string meaning, bool required = true) =>
        Add(new ParquetField(name, ParquetType.Timestamp, required), meaning, "UTC instant", (w, i, r) => PutValue(w.Column<DateTimeOffset>(i), get(r)));

    /// <summary>Writes rows as one Parquet file (SNAPPY) with the schema version in its metadata.</summary>
    public async Task<byte[]> WriteAsync(IReadOnlyList<T> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var buffer = new MemoryStream();
        var options = new ParquetWriterOptions
        {
            Metadata = new Dictionary<string, string> { ["kpifunctions.dataset"] = Name, ["kpifunctions.schema_version"] = SchemaVersion },
        };
        var writer = new ParquetWriter(buffer, Schema, options);
        await using var writing = writer.ConfigureAwait(false); // after a bad value, disposing writes no footer and hides no error
        for (var r = 0; r < rows.Count; r++)
        {
            for (var i = 0; i < _columns.Count; i++)
            {
                try
                {
                    _columns[i].Write(writer, i, rows[r]);
                }
                catch (ArgumentException ex)
                {
                    throw new InvalidDataException($"{Name}: row {r} cannot be written: {ex.Message}", ex);
                }
            }

            if (writer.RowGroupFull)
            {
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    /// <summary>Reads a file back into records.</summary>
    public async Task<IReadOnlyList<T>> ReadAsync(Stream file, string source, CancellationToken cancellationToken = default)
    {
        var reader = await ParquetReader.OpenAsync(file, leaveOpen: true, cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var rows = new List<T>((int)Math.Min(reader.RowCount, 1 << 20));
            for (var g = 0; g < reader.RowGroups.Count; g++)
            {
                var columns = await reader.ReadRowGroupAsync(g, null, cancellationToken).ConfigureAwait(false);
                var row = new RowReader(columns, source);
                var count = columns.Count == 0 ? 0 : columns[0].Count;
                for (var r = 0; r < count; r++)
                {
                    row.Row = r;
                    rows.Add(_read(row));
                }
            }

            return rows;
        }
    }

    private CuratedTable<T> Add(ParquetField field, string meaning, string unit, Action<ParquetWriter, int, T> write)
    {
        _columns.Add((new CuratedColumn(field, meaning, unit), write));
        return this;
    }

    private static void Put(ParquetColumnWriter<string> column, string? value)
    {
        if (value is null)
        {
            column.WriteNull();
        }
        else
        {
            column.Write(value);
        }
    }

    private static void PutValue<TValue>(ParquetColumnWriter<TValue> column, TValue? value)
        where TValue : struct
    {
        if (value is { } v)
        {
            column.Write(v);
        }
        else
        {
            column.WriteNull();
        }
    }
}
