namespace KpiFunctions.Pipeline.Runs;

/// <summary>What a delivery's attempt to take a store task found.</summary>
/// <param name="Kind">Taken, finished already, or held by another delivery.</param>
/// <param name="Until">For a held task: when the holder's lease runs out.</param>
public readonly record struct TaskClaim(TaskClaimKind Kind, DateTimeOffset? Until)
{
    /// <summary>The task is this delivery's to run.</summary>
    public static TaskClaim Started { get; } = new(TaskClaimKind.Started, null);

    /// <summary>The task is finished: the delivery is a duplicate.</summary>
    public static TaskClaim Finished { get; } = new(TaskClaimKind.Finished, null);

    /// <summary>Another delivery holds the task until <paramref name="until"/>.</summary>
    public static TaskClaim HeldUntil(DateTimeOffset until) => new(TaskClaimKind.Held, until);
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
}
