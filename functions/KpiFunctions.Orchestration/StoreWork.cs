namespace KpiFunctions.Orchestration;

/// <summary>The input of the FetchStore activity: one store's days for a run.</summary>
/// <param name="RunId">Run.</param>
/// <param name="StoreId">Store.</param>
/// <param name="From">First store-local day to fetch.</param>
/// <param name="To">Last store-local day to fetch.</param>
public sealed record StoreWork(string RunId, string StoreId, DateOnly From, DateOnly To);
