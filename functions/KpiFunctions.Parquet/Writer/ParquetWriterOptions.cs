using KpiFunctions.Parquet.Compression;

namespace KpiFunctions.Parquet.Writer;

/// <summary>How a file is written.</summary>
public sealed record ParquetWriterOptions
{
    /// <summary>Page codec; SNAPPY by default.</summary>
    public ParquetCompression Compression { get; init; } = ParquetCompression.Snappy;

    /// <summary>A row group is cut once the buffered columns hold about this many bytes (plain-encoded estimate).</summary>
    public long RowGroupSizeBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Most rows in one data page.</summary>
    public int PageRowLimit { get; init; } = 20_000;

    /// <summary>A page is cut once its values take about this many bytes.</summary>
    public int PageSizeBytes { get; init; } = 1024 * 1024;

    /// <summary>Dictionary-encode a column chunk when its dictionary stays under this size and saves space.</summary>
    public bool UseDictionary { get; init; } = true;

    /// <summary>Largest dictionary page (plain bytes) before the chunk falls back to PLAIN.</summary>
    public int DictionaryPageSizeLimit { get; init; } = 1024 * 1024;

    /// <summary>File key-value metadata (e.g. the schema version).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Overrides created_by (format "&lt;app&gt; version &lt;x.y.z&gt; (build &lt;hash&gt;)").</summary>
    public string? CreatedBy { get; init; }

    internal void Validate()
    {
        if (RowGroupSizeBytes < 1024 || PageRowLimit < 1 || PageSizeBytes < 1024 || DictionaryPageSizeLimit < 0)
        {
            throw new ArgumentException("Writer options out of range: row group >= 1 KiB, page rows >= 1, page size >= 1 KiB, dictionary limit >= 0.");
        }
    }
}
