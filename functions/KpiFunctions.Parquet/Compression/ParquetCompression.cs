namespace KpiFunctions.Parquet.Compression;

/// <summary>Page compression codecs this library writes.</summary>
public enum ParquetCompression
{
    /// <summary>No compression.</summary>
    None,
    /// <summary>Snappy raw block format (the default).</summary>
    Snappy,
    /// <summary>GZIP (RFC 1952) members.</summary>
    Gzip,
}
