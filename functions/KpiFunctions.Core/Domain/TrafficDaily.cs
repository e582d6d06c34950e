namespace KpiFunctions.Core.Domain;

/// <summary>A store's traffic for one store-local day.</summary>
/// <param name="StoreId">Store.</param>
/// <param name="Date">Store-local day.</param>
/// <param name="Impressions">Product impressions.</param>
/// <param name="ProductClicks">Clicks on products, summed over the store's products; null when the source does not give them.</param>
/// <param name="PageViews">Product detail page views.</param>
/// <param name="Visitors">Unique product page visitors that day.</param>
/// <param name="AddToCartUsers">Users who added a product to cart that day, unique per product and summed over products (a user who added two products counts twice); null when the source does not give them.</param>
public sealed record TrafficDaily(
    string StoreId,
    DateOnly Date,
    long Impressions,
    long? ProductClicks,
    long PageViews,
    long Visitors,
    long? AddToCartUsers);
