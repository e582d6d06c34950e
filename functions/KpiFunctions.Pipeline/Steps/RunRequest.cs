namespace KpiFunctions.Pipeline.Steps;

/// <summary>What a run should cover.</summary>
/// <param name="From">First store-local day to compute KPIs for.</param>
/// <param name="To">Last store-local day.</param>
/// <param name="StoreIds">Only these stores; null for every enabled store.</param>
/// <param name="FetchFrom">Fetch from this earlier day too (e.g. the month start, so month-to-date KPIs have their history).</param>
public sealed record RunRequest(DateOnly From, DateOnly To, IReadOnlyList<string>? StoreIds = null, DateOnly? FetchFrom = null)
{
    /// <summary>
    /// The run's id when the caller decides it (the nightly run: one per UTC day, so a retried start finds the run it
    /// began instead of starting another); null for a new random id.
    /// </summary>
    public string? RunId { get; init; }
}
