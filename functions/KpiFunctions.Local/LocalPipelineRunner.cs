using KpiFunctions.Core.Catalog;
using KpiFunctions.Orchestration;
using KpiFunctions.Pipeline;
using KpiFunctions.Pipeline.Activities;
using KpiFunctions.Pipeline.Local;
using KpiFunctions.Pipeline.Notify;
using KpiFunctions.Pipeline.Runs;
using KpiFunctions.Pipeline.Semantic;
using KpiFunctions.Pipeline.Steps;
using KpiFunctions.Sources;
using Microsoft.DurableTask;

namespace KpiFunctions.Local;

/// <summary>
/// Runs a window in-process with the Functions app's own orchestrator and activities (<see cref="KpiTasks.AddKpiTasks"/>),
/// in-process: the orchestrator's own code, its activity calls run at once with bounded parallelism and its retry policy;
/// nothing is kept once the run ends but the data and the run summary the activities write.
/// </summary>
public sealed class LocalPipelineRunner
{
    private readonly KpiStorage _storage;
    private readonly IStoreSource _source;
    private readonly IFxRateSource _fx;
    private readonly PipelineOptions _options;
    private readonly TimeProvider _time;
    private readonly KpiCatalog? _catalog;

    /// <summary>Creates a runner (the arguments are checked by the activities it runs).</summary>
    public LocalPipelineRunner(KpiStorage storage, IStoreSource source, IFxRateSource fx, PipelineOptions options, TimeProvider time, KpiCatalog? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(time);
        _storage = storage;
        _source = source;
        _fx = fx;
        _options = options;
        _time = time;
        _catalog = catalog;
    }

    /// <summary>Asks Power BI to refresh its model after the publish; null: no refresh.</summary>
    public PowerBiRefresher? Refresher { get; init; }

    /// <summary>Where the run's alerts are sent after its publish; null: nowhere.</summary>
    public AlertWebhooks? Webhooks { get; init; }

    /// <summary>
    /// Runs a whole window and returns how it ended. A request the plan would refuse throws
    /// <see cref="ArgumentException"/> before anything runs; a run that fails throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public async Task<RunSummary> RunAsync(RunRequest request, IProgress<PipelineProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var activities = new RunActivities(_storage, _source, _fx, _options, _time, _catalog) { Progress = progress, Refresher = Refresher, Webhooks = Webhooks, Owner = RunOwner.Current };
        var input = new RunInput(request.From, request.To, request.StoreIds, request.FetchFrom);
        await _storage.EnsureTablesAsync(cancellationToken).ConfigureAwait(false);
        await RunPlanner.ResolveAsync(_storage, input, _time.GetUtcNow(), _options.LookbackDays, cancellationToken).ConfigureAwait(false);
        var runId = request.RunId ?? RunPlanner.NewRunId(_time.GetUtcNow());
        RunPlanner.CheckRunId(runId);

        // Not on the in-memory Durable host: its work-item cap (the processor count, with a 500 ms pause when full)
        // made the demo 1.45x slower than the runner it replaced (docs/ARCHITECTURE.md, "Local runs"). The same
        // orchestrator code runs here straight through, with the activities bounded by KPI_MAX_PARALLEL_STORES.
        RunResult result;
        using (var context = new LocalOrchestrationContext(runId, activities, _options.MaxParallelStores, _time, cancellationToken))
        {
            try
            {
                result = await KpiRunOrchestrator.RunAsync(context, input).ConfigureAwait(false);
            }
            catch (TaskFailedException ex)
            {
                throw new InvalidOperationException($"Run {runId} failed: {ex.FailureDetails.ErrorMessage}. 'kpi runs {runId}' shows its stores.", ex);
            }
        }

        var history = new RunHistory(_storage.Tables);
        var header = await history.GetAsync(runId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Run {runId} has no header in {TableNames.Runs}.");
        var stores = await history.GetStoresAsync(runId, cancellationToken).ConfigureAwait(false);
        var deliveries = Webhooks is { Options.Channels.Count: > 0 } ? await new AlertDeliveryLog(_storage.Tables).ListAsync(runId, cancellationToken).ConfigureAwait(false) : [];
        return new RunSummary(header, stores, new ComputeResult(result.Compute.KpiRows, result.Compute.NotFetched) { Mismatches = result.Compute.Mismatches })
        {
            Deliveries = deliveries,
            Report = result.Report,
        };
    }
}
