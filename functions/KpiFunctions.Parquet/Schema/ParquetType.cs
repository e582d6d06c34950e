namespace KpiFunctions.Parquet.Schema;

/// <summary>The column types this library writes and reads, with their .NET value types.</summary>
public enum ParquetType
{
    /// <summary><see cref="bool"/>: BOOLEAN, always PLAIN-encoded.</summary>
    Boolean,
    /// <summary><see cref="int"/>: INT32 (reads INT_8/INT_16/INT_32 too).</summary>
    Int32,
    /// <summary><see cref="long"/>: INT64.</summary>
    Int64,
    /// <summary><see cref="double"/>: DOUBLE (reads FLOAT too).</summary>
    Double,
    /// <summary><see cref="decimal"/>: DECIMAL(p, s), INT64 for p ≤ 18, FIXED_LEN_BYTE_ARRAY above.</summary>
    Decimal,
    /// <summary><see cref="string"/>: BYTE_ARRAY annotated STRING (UTF-8).</summary>
    String,
    /// <summary><see cref="DateOnly"/>: INT32 DATE (days since 1970-01-01).</summary>
    Date,
    /// <summary><see cref="DateTimeOffset"/> in UTC: INT64 TIMESTAMP(isAdjustedToUTC, MICROS).</summary>
    Timestamp,
}
