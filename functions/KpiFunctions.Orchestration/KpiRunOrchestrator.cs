using System.Globalization;
using Microsoft.DurableTask;

namespace KpiFunctions.Orchestration;

/// <summary>
/// A run as a business process: plan the window and FX rates; then, chunk after chunk of the window in date order
/// (one chunk for a nightly run, many for a long backfill, so a run needs one chunk's memory), fetch every store at
/// once, each with the plan's retry policy, and once all are in compute KPIs for the stores fetched and raise their
/// alerts; after the last chunk publish the semantic dataset, ask Power BI to refresh, write the weekly review pack when
/// the window holds a Sunday, send the alerts to the configured webhooks, and record how it went. A store that fails
/// every attempt is recorded with its last error, left out of the chunks after, and the others go on: the run ends
/// CompletedWithErrors, naming it. Deterministic: no I/O, clock or randomness here, and no ConfigureAwait (it would
/// resume off the orchestration's thread and break replay).
/// </summary>
public static class KpiRunOrchestrator
{
    /// <summary>
    /// Registers the orchestrator under <see cref="KpiTasks.KpiRun"/>. Here, beside it, because the Durable analyzers
    /// follow an orchestrator registered in another file into a syntax tree they cannot analyse, and crash.
    /// </summary>
    public static DurableTaskRegistry Register(DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry.AddOrchestratorFunc<RunInput, RunResult>(KpiTasks.KpiRun, RunAsync);
    }

    /// <summary>Runs the orchestration; the instance id is the run's id.</summary>
    public static async Task<RunResult> RunAsync(TaskOrchestrationContext context, RunInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        context.SetCustomStatus(new RunProgress("planning", 0, 0, 0, 0, []));
        var plan = await context.CallActivityAsync<RunPlan>(KpiTasks.PlanRun, new PlanRequest(context.InstanceId, input));
        var retry = TaskOptions.FromRetryPolicy(new RetryPolicy(
            plan.Retry.MaxAttempts, TimeSpan.FromSeconds(plan.Retry.FirstRetrySeconds), plan.Retry.BackoffCoefficient));
        IReadOnlyList<RunChunk> chunks = plan.Chunks.Count > 0 ? plan.Chunks : [new RunChunk(plan.FetchFrom, plan.From, plan.To)];

        // Every store's outcome over the chunks so far, in plan order; a store that failed a chunk is fetched no more.
        var outcomes = new Dictionary<string, StoreOutcome>(StringComparer.Ordinal);
        var compute = new ComputeOutcome(0, [], [], 0);
        AlertsOutcome? alerts = new(0, 0);
        string? alertsFailure = null;
        try
        {
            for (var i = 0; i < chunks.Count; i++)
            {
                var chunk = chunks[i];
                var progress = new ChunkProgress(plan, i + 1, chunks.Count);
                var dropped = plan.StoreIds.Where(id => outcomes.GetValueOrDefault(id)?.Succeeded == false).Select(id => outcomes[id]).ToArray();
                var stores = plan.StoreIds.Where(id => outcomes.GetValueOrDefault(id)?.Succeeded != false).ToArray();
                if (i > 0 && stores.Length == 0)
                {
                    break; // every store failed: nothing left to fetch or compute
                }

                var fetchedNow = await FetchAllAsync(context, plan, chunk, stores, dropped, progress, retry);
                foreach (var outcome in fetchedNow)
                {
                    outcomes[outcome.StoreId] = outcomes.TryGetValue(outcome.StoreId, out var before) ? Merge(before, outcome) : outcome;
                }

                var fetched = fetchedNow.Where(o => o.Succeeded).ToArray();
                SetStage(context, "computing", progress, [.. dropped, .. fetchedNow]);
                var corrected = fetched.Where(o => o.CorrectedFrom is not null).ToArray();
                var computed = await context.CallActivityAsync<ComputeOutcome>(KpiTasks.ComputeKpis, new ComputeWork(
                    plan.RunId, chunk.From, chunk.To, [.. fetched.Select(o => o.StoreId)],
                    corrected.ToDictionary(o => o.StoreId, o => o.CorrectedFrom!.Value, StringComparer.Ordinal)), retry);
                compute = new ComputeOutcome(compute.KpiRows + computed.KpiRows, [.. compute.NotFetched, .. computed.NotFetched], [.. compute.Mismatches, .. computed.Mismatches], computed.TolerancePct);

                // A chunk's alerts look back over the weeks before it, which earlier chunks computed.
                SetStage(context, "alerts", progress, [.. dropped, .. fetchedNow]);
                var alertsFrom = corrected.Select(o => o.CorrectedFrom!.Value).Append(chunk.From).Min();
                var (raised, failure) = await AlertsAsync(context, new AlertsWork(alertsFrom, chunk.To, [.. fetched.Select(o => o.StoreId)]), retry);
                alerts = raised is null || alerts is null ? null : new AlertsOutcome(alerts.Alerts + raised.Alerts, alerts.Critical + raised.Critical);
                alertsFailure ??= failure;
            }

            var all = plan.StoreIds.Select(id => outcomes[id]).ToArray();
            var failed = all.Where(o => !o.Succeeded).ToArray();
            var corrections = all.Where(o => o.Succeeded && o.CorrectedFrom is not null).ToArray();
            var alertNote = alertsFailure is not null
                ? "alerts failed: " + alertsFailure
                : string.Create(CultureInfo.InvariantCulture, $"{alerts!.Alerts} alerts ({alerts.Critical} critical)");
            var output = string.Create(CultureInfo.InvariantCulture,
                $"{compute.KpiRows} KPI rows; {all.Sum(o => o.Quarantined)} records quarantined; {alertNote}") +
                (failed.Length > 0 ? "; failed stores: " + string.Join(", ", failed.Select(o => o.StoreId)) : "") +
                (corrections.Length > 0
                    ? "; late order changes or settled fees corrected earlier days of " + string.Join(", ", corrections.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.StoreId} (from {o.CorrectedFrom:yyyy-MM-dd})")))
                    : "") +
                (compute.Mismatches.Count > 0
                    ? string.Create(CultureInfo.InvariantCulture, $"; {compute.Mismatches.Count} store-day(s) differ from the platform's own figures by more than {compute.TolerancePct} %: ") + string.Join("; ", compute.Mismatches)
                    : "");

            var last = new ChunkProgress(plan, chunks.Count, chunks.Count);
            SetStage(context, "publishing", last, all);
            output += await PublishAsync(context, plan, last, all, retry);
            ReportOutcome? report = null;
            if (plan.ReportWeek is { } week)
            {
                SetStage(context, "reporting", last, all);
                (report, var reportNote) = await ReportAsync(context, new ReportWork(plan.RunId, week), retry);
                output += reportNote;
            }

            if (plan.NotifyAlerts)
            {
                SetStage(context, "notifying", last, all);
                var notifyFrom = corrections.Select(o => o.CorrectedFrom!.Value).Append(plan.From).Min();
                output += await NotifyAsync(context, new NotifyWork(plan.RunId, notifyFrom, plan.To, [.. all.Where(o => o.Succeeded).Select(o => o.StoreId)], ReportPath: report?.Path));
            }

            var state = failed.Length > 0 ? RunState.CompletedWithErrors : RunState.Completed;
            await context.CallActivityAsync(KpiTasks.RecordRun, new RunRecord(plan.RunId, state, output, all), retry);
            SetStage(context, "done", last, all);
            return new RunResult(plan.RunId, state, output, all, compute) { Report = report };
        }
        catch (TaskFailedException ex)
        {
            // The KPIs could not be computed (or the outcome not recorded): the run failed; it says why, then fails.
            var why = $"{ex.TaskName} failed: {ex.FailureDetails.ErrorMessage}";
            var sofar = plan.StoreIds.Where(outcomes.ContainsKey).Select(id => outcomes[id]).ToArray();
            await context.CallActivityAsync(KpiTasks.RecordRun, new RunRecord(plan.RunId, RunState.Failed, why, sofar), retry);
            throw;
        }
    }

