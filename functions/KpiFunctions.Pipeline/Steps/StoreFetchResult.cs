namespace KpiFunctions.Pipeline.Steps;

/// <summary>What one store's fetch wrote.</summary>
/// <param name="StoreId">Store.</param>
/// <param name="Days">Store-days fetched.</param>
/// <param name="Rows">Curated rows written.</param>
/// <param name="Quarantined">Records quarantined.</param>
public sealed record StoreFetchResult(string StoreId, int Days, long Rows, long Quarantined)
{
    /// <summary>The earliest day before the window whose orders late changes corrected (its KPIs are computed again), if any.</summary>
    public DateOnly? CorrectedFrom { get; init; }

    /// <summary>What could not be read, a line per dataset with its days and reason (the store still succeeded).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
