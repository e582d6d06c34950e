namespace KpiFunctions.Orchestration;

/// <summary>A run's plan, decided once by the PlanRun activity (the window, the stores, the settings the orchestrator needs).</summary>
/// <param name="RunId">The run's id.</param>
/// <param name="From">First store-local day KPIs are computed for.</param>
/// <param name="To">Last store-local day.</param>
/// <param name="FetchFrom">First day fetched.</param>
/// <param name="StoreIds">Stores, in the order they are fanned out.</param>
/// <param name="Retry">How a store's fetch is retried.</param>
/// <param name="RefreshPowerBi">True when a Power BI refresh is configured, to be asked for after each publish.</param>
public sealed record RunPlan(string RunId, DateOnly From, DateOnly To, DateOnly FetchFrom, IReadOnlyList<string> StoreIds, FetchRetry Retry, bool RefreshPowerBi)
{
    /// <summary>
    /// The window in date order, in chunks each fetched and computed whole before the next (so a run's memory is one
    /// chunk's); empty for the whole window as one chunk.
    /// </summary>
    public IReadOnlyList<RunChunk> Chunks { get; init; } = [];
}
