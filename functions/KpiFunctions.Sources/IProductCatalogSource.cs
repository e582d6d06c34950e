using KpiFunctions.Core.Domain;

namespace KpiFunctions.Sources;

/// <summary>A source that can list a store's products and SKUs as they are now (the product dimension).</summary>
public interface IProductCatalogSource
{
    /// <summary>
    /// The store's SKUs now, and the SKUs that could not be read; <paramref name="onRawPage"/> sees each page as it
    /// arrives, before anything else is done with it.
    /// </summary>
    Task<(IReadOnlyList<ProductSku> Skus, IReadOnlyList<RejectedRecord> Rejected)> FetchProductsAsync(
        Store store, Func<RawPage, CancellationToken, Task> onRawPage, CancellationToken cancellationToken = default);
}
