namespace KpiFunctions.Orchestration;

/// <summary>A run's plan, decided once by the PlanRun activity (the window, the stores, the settings the orchestrator needs).</summary>
/// <param name="RunId">The run's id.</param>
/// <param name="From">First store-local day KPIs are computed for.</param>
/// <param name="To">Last store-local day.</param>
/// <param name="FetchFrom">First day fetched.</param>
/// <param name="StoreIds">Stores, in the order they are fanned out.</param>
/// <param name="Retry">How a store's fetch is retried.</param>
/// <param name="RefreshPowerBi">True when a Power BI refresh is configured, to be asked for after each publish.</param>
/// <param name="ReportWeek">
/// Monday of the ISO week whose review pack the run writes after publishing: the week of the last Sunday in the window,
/// so Monday's nightly run writes the week just ended and the lookback runs after it rewrite it with corrected days;
/// null when the window holds no Sunday.
/// </param>
public sealed record RunPlan(string RunId, DateOnly From, DateOnly To, DateOnly FetchFrom, IReadOnlyList<string> StoreIds, FetchRetry Retry, bool RefreshPowerBi, DateOnly? ReportWeek = null)
{
    /// <summary>The Monday of the week of the last Sunday from <paramref name="from"/> to <paramref name="to"/>, or null when there is none.</summary>
    public static DateOnly? WeekToReport(DateOnly from, DateOnly to)
    {
        var sunday = to.AddDays(-(int)to.DayOfWeek);
        return sunday >= from ? sunday.AddDays(-6) : null;
    }

    /// <summary>True when alert webhooks are configured, to be sent to once the run's data is published.</summary>
    public bool NotifyAlerts { get; init; }

    /// <summary>
    /// The window in date order, in chunks each fetched and computed whole before the next (so a run's memory is one
    /// chunk's); empty for the whole window as one chunk.
    /// </summary>
    public IReadOnlyList<RunChunk> Chunks { get; init; } = [];
}
