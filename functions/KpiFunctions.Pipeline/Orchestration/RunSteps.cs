using System.Diagnostics;
using System.Globalization;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Pipeline.Runs;
using KpiFunctions.Pipeline.Steps;
using KpiFunctions.Sources;

namespace KpiFunctions.Pipeline.Orchestration;

/// <summary>
/// The steps of a run as queue-triggered functions run them, one delivery at a time, with the ledger deciding what a
/// delivery does: start (fetch messages out), fetch one store (a compute message out from the delivery that completes
/// the fan-in), fail a store whose message went to the poison queue, compute (a publish message out), publish.
/// Delivery is at least once: a duplicate fetch or compute finds its work done in the ledger and does it no more.
/// The local runner drives the same steps in-process.
/// </summary>
public sealed class RunSteps
{
    private readonly KpiStorage _storage;
    private readonly IStoreSource _source;
    private readonly IFxRateSource _fx;
    private readonly PipelineOptions _options;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly KpiCatalog _catalog;
    private readonly RunLedger _ledger;

    /// <summary>Creates the steps.</summary>
    public RunSteps(KpiStorage storage, IStoreSource source, IFxRateSource fx, PipelineOptions options, TimeProvider time, Random random, KpiCatalog? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(fx);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(random);
        options.Validate();
        _storage = storage;
        _source = source;
        _fx = fx;
        _options = options;
        _time = time;
        _random = random;
        _catalog = catalog ?? KpiCatalog.Default;
        _ledger = new RunLedger(storage.Tables, time);
    }

    /// <summary>
    /// How long a compute delivery holds the run before another delivery may take over: longer than the host lets an
    /// invocation run (host.json functionTimeout, one hour), so a live compute is never taken over.
    /// </summary>
    public static TimeSpan ComputeLease { get; } = TimeSpan.FromMinutes(65);

    /// <summary>The ledger the steps keep.</summary>
    public RunLedger Ledger => _ledger;

