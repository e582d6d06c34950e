namespace KpiFunctions.Pipeline.Curated;

/// <summary>
/// The value types of curated and semantic columns. The names are part of the semantic manifest's schema (its
/// <c>type</c> field), so they do not change; how each is stored is in <see cref="CuratedColumn"/>.
/// </summary>
public enum CuratedType
{
    /// <summary>BOOLEAN.</summary>
    Boolean,

    /// <summary>INT32 (DuckDB INTEGER).</summary>
    Int32,

    /// <summary>INT64 (DuckDB BIGINT).</summary>
    Int64,

    /// <summary>DECIMAL(precision, scale): INT64 up to 18 digits, FIXED_LEN_BYTE_ARRAY above.</summary>
    Decimal,

    /// <summary>UTF-8 STRING (DuckDB VARCHAR).</summary>
    String,

    /// <summary>DATE (days since 1970-01-01).</summary>
    Date,

    /// <summary>TIMESTAMP(isAdjustedToUTC, MICROS) (DuckDB TIMESTAMP WITH TIME ZONE).</summary>
    Timestamp,
}
