using KpiFunctions.Core.Domain;

namespace KpiFunctions.Sources;

/// <summary>
/// A source of one store's data, one store-local day at a time. Unit costs are the seller's own and come from no
/// source: they are imported (<c>kpi costs import</c>, UnitCostImport).
/// </summary>
public interface IStoreSource
{
    /// <summary>Short name used in raw blob paths (e.g. synthetic, tiktok).</summary>
    string Name { get; }

    /// <summary>Everything the source has for a store on a store-local day, as of now.</summary>
    Task<SourceBatch> FetchDayAsync(Store store, DateOnly date, CancellationToken cancellationToken = default);
}
