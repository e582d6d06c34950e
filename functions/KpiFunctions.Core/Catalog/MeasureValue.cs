namespace KpiFunctions.Core.Catalog;

/// <summary>A measure or formula value; null carries the reason it is null.</summary>
/// <param name="Value">The value, or null.</param>
/// <param name="Reason">Why the value is null (or flagged).</param>
public readonly record struct MeasureValue(decimal? Value, string? Reason)
{
    /// <summary>A present value.</summary>
    public static MeasureValue Of(decimal value) => new(value, null);

    /// <summary>A null value and why.</summary>
    public static MeasureValue Null(string reason) => new(null, reason);
}
