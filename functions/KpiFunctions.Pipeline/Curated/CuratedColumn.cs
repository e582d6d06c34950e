using KpiFunctions.Parquet.Schema;

namespace KpiFunctions.Pipeline.Curated;

/// <summary>A curated column: its Parquet field and what it means (for the README's schema reference).</summary>
/// <param name="Field">Name, type, nullability.</param>
/// <param name="Meaning">What the value is.</param>
/// <param name="Unit">Unit or format, e.g. "store currency", "UTC", "count".</param>
public sealed record CuratedColumn(ParquetField Field, string Meaning, string Unit);
