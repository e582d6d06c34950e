namespace KpiFunctions.Pipeline.Steps;

/// <summary>What to compute KPIs for.</summary>
/// <param name="From">First store-local day.</param>
/// <param name="To">Last store-local day.</param>
/// <param name="StoreIds">Stores.</param>
public sealed record ComputeRequest(DateOnly From, DateOnly To, IReadOnlyList<string> StoreIds)
{
    /// <summary>Stores whose rows are computed from an earlier day than <see cref="From"/> (late order changes corrected those days).</summary>
    public IReadOnlyDictionary<string, DateOnly> EarlierFrom { get; init; } = new Dictionary<string, DateOnly>();
}
