namespace KpiFunctions.Core.Domain;

/// <summary>A store's traffic for one store-local day.</summary>
/// <param name="StoreId">Store.</param>
/// <param name="Date">Store-local day.</param>
/// <param name="Impressions">Product impressions.</param>
/// <param name="ProductClicks">Clicks on products; null when the source does not give them at shop level.</param>
/// <param name="PageViews">Product detail page views.</param>
/// <param name="Visitors">Unique product page visitors that day.</param>
/// <param name="AddToCartUsers">Unique users who added to cart that day; null when the source does not give them (TikTok: only for LIVE products).</param>
public sealed record TrafficDaily(
    string StoreId,
    DateOnly Date,
    long Impressions,
    long? ProductClicks,
    long PageViews,
    long Visitors,
    long? AddToCartUsers);
