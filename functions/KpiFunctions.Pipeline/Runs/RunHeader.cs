namespace KpiFunctions.Pipeline.Runs;

/// <summary>A run's header row.</summary>
/// <param name="RunId">Run id.</param>
/// <param name="Status">Status.</param>
/// <param name="From">First store-local day KPIs are computed for.</param>
/// <param name="To">Last store-local day.</param>
/// <param name="FetchFrom">First day fetched (earlier than <paramref name="From"/> when month-to-date history is fetched too).</param>
/// <param name="Source">Source name.</param>
/// <param name="StoreIds">Stores in the run.</param>
/// <param name="ComputeClaimed">True once one finisher has claimed the compute step (fan-in, exactly once).</param>
/// <param name="CreatedUtc">When the run started.</param>
/// <param name="UpdatedUtc">Last change.</param>
/// <param name="Output">Summary when finished.</param>
public sealed record RunHeader(
    string RunId,
    RunStatus Status,
    DateOnly From,
    DateOnly To,
    DateOnly FetchFrom,
    string Source,
    IReadOnlyList<string> StoreIds,
    bool ComputeClaimed,
    DateTimeOffset CreatedUtc,
    DateTimeOffset UpdatedUtc,
    string? Output)
{
    /// <summary>How many times the run's KPIs were computed to the end (one, however often the compute step was delivered).</summary>
    public int Computations { get; init; }

    /// <summary>When a delivery of the compute step started computing (its lease), or null.</summary>
    public DateTimeOffset? ComputeStartedUtc { get; init; }

    /// <summary>When the publish step ran, or null.</summary>
    public DateTimeOffset? PublishedUtc { get; init; }

    /// <summary>How many compute deliveries took the lease.</summary>
    public int ComputeAttempts { get; init; }

    /// <summary>Why the last compute attempt failed (the host retries it), or null.</summary>
    public string? ComputeError { get; init; }

    /// <summary>The delivery holding the compute lease (a random token per delivery), or null.</summary>
    public string? ComputeOwner { get; init; }

    /// <summary>
    /// True once the run's fetch messages were all sent. A run whose start died between writing the ledger and
    /// sending them stays false, and the repair step sends them.
    /// </summary>
    public bool Dispatched { get; init; }
}
