using KpiFunctions.Orchestration;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace KpiFunctions.App;

/// <summary>
/// The run orchestrator and its activities as Durable Functions, named as <see cref="KpiTasks"/> registers them for
/// every other host: each a one-line shell over the orchestrator or the pipeline's activities.
/// </summary>
public sealed class RunFunctions(AppServices services)
{
    /// <summary>The run orchestrator; its input is bound as a parameter (the worker converts it).</summary>
    [Function(KpiTasks.KpiRun)]
    public static Task<RunResult> KpiRun([OrchestrationTrigger] TaskOrchestrationContext context, RunInput input) => KpiRunOrchestrator.RunAsync(context, input);

    /// <summary>Plans a run.</summary>
    [Function(KpiTasks.PlanRun)]
    public async Task<RunPlan> PlanRun([ActivityTrigger] PlanRequest request, CancellationToken cancellationToken) =>
        await (await services.ActivitiesAsync(cancellationToken).ConfigureAwait(false)).PlanAsync(request, cancellationToken).ConfigureAwait(false);

    /// <summary>Fetches one store.</summary>
    [Function(KpiTasks.FetchStore)]
    public async Task<StoreOutcome> FetchStore([ActivityTrigger] StoreWork work, CancellationToken cancellationToken) =>
        await (await services.ActivitiesAsync(cancellationToken).ConfigureAwait(false)).FetchStoreAsync(work, cancellationToken).ConfigureAwait(false);

    /// <summary>Computes KPIs.</summary>
    [Function(KpiTasks.ComputeKpis)]
    public async Task<ComputeOutcome> ComputeKpis([ActivityTrigger] ComputeWork work, CancellationToken cancellationToken) =>
        await (await services.ActivitiesAsync(cancellationToken).ConfigureAwait(false)).ComputeKpisAsync(work, cancellationToken).ConfigureAwait(false);

    /// <summary>Raises alerts.</summary>
    [Function(KpiTasks.DetectAlerts)]
    public async Task<AlertsOutcome> DetectAlerts([ActivityTrigger] AlertsWork work, CancellationToken cancellationToken) =>
        await (await services.ActivitiesAsync(cancellationToken).ConfigureAwait(false)).DetectAlertsAsync(work, cancellationToken).ConfigureAwait(false);

    /// <summary>Publishes the semantic dataset.</summary>
    [Function(KpiTasks.PublishSemantic)]
    public async Task<string> PublishSemantic([ActivityTrigger] string runId, CancellationToken cancellationToken) =>
        await (await services.ActivitiesAsync(cancellationToken).ConfigureAwait(false)).PublishSemanticAsync(runId, cancellationToken).ConfigureAwait(false);

    /// <summary>Writes the weekly review pack.</summary>
    [Function(KpiTasks.WriteWeeklyReport)]
    public async Task<ReportOutcome> WriteWeeklyReport([ActivityTrigger] ReportWork work, CancellationToken cancellationToken) =>
        await (await services.ActivitiesAsync(cancellationToken).ConfigureAwait(false)).WriteWeeklyReportAsync(work, cancellationToken).ConfigureAwait(false);

    /// <summary>Asks Power BI to refresh.</summary>
    [Function(KpiTasks.RefreshPowerBi)]
    public async Task<string?> RefreshPowerBi([ActivityTrigger] string runId, CancellationToken cancellationToken) =>
        await (await services.ActivitiesAsync(cancellationToken).ConfigureAwait(false)).RefreshPowerBiAsync(runId, cancellationToken).ConfigureAwait(false);

    /// <summary>Sends the run's alerts to the configured webhooks.</summary>
    [Function(KpiTasks.NotifyAlerts)]
    public async Task<NotifyOutcome> NotifyAlerts([ActivityTrigger] NotifyWork work, CancellationToken cancellationToken) =>
        await (await services.ActivitiesAsync(cancellationToken).ConfigureAwait(false)).NotifyAlertsAsync(work, cancellationToken).ConfigureAwait(false);

    /// <summary>Records the run's outcome.</summary>
    [Function(KpiTasks.RecordRun)]
    public async Task RecordRun([ActivityTrigger] RunRecord record, CancellationToken cancellationToken) =>
        await (await services.ActivitiesAsync(cancellationToken).ConfigureAwait(false)).RecordRunAsync(record, cancellationToken).ConfigureAwait(false);
}
