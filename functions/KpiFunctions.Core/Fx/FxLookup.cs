namespace KpiFunctions.Core.Fx;

/// <summary>The rate used to convert one currency on one day, and how it was found.</summary>
/// <param name="Rate">Rate, or null when missing.</param>
/// <param name="RateDate">Day the rate belongs to.</param>
/// <param name="Status">How it was found.</param>
/// <param name="Reason">Why the rate is flagged or missing, for the KPI row.</param>
public readonly record struct FxLookup(decimal? Rate, DateOnly? RateDate, FxStatus Status, string? Reason)
{
    /// <summary>Converts an amount, or null when the rate is missing.</summary>
    public decimal? Convert(decimal amount) => Rate is { } r ? amount * r : null;
}
