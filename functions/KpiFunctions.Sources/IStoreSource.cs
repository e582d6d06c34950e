using KpiFunctions.Core.Domain;

namespace KpiFunctions.Sources;

/// <summary>A source of one store's data, one store-local day at a time.</summary>
public interface IStoreSource
{
    /// <summary>Short name used in raw blob paths (e.g. synthetic, tiktok).</summary>
    string Name { get; }

    /// <summary>Everything the source has for a store on a store-local day, as of now.</summary>
    Task<SourceBatch> FetchDayAsync(Store store, DateOnly date, CancellationToken cancellationToken = default);

    /// <summary>The store's SKU unit costs (all entries, each with the day it starts).</summary>
    Task<IReadOnlyList<ProductCost>> FetchCostsAsync(Store store, CancellationToken cancellationToken = default);
}
