namespace KpiFunctions.Pipeline.Runs;

/// <summary>A run's header row in the run summary.</summary>
/// <param name="RunId">Run id (the orchestration's instance id).</param>
/// <param name="Status">Status.</param>
/// <param name="From">First store-local day KPIs are computed for.</param>
/// <param name="To">Last store-local day.</param>
/// <param name="FetchFrom">First day fetched (earlier than <paramref name="From"/> when month-to-date history is fetched too).</param>
/// <param name="Source">Source name.</param>
/// <param name="StoreIds">Stores in the run.</param>
/// <param name="CreatedUtc">When the run was planned.</param>
/// <param name="UpdatedUtc">Last change.</param>
/// <param name="Output">Summary when finished.</param>
/// <param name="Owner">Who runs it, for a local run (<see cref="RunOwner"/>); null on the Functions app.</param>
public sealed record RunHeader(
    string RunId,
    RunStatus Status,
    DateOnly From,
    DateOnly To,
    DateOnly FetchFrom,
    string Source,
    IReadOnlyList<string> StoreIds,
    DateTimeOffset CreatedUtc,
    DateTimeOffset UpdatedUtc,
    string? Output,
    string? Owner = null);
