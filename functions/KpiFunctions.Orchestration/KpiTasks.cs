using Microsoft.DurableTask;

namespace KpiFunctions.Orchestration;

/// <summary>
/// The names of the run's orchestrator and activities, and the one registration every host uses (the Functions app
/// names its functions with the same constants; the in-memory host of <c>kpi run</c> and the tests register here).
/// </summary>
public static class KpiTasks
{
    /// <summary>The run orchestrator (nightly and backfill alike).</summary>
    public const string KpiRun = nameof(KpiRun);

    /// <summary>Plans the run.</summary>
    public const string PlanRun = nameof(PlanRun);

    /// <summary>Fetches one store (fanned out).</summary>
    public const string FetchStore = nameof(FetchStore);

    /// <summary>Computes KPIs (after the fan-in).</summary>
    public const string ComputeKpis = nameof(ComputeKpis);

    /// <summary>Raises alerts.</summary>
    public const string DetectAlerts = nameof(DetectAlerts);

    /// <summary>Publishes the semantic dataset.</summary>
    public const string PublishSemantic = nameof(PublishSemantic);

    /// <summary>Asks Power BI to refresh.</summary>
    public const string RefreshPowerBi = nameof(RefreshPowerBi);

    /// <summary>Activity: writes the weekly review pack.</summary>
    public const string WriteWeeklyReport = nameof(WriteWeeklyReport);
    /// <summary>Sends the run's alerts to the configured webhooks.</summary>
    public const string NotifyAlerts = nameof(NotifyAlerts);

    /// <summary>Records the run's outcome in the run summary.</summary>
    public const string RecordRun = nameof(RecordRun);

    /// <summary>Every activity name, in the order a run calls them.</summary>
    public static IReadOnlyList<string> Activities { get; } = [PlanRun, FetchStore, ComputeKpis, DetectAlerts, PublishSemantic, RefreshPowerBi, WriteWeeklyReport, NotifyAlerts, RecordRun];

    /// <summary>Registers the orchestrator and an activity per <see cref="IRunActivities"/> member over <paramref name="activities"/>.</summary>
    public static DurableTaskRegistry AddKpiTasks(this DurableTaskRegistry registry, IRunActivities activities)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(activities);
        KpiRunOrchestrator.Register(registry);
        registry.AddActivityFunc<PlanRequest, RunPlan>(PlanRun, (_, request) => activities.PlanAsync(request));
        registry.AddActivityFunc<StoreWork, StoreOutcome>(FetchStore, (_, work) => activities.FetchStoreAsync(work));
        registry.AddActivityFunc<ComputeWork, ComputeOutcome>(ComputeKpis, (_, work) => activities.ComputeKpisAsync(work));
        registry.AddActivityFunc<AlertsWork, AlertsOutcome>(DetectAlerts, (_, work) => activities.DetectAlertsAsync(work));
        registry.AddActivityFunc<string, string>(PublishSemantic, (_, runId) => activities.PublishSemanticAsync(runId));
        registry.AddActivityFunc<string, string?>(RefreshPowerBi, (_, runId) => activities.RefreshPowerBiAsync(runId));
        registry.AddActivityFunc<ReportWork, ReportOutcome>(WriteWeeklyReport, (_, work) => activities.WriteWeeklyReportAsync(work));
        registry.AddActivityFunc<NotifyWork, NotifyOutcome>(NotifyAlerts, (_, work) => activities.NotifyAlertsAsync(work));
        registry.AddActivityFunc<RunRecord>(RecordRun, (_, record) => activities.RecordRunAsync(record));
        return registry;
    }

    /// <summary>
    /// Calls the activity named <paramref name="name"/> on <paramref name="activities"/> with its input, as
    /// <see cref="AddKpiTasks"/> maps it (for a host that runs the orchestrator without a Durable backend).
    /// </summary>
    public static async Task<object?> InvokeAsync(this IRunActivities activities, string name, object? input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(activities);
        T In<T>() => input is T typed ? typed : throw new ArgumentException($"Activity {name} takes a {typeof(T).Name}, not {input?.GetType().Name ?? "null"}.", nameof(input));
        switch (name)
        {
            case PlanRun:
                return await activities.PlanAsync(In<PlanRequest>(), cancellationToken).ConfigureAwait(false);
            case FetchStore:
                return await activities.FetchStoreAsync(In<StoreWork>(), cancellationToken).ConfigureAwait(false);
            case ComputeKpis:
                return await activities.ComputeKpisAsync(In<ComputeWork>(), cancellationToken).ConfigureAwait(false);
            case DetectAlerts:
                return await activities.DetectAlertsAsync(In<AlertsWork>(), cancellationToken).ConfigureAwait(false);
            case PublishSemantic:
                return await activities.PublishSemanticAsync(In<string>(), cancellationToken).ConfigureAwait(false);
            case RefreshPowerBi:
                return await activities.RefreshPowerBiAsync(In<string>(), cancellationToken).ConfigureAwait(false);
            case WriteWeeklyReport:
                return await activities.WriteWeeklyReportAsync(In<ReportWork>(), cancellationToken).ConfigureAwait(false);
            case NotifyAlerts:
                return await activities.NotifyAlertsAsync(In<NotifyWork>(), cancellationToken).ConfigureAwait(false);
            case RecordRun:
                await activities.RecordRunAsync(In<RunRecord>(), cancellationToken).ConfigureAwait(false);
                return null;
            default:
                throw new ArgumentException($"No activity is named '{name}'; the activities are {string.Join(", ", Activities)}.", nameof(name));
        }
    }
}
