using Parquet;
using Parquet.Schema;

namespace KpiFunctions.Pipeline.Curated;

/// <summary>
/// How curated and semantic files are written with Parquet.Net, in one place: the Parquet field of each column type,
/// SNAPPY, dictionary encoding for strings, dates as <see cref="DateOnly"/>.
/// </summary>
public static class CuratedParquet
{
    /// <summary>
    /// Most rows in one row group. A store-day file is one group; a large semantic month is cut, so the buffer of one
    /// column of one group bounds what writing holds beside the records.
    /// </summary>
    public const int RowGroupRows = 1 << 20;

    /// <summary>The Parquet.Net field of a column: the logical type DuckDB, Spark and Power BI read as the column's type.</summary>
    public static DataField Field(CuratedColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        var nullable = !column.Required;
        return column.Type switch
        {
            CuratedType.String => new DataField<string>(column.Name, nullable),
            CuratedType.Int32 => new DataField<int>(column.Name, nullable),
            CuratedType.Int64 => new DataField<long>(column.Name, nullable),
            CuratedType.Boolean => new DataField<bool>(column.Name, nullable),
            CuratedType.Date => new DataField<DateOnly>(column.Name, nullable),
            // INT64 up to 18 digits, FIXED_LEN_BYTE_ARRAY above (parquet-format LogicalTypes.md, DECIMAL).
            CuratedType.Decimal => new DecimalDataField(column.Name, column.Precision, column.Scale, isNullable: nullable),
            CuratedType.Timestamp => new DateTimeDataField(column.Name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: nullable),
            _ => throw new NotSupportedException($"Column '{column.Name}' has type {column.Type}, which has no Parquet field."),
        };
    }

    /// <summary>
    /// Writer and reader options for a table's columns: SNAPPY; dictionary encoding asked for every string column
    /// (Parquet.Net leaves it off unless asked, and falls back to plain where over half the values differ, as in ids);
    /// delta encoding for integers; DATE read as <see cref="DateOnly"/>. Column statistics are Parquet.Net's default.
    /// </summary>
    public static ParquetOptions Options(IReadOnlyList<CuratedColumn> columns, IReadOnlyList<DataField> fields)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(fields);
        var options = new ParquetOptions
        {
            CompressionMethod = CompressionMethod.Snappy,
            UseDateOnlyTypeForDates = true,

            // Measured on the demo's files: where more than half the values differ (order ids on order lines), a
            // Parquet.Net dictionary page costs more than plain values under SNAPPY; the default (0.8) kept it.
            DictionaryEncodingThreshold = 0.5,
        };
        for (var i = 0; i < columns.Count; i++)
        {
            var hint = columns[i].Type switch
            {
                CuratedType.String => EncodingHint.Dictionary,
                // Counts and quantities are small and close together. Parquet.Net 6.1 takes this hint for INT32 and
                // INT64 columns only; dates, timestamps and INT64 decimals stay PLAIN whatever the hint.
                CuratedType.Int32 or CuratedType.Int64 => EncodingHint.DeltaBinaryPacked,
                _ => (EncodingHint?)null,
            };
            if (hint is { } h)
            {
                options.ColumnEncodingHints[fields[i].Path.ToString()] = h;
            }
        }

        return options;
    }

    /// <summary>Whether a file's field of this .NET type (as Parquet.Net reports it) holds values of the column type.</summary>
    internal static bool Reads(CuratedType type, Type clrType) =>
        clrType == ClrType(type) || (type == CuratedType.String && clrType == typeof(ReadOnlyMemory<char>));

    /// <summary>The .NET type Parquet.Net reads a column type as (with <see cref="ParquetOptions.UseDateOnlyTypeForDates"/>).</summary>
    private static Type ClrType(CuratedType type) => type switch
    {
        CuratedType.String => typeof(string),
        CuratedType.Int32 => typeof(int),
        CuratedType.Int64 => typeof(long),
        CuratedType.Boolean => typeof(bool),
        CuratedType.Date => typeof(DateOnly),
        CuratedType.Decimal => typeof(decimal),
        CuratedType.Timestamp => typeof(DateTime),
        _ => throw new NotSupportedException($"{type} has no .NET type."),
    };

    /// <summary>10 to the power <paramref name="exponent"/> (0 to 28) as a decimal.</summary>
    internal static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }

    /// <summary>A timestamp read back as a UTC instant (Parquet.Net gives UTC DateTimes for isAdjustedToUTC columns).</summary>
    internal static DateTimeOffset Utc(DateTime value) =>
        new(value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
