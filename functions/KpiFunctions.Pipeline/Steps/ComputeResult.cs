namespace KpiFunctions.Pipeline.Steps;

/// <summary>What the compute step wrote.</summary>
/// <param name="KpiRows">Store-day rows written to KpiDaily and kpi_store_day.</param>
/// <param name="NotFetched">Store-days in the window with no curated data (their stores failed or were never fetched).</param>
public sealed record ComputeResult(int KpiRows, IReadOnlyList<string> NotFetched);
