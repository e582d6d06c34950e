namespace KpiFunctions.Sources.Synthetic;

/// <summary>
/// One product's traffic on a store-day as the synthetic world makes it: the day's shop-level traffic split over the
/// store's products, so each count summed over the products is the shop's figure exactly.
/// </summary>
/// <param name="ProductId">Product id.</param>
/// <param name="Impressions">Times the product was shown.</param>
/// <param name="Clicks">Clicks on the product (never more than its impressions).</param>
/// <param name="AddToCartUsers">Users who added the product to cart (a user who added two products counts in each).</param>
/// <param name="AddToCartCount">Times the product was added to cart (at least its add-to-cart users).</param>
/// <param name="Gmv">The product's GMV that day (lines of GMV orders placed that day), in the store's currency.</param>
/// <param name="Orders">GMV orders placed that day with the product.</param>
/// <param name="UnitsSold">Units of the product on those orders.</param>
public sealed record ProductTraffic(string ProductId, long Impressions, long Clicks, long AddToCartUsers, long AddToCartCount, decimal Gmv, long Orders, long UnitsSold);
