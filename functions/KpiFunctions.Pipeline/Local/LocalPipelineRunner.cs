using System.Diagnostics;
using System.Globalization;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Pipeline.Orchestration;
using KpiFunctions.Pipeline.Runs;
using KpiFunctions.Pipeline.Steps;
using KpiFunctions.Sources;

namespace KpiFunctions.Pipeline.Local;

/// <summary>
/// Runs the pipeline in-process with the same steps and ledger as the Functions app: start, fetch stores with
/// bounded parallelism and retries, fan in through the ledger, compute.
/// </summary>
public sealed class LocalPipelineRunner
{
    private readonly RunSteps _steps;
    private readonly PipelineOptions _options;

    /// <summary>Creates a runner (the arguments are checked by the steps it drives).</summary>
    public LocalPipelineRunner(KpiStorage storage, IStoreSource source, IFxRateSource fx, PipelineOptions options, TimeProvider time, Random random, KpiCatalog? catalog = null)
    {
        _steps = new RunSteps(storage, source, fx, options, time, random, catalog);
        _options = options;
    }

    /// <summary>Runs a whole window and returns how it ended.</summary>
    public async Task<RunSummary> RunAsync(RunRequest request, IProgress<PipelineProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var started = await _steps.StartAsync(request, cancellationToken).ConfigureAwait(false);
        var runId = started.Header.RunId;

        // Its fetch messages are delivered here, in-process, rather than sent.
        await _steps.Ledger.MarkDispatchedAsync(runId, cancellationToken).ConfigureAwait(false);
        var days = request.To.DayNumber - started.Header.FetchFrom.DayNumber + 1;
        progress?.Report(new PipelineProgress(PipelineStage.Started, null, 0, started.Messages.Count, runId));

        var computeMessages = new System.Collections.Concurrent.ConcurrentBag<ComputeMessage>();
        await Parallel.ForEachAsync(started.Messages, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelStores, CancellationToken = cancellationToken }, async (message, ct) =>
        {
            if (await FetchWithRetriesAsync(message, days, progress, ct).ConfigureAwait(false) is { } next)
            {
                computeMessages.Add(next);
            }
        }).ConfigureAwait(false);

        if (computeMessages.Count != 1)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"Run {runId}: the fan-in was claimed {computeMessages.Count} times; exactly once was expected. Inspect the rows of partition '{runId}' in table {TableNames.Runs} (a task left Running means a fetch stopped without finishing), then start the run again."));
        }

        var computed = 0;
        var (compute, publish) = await _steps.ComputeAsync(computeMessages.Single(),
            new SynchronousProgress<string>(store => progress?.Report(new PipelineProgress(PipelineStage.Computing, store, Interlocked.Increment(ref computed), started.Messages.Count))),
            cancellationToken).ConfigureAwait(false);
        await _steps.PublishAsync(publish ?? throw new InvalidOperationException($"Run {runId} ended Failed before it was computed; 'kpi status {runId}' shows why."), cancellationToken).ConfigureAwait(false);
        var header = await _steps.Ledger.GetAsync(runId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Run {runId} lost its header row in {TableNames.Runs}.");
        var tasks = await _steps.Ledger.GetTasksAsync(runId, cancellationToken).ConfigureAwait(false);
        progress?.Report(new PipelineProgress(PipelineStage.Finished, null, started.Messages.Count, started.Messages.Count, header.Output));
        return new RunSummary(header, tasks, compute);
    }

    /// <summary>Delivers a store's fetch message until it succeeds or fails for good, as the host would; then as from the poison queue.</summary>
    private async Task<ComputeMessage?> FetchWithRetriesAsync(FetchStoreMessage message, int days, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var done = 0;
                var outcome = await _steps.FetchAsync(message, new SynchronousProgress<DateOnly>(_ =>
                    progress?.Report(new PipelineProgress(PipelineStage.Fetching, message.StoreId, ++done, days))), ct).ConfigureAwait(false);
                progress?.Report(new PipelineProgress(PipelineStage.StoreFinished, message.StoreId, outcome.Result is null ? 0 : days, days,
                    outcome.Result is { } r ? string.Create(CultureInfo.InvariantCulture, $"{r.Rows:N0} rows, {r.Quarantined} quarantined") : "failed: " + outcome.Error));
                return outcome.Next;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && attempt < _options.MaxAttempts)
            {
                // Recorded in the ledger by the step; try again.
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var next = await _steps.FailStoreAsync(message, ct).ConfigureAwait(false);
                progress?.Report(new PipelineProgress(PipelineStage.StoreFinished, message.StoreId, 0, days, "failed: " + ex.Message));
                return next;
            }
        }
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to a context, out of order).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
