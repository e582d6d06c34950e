using KpiFunctions.Core.Calendar;
using KpiFunctions.Storage.Tables;

namespace KpiFunctions.Pipeline.Runs;

/// <summary>
/// The run ledger in KpiRuns: partition = run id; row "run" is the header, rows "store|&lt;id&gt;" the store tasks.
/// Fan-in is decided by the ledger, not by timing: after a store task is marked finished, whoever sees every task
/// finished tries to set the header's compute claim with its ETag, and exactly one such write can succeed.
/// </summary>
public sealed class RunLedger
{
    private const string HeaderRow = "run";
    private const string TaskPrefix = "store|";
    private const int MaxErrorLength = 1000;
    private const string PublishFailed = "publish gave up after the host's deliveries (its message is in kpi-publish-poison)";
    private readonly ITableStore _tables;
    private readonly TimeProvider _time;

    /// <summary>Creates the ledger.</summary>
    public RunLedger(ITableStore tables, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _tables = tables;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Writes a new run: a pending task per store first, then the header, which commits the run (false when the run
    /// id exists). A start that dies before the header leaves task rows no run refers to; starting the same run id
    /// again writes only the tasks missing and then the header.
    /// </summary>
    public async Task<bool> CreateAsync(RunHeader header, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (await GetAsync(header.RunId, cancellationToken).ConfigureAwait(false) is not null)
        {
            return false;
        }

        var existing = (await GetTasksAsync(header.RunId, cancellationToken).ConfigureAwait(false)).Select(t => t.StoreId).ToHashSet(StringComparer.Ordinal);
        await _tables.SubmitInChunksAsync(TableNames.Runs, header.StoreIds.Where(id => !existing.Contains(id)).Select(id => new TableTransactionAction(
            TableTransactionKind.Upsert,
            ToEntity(header.RunId, new StoreTask(id, StoreTaskStatus.Pending, 0, 0, 0, 0, null)))), cancellationToken).ConfigureAwait(false);

        var added = await _tables.AddEntityAsync(TableNames.Runs, ToEntity(header), cancellationToken).ConfigureAwait(false);
        return added.Succeeded;
    }

    /// <summary>The run's header, or null.</summary>
    public async Task<RunHeader?> GetAsync(string runId, CancellationToken cancellationToken = default)
    {
        var e = await _tables.GetEntityAsync(TableNames.Runs, runId, HeaderRow, cancellationToken).ConfigureAwait(false);
        return e is null ? null : HeaderFrom(e);
    }

    /// <summary>The run's store tasks, by store id.</summary>
    public async Task<IReadOnlyList<StoreTask>> GetTasksAsync(string runId, CancellationToken cancellationToken = default)
    {
        var tasks = new List<StoreTask>();
        var query = new TableQuery { PartitionKey = runId, RowKeyFrom = TaskPrefix, RowKeyTo = TaskPrefix + '\uffff' };
        await foreach (var e in _tables.QueryAsync(TableNames.Runs, query, cancellationToken).ConfigureAwait(false))
        {
            tasks.Add(TaskFrom(e));
        }

        return tasks;
    }

    /// <summary>The most recent runs, newest first.</summary>
    public async Task<IReadOnlyList<RunHeader>> ListAsync(int max, CancellationToken cancellationToken = default)
    {
        var headers = new List<RunHeader>();
        // Only the header rows: the service filters on the row key, so store-task rows are never read.
        await foreach (var e in _tables.QueryAsync(TableNames.Runs, new TableQuery { RowKeyFrom = HeaderRow, RowKeyTo = HeaderRow }, cancellationToken).ConfigureAwait(false))
        {
            if (e.RowKey == HeaderRow)
            {
                headers.Add(HeaderFrom(e));
            }
        }

        return [.. headers.OrderByDescending(h => h.CreatedUtc).ThenByDescending(h => h.RunId, StringComparer.Ordinal).Take(max)];
    }

    /// <summary>
    /// Takes a store task for one delivery (<paramref name="owner"/>, a token of its own) for <paramref name="lease"/>
    /// and counts the attempt. A finished task is not taken (a duplicate delivery does nothing); nor is one another
    /// delivery holds on a lease still running (two deliveries of one store never fetch at once). A lease that ran out
    /// (its delivery died) is taken over. A task started <paramref name="maxAttempts"/> times already is not started
    /// again. Guarded by the task's ETag, so of two deliveries racing one wins.
    /// </summary>
    public async Task<TaskClaim> BeginStoreAsync(string runId, string storeId, string owner, TimeSpan lease, int maxAttempts = int.MaxValue, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var claim = TaskClaim.Finished;
        var now = _time.GetUtcNow();
        await UpdateTaskAsync(runId, storeId, t =>
        {
            if (IsFinished(t))
            {
                claim = TaskClaim.Finished;
                return null;
            }

            if (t is { Status: StoreTaskStatus.Running, LeaseUntilUtc: { } until } && until > now && t.Owner != owner)
            {
                claim = TaskClaim.HeldUntil(until);
                return null;
            }

            if (t.Attempts >= maxAttempts)
            {
                claim = TaskClaim.ExhaustedAfter(t.Attempts);
                return null;
            }

            claim = TaskClaim.StartedAttempt(t.Attempts + 1);
            return t with { Status = StoreTaskStatus.Running, Attempts = t.Attempts + 1, Owner = owner, LeaseUntilUtc = now + lease };
        }, cancellationToken).ConfigureAwait(false);
        return claim;
    }

    /// <summary>
    /// Records a failed attempt that will be retried (nothing changes once the task is finished). The failing
    /// delivery gives its lease back, so the host's next delivery takes the task at once.
    /// </summary>
    public Task RecordAttemptErrorAsync(string runId, string storeId, string owner, string error, CancellationToken cancellationToken = default) =>
        UpdateTaskAsync(runId, storeId, t => IsFinished(t)
            ? null
            : t.Owner == owner ? t with { LastError = Trim(error), Owner = null, LeaseUntilUtc = null } : t with { LastError = Trim(error) }, cancellationToken);

    /// <summary>
    /// Marks a store task finished (a second call for a finished task changes nothing) and returns true to exactly
    /// one caller: the one whose claim of the compute step succeeds once every task is finished. A task another
    /// delivery holds on a live lease is not finished here (<see cref="TaskHeldException"/>): that delivery is still
    /// writing the store's data, and finishes it itself. <paramref name="owner"/> is the caller's token, or null for a
    /// caller holding no lease (the poison handler).
    /// </summary>
    public async Task<bool> FinishStoreAsync(string runId, string storeId, StoreTask outcome, string? owner = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Status is not (StoreTaskStatus.Succeeded or StoreTaskStatus.Failed))
        {
            throw new ArgumentException($"A finished task is Succeeded or Failed, not {outcome.Status}.", nameof(outcome));
        }

        var now = _time.GetUtcNow();
        await UpdateTaskAsync(
            runId,
            storeId,
            t => IsFinished(t)
                ? null
                : t is { Status: StoreTaskStatus.Running, LeaseUntilUtc: { } until } && until > now && t.Owner != owner
                    ? throw new TaskHeldException(runId, storeId, until)
                    : outcome with { StoreId = storeId, Attempts = Math.Max(t.Attempts, outcome.Attempts), LastError = Trim(outcome.LastError), Notes = Trim(outcome.Notes), Owner = null, LeaseUntilUtc = null },
            cancellationToken).ConfigureAwait(false);

        // Always try the claim, even for a duplicate: a finisher that crashed after marking its task would
        // otherwise leave the run waiting for ever.
        return await TryClaimComputeAsync(runId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets the run's status and output.</summary>
    public Task SetStatusAsync(string runId, RunStatus status, string? output, CancellationToken cancellationToken = default) =>
        UpdateHeaderAsync(runId, h => h with { Status = status, Output = output ?? h.Output }, cancellationToken);

    /// <summary>Records a compute that ran to the end: its final status and output, and one more computation.</summary>
    public Task CompleteComputeAsync(string runId, RunStatus status, string output, CancellationToken cancellationToken = default) =>
        UpdateHeaderAsync(runId, h => h with { Status = status, Output = output, Computations = h.Computations + 1, ComputeOwner = null }, cancellationToken);

    /// <summary>
    /// Takes the compute lease for one delivery (<paramref name="owner"/>): true when no other delivery holds it (none
    /// took it, or its lease of <paramref name="lease"/> ran out, as when that delivery died). Guarded by the header's
    /// ETag, so two deliveries of the compute message never compute at once.
    /// </summary>
    public async Task<bool> TryStartComputeAsync(string runId, string owner, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        while (true)
        {
            var e = await _tables.GetEntityAsync(TableNames.Runs, runId, HeaderRow, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Run {runId} has no header row in {TableNames.Runs}.");
            var header = HeaderFrom(e);
            var now = _time.GetUtcNow();
            if (header.ComputeStartedUtc is { } started && now - started < lease && header.ComputeOwner != owner)
            {
                return false;
            }

            var taken = header with { ComputeStartedUtc = now, ComputeOwner = owner, ComputeAttempts = header.ComputeAttempts + 1, UpdatedUtc = now };
            var result = await _tables.UpdateEntityAsync(TableNames.Runs, ToEntity(taken), e.ETag!, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// Gives the compute lease back (a compute that failed), recording why, so the next delivery computes at once; only
    /// its owner can: a delivery whose lease ran out and was taken over leaves the new owner's lease alone. The run
    /// stays Computing: the host retries it, and only its poison handler ends it Failed.
    /// </summary>
    public Task ReleaseComputeAsync(string runId, string owner, string error, CancellationToken cancellationToken = default) =>
        UpdateHeaderAsync(runId, h => h.ComputeOwner == owner ? h with { ComputeStartedUtc = null, ComputeOwner = null, ComputeError = Trim(error) } : h, cancellationToken);

    /// <summary>
    /// Ends a run whose compute gave up as Failed with the compute's last error; a run completed meanwhile is left as
    /// it is (decided inside the ETag-guarded write, so a completion in between is never overwritten).
    /// </summary>
    public Task FailComputeAsync(string runId, string reason, CancellationToken cancellationToken = default) =>
        UpdateHeaderAsync(runId, h => h.Status is RunStatus.Completed or RunStatus.CompletedWithErrors or RunStatus.Failed
            ? h
            : h with { Status = RunStatus.Failed, Output = reason + (h.ComputeError is { Length: > 0 } last ? "; last error: " + last : ""), ComputeStartedUtc = null, ComputeOwner = null }, cancellationToken);

    /// <summary>Adds a sentence to the run's output.</summary>
    public Task AppendOutputAsync(string runId, string text, CancellationToken cancellationToken = default) =>
        UpdateHeaderAsync(runId, h => h.Output?.Contains(text, StringComparison.Ordinal) == true ? h : h with { Output = (h.Output is { Length: > 0 } o ? o + "; " : "") + text }, cancellationToken);

    /// <summary>Records in the run's output that its publish step gave up.</summary>
    public Task RecordPublishFailedAsync(string runId, CancellationToken cancellationToken = default) =>
        UpdateHeaderAsync(runId, h => h.Output?.Contains(PublishFailed, StringComparison.Ordinal) == true ? h : h with { Output = (h.Output is { Length: > 0 } o ? o + "; " : "") + PublishFailed }, cancellationToken);

    /// <summary>Records that every fetch message of the run was sent.</summary>
    public Task MarkDispatchedAsync(string runId, CancellationToken cancellationToken = default) =>
        UpdateHeaderAsync(runId, h => h with { Dispatched = true }, cancellationToken);

    /// <summary>Records that the publish step ran.</summary>
    public Task MarkPublishedAsync(string runId, CancellationToken cancellationToken = default) =>
        UpdateHeaderAsync(runId, h => h with { PublishedUtc = _time.GetUtcNow() }, cancellationToken);

    /// <summary>
    /// Claims the compute step when every task is finished; true for exactly one caller. A duplicate delivery of a
    /// finished store calls it too, so a finisher that died between marking its task and claiming cannot stall the run.
    /// </summary>
    public async Task<bool> TryClaimComputeAsync(string runId, CancellationToken cancellationToken = default)
    {
        var tasks = await GetTasksAsync(runId, cancellationToken).ConfigureAwait(false);
        if (tasks.Count == 0 || tasks.Any(t => t.Status is not (StoreTaskStatus.Succeeded or StoreTaskStatus.Failed)))
        {
            return false;
        }

        while (true)
        {
            var e = await _tables.GetEntityAsync(TableNames.Runs, runId, HeaderRow, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Run {runId} has no header row in {TableNames.Runs}.");
            var header = HeaderFrom(e);
            var finished = tasks.Select(t => t.StoreId).ToHashSet(StringComparer.Ordinal);
            if (header.ComputeClaimed || !header.StoreIds.All(finished.Contains))
            {
                return false;
            }

            var claimed = header with { ComputeClaimed = true, Status = RunStatus.Computing, UpdatedUtc = _time.GetUtcNow() };
            var result = await _tables.UpdateEntityAsync(TableNames.Runs, ToEntity(claimed), e.ETag!, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                return true;
            }

            // Someone else wrote the header in between: read it again and see whether they claimed it.
        }
    }

    private async Task UpdateHeaderAsync(string runId, Func<RunHeader, RunHeader> change, CancellationToken cancellationToken)
    {
        while (true)
        {
            var e = await _tables.GetEntityAsync(TableNames.Runs, runId, HeaderRow, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Run {runId} has no header row in {TableNames.Runs}.");
            var header = change(HeaderFrom(e)) with { UpdatedUtc = _time.GetUtcNow() };
            var result = await _tables.UpdateEntityAsync(TableNames.Runs, ToEntity(header), e.ETag!, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            if (result.Status != TableWriteStatus.PreconditionFailed)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Read-change-write of a task row guarded by its ETag, so a duplicate delivery can never turn a finished task
    /// back into a running one. Returns false when <paramref name="change"/> declines (returns null).
    /// </summary>
    private async Task<bool> UpdateTaskAsync(string runId, string storeId, Func<StoreTask, StoreTask?> change, CancellationToken cancellationToken)
    {
        while (true)
        {
            var e = await _tables.GetEntityAsync(TableNames.Runs, runId, TaskPrefix + storeId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Run {runId} has no task for store '{storeId}' in {TableNames.Runs}; was the run started with that store?");
            if (change(TaskFrom(e)) is not { } changed)
            {
                return false;
            }

            var result = await _tables.UpdateEntityAsync(TableNames.Runs, ToEntity(runId, changed), e.ETag!, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                return true;
            }
        }
    }

    /// <summary>Clears a task's lease after a delivery was cancelled (a timeout or a shutdown), recording why; only its owner's.</summary>
    public Task ReleaseStoreAsync(string runId, string storeId, string owner, string reason, CancellationToken cancellationToken = default) =>
        UpdateTaskAsync(runId, storeId, t => IsFinished(t) || t.Owner != owner ? null : t with { LastError = Trim(reason), Owner = null, LeaseUntilUtc = null }, cancellationToken);

    private static bool IsFinished(StoreTask task) => task.Status is StoreTaskStatus.Succeeded or StoreTaskStatus.Failed;

    private static string? Trim(string? error) => error is { Length: > MaxErrorLength } ? error[..MaxErrorLength] + "…" : error;

    private static TableEntity ToEntity(RunHeader h) => new(h.RunId, HeaderRow)
    {
        ["Status"] = h.Status.ToString(),
        ["From"] = StoreCalendar.Format(h.From),
        ["To"] = StoreCalendar.Format(h.To),
        ["FetchFrom"] = StoreCalendar.Format(h.FetchFrom),
        ["Source"] = h.Source,
        ["Stores"] = string.Join(',', h.StoreIds),
        ["ComputeClaimed"] = h.ComputeClaimed,
        ["CreatedUtc"] = h.CreatedUtc,
        ["UpdatedUtc"] = h.UpdatedUtc,
        ["Output"] = h.Output,
        ["Computations"] = h.Computations,
        ["ComputeStartedUtc"] = h.ComputeStartedUtc,
        ["PublishedUtc"] = h.PublishedUtc,
        ["ComputeOwner"] = h.ComputeOwner,
        ["ComputeAttempts"] = h.ComputeAttempts,
        ["ComputeError"] = h.ComputeError,
        ["Dispatched"] = h.Dispatched,
    };

    private static RunHeader HeaderFrom(TableEntity e) => new(
        e.PartitionKey,
        Enum.Parse<RunStatus>(e.GetString("Status") ?? nameof(RunStatus.Running)),
        Date(e, "From"),
        Date(e, "To"),
        Date(e, "FetchFrom"),
        e.GetString("Source") ?? "",
        e.GetString("Stores") is { Length: > 0 } s ? s.Split(',') : [],
        e.GetBoolean("ComputeClaimed") ?? false,
        e.GetDateTimeOffset("CreatedUtc") ?? DateTimeOffset.MinValue,
        e.GetDateTimeOffset("UpdatedUtc") ?? DateTimeOffset.MinValue,
        e.GetString("Output"))
    {
        Computations = e.GetInt32("Computations") ?? 0,
        ComputeStartedUtc = e.GetDateTimeOffset("ComputeStartedUtc"),
        PublishedUtc = e.GetDateTimeOffset("PublishedUtc"),
        ComputeOwner = e.GetString("ComputeOwner"),
        ComputeAttempts = e.GetInt32("ComputeAttempts") ?? 0,
        ComputeError = e.GetString("ComputeError"),

        // Runs written before the flag existed were dispatched in the same call that wrote them.
        Dispatched = e.GetBoolean("Dispatched") ?? true,
    };

    private static TableEntity ToEntity(string runId, StoreTask t) => new(runId, TaskPrefix + t.StoreId)
    {
        ["Status"] = t.Status.ToString(),
        ["Attempts"] = t.Attempts,
        ["Rows"] = t.Rows,
        ["Quarantined"] = t.Quarantined,
        ["DurationMs"] = t.DurationMs,
        ["LastError"] = t.LastError,
        ["CorrectedFrom"] = t.CorrectedFrom is { } d ? StoreCalendar.Format(d) : null,
        ["Notes"] = t.Notes,
        ["Owner"] = t.Owner,
        ["LeaseUntilUtc"] = t.LeaseUntilUtc,
    };

    private static StoreTask TaskFrom(TableEntity e) => new(
        e.RowKey[TaskPrefix.Length..],
        Enum.Parse<StoreTaskStatus>(e.GetString("Status") ?? nameof(StoreTaskStatus.Pending)),
        e.GetInt32("Attempts") ?? 0,
        e.GetInt64("Rows") ?? 0,
        e.GetInt64("Quarantined") ?? 0,
        e.GetInt64("DurationMs") ?? 0,
        e.GetString("LastError"))
    {
        CorrectedFrom = e.GetString("CorrectedFrom") is not null ? Date(e, "CorrectedFrom") : null,
        Notes = e.GetString("Notes"),
        Owner = e.GetString("Owner"),
        LeaseUntilUtc = e.GetDateTimeOffset("LeaseUntilUtc"),
    };

    private static DateOnly Date(TableEntity e, string name) =>
        StoreCalendar.TryParse(e.GetString(name), out var d) ? d : throw new InvalidDataException($"Run {e.PartitionKey}: '{name}' is not a yyyy-MM-dd date.");
}
