using KpiFunctions.Core.Catalog;

namespace KpiFunctions.Core.Engine;

/// <summary>The KPIs of one group of store-days.</summary>
/// <param name="Key">Group key.</param>
/// <param name="StoreIds">Stores in the group, sorted.</param>
/// <param name="From">First day in the group.</param>
/// <param name="To">Last day in the group.</param>
/// <param name="Currency">Currency of money values (a store currency or the reporting currency).</param>
/// <param name="Kpis">KPI results in catalog order.</param>
/// <param name="Measures">The group's aggregated base measures.</param>
public sealed record KpiGroupResult(
    string Key,
    IReadOnlyList<string> StoreIds,
    DateOnly From,
    DateOnly To,
    string Currency,
    IReadOnlyList<KpiResult> Kpis,
    IReadOnlyDictionary<string, MeasureValue> Measures)
{
    /// <summary>A KPI result by id.</summary>
    public KpiResult Kpi(string id) =>
        Kpis.FirstOrDefault(k => k.KpiId == id) ?? throw new ArgumentException($"Group '{Key}' has no KPI '{id}'.", nameof(id));
}
