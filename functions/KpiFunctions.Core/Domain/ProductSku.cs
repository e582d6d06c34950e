namespace KpiFunctions.Core.Domain;

/// <summary>A SKU of a store's product, as the store lists it now (the product dimension).</summary>
/// <param name="StoreId">Store.</param>
/// <param name="ProductId">Product id.</param>
/// <param name="SkuId">SKU id (what order lines and costs refer to).</param>
/// <param name="ProductName">Product title.</param>
/// <param name="SellerSku">The seller's own SKU code, if any.</param>
/// <param name="Status">The platform's listing status (e.g. ACTIVATE, SELLER_DEACTIVATED), as given.</param>
/// <param name="Price">Current sale price; null when the source gives none.</param>
/// <param name="Currency">ISO 4217 currency of the price.</param>
public sealed record ProductSku(
    string StoreId,
    string ProductId,
    string SkuId,
    string ProductName,
    string? SellerSku,
    string Status,
    decimal? Price,
    string Currency);
