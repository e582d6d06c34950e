namespace KpiFunctions.Pipeline.Curated;

/// <summary>A curated column: name, type and nullability as finance sees them, and what it means (for the README's schema reference).</summary>
/// <param name="Name">Column name.</param>
/// <param name="Type">Value type.</param>
/// <param name="Required">REQUIRED (never null) rather than OPTIONAL.</param>
/// <param name="Meaning">What the value is.</param>
/// <param name="Unit">Unit or format, e.g. "store currency", "UTC", "count".</param>
/// <param name="Precision">A decimal's digits in all (0 for other types).</param>
/// <param name="Scale">A decimal's digits after the point (0 for other types).</param>
public sealed record CuratedColumn(string Name, CuratedType Type, bool Required, string Meaning, string Unit, int Precision = 0, int Scale = 0);
