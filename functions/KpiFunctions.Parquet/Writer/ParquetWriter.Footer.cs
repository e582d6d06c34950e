using System.Reflection;
using KpiFunctions.Parquet.Encodings;
using KpiFunctions.Parquet.Format;
using KpiFunctions.Parquet.Schema;

namespace KpiFunctions.Parquet.Writer;

public sealed partial class ParquetWriter
{
    /// <summary>created_by in the "&lt;app&gt; version &lt;x.y.z&gt; (build &lt;hash&gt;)" form that parquet-java and Spark parse.</summary>
    public static string DefaultCreatedBy { get; } = BuildCreatedBy();

    private FileMetaData BuildFileMetaData()
    {
        var metadata = new FileMetaData
        {
            Version = 1,
            NumRows = RowsWritten,
            RowGroups = _rowGroups,
            CreatedBy = _options.CreatedBy ?? DefaultCreatedBy,
            ColumnOrders = Schema.Fields.Count,
        };
        metadata.Schema.Add(new SchemaElement { Name = "schema", NumChildren = Schema.Fields.Count });
        foreach (var field in Schema.Fields)
        {
            metadata.Schema.Add(ToSchemaElement(field));
        }

        foreach (var (key, value) in _options.Metadata ?? new Dictionary<string, string>())
        {
            metadata.KeyValueMetadata.Add(new(key, value));
        }

        return metadata;
    }

    /// <summary>
    /// Both annotations are written: logicalType for current readers and converted_type because DuckDB recognises
    /// STRING, DATE and DECIMAL only through the latter (parquet-format LogicalTypes.md, backward compatibility).
    /// </summary>
    private static SchemaElement ToSchemaElement(ParquetField field)
    {
        var e = new SchemaElement { Name = field.Name, RepetitionType = field.Required ? Repetition.Required : Repetition.Optional };
        switch (field.Type)
        {
            case ParquetType.Boolean:
                e.Type = PhysicalType.Boolean;
                break;
            case ParquetType.Int32:
                e.Type = PhysicalType.Int32;
                break;
            case ParquetType.Int64:
                e.Type = PhysicalType.Int64;
                break;
            case ParquetType.Double:
                e.Type = PhysicalType.Double;
                break;
            case ParquetType.String:
                e.Type = PhysicalType.ByteArray;
                e.ConvertedType = ConvertedType.Utf8;
                e.LogicalType = new LogicalTypeInfo { Kind = LogicalKind.String };
                break;
            case ParquetType.Date:
                e.Type = PhysicalType.Int32;
                e.ConvertedType = ConvertedType.Date;
                e.LogicalType = new LogicalTypeInfo { Kind = LogicalKind.Date };
                break;
            case ParquetType.Timestamp:
                e.Type = PhysicalType.Int64;
                e.ConvertedType = ConvertedType.TimestampMicros;
                e.LogicalType = new LogicalTypeInfo { Kind = LogicalKind.Timestamp, IsAdjustedToUtc = true, Unit = TimeUnit.Micros };
                break;
            case ParquetType.Decimal:
                if (field.Precision <= 18)
                {
                    e.Type = PhysicalType.Int64;
                }
                else
                {
                    e.Type = PhysicalType.FixedLenByteArray;
                    e.TypeLength = DecimalBytes.WidthFor(field.Precision);
                }

                e.ConvertedType = ConvertedType.Decimal;
                e.Scale = field.Scale;
                e.Precision = field.Precision;
                e.LogicalType = new LogicalTypeInfo { Kind = LogicalKind.Decimal, Scale = field.Scale, Precision = field.Precision };
                break;
            default:
                throw new NotSupportedException($"Column '{field.Name}': type {field.Type} is not supported.");
        }

        return e;
    }

    private static string BuildCreatedBy()
    {
        var assembly = typeof(ParquetWriter).Assembly;
        var version = assembly.GetName().Version ?? new Version(0, 0, 0);
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        var build = plus >= 0 && informational.Length > plus + 1 ? informational[(plus + 1)..] : "unknown";
        if (build.Length > 12)
        {
            build = build[..12];
        }

        return $"KpiFunctions.Parquet version {version.Major}.{version.Minor}.{version.Build} (build {build})";
    }
}
