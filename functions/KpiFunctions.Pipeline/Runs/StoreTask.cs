namespace KpiFunctions.Pipeline.Runs;

/// <summary>One store's task row in a run.</summary>
/// <param name="StoreId">Store.</param>
/// <param name="Status">Status.</param>
/// <param name="Attempts">Attempts started.</param>
/// <param name="Rows">Curated rows written.</param>
/// <param name="Quarantined">Records quarantined.</param>
/// <param name="DurationMs">Duration of the last attempt in milliseconds.</param>
/// <param name="LastError">Last error message (never a secret).</param>
public sealed record StoreTask(string StoreId, StoreTaskStatus Status, int Attempts, long Rows, long Quarantined, long DurationMs, string? LastError)
{
    /// <summary>The earliest day before the run's window whose orders late changes corrected, if any.</summary>
    public DateOnly? CorrectedFrom { get; init; }

    /// <summary>What the fetch could not read: a line per dataset not fetched, with its days and reason; or null.</summary>
    public string? Notes { get; init; }

    /// <summary>The delivery that holds the task while it runs (a random token per delivery), or null.</summary>
    public string? Owner { get; init; }

    /// <summary>Until when <see cref="Owner"/> holds the task; past it, another delivery may take the task over.</summary>
    public DateTimeOffset? LeaseUntilUtc { get; init; }
}
