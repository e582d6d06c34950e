namespace KpiFunctions.Pipeline.Runs;

/// <summary>One store's outcome in a run.</summary>
/// <param name="StoreId">Store.</param>
/// <param name="Status">Succeeded or Failed.</param>
/// <param name="Attempts">Attempts a failed store was given (1 for an error retrying cannot fix); 0 for one that succeeded.</param>
/// <param name="Rows">Curated rows written.</param>
/// <param name="Quarantined">Records quarantined.</param>
/// <param name="DurationMs">Duration of the successful attempt in milliseconds.</param>
/// <param name="LastError">Last error message (never a secret).</param>
public sealed record StoreTask(string StoreId, StoreTaskStatus Status, int Attempts, long Rows, long Quarantined, long DurationMs, string? LastError)
{
    /// <summary>The earliest day before the run's window whose orders late changes corrected, if any.</summary>
    public DateOnly? CorrectedFrom { get; init; }

    /// <summary>What the fetch could not read: a line per dataset not fetched, with its days and reason; or null.</summary>
    public string? Notes { get; init; }
}
