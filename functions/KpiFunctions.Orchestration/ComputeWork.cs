namespace KpiFunctions.Orchestration;

/// <summary>The input of the ComputeKpis activity.</summary>
/// <param name="RunId">Run.</param>
/// <param name="From">First store-local day.</param>
/// <param name="To">Last store-local day.</param>
/// <param name="StoreIds">The stores whose fetch succeeded.</param>
/// <param name="EarlierFrom">Stores computed from an earlier day than <paramref name="From"/> (late changes corrected those days).</param>
public sealed record ComputeWork(string RunId, DateOnly From, DateOnly To, IReadOnlyList<string> StoreIds, IReadOnlyDictionary<string, DateOnly> EarlierFrom);
