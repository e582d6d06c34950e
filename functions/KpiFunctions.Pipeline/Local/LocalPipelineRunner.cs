using System.Diagnostics;
using System.Globalization;
using KpiFunctions.Core.Catalog;
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
    private readonly KpiStorage _storage;
    private readonly IStoreSource _source;
    private readonly IFxRateSource _fx;
    private readonly PipelineOptions _options;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly KpiCatalog _catalog;

    /// <summary>Creates a runner.</summary>
    public LocalPipelineRunner(KpiStorage storage, IStoreSource source, IFxRateSource fx, PipelineOptions options, TimeProvider time, Random random, KpiCatalog? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(fx);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _storage = storage;
        _source = source;
        _fx = fx;
        _options = options;
        _time = time;
        _random = random;
        _catalog = catalog ?? KpiCatalog.Default;
    }

    /// <summary>Runs a whole window and returns how it ended.</summary>
    public async Task<RunSummary> RunAsync(RunRequest request, IProgress<PipelineProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        await _storage.EnsureTablesAsync(cancellationToken).ConfigureAwait(false);
        var started = await new StartRunStep(_storage, _source.Name, _fx, _options, _time, _random).StartAsync(request, cancellationToken).ConfigureAwait(false);
        var runId = started.Header.RunId;
        var days = request.To.DayNumber - started.Header.FetchFrom.DayNumber + 1;
        progress?.Report(new PipelineProgress(PipelineStage.Started, null, 0, started.Messages.Count, runId));

        var ledger = new RunLedger(_storage.Tables, _time);
        var fetch = new FetchStoreStep(_storage, _source);
        var computeClaims = 0;
        await Parallel.ForEachAsync(started.Messages, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelStores, CancellationToken = cancellationToken }, async (message, ct) =>
        {
            if (await FetchWithRetriesAsync(ledger, fetch, message, days, progress, ct).ConfigureAwait(false))
            {
                Interlocked.Increment(ref computeClaims);
            }
        }).ConfigureAwait(false);

        if (computeClaims != 1)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"Run {runId}: the fan-in was claimed {computeClaims} times; exactly once was expected. Inspect the rows of partition '{runId}' in table {TableNames.Runs} (a task left Running means a fetch stopped without finishing), then start the run again."));
        }

        var tasks = await ledger.GetTasksAsync(runId, cancellationToken).ConfigureAwait(false);

        // Days before the window whose orders changed late are computed again with the window.
        var corrected = tasks.Where(t => t.Status == StoreTaskStatus.Succeeded && t.CorrectedFrom is not null).ToArray();
        ComputeResult compute;
        try
        {
            var computed = 0;
            compute = await new ComputeKpisStep(_storage, _options, _catalog, _time).ComputeAsync(
                new ComputeRequest(request.From, request.To, [.. tasks.Where(t => t.Status == StoreTaskStatus.Succeeded).Select(t => t.StoreId)])
                {
                    EarlierFrom = corrected.ToDictionary(t => t.StoreId, t => t.CorrectedFrom!.Value, StringComparer.Ordinal),
                },
                new SynchronousProgress<string>(store => progress?.Report(new PipelineProgress(PipelineStage.Computing, store, Interlocked.Increment(ref computed), started.Messages.Count))),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await ledger.SetStatusAsync(runId, RunStatus.Failed, "compute failed: " + ex.Message, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        var failed = tasks.Where(t => t.Status == StoreTaskStatus.Failed).Select(t => t.StoreId).ToArray();
        var output = string.Create(CultureInfo.InvariantCulture,
            $"{compute.KpiRows} KPI rows; {tasks.Sum(t => t.Quarantined)} records quarantined") +
            (failed.Length > 0 ? "; failed stores: " + string.Join(", ", failed) : "") +
            (corrected.Length > 0
                ? "; late order changes corrected earlier days of " + string.Join(", ", corrected.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.StoreId} (from {t.CorrectedFrom:yyyy-MM-dd})")))
                : "") +
            (compute.Mismatches.Count > 0
                ? string.Create(CultureInfo.InvariantCulture, $"; {compute.Mismatches.Count} store-day(s) differ from the platform's own figures by more than {_options.ReconcileTolerancePct} %: ") + string.Join("; ", compute.Mismatches)
                : "");
        await ledger.SetStatusAsync(runId, failed.Length > 0 ? RunStatus.CompletedWithErrors : RunStatus.Completed, output, cancellationToken).ConfigureAwait(false);
        var header = await ledger.GetAsync(runId, cancellationToken).ConfigureAwait(false);
        progress?.Report(new PipelineProgress(PipelineStage.Finished, null, started.Messages.Count, started.Messages.Count, output));
        return new RunSummary(header!, tasks, compute);
    }

    private async Task<bool> FetchWithRetriesAsync(RunLedger ledger, FetchStoreStep fetch, FetchStoreMessage message, int days, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (!await ledger.BeginStoreAsync(message.RunId, message.StoreId, ct).ConfigureAwait(false))
            {
                return false;
            }

            var clock = Stopwatch.StartNew();
            StoreFetchResult? result = null;
            Exception? error = null;
            try
            {
                var done = 0;
                result = await fetch.FetchAsync(message, new SynchronousProgress<DateOnly>(_ =>
                    progress?.Report(new PipelineProgress(PipelineStage.Fetching, message.StoreId, ++done, days))), ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                error = ex;
            }

            // Ledger writes stay outside the fetch's error handling: a ledger failure is not a fetch failure to retry.
            if (result is not null)
            {
                var claimed = await ledger.FinishStoreAsync(message.RunId, message.StoreId,
                    new StoreTask(message.StoreId, StoreTaskStatus.Succeeded, attempt, result.Rows, result.Quarantined, clock.ElapsedMilliseconds, null) { CorrectedFrom = result.CorrectedFrom }, ct).ConfigureAwait(false);
                progress?.Report(new PipelineProgress(PipelineStage.StoreFinished, message.StoreId, days, days,
                    string.Create(CultureInfo.InvariantCulture, $"{result.Rows:N0} rows, {result.Quarantined} quarantined")));
                return claimed;
            }

            if (attempt < _options.MaxAttempts && error is not IPermanentSourceError)
            {
                await ledger.RecordAttemptErrorAsync(message.RunId, message.StoreId, error!.Message, ct).ConfigureAwait(false);
                continue;
            }

            var finished = await ledger.FinishStoreAsync(message.RunId, message.StoreId,
                new StoreTask(message.StoreId, StoreTaskStatus.Failed, attempt, 0, 0, clock.ElapsedMilliseconds, error!.Message), ct).ConfigureAwait(false);
            progress?.Report(new PipelineProgress(PipelineStage.StoreFinished, message.StoreId, 0, days, "failed: " + error.Message));
            return finished;
        }
    }

    /// <summary>Reports on the caller's thread, unlike <see cref="Progress{T}"/>, so counts arrive in order.</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
