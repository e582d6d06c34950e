namespace KpiFunctions.Pipeline.Steps;

/// <summary>What a run should cover.</summary>
/// <param name="From">First store-local day to compute KPIs for.</param>
/// <param name="To">Last store-local day.</param>
/// <param name="StoreIds">Only these stores; null for every enabled store.</param>
/// <param name="FetchFrom">Fetch from this earlier day too (e.g. the month start, so month-to-date KPIs have their history).</param>
public sealed record RunRequest(DateOnly From, DateOnly To, IReadOnlyList<string>? StoreIds = null, DateOnly? FetchFrom = null);
