namespace KpiFunctions.Orchestration;

/// <summary>What the ComputeKpis activity wrote.</summary>
/// <param name="KpiRows">Store-day rows written.</param>
/// <param name="NotFetched">Store-days of the window with no curated data.</param>
/// <param name="Mismatches">Store-days whose GMV or orders differ from the platform's own figures beyond the tolerance.</param>
/// <param name="TolerancePct">That tolerance, in percent.</param>
public sealed record ComputeOutcome(int KpiRows, IReadOnlyList<string> NotFetched, IReadOnlyList<string> Mismatches, decimal TolerancePct);
