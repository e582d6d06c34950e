namespace KpiFunctions.Parquet.Reader;

/// <summary>A column chunk's statistics as the file states them.</summary>
/// <param name="NullCount">Nulls, when stated.</param>
/// <param name="Min">Smallest value (in the column's .NET type), when stated.</param>
/// <param name="Max">Largest value, when stated.</param>
/// <param name="NumValues">Values in the chunk, nulls included.</param>
public sealed record ColumnStatistics(long? NullCount, object? Min, object? Max, long NumValues);