    /// <summary>Checks the request, writes the run's header and a task per store, and returns a fetch message per store.</summary>
    public async Task<RunStarted> StartAsync(RunRequest request, CancellationToken cancellationToken = default)
    {
        await _storage.EnsureTablesAsync(cancellationToken).ConfigureAwait(false);
        return await new StartRunStep(_storage, _source.Name, _fx, _options, _time, _random).StartAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One delivery of a fetch message. A store already finished is not fetched again (a duplicate), but the claim of
    /// the compute step is still tried. A source error that retrying cannot fix finishes the store as failed at once;
    /// any other error is recorded and thrown, so the host delivers the message again (and, past its maximum, moves it
    /// to the poison queue).
    /// </summary>
    public async Task<FetchOutcome> FetchAsync(FetchStoreMessage message, IProgress<DateOnly>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!await _ledger.BeginStoreAsync(message.RunId, message.StoreId, cancellationToken).ConfigureAwait(false))
        {
            return new FetchOutcome(null, await NextAsync(message.RunId, claimed: null, cancellationToken).ConfigureAwait(false), Duplicate: true);
        }

        var clock = Stopwatch.StartNew();
        StoreFetchResult result;
        try
        {
            result = await new FetchStoreStep(_storage, _source).FetchAsync(message, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A timeout surfaces as a cancellation the caller did not ask for: it is a failure like any other.
            if (ex is IPermanentSourceError)
            {
                var failed = await _ledger.FinishStoreAsync(message.RunId, message.StoreId,
                    new StoreTask(message.StoreId, StoreTaskStatus.Failed, 1, 0, 0, clock.ElapsedMilliseconds, ex.Message), cancellationToken).ConfigureAwait(false);
                return new FetchOutcome(null, await NextAsync(message.RunId, failed, cancellationToken).ConfigureAwait(false), Duplicate: false) { Error = ex.Message };
            }

            // Ledger writes stay out of the fetch's error handling: a ledger failure is not a fetch failure.
            await _ledger.RecordAttemptErrorAsync(message.RunId, message.StoreId, ex.Message, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        var claimed = await _ledger.FinishStoreAsync(message.RunId, message.StoreId,
            new StoreTask(message.StoreId, StoreTaskStatus.Succeeded, 1, result.Rows, result.Quarantined, clock.ElapsedMilliseconds, null) { CorrectedFrom = result.CorrectedFrom },
            cancellationToken).ConfigureAwait(false);
        return new FetchOutcome(result, await NextAsync(message.RunId, claimed, cancellationToken).ConfigureAwait(false), Duplicate: false);
    }

    /// <summary>
    /// A fetch message that failed past its deliveries (from the poison queue): the store is finished as failed with
    /// its last error, and the run goes on without it.
    /// </summary>
    public async Task<ComputeMessage?> FailStoreAsync(FetchStoreMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var task = (await _ledger.GetTasksAsync(message.RunId, cancellationToken).ConfigureAwait(false)).FirstOrDefault(t => t.StoreId == message.StoreId);
        var reason = string.Create(CultureInfo.InvariantCulture, $"gave up after {task?.Attempts ?? 0} attempts") + (task?.LastError is { } last ? "; last error: " + last : "");
        var claimed = await _ledger.FinishStoreAsync(message.RunId, message.StoreId,
            new StoreTask(message.StoreId, StoreTaskStatus.Failed, 0, 0, 0, 0, reason), cancellationToken).ConfigureAwait(false);
        return await NextAsync(message.RunId, claimed, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Computes the run's KPIs (from the earliest day a store's late changes corrected), sets its final status and
    /// output, and returns the publish message. A run computed already is not computed again; the publish message is
    /// returned anyway, since the delivery that computed it may have died before its output was sent.
    /// </summary>
    public async Task<(ComputeResult? Result, PublishMessage Next)> ComputeAsync(ComputeMessage message, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var header = await _ledger.GetAsync(message.RunId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Run {message.RunId} is not in {TableNames.Runs}; its compute message cannot be handled.");
        if (header.Status is RunStatus.Completed or RunStatus.CompletedWithErrors)
        {
            return (null, new PublishMessage(message.RunId));
        }

        if (!header.ComputeClaimed)
        {
            throw new InvalidOperationException($"Run {message.RunId} still has stores fetching; a compute message must come from the fetch that finished the last one.");
        }

        if (!await _ledger.TryStartComputeAsync(message.RunId, ComputeLease, cancellationToken).ConfigureAwait(false))
        {
            // Not a failure to retry (the host's few quick retries would poison the message long before the lease ends):
            // the caller sends the message again to be seen when the lease runs out, and this delivery succeeds.
            var started = (await _ledger.GetAsync(message.RunId, cancellationToken).ConfigureAwait(false))?.ComputeStartedUtc ?? _time.GetUtcNow();
            throw new ComputeBusyException(message, started + ComputeLease - _time.GetUtcNow());
        }

        var tasks = await _ledger.GetTasksAsync(message.RunId, cancellationToken).ConfigureAwait(false);
        var corrected = tasks.Where(t => t.Status == StoreTaskStatus.Succeeded && t.CorrectedFrom is not null).ToArray();
        ComputeResult compute;
        try
        {
            compute = await new ComputeKpisStep(_storage, _options, _catalog, _time).ComputeAsync(
                new ComputeRequest(header.From, header.To, [.. tasks.Where(t => t.Status == StoreTaskStatus.Succeeded).Select(t => t.StoreId)])
                {
                    EarlierFrom = corrected.ToDictionary(t => t.StoreId, t => t.CorrectedFrom!.Value, StringComparer.Ordinal),
                },
                progress,
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The lease goes back with the failure, so the host's next delivery computes again at once.
            await _ledger.SetStatusAsync(message.RunId, RunStatus.Failed, "compute failed: " + ex.Message, CancellationToken.None).ConfigureAwait(false);
            await _ledger.ReleaseComputeAsync(message.RunId, CancellationToken.None).ConfigureAwait(false);
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
        await _ledger.CompleteComputeAsync(message.RunId, failed.Length > 0 ? RunStatus.CompletedWithErrors : RunStatus.Completed, output, cancellationToken).ConfigureAwait(false);
        return (compute, new PublishMessage(message.RunId));
    }

    /// <summary>The publish step: for now it records that it ran (the semantic dataset it will write comes later).</summary>
    public Task PublishAsync(PublishMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return _ledger.MarkPublishedAsync(message.RunId, cancellationToken);
    }

    /// <summary>
    /// The compute message when this delivery claimed the fan-in. A duplicate delivery (<paramref name="claimed"/>
    /// null) tries the claim, and also sends the message again when the run is claimed but not computed: the delivery
    /// that claimed it may have died before its message was sent. Extra compute messages are harmless: the compute
    /// lease lets one compute, and the others find the run computed.
    /// </summary>
    private async Task<ComputeMessage?> NextAsync(string runId, bool? claimed, CancellationToken cancellationToken)
    {
        if (claimed is { } decided)
        {
            return decided ? new ComputeMessage(runId) : null;
        }

        if (await _ledger.TryClaimComputeAsync(runId, cancellationToken).ConfigureAwait(false))
        {
            return new ComputeMessage(runId);
        }

        var header = await _ledger.GetAsync(runId, cancellationToken).ConfigureAwait(false);
        return header is { ComputeClaimed: true, Status: RunStatus.Computing } ? new ComputeMessage(runId) : null;
    }
}

/// <summary>What one delivery of a fetch message did.</summary>
/// <param name="Result">What the fetch wrote; null when the store was not fetched (a duplicate, or it failed for good).</param>
/// <param name="Next">The compute message, when this delivery completed the fan-in.</param>
/// <param name="Duplicate">True when the store was finished already.</param>
public sealed record FetchOutcome(StoreFetchResult? Result, ComputeMessage? Next, bool Duplicate)
{
    /// <summary>Why the store failed for good, when it did.</summary>
    public string? Error { get; init; }
}

/// <summary>
/// Another delivery holds the run's compute lease: this compute message should be sent again to be seen after
/// <see cref="RetryAfter"/>, and this delivery counted as done.
/// </summary>
public sealed class ComputeBusyException(ComputeMessage message, TimeSpan retryAfter)
    : InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Run {message.RunId} is being computed by another delivery; this compute message is sent again to be seen in {retryAfter.TotalMinutes:0} minutes."))
{
    /// <summary>The message to send again.</summary>
    public ComputeMessage Compute { get; } = message;

    /// <summary>When the lease runs out (at least a minute from now).</summary>
    public TimeSpan RetryAfter { get; } = retryAfter < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : retryAfter;
}
