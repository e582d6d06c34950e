using KpiFunctions.Core.Catalog;

namespace KpiFunctions.Pipeline.Kpis;

/// <summary>One KPI of a store-day row.</summary>
/// <param name="Value">Value in the store's currency (or unitless), rounded to 6 decimals; null when it cannot be computed.</param>
/// <param name="ReportingValue">For money KPIs, the value in the reporting currency; null when the rate is missing (the row's FxNote says why).</param>
/// <param name="Status">Red / amber / green.</param>
/// <param name="NullReason">Why <paramref name="Value"/> is null.</param>
public sealed record KpiCell(decimal? Value, decimal? ReportingValue, RagStatus Status, string? NullReason);