    /// <summary>
    /// A store's outcome over two chunks: rows and quarantined records add up, the earliest correction and every note
    /// stay, the time adds up; a failure in the later chunk fails the store with that chunk's error.
    /// </summary>
    private static StoreOutcome Merge(StoreOutcome before, StoreOutcome now) => now with
    {
        Rows = before.Rows + now.Rows,
        Quarantined = before.Quarantined + now.Quarantined,
        CorrectedFrom = before.CorrectedFrom is { } earlier && (now.CorrectedFrom is null || earlier < now.CorrectedFrom) ? earlier : now.CorrectedFrom,
        Notes = [.. before.Notes, .. now.Notes],
        DurationMs = before.DurationMs + now.DurationMs,
    };

    /// <summary>
    /// Fans out a fetch per store for the chunk and fans in as they finish, keeping the custom status current (stores
    /// <paramref name="dropped"/> after failing an earlier chunk count as failed); outcomes in plan order.
    /// </summary>
    private static async Task<IReadOnlyList<StoreOutcome>> FetchAllAsync(TaskOrchestrationContext context, RunPlan plan, RunChunk chunk, IReadOnlyList<string> storeIds, IReadOnlyList<StoreOutcome> dropped, ChunkProgress progress, TaskOptions retry)
    {
        var pending = storeIds.Select(id => FetchAsync(context, plan, chunk, id, retry)).ToList();
        var finished = new List<StoreOutcome>(dropped);
        SetStage(context, "fetching", progress, finished);
        while (pending.Count > 0)
        {
            var done = await Task.WhenAny(pending);
            pending.Remove(done);
            finished.Add(await done);
            SetStage(context, "fetching", progress, finished);
        }

        var order = plan.StoreIds.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal);
        return [.. finished.Skip(dropped.Count).OrderBy(o => order[o.StoreId])];
    }

    private static async Task<StoreOutcome> FetchAsync(TaskOrchestrationContext context, RunPlan plan, RunChunk chunk, string storeId, TaskOptions retry)
    {
        try
        {
            return await context.CallActivityAsync<StoreOutcome>(KpiTasks.FetchStore, new StoreWork(plan.RunId, storeId, chunk.FetchFrom, chunk.To), retry);
        }
        catch (TaskFailedException ex)
        {
            return new StoreOutcome(storeId, false, 0, 0, string.Create(CultureInfo.InvariantCulture,
                $"gave up after {plan.Retry.MaxAttempts} attempt(s); last error: {ex.FailureDetails.ErrorMessage}"))
            {
                Attempts = plan.Retry.MaxAttempts,
            };
        }
    }

    /// <summary>Alerts are secondary: a failure is reported in the output and the KPIs stand.</summary>
    private static async Task<(AlertsOutcome? Alerts, string? Failure)> AlertsAsync(TaskOrchestrationContext context, AlertsWork work, TaskOptions retry)
    {
        try
        {
            return (await context.CallActivityAsync<AlertsOutcome>(KpiTasks.DetectAlerts, work, retry), null);
        }
        catch (TaskFailedException ex)
        {
            return (null, ex.FailureDetails.ErrorMessage);
        }
    }

    /// <summary>The weekly review pack is secondary too: a failure is reported in the output and the run stands.</summary>
    private static async Task<(ReportOutcome? Report, string Note)> ReportAsync(TaskOrchestrationContext context, ReportWork work, TaskOptions retry)
    {
        try
        {
            var report = await context.CallActivityAsync<ReportOutcome>(KpiTasks.WriteWeeklyReport, work, retry);
            return (report, $"; weekly report {report.Week}: {report.Path}");
        }
        catch (TaskFailedException ex)
        {
            return (null, "; weekly report failed: " + ex.FailureDetails.ErrorMessage);
        }
    }

    /// <summary>Publishes, then asks for the Power BI refresh when configured; either failing is reported, not fatal (the KPIs stand).</summary>
    private static async Task<string> PublishAsync(TaskOrchestrationContext context, RunPlan plan, ChunkProgress progress, IReadOnlyCollection<StoreOutcome> outcomes, TaskOptions retry)
    {
        try
        {
            await context.CallActivityAsync<string>(KpiTasks.PublishSemantic, plan.RunId, retry);
        }
        catch (TaskFailedException ex)
        {
            return "; publish failed: " + ex.FailureDetails.ErrorMessage;
        }

        if (!plan.RefreshPowerBi)
        {
            return "";
        }

        SetStage(context, "refreshing", progress, outcomes);
        try
        {
            var request = await context.CallActivityAsync<string?>(KpiTasks.RefreshPowerBi, plan.RunId);
            return "; Power BI refresh requested" + (request is null ? "" : $" (request {request})");
        }
        catch (TaskFailedException ex)
        {
            return "; Power BI refresh failed: " + ex.FailureDetails.ErrorMessage;
        }
    }

    /// <summary>
    /// Messages come last and are secondary: a failure is reported in the output and the run keeps its state. Not
    /// retried by the orchestrator: the activity retries each delivery itself, and a whole retry would send the
    /// messages that did arrive again. The report path is null until runs write a weekly report.
    /// </summary>
    private static async Task<string> NotifyAsync(TaskOrchestrationContext context, NotifyWork work)
    {
        try
        {
            var sent = await context.CallActivityAsync<NotifyOutcome>(KpiTasks.NotifyAlerts, work);
            return sent.Lines.Count == 0 ? "" : "; alert messages: " + string.Join(", ", sent.Lines);
        }
        catch (TaskFailedException ex)
        {
            return "; alert messages failed: " + ex.FailureDetails.ErrorMessage;
        }
    }

    private static void SetStage(TaskOrchestrationContext context, string stage, ChunkProgress progress, IReadOnlyCollection<StoreOutcome> finished)
    {
        var failed = finished.Where(o => !o.Succeeded).Select(o => o.StoreId).ToArray();
        var stores = progress.Plan.StoreIds.Count;
        context.SetCustomStatus(new RunProgress(stage, stores, finished.Count - failed.Length, failed.Length, stores - finished.Count, failed)
        {
            Chunk = progress.Chunk,
            Chunks = progress.Chunks,
        });
    }

    /// <summary>Where in the plan's chunks the run stands, for the custom status.</summary>
    private sealed record ChunkProgress(RunPlan Plan, int Chunk, int Chunks);
}
