namespace KpiFunctions.Orchestration;

/// <summary>How one store's fetch ended.</summary>
/// <param name="StoreId">Store.</param>
/// <param name="Succeeded">True when its days were fetched and curated.</param>
/// <param name="Rows">Curated rows written.</param>
/// <param name="Quarantined">Records quarantined.</param>
/// <param name="Error">Why it failed (its last error), when it did.</param>
public sealed record StoreOutcome(string StoreId, bool Succeeded, long Rows, long Quarantined, string? Error)
{
    /// <summary>The earliest day before the window whose orders late changes corrected (computed again), if any.</summary>
    public DateOnly? CorrectedFrom { get; init; }

    /// <summary>What could not be read, a line per dataset (the store still succeeded).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Attempts a failed store was given (1 for an error retrying cannot fix); 0 for a store that succeeded.</summary>
    public int Attempts { get; init; }

    /// <summary>Milliseconds the successful attempt took (0 for a failed store).</summary>
    public long DurationMs { get; init; }
}
