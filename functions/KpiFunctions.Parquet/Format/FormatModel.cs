namespace KpiFunctions.Parquet.Format;

// The parquet.thrift structs this library writes and reads, with only the fields it uses. Field ids are in
// ThriftSerializer; names follow the spec.

internal sealed class LogicalTypeInfo
{
    public LogicalKind Kind { get; set; }

    public int Scale { get; set; }

    public int Precision { get; set; }

    public bool IsAdjustedToUtc { get; set; }

    public TimeUnit Unit { get; set; }

    public int BitWidth { get; set; }

    public bool IsSigned { get; set; } = true;
}

internal sealed class SchemaElement
{
    public PhysicalType? Type { get; set; }

    public int? TypeLength { get; set; }

    public Repetition? RepetitionType { get; set; }

    public string Name { get; set; } = "";

    public int? NumChildren { get; set; }

    public ConvertedType? ConvertedType { get; set; }

    public int? Scale { get; set; }

    public int? Precision { get; set; }

    public LogicalTypeInfo? LogicalType { get; set; }
}

internal sealed class Statistics
{
    public byte[]? Max { get; set; }

    public byte[]? Min { get; set; }

    public long? NullCount { get; set; }

    public byte[]? MaxValue { get; set; }

    public byte[]? MinValue { get; set; }

    public bool? IsMaxValueExact { get; set; }

    public bool? IsMinValueExact { get; set; }
}

internal sealed class PageEncodingStats
{
    public PageType PageType { get; set; }

    public PageEncoding Encoding { get; set; }

    public int Count { get; set; }
}

internal sealed class ColumnMetaData
{
    public PhysicalType Type { get; set; }

    public List<PageEncoding> Encodings { get; set; } = [];

    public List<string> PathInSchema { get; set; } = [];

    public CompressionCodec Codec { get; set; }

    public long NumValues { get; set; }

    public long TotalUncompressedSize { get; set; }

    public long TotalCompressedSize { get; set; }

    public long DataPageOffset { get; set; }

    public long? DictionaryPageOffset { get; set; }

    public Statistics? Statistics { get; set; }

    public List<PageEncodingStats>? EncodingStats { get; set; }
}

internal sealed class ColumnChunk
{
    public string? FilePath { get; set; }

    public long FileOffset { get; set; }

    public ColumnMetaData? MetaData { get; set; }
}

internal sealed class RowGroup
{
    public List<ColumnChunk> Columns { get; set; } = [];

    public long TotalByteSize { get; set; }

    public long NumRows { get; set; }

    public long? FileOffset { get; set; }

    public long? TotalCompressedSize { get; set; }

    public short? Ordinal { get; set; }
}

internal sealed class FileMetaData
{
    public int Version { get; set; } = 1;

    public List<SchemaElement> Schema { get; set; } = [];

    public long NumRows { get; set; }

    public List<RowGroup> RowGroups { get; set; } = [];

    public List<KeyValuePair<string, string?>> KeyValueMetadata { get; set; } = [];

    public string? CreatedBy { get; set; }

    /// <summary>Number of TYPE_ORDER column orders to write (one per leaf) or read.</summary>
    public int ColumnOrders { get; set; }
}

internal sealed class DataPageHeader
{
    public int NumValues { get; set; }

    public PageEncoding Encoding { get; set; }

    public PageEncoding DefinitionLevelEncoding { get; set; } = PageEncoding.Rle;

    public PageEncoding RepetitionLevelEncoding { get; set; } = PageEncoding.Rle;
}

internal sealed class DataPageHeaderV2
{
    public int NumValues { get; set; }

    public int NumNulls { get; set; }

    public int NumRows { get; set; }

    public PageEncoding Encoding { get; set; }

    public int DefinitionLevelsByteLength { get; set; }

    public int RepetitionLevelsByteLength { get; set; }

    public bool IsCompressed { get; set; } = true;
}

internal sealed class DictionaryPageHeader
{
    public int NumValues { get; set; }

    public PageEncoding Encoding { get; set; }
}

internal sealed class PageHeader
{
    public PageType Type { get; set; }

    public int UncompressedPageSize { get; set; }

    public int CompressedPageSize { get; set; }

    public DataPageHeader? DataPageHeader { get; set; }

    public DictionaryPageHeader? DictionaryPageHeader { get; set; }

    public DataPageHeaderV2? DataPageHeaderV2 { get; set; }
}
