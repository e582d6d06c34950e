using System.Globalization;
using Microsoft.DurableTask;

namespace KpiFunctions.Orchestration;

/// <summary>
/// A run as a business process: plan the window and FX rates; fetch every store at once, each with the plan's retry
/// policy; once all are in, compute KPIs for the stores fetched, raise alerts, publish the semantic dataset, ask
/// Power BI to refresh, send the alerts to the configured webhooks; record how it went. A store that fails every
/// attempt is recorded with its last error and the others go on: the run ends CompletedWithErrors, naming it.
/// Deterministic: no I/O, clock or randomness here, and no ConfigureAwait (it would resume off the orchestration's
/// thread and break replay).
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

        var outcomes = await FetchAllAsync(context, plan, retry);
        var fetched = outcomes.Where(o => o.Succeeded).ToArray();
        var failed = outcomes.Where(o => !o.Succeeded).ToArray();
        try
        {
            SetStage(context, "computing", plan, outcomes);
            var corrected = fetched.Where(o => o.CorrectedFrom is not null).ToArray();
            var compute = await context.CallActivityAsync<ComputeOutcome>(KpiTasks.ComputeKpis, new ComputeWork(
                plan.RunId, plan.From, plan.To, [.. fetched.Select(o => o.StoreId)],
                corrected.ToDictionary(o => o.StoreId, o => o.CorrectedFrom!.Value, StringComparer.Ordinal)), retry);

            SetStage(context, "alerts", plan, outcomes);
            var alertsFrom = corrected.Select(o => o.CorrectedFrom!.Value).Append(plan.From).Min();
            var alertNote = await AlertsAsync(context, new AlertsWork(alertsFrom, plan.To, [.. fetched.Select(o => o.StoreId)]), retry);

            var output = string.Create(CultureInfo.InvariantCulture,
                $"{compute.KpiRows} KPI rows; {outcomes.Sum(o => o.Quarantined)} records quarantined; {alertNote}") +
                (failed.Length > 0 ? "; failed stores: " + string.Join(", ", failed.Select(o => o.StoreId)) : "") +
                (corrected.Length > 0
                    ? "; late order changes or settled fees corrected earlier days of " + string.Join(", ", corrected.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.StoreId} (from {o.CorrectedFrom:yyyy-MM-dd})")))
                    : "") +
                (compute.Mismatches.Count > 0
                    ? string.Create(CultureInfo.InvariantCulture, $"; {compute.Mismatches.Count} store-day(s) differ from the platform's own figures by more than {compute.TolerancePct} %: ") + string.Join("; ", compute.Mismatches)
                    : "");

            SetStage(context, "publishing", plan, outcomes);
            output += await PublishAsync(context, plan, outcomes, retry);
            ReportOutcome? report = null;
            if (plan.ReportWeek is { } week)
            {
                SetStage(context, "reporting", plan, outcomes);
                (report, var reportNote) = await ReportAsync(context, new ReportWork(plan.RunId, week), retry);
                output += reportNote;
            }

            if (plan.NotifyAlerts)
            {
                SetStage(context, "notifying", plan, outcomes);
                output += await NotifyAsync(context, new NotifyWork(plan.RunId, alertsFrom, plan.To, [.. fetched.Select(o => o.StoreId)], ReportPath: report?.Path));
            }

            var state = failed.Length > 0 ? RunState.CompletedWithErrors : RunState.Completed;
            await context.CallActivityAsync(KpiTasks.RecordRun, new RunRecord(plan.RunId, state, output, outcomes), retry);
            SetStage(context, "done", plan, outcomes);
            return new RunResult(plan.RunId, state, output, outcomes, compute) { Report = report };
        }
        catch (TaskFailedException ex)
        {
            // The KPIs could not be computed (or the outcome not recorded): the run failed; it says why, then fails.
            var why = $"{ex.TaskName} failed: {ex.FailureDetails.ErrorMessage}";
            await context.CallActivityAsync(KpiTasks.RecordRun, new RunRecord(plan.RunId, RunState.Failed, why, outcomes), retry);
            throw;
        }
    }

    /// <summary>Fans out a fetch per store and fans in as they finish, keeping the custom status current; outcomes in plan order.</summary>
    private static async Task<IReadOnlyList<StoreOutcome>> FetchAllAsync(TaskOrchestrationContext context, RunPlan plan, TaskOptions retry)
    {
        var pending = plan.StoreIds.Select(id => FetchAsync(context, plan, id, retry)).ToList();
        var finished = new List<StoreOutcome>(pending.Count);
        SetStage(context, "fetching", plan, finished);
        while (pending.Count > 0)
        {
            var done = await Task.WhenAny(pending);
            pending.Remove(done);
            finished.Add(await done);
            SetStage(context, "fetching", plan, finished);
        }

        var order = plan.StoreIds.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal);
        return [.. finished.OrderBy(o => order[o.StoreId])];
    }

    private static async Task<StoreOutcome> FetchAsync(TaskOrchestrationContext context, RunPlan plan, string storeId, TaskOptions retry)
    {
        try
        {
            return await context.CallActivityAsync<StoreOutcome>(KpiTasks.FetchStore, new StoreWork(plan.RunId, storeId, plan.FetchFrom, plan.To), retry);
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
    private static async Task<string> AlertsAsync(TaskOrchestrationContext context, AlertsWork work, TaskOptions retry)
    {
        try
        {
            var alerts = await context.CallActivityAsync<AlertsOutcome>(KpiTasks.DetectAlerts, work, retry);
            return string.Create(CultureInfo.InvariantCulture, $"{alerts.Alerts} alerts ({alerts.Critical} critical)");
        }
        catch (TaskFailedException ex)
        {
            return "alerts failed: " + ex.FailureDetails.ErrorMessage;
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
    private static async Task<string> PublishAsync(TaskOrchestrationContext context, RunPlan plan, IReadOnlyCollection<StoreOutcome> outcomes, TaskOptions retry)
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

        SetStage(context, "refreshing", plan, outcomes);
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

    private static void SetStage(TaskOrchestrationContext context, string stage, RunPlan plan, IReadOnlyCollection<StoreOutcome> finished)
    {
        var failed = finished.Where(o => !o.Succeeded).Select(o => o.StoreId).ToArray();
        context.SetCustomStatus(new RunProgress(stage, plan.StoreIds.Count, finished.Count - failed.Length, failed.Length, plan.StoreIds.Count - finished.Count, failed));
    }
}
