namespace KpiFunctions.Core.Domain;

/// <summary>A store's GMV target for a calendar month, in the store's currency.</summary>
/// <param name="StoreId">Store.</param>
/// <param name="Month">First day of the month.</param>
/// <param name="Gmv">GMV target for the whole month.</param>
public sealed record MonthlyTarget(string StoreId, DateOnly Month, decimal Gmv)
{
    /// <summary>The month's target spread evenly over its days (the prorating rule for month-to-date attainment).</summary>
    public decimal DailyShare => Gmv / DateTime.DaysInMonth(Month.Year, Month.Month);
}
