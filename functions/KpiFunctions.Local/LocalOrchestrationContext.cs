using KpiFunctions.Orchestration;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Entities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KpiFunctions.Local;

/// <summary>
/// Runs an orchestrator's code once, straight through, in-process: each activity call goes to the activities at once
/// (at most <c>maxParallel</c> at a time), retried as its <see cref="TaskOptions"/> say, a failure surfacing as the
/// <see cref="TaskFailedException"/> a Durable host would raise. There is no history and no replay: nothing survives
/// the process, which is all a local run needs. Timers, events and sub-orchestrations are not supported (the run
/// orchestrator uses none).
/// </summary>
internal sealed class LocalOrchestrationContext : TaskOrchestrationContext, IDisposable
{
    private readonly IRunActivities _activities;
    private readonly SemaphoreSlim _slots;
    private readonly TimeProvider _time;
    private readonly CancellationToken _cancellationToken;
    private int _taskIds;

    public LocalOrchestrationContext(string instanceId, IRunActivities activities, int maxParallel, TimeProvider time, CancellationToken cancellationToken)
    {
        InstanceId = instanceId;
        _activities = activities;
        _slots = new SemaphoreSlim(maxParallel, maxParallel);
        _time = time;
        _cancellationToken = cancellationToken;
    }

    /// <summary>The last custom status the orchestrator set.</summary>
    public object? CustomStatus { get; private set; }

    public override TaskName Name => KpiTasks.KpiRun;

    public override string InstanceId { get; }

    public override ParentOrchestrationInstance? Parent => null;

    public override DateTime CurrentUtcDateTime => _time.GetUtcNow().UtcDateTime;

    public override bool IsReplaying => false;

    public override TaskOrchestrationEntityFeature Entities => throw new NotSupportedException("A local run has no entities.");

    protected override ILoggerFactory LoggerFactory => NullLoggerFactory.Instance;

    public override T GetInput<T>() => throw new NotSupportedException("The run orchestrator takes its input as a parameter.");

    public override async Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null)
    {
        var policy = options?.Retry?.Policy;
        var attempts = policy?.MaxNumberOfAttempts ?? 1;
        var wait = policy?.FirstRetryInterval ?? TimeSpan.Zero;
        var taskId = Interlocked.Increment(ref _taskIds);
        for (var attempt = 1; ; attempt++)
        {
            await _slots.WaitAsync(_cancellationToken).ConfigureAwait(false);
            try
            {
                return (TResult)(await _activities.InvokeAsync(name.Name, input, _cancellationToken).ConfigureAwait(false))!;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_cancellationToken.IsCancellationRequested)
            {
                if (attempt >= attempts)
                {
                    throw new TaskFailedException(name.Name, taskId, ex);
                }
            }
            finally
            {
                _slots.Release();
            }

            await Task.Delay(wait, _time, _cancellationToken).ConfigureAwait(false);
            wait = TimeSpan.FromTicks((long)(wait.Ticks * (policy?.BackoffCoefficient ?? 1)));
            if (policy?.MaxRetryInterval is { } max && wait > max)
            {
                wait = max;
            }
        }
    }

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken) => throw new NotSupportedException("A local run has no timers.");

    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default) => throw new NotSupportedException("A local run takes no events.");

    public override void SendEvent(string instanceId, string eventName, object payload) => throw new NotSupportedException("A local run sends no events.");

    public override void SetCustomStatus(object? customStatus) => CustomStatus = customStatus;

    public override Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null) =>
        throw new NotSupportedException("A local run has no sub-orchestrations.");

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true) => throw new NotSupportedException("A local run does not continue as new.");

    public override Guid NewGuid() => throw new NotSupportedException("The run orchestrator makes no GUIDs.");

    public void Dispose() => _slots.Dispose();
}
