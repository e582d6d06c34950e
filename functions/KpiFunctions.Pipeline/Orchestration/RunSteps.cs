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

    /// <summary>How long a fetch delivery holds its store's task: as long as the compute lease, for the same reason.</summary>
    public static TimeSpan TaskLease { get; } = TimeSpan.FromMinutes(65);

    /// <summary>
    /// How long the repair step waits before it acts on a run: a start not dispatched after this long died half way;
    /// a claimed compute not started after this long lost its message.
    /// </summary>
    public static TimeSpan RepairAfter { get; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How many times a store task or a compute may be started before it gives up: past the host's own
    /// maxDequeueCount (5), this only counts deliveries that died or timed out holding the work, or were sent again
    /// (a message sent again starts its dequeue count afresh, so the host alone would retry it for ever).
    /// </summary>
    public const int MaxAttempts = 8;

    /// <summary>How far back the repair step looks at runs.</summary>
    public static TimeSpan RepairWindow { get; } = TimeSpan.FromDays(7);

    /// <summary>Asks Power BI to refresh its model after each publish; null: no refresh is asked for.</summary>
    public Semantic.PowerBiRefresher? Refresher { get; init; }

    /// <summary>The ledger the steps keep.</summary>
    public RunLedger Ledger => _ledger;

    /// <summary>
    /// Checks the request, writes the run's header and a task per store, and returns a fetch message per store (not
    /// sent: <see cref="DispatchAsync"/> sends them). A request naming an existing run returns that run.
    /// </summary>
    public async Task<RunStarted> StartAsync(RunRequest request, CancellationToken cancellationToken = default)
    {
        await _storage.EnsureTablesAsync(cancellationToken).ConfigureAwait(false);
        return await new StartRunStep(_storage, _source.Name, _fx, _options, _time, _random).StartAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a started run's fetch messages to the fetch queue and then marks the run dispatched; returns how many
    /// were sent (none for a run dispatched before). A start that dies between its ledger write and this leaves the
    /// run undispatched, and <see cref="RepairAsync"/> sends them. Duplicates are harmless: a fetch of a finished or
    /// held store does nothing.
    /// </summary>
    public async Task<int> DispatchAsync(RunStarted started, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(started);
        if (started.Header.Dispatched)
        {
            return 0;
        }

        var queues = Queues();
        foreach (var message in started.Messages)
        {
            await queues.SendAsync(QueueNames.Fetch, StepMessages.Write(message), null, cancellationToken).ConfigureAwait(false);
        }

        await _ledger.MarkDispatchedAsync(started.Header.RunId, cancellationToken).ConfigureAwait(false);
        return started.Messages.Count;
    }

    /// <summary>
    /// Finds runs of the last <see cref="RepairWindow"/> that lost a message and sends it again (the repair timer):
    /// a start that died before dispatching (its fetch messages), a store whose task lease ran out with no delivery
    /// left to take it over (its fetch message), a run whose stores are all finished but whose compute was never
    /// claimed (claimed now, its compute message), a claimed compute never started or whose lease ran out (its
    /// compute message). Every message it sends may be a duplicate; the steps make duplicates harmless.
    /// Returns a line per repair.
    /// </summary>
    public async Task<IReadOnlyList<string>> RepairAsync(CancellationToken cancellationToken = default)
    {
        var queues = Queues();
        var now = _time.GetUtcNow();
        var repairs = new List<string>();
        foreach (var header in await _ledger.ListAsync(int.MaxValue, cancellationToken).ConfigureAwait(false))
        {
            if (header.Status is not (RunStatus.Running or RunStatus.Computing) || now - header.CreatedUtc > RepairWindow)
            {
                continue;
            }

            try
            {
                await RepairRunAsync(header, queues, now, repairs, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // One run that cannot be repaired does not keep the others from being looked at.
                repairs.Add($"Run {header.RunId}: repair failed, tried again on the next pass: {ex.Message}");
            }
        }

        return repairs;
    }

    private async Task RepairRunAsync(RunHeader header, Storage.Queues.IQueueStore queues, DateTimeOffset now, List<string> repairs, CancellationToken cancellationToken)
    {
        if (!header.Dispatched)
        {
            if (now - header.CreatedUtc >= RepairAfter)
            {
                var sent = await DispatchAsync(await StartRunStep.ResumeAsync(_ledger, header, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                repairs.Add(string.Create(CultureInfo.InvariantCulture, $"Run {header.RunId}: its start died before sending its fetch messages; sent {sent}."));
            }

            return;
        }

        if (header.Status == RunStatus.Running)
        {
            var tasks = await _ledger.GetTasksAsync(header.RunId, cancellationToken).ConfigureAwait(false);
            foreach (var task in tasks.Where(t => t is { Status: StoreTaskStatus.Running, LeaseUntilUtc: { } until } && until <= now))
            {
                await queues.SendAsync(QueueNames.Fetch, StepMessages.Write(new FetchStoreMessage(header.RunId, task.StoreId, header.FetchFrom, header.To)), null, cancellationToken).ConfigureAwait(false);
                repairs.Add($"Run {header.RunId}: store {task.StoreId}'s delivery died and its lease ran out; its fetch message was sent again.");
            }

            if (await _ledger.TryClaimComputeAsync(header.RunId, cancellationToken).ConfigureAwait(false))
            {
                await queues.SendAsync(QueueNames.Compute, StepMessages.Write(new ComputeMessage(header.RunId)), null, cancellationToken).ConfigureAwait(false);
                repairs.Add($"Run {header.RunId}: every store was finished but the compute was never claimed; claimed it and sent the compute message.");
            }

            return;
        }

        var lost = header.ComputeStartedUtc is { } started ? now - started >= ComputeLease : now - header.UpdatedUtc >= RepairAfter;
        if (header.ComputeClaimed && lost)
        {
            await queues.SendAsync(QueueNames.Compute, StepMessages.Write(new ComputeMessage(header.RunId)), null, cancellationToken).ConfigureAwait(false);
            repairs.Add($"Run {header.RunId}: its compute was claimed but is not running; the compute message was sent again.");
        }
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
        var owner = Guid.NewGuid().ToString("N");
        var claim = await _ledger.BeginStoreAsync(message.RunId, message.StoreId, owner, TaskLease, MaxAttempts, cancellationToken).ConfigureAwait(false);
        if (claim.Kind == TaskClaimKind.Finished)
        {
            return new FetchOutcome(null, await NextAsync(message.RunId, claimed: null, cancellationToken).ConfigureAwait(false), Duplicate: true);
        }

        if (claim.Until is { } until)
        {
            throw new StepBusyException(QueueNames.Fetch, StepMessages.Write(message), until - _time.GetUtcNow(),
                $"Store {message.StoreId} of run {message.RunId} is being fetched by another delivery");
        }

        if (claim.Kind == TaskClaimKind.Exhausted)
        {
            var last = (await _ledger.GetTasksAsync(message.RunId, cancellationToken).ConfigureAwait(false)).FirstOrDefault(t => t.StoreId == message.StoreId)?.LastError;
            var reason = string.Create(CultureInfo.InvariantCulture, $"gave up after {claim.Attempt} attempts (deliveries that failed, died or timed out)") + (last is null ? "" : "; last error: " + last);
            var gaveUp = await _ledger.FinishStoreAsync(message.RunId, message.StoreId,
                new StoreTask(message.StoreId, StoreTaskStatus.Failed, claim.Attempt, 0, 0, 0, reason), owner: null, cancellationToken).ConfigureAwait(false);
            return new FetchOutcome(null, await NextAsync(message.RunId, gaveUp, cancellationToken).ConfigureAwait(false), Duplicate: false) { Error = reason };
        }

        var clock = Stopwatch.StartNew();
        StoreFetchResult result;
        try
        {
            result = await new FetchStoreStep(_storage, _source).FetchAsync(message, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host gave up on this invocation (its timeout) or is shutting down: the lease goes back so the
            // host's redelivery starts at once (and counts towards poison) instead of waiting out the lease.
            await _ledger.ReleaseStoreAsync(message.RunId, message.StoreId, owner, "the delivery was cancelled (the host's function timeout or a shutdown)", CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        catch (Exception ex)
        {
            // A timeout surfaces as a cancellation the caller did not ask for: it is a failure like any other.
            if (ex is IPermanentSourceError)
            {
                var failed = await _ledger.FinishStoreAsync(message.RunId, message.StoreId,
                    new StoreTask(message.StoreId, StoreTaskStatus.Failed, 1, 0, 0, clock.ElapsedMilliseconds, ex.Message), owner, cancellationToken).ConfigureAwait(false);
                return new FetchOutcome(null, await NextAsync(message.RunId, failed, cancellationToken).ConfigureAwait(false), Duplicate: false) { Error = ex.Message };
            }

            // Ledger writes stay out of the fetch's error handling: a ledger failure is not a fetch failure.
            await _ledger.RecordAttemptErrorAsync(message.RunId, message.StoreId, owner, ex.Message, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        bool claimed;
        try
        {
            claimed = await _ledger.FinishStoreAsync(message.RunId, message.StoreId,
                new StoreTask(message.StoreId, StoreTaskStatus.Succeeded, 1, result.Rows, result.Quarantined, clock.ElapsedMilliseconds, null)
                {
                    CorrectedFrom = result.CorrectedFrom,
                    Notes = result.Notes.Count > 0 ? string.Join("\n", result.Notes) : null,
                },
                owner,
                cancellationToken).ConfigureAwait(false);
        }
        catch (TaskHeldException)
        {
            // This delivery outlived its lease and another took the store over: its writes were the same data, and
            // the holder finishes the task.
            return new FetchOutcome(result, null, Duplicate: false);
        }

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
        bool claimed;
        try
        {
            claimed = await _ledger.FinishStoreAsync(message.RunId, message.StoreId,
                new StoreTask(message.StoreId, StoreTaskStatus.Failed, 0, 0, 0, 0, reason), owner: null, cancellationToken).ConfigureAwait(false);
        }
        catch (TaskHeldException held)
        {
            // Another delivery of the store (a duplicate message) is fetching it now: it decides how the store ends.
            throw new StepBusyException(QueueNames.FetchPoison, StepMessages.Write(message), held.Until - _time.GetUtcNow(),
                $"Store {message.StoreId} of run {message.RunId} is being fetched by another delivery");
        }

        return await NextAsync(message.RunId, claimed, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Computes the run's KPIs (from the earliest day a store's late changes corrected), sets its final status and
    /// output, and returns the publish message. A run computed already is not computed again; the publish message is
    /// returned anyway, since the delivery that computed it may have died before its output was sent.
    /// </summary>
    public async Task<(ComputeResult? Result, PublishMessage? Next)> ComputeAsync(ComputeMessage message, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var header = await _ledger.GetAsync(message.RunId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Run {message.RunId} is not in {TableNames.Runs}; its compute message cannot be handled.");
        if (header.Status is RunStatus.Completed or RunStatus.CompletedWithErrors)
        {
            return (null, new PublishMessage(message.RunId));
        }

        if (header.Status == RunStatus.Failed)
        {
            // Its compute gave up (poisoned): final, as Durable's Failed is; a stray compute message changes nothing.
            return (null, null);
        }

        if (!header.ComputeClaimed)
        {
            throw new InvalidOperationException($"Run {message.RunId} still has stores fetching; a compute message must come from the fetch that finished the last one.");
        }

        var owner = Guid.NewGuid().ToString("N");
        if (!await _ledger.TryStartComputeAsync(message.RunId, owner, ComputeLease, cancellationToken).ConfigureAwait(false))
        {
            // Not a failure to retry (the host's few quick retries would poison the message long before the lease ends):
            // the caller sends the message again to be seen when the lease runs out, and this delivery succeeds.
            var started = (await _ledger.GetAsync(message.RunId, cancellationToken).ConfigureAwait(false))?.ComputeStartedUtc ?? _time.GetUtcNow();
            throw new StepBusyException(QueueNames.Compute, StepMessages.Write(message), started + ComputeLease - _time.GetUtcNow(),
                $"Run {message.RunId} is being computed by another delivery");
        }

        var attempts = (await _ledger.GetAsync(message.RunId, cancellationToken).ConfigureAwait(false))!.ComputeAttempts;
        if (attempts > MaxAttempts)
        {
            await _ledger.FailComputeAsync(message.RunId, string.Create(CultureInfo.InvariantCulture, $"compute gave up after {attempts - 1} attempts (deliveries that failed, died or timed out)"), cancellationToken).ConfigureAwait(false);
            return (null, null);
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
        catch (Exception ex)
        {
            // The lease goes back with the failure (a cancellation too: the host's timeout or a shutdown), so the host's
            // next delivery computes again at once. The run stays Computing until a compute succeeds or is poisoned.
            var why = cancellationToken.IsCancellationRequested ? "the delivery was cancelled (the host's function timeout or a shutdown)" : "compute failed: " + ex.Message;
            await _ledger.ReleaseComputeAsync(message.RunId, owner, why, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        // Alerts cover the days computed, corrected earlier days included. They are secondary: a failure is reported in
        // the output, and the KPIs stand (the lease is not held over it).
        var succeeded = tasks.Where(t => t.Status == StoreTaskStatus.Succeeded).Select(t => t.StoreId).ToArray();
        var alertsFrom = corrected.Select(t => t.CorrectedFrom!.Value).Append(header.From).Min();
        string alertNote;
        try
        {
            var alerts = await new Alerts.AlertsStep(_storage, _catalog).DetectAsync(alertsFrom, header.To, succeeded, cancellationToken).ConfigureAwait(false);
            alertNote = string.Create(CultureInfo.InvariantCulture, $"{alerts.Count} alerts ({alerts.Count(a => a.Severity == Core.Alerts.AlertSeverity.Critical)} critical)");
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            alertNote = "alerts failed: " + ex.Message;
        }

        var failed = tasks.Where(t => t.Status == StoreTaskStatus.Failed).Select(t => t.StoreId).ToArray();
        var output = string.Create(CultureInfo.InvariantCulture,
            $"{compute.KpiRows} KPI rows; {tasks.Sum(t => t.Quarantined)} records quarantined; {alertNote}") +
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

    /// <summary>
    /// A compute message that failed past its deliveries (from the poison queue): a run not computed yet is finished
    /// as Failed, keeping the compute's last error. A run computed already is left as it is (the poisoned message was a
    /// duplicate).
    /// </summary>
    public async Task<RunHeader?> FailComputeAsync(ComputeMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (await _ledger.GetAsync(message.RunId, cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }

        await _ledger.FailComputeAsync(message.RunId, "compute gave up after the host's deliveries", cancellationToken).ConfigureAwait(false);
        return await _ledger.GetAsync(message.RunId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A publish message that failed past its deliveries: the run's output says so (its KPIs stand).</summary>
    public Task FailPublishAsync(PublishMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return _ledger.RecordPublishFailedAsync(message.RunId, cancellationToken);
    }

    /// <summary>
    /// The publish step: writes a new version of the semantic dataset from the KPI tables and makes it current, then
    /// records that publish ran. A redelivery publishes again: the new version shares every unchanged file.
    /// </summary>
    public async Task<Semantic.SemanticManifest> PublishAsync(PublishMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var manifest = await new Semantic.SemanticPublisher(_storage, _catalog, TimeSpan.FromDays(_options.SemanticRetentionDays), _time)
            .PublishAsync(message.RunId, cancellationToken).ConfigureAwait(false);
        if (Refresher is { } refresher)
        {
            // The data is published either way: a refused refresh is reported in the run's output, not retried as a failed publish.
            string outcome;
            try
            {
                outcome = "Power BI refresh requested" + (await refresher.RequestRefreshAsync(cancellationToken).ConfigureAwait(false) is { } id ? $" (request {id})" : "");
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                outcome = "Power BI refresh failed: " + ex.Message;
            }

            await _ledger.AppendOutputAsync(message.RunId, outcome, cancellationToken).ConfigureAwait(false);
        }

        await _ledger.MarkPublishedAsync(message.RunId, cancellationToken).ConfigureAwait(false);
        return manifest;
    }

    private Storage.Queues.IQueueStore Queues() =>
        _storage.Queues ?? throw new InvalidOperationException("The storage has no queue endpoint, so the steps' messages cannot be sent; add QueueEndpoint=… to KPI_STORAGE's connection string, or set KPI_STORAGE__queueServiceUri.");

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
/// Another live delivery holds the work this message asks for (a store's task, or the run's compute): the message
/// should be sent again to <see cref="Queue"/>, to be seen after <see cref="RetryAfter"/> when that delivery's lease
/// runs out, and this delivery counted as done. Retrying it as a failure would spend the host's few quick retries and
/// poison the message long before the lease ends.
/// </summary>
public sealed class StepBusyException(string queue, string text, TimeSpan retryAfter, string what)
    : InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{what}; this message is sent again to {queue} to be seen in {Clamp(retryAfter).TotalMinutes:0} minutes."))
{
    /// <summary>The queue to send the message to.</summary>
    public string Queue { get; } = queue;

    /// <summary>The message text.</summary>
    public string Text { get; } = text;

    /// <summary>When the lease runs out (at least a minute from now).</summary>
    public TimeSpan RetryAfter { get; } = Clamp(retryAfter);

    private static TimeSpan Clamp(TimeSpan t) => t < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : t;
}
