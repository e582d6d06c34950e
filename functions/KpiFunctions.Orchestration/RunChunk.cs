namespace KpiFunctions.Orchestration;

/// <summary>One stretch of a run's window, fetched for every store and then computed before the next begins.</summary>
/// <param name="FetchFrom">First day fetched (the run's fetch start for the first chunk, else <paramref name="From"/>).</param>
/// <param name="From">First store-local day KPIs are computed for.</param>
/// <param name="To">Last store-local day.</param>
public sealed record RunChunk(DateOnly FetchFrom, DateOnly From, DateOnly To);
