namespace KpiFunctions.Orchestration;

/// <summary>
/// The activities the run orchestrator calls, by contract only: what each does is the implementer's business. Each
/// must be idempotent (the orchestrator's host may run one more than once).
/// </summary>
public interface IRunActivities
{
    /// <summary>Checks the request and plans the run: window, stores, FX rates saved, the run summary started.</summary>
    Task<RunPlan> PlanAsync(PlanRequest request, CancellationToken cancellationToken = default);

    /// <summary>Fetches and curates one store's days; throws on a failure worth retrying, returns a failed outcome on one that is not.</summary>
    Task<StoreOutcome> FetchStoreAsync(StoreWork work, CancellationToken cancellationToken = default);

    /// <summary>Computes the KPIs of the stores fetched.</summary>
    Task<ComputeOutcome> ComputeKpisAsync(ComputeWork work, CancellationToken cancellationToken = default);

    /// <summary>Raises alerts on the days computed.</summary>
    Task<AlertsOutcome> DetectAlertsAsync(AlertsWork work, CancellationToken cancellationToken = default);

    /// <summary>Publishes a new version of the semantic dataset; returns the version.</summary>
    Task<string> PublishSemanticAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Asks Power BI to refresh its model; returns the request's id when the service gave one.</summary>
    Task<string?> RefreshPowerBiAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Writes the weekly review pack of a week (group and store pages, English and Chinese).</summary>
    Task<ReportOutcome> WriteWeeklyReportAsync(ReportWork work, CancellationToken cancellationToken = default);
    /// <summary>Sends the run's alerts to the configured webhooks; a channel that fails is in the outcome, not thrown.</summary>
    Task<NotifyOutcome> NotifyAlertsAsync(NotifyWork work, CancellationToken cancellationToken = default);

    /// <summary>Records how the run ended in the run summary.</summary>
    Task RecordRunAsync(RunRecord record, CancellationToken cancellationToken = default);
}
