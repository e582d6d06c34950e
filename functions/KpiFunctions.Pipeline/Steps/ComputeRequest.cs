namespace KpiFunctions.Pipeline.Steps;

/// <summary>What to compute KPIs for.</summary>
/// <param name="From">First store-local day.</param>
/// <param name="To">Last store-local day.</param>
/// <param name="StoreIds">Stores.</param>
public sealed record ComputeRequest(DateOnly From, DateOnly To, IReadOnlyList<string> StoreIds);
