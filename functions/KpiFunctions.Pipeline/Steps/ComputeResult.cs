namespace KpiFunctions.Pipeline.Steps;

/// <summary>What the compute step wrote.</summary>
/// <param name="KpiRows">Store-day rows written to KpiDaily and kpi_store_day.</param>
/// <param name="NotFetched">Store-days in the window with no curated data (their stores failed or were never fetched).</param>
public sealed record ComputeResult(int KpiRows, IReadOnlyList<string> NotFetched)
{
    /// <summary>Store-days of the window whose GMV or orders differ from the platform's own figures beyond the tolerance, each with both numbers.</summary>
    public IReadOnlyList<string> Mismatches { get; init; } = [];
}
