using KpiFunctions.Parquet.Format;
using KpiFunctions.Parquet.Schema;

namespace KpiFunctions.Parquet.Reader;

/// <summary>How a file's column maps to our types: logicalType first, converted_type as the fallback (LogicalTypes.md).</summary>
internal sealed class ColumnSpec
{
    public required ParquetField Field { get; init; }

    public required PhysicalType Physical { get; init; }

    public int TypeLength { get; init; }

    public TimeUnit Unit { get; init; }

    public static ColumnSpec From(SchemaElement e)
    {
        if (string.IsNullOrEmpty(e.Name))
        {
            throw new InvalidDataException("Parquet: a column has an empty name.");
        }

        if (e.NumChildren is > 0 || e.Type is null)
        {
            throw new NotSupportedException($"Parquet: column '{e.Name}' is a nested group; only flat schemas are supported.");
        }

        if (e.RepetitionType == Repetition.Repeated)
        {
            throw new NotSupportedException($"Parquet: column '{e.Name}' is REPEATED (a list); only flat schemas are supported.");
        }

        var required = e.RepetitionType != Repetition.Optional;
        var logical = e.LogicalType?.Kind ?? LogicalKind.None;
        var converted = e.ConvertedType;
        var isDecimal = logical == LogicalKind.Decimal || converted == ConvertedType.Decimal;
        var scale = e.LogicalType is { Kind: LogicalKind.Decimal } ld ? ld.Scale : e.Scale ?? 0;
        var precision = e.LogicalType is { Kind: LogicalKind.Decimal } lp ? lp.Precision : e.Precision ?? 0;
        var unit = TimeUnit.Micros;
        ParquetType type;
        switch (e.Type.Value)
        {
            case PhysicalType.Boolean:
                type = ParquetType.Boolean;
                break;
            case PhysicalType.Int32 when isDecimal:
            case PhysicalType.Int64 when isDecimal:
            case PhysicalType.ByteArray when isDecimal:
            case PhysicalType.FixedLenByteArray when isDecimal:
                type = ParquetType.Decimal;
                break;
            case PhysicalType.Int32 when logical == LogicalKind.Date || converted == ConvertedType.Date:
                type = ParquetType.Date;
                break;
            case PhysicalType.Int32 when logical == LogicalKind.Time || converted is ConvertedType.TimeMillis || (logical == LogicalKind.Integer && !e.LogicalType!.IsSigned) || converted is ConvertedType.Uint32:
                throw new NotSupportedException($"Parquet: column '{e.Name}' is {Describe(e)}; this reader supports signed integers, dates, timestamps, decimals, doubles, strings and booleans.");
            case PhysicalType.Int32:
                type = ParquetType.Int32;
                break;
            case PhysicalType.Int64 when logical == LogicalKind.Timestamp || converted is ConvertedType.TimestampMillis or ConvertedType.TimestampMicros:
                type = ParquetType.Timestamp;
                unit = logical == LogicalKind.Timestamp ? e.LogicalType!.Unit : converted == ConvertedType.TimestampMillis ? TimeUnit.Millis : TimeUnit.Micros;
                break;
            case PhysicalType.Int64 when logical == LogicalKind.Time || converted is ConvertedType.TimeMicros or ConvertedType.Uint64 || (logical == LogicalKind.Integer && !e.LogicalType!.IsSigned):
                throw new NotSupportedException($"Parquet: column '{e.Name}' is {Describe(e)}; this reader supports signed integers, dates, timestamps, decimals, doubles, strings and booleans.");
            case PhysicalType.Int64:
                type = ParquetType.Int64;
                break;
            case PhysicalType.Int96:
                type = ParquetType.Timestamp;
                break;
            case PhysicalType.Float or PhysicalType.Double:
                type = ParquetType.Double;
                break;
            case PhysicalType.ByteArray when logical == LogicalKind.String || converted is ConvertedType.Utf8 or ConvertedType.Json || converted == (ConvertedType)4:
                type = ParquetType.String;
                break;
            default:
                throw new NotSupportedException($"Parquet: column '{e.Name}' is {Describe(e)}; this reader supports signed integers, dates, timestamps, decimals, doubles, strings and booleans.");
        }

        if (type == ParquetType.Decimal && (precision is < 1 or > 38 || scale < 0 || scale > precision))
        {
            throw new InvalidDataException($"Parquet: decimal column '{e.Name}' has precision {precision} and scale {scale}.");
        }

        if (e.Type == PhysicalType.FixedLenByteArray && e.TypeLength is not (> 0 and <= 64))
        {
            throw new InvalidDataException($"Parquet: column '{e.Name}' is FIXED_LEN_BYTE_ARRAY without a valid type_length.");
        }

        var field = new ParquetField(e.Name, type, required, precision, scale, forWriting: false);
        return new ColumnSpec { Field = field, Physical = e.Type.Value, TypeLength = e.TypeLength ?? 0, Unit = unit };
    }

    private static string Describe(SchemaElement e) =>
        $"{e.Type}{(e.LogicalType is { } l ? $" {l.Kind}" : "")}{(e.ConvertedType is { } c ? $" ({c})" : "")}";
}
