using KpiFunctions.Core.Domain;

namespace KpiFunctions.Sources;

/// <summary>A source that can list a store's products and SKUs as they are now (the product dimension).</summary>
public interface IProductCatalogSource
{
    /// <summary>
    /// The store's SKUs now, the SKUs that could not be read and, when the source reads stock with them, the stock;
    /// <paramref name="onRawPage"/> sees each page as it arrives, before anything else is done with it.
    /// </summary>
    Task<ProductListing> FetchProductsAsync(Store store, Func<RawPage, CancellationToken, Task> onRawPage, CancellationToken cancellationToken = default);
}

/// <summary>A store's product list as read now.</summary>
/// <param name="Skus">Every SKU that could be read.</param>
/// <param name="Rejected">Products that could not be read, with the reasons.</param>
public sealed record ProductListing(IReadOnlyList<ProductSku> Skus, IReadOnlyList<RejectedRecord> Rejected)
{
    /// <summary>Stock read with the list, for the store-local day it stands for; null when there is no complete reading.</summary>
    public StockReading? Stock { get; init; }

    /// <summary>Why the list could not be read at all (the products curated before stay); null when it was read.</summary>
    public string? Unavailable { get; init; }
}

/// <summary>Units on hand of every sellable SKU, read at one moment and standing for the end of <paramref name="Day"/>.</summary>
/// <param name="Day">The store-local day whose end the reading stands for.</param>
/// <param name="Units">One snapshot per SKU.</param>
public sealed record StockReading(DateOnly Day, IReadOnlyList<InventorySnapshot> Units);
