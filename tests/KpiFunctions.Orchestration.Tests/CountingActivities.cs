using System.Collections.Concurrent;

namespace KpiFunctions.Orchestration.Tests;

/// <summary>
/// The app's activities, counting every call by activity name (and FetchStore by store), and failing a store's fetch
/// as a test asks: the first N calls, or every call; and NotifyAlerts when asked.
/// </summary>
internal sealed class CountingActivities(IRunActivities inner) : IRunActivities
{
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _failuresLeft = new(StringComparer.Ordinal);

    /// <summary>Fetches that reached the real step, by store: the side effects.</summary>
    public ConcurrentDictionary<string, int> Fetched { get; } = new(StringComparer.Ordinal);

    /// <summary>Calls of an activity, failed ones included.</summary>
    public int Calls(string activity) => _calls.GetValueOrDefault(activity);

    /// <summary>Calls of FetchStore for one store, failed ones included.</summary>
    public int FetchCalls(string storeId) => _calls.GetValueOrDefault(KpiTasks.FetchStore + "|" + storeId);

    /// <summary>Fails the store's next <paramref name="times"/> fetches (int.MaxValue: all of them).</summary>
    public void Fail(string storeId, int times) => _failuresLeft[storeId] = times;

    public Task<RunPlan> PlanAsync(PlanRequest request, CancellationToken cancellationToken = default) => Count(KpiTasks.PlanRun, () => inner.PlanAsync(request, cancellationToken));

    public Task<StoreOutcome> FetchStoreAsync(StoreWork work, CancellationToken cancellationToken = default)
    {
        _calls.AddOrUpdate(KpiTasks.FetchStore + "|" + work.StoreId, 1, (_, n) => n + 1);
        return Count(KpiTasks.FetchStore, () =>
        {
            if (_failuresLeft.TryGetValue(work.StoreId, out var left) && left > 0)
            {
                _failuresLeft[work.StoreId] = left == int.MaxValue ? left : left - 1;
                throw new HttpRequestException($"store {work.StoreId} did not answer");
            }

            Fetched.AddOrUpdate(work.StoreId, 1, (_, n) => n + 1);
            return inner.FetchStoreAsync(work, cancellationToken);
        });
    }

    public Task<ComputeOutcome> ComputeKpisAsync(ComputeWork work, CancellationToken cancellationToken = default) => Count(KpiTasks.ComputeKpis, () => inner.ComputeKpisAsync(work, cancellationToken));

    public Task<AlertsOutcome> DetectAlertsAsync(AlertsWork work, CancellationToken cancellationToken = default) => Count(KpiTasks.DetectAlerts, () => inner.DetectAlertsAsync(work, cancellationToken));

    public Task<string> PublishSemanticAsync(string runId, CancellationToken cancellationToken = default) => Count(KpiTasks.PublishSemantic, () => inner.PublishSemanticAsync(runId, cancellationToken));

    public Task<ReportOutcome> WriteWeeklyReportAsync(ReportWork work, CancellationToken cancellationToken = default) => Count(KpiTasks.WriteWeeklyReport, () => inner.WriteWeeklyReportAsync(work, cancellationToken));

    public Task<string?> RefreshPowerBiAsync(string runId, CancellationToken cancellationToken = default) => Count(KpiTasks.RefreshPowerBi, () => inner.RefreshPowerBiAsync(runId, cancellationToken));

    /// <summary>Makes NotifyAlerts throw, as a bug or a storage outage in it would.</summary>
    public bool FailNotify { get; set; }

    public Task<NotifyOutcome> NotifyAlertsAsync(NotifyWork work, CancellationToken cancellationToken = default) => Count(KpiTasks.NotifyAlerts, () =>
        FailNotify ? throw new InvalidOperationException("the alert deliveries table is unreachable") : inner.NotifyAlertsAsync(work, cancellationToken));

    public Task RecordRunAsync(RunRecord record, CancellationToken cancellationToken = default) => Count(KpiTasks.RecordRun, async () =>
    {
        await inner.RecordRunAsync(record, cancellationToken);
        return true;
    });

    private Task<T> Count<T>(string activity, Func<Task<T>> call)
    {
        _calls.AddOrUpdate(activity, 1, (_, n) => n + 1);
        return call();
    }
}
