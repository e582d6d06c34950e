namespace KpiFunctions.Orchestration;

/// <summary>What a run is asked to cover: nothing for the nightly window, or a backfill's days and stores.</summary>
/// <param name="From">First store-local day to compute KPIs for; null with <paramref name="To"/> for the nightly window.</param>
/// <param name="To">Last store-local day; null with <paramref name="From"/> for the nightly window.</param>
/// <param name="StoreIds">Only these stores; null or empty for every enabled store.</param>
/// <param name="FetchFrom">Fetch from this earlier day too (month-to-date history); null to fetch from <paramref name="From"/>.</param>
public sealed record RunInput(DateOnly? From = null, DateOnly? To = null, IReadOnlyList<string>? StoreIds = null, DateOnly? FetchFrom = null);
