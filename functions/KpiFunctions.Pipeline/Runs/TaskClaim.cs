namespace KpiFunctions.Pipeline.Runs;

/// <summary>What a delivery's attempt to take a store task found.</summary>
/// <param name="Kind">Taken, finished already, or held by another delivery.</param>
/// <param name="Until">For a held task: when the holder's lease runs out.</param>
/// <param name="Attempt">For a started task: which attempt this is (1 for the first); for an exhausted one, how many ran.</param>
public readonly record struct TaskClaim(TaskClaimKind Kind, DateTimeOffset? Until, int Attempt)
{
    /// <summary>The task is finished: the delivery is a duplicate.</summary>
    public static TaskClaim Finished { get; } = new(TaskClaimKind.Finished, null, 0);

    /// <summary>The task is this delivery's to run, as attempt <paramref name="attempt"/>.</summary>
    public static TaskClaim StartedAttempt(int attempt) => new(TaskClaimKind.Started, null, attempt);

    /// <summary>Another delivery holds the task until <paramref name="until"/>.</summary>
    public static TaskClaim HeldUntil(DateTimeOffset until) => new(TaskClaimKind.Held, until, 0);

    /// <summary>The task was started <paramref name="attempts"/> times, the most allowed: it is not started again.</summary>
    public static TaskClaim ExhaustedAfter(int attempts) => new(TaskClaimKind.Exhausted, null, attempts);
}

/// <summary>Another delivery holds the store's task on a live lease: it, not the caller, finishes the task.</summary>
public sealed class TaskHeldException(string runId, string storeId, DateTimeOffset until)
    : InvalidOperationException($"Store {storeId} of run {runId} is held by another delivery until {until:yyyy-MM-dd HH:mm:ss} UTC.")
{
    /// <summary>When the holder's lease runs out.</summary>
    public DateTimeOffset Until { get; } = until;
}

/// <summary>The kinds of <see cref="TaskClaim"/>.</summary>
public enum TaskClaimKind
{
    /// <summary>Taken by this delivery.</summary>
    Started,

    /// <summary>Finished already.</summary>
    Finished,

    /// <summary>Held by another live delivery.</summary>
    Held,

    /// <summary>Started the most times allowed already.</summary>
    Exhausted,
}
