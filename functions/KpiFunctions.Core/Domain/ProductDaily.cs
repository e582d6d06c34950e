namespace KpiFunctions.Core.Domain;

/// <summary>One product's traffic and sales on a store-local day, as the platform's product analytics give them.</summary>
/// <param name="StoreId">Store.</param>
/// <param name="Date">Store-local day.</param>
/// <param name="ProductId">Product id.</param>
/// <param name="Impressions">Times the product was shown; null when the source does not give it.</param>
/// <param name="Clicks">Clicks on the product.</param>
/// <param name="AddToCartUsers">Users who added the product to cart (unique for this product only).</param>
/// <param name="Gmv">The product's GMV as the platform counts it; null when the source does not give it.</param>
/// <param name="Currency">ISO 4217 currency of <paramref name="Gmv"/> (the store's).</param>
/// <param name="Orders">Orders with the product; null when the source does not give them.</param>
/// <param name="UnitsSold">Units of the product sold; null when the source does not give them.</param>
public sealed record ProductDaily(
    string StoreId,
    DateOnly Date,
    string ProductId,
    long? Impressions,
    long Clicks,
    long AddToCartUsers,
    decimal? Gmv,
    string Currency,
    long? Orders,
    long? UnitsSold);
