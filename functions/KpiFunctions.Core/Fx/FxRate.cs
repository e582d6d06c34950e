namespace KpiFunctions.Core.Fx;

/// <summary>Units of the reporting currency one unit of <paramref name="Currency"/> buys on a day.</summary>
/// <param name="Currency">ISO 4217 source currency.</param>
/// <param name="Date">Day the rate was fixed.</param>
/// <param name="RateToReporting">Reporting-currency units per unit of <paramref name="Currency"/>.</param>
public sealed record FxRate(string Currency, DateOnly Date, decimal RateToReporting);
