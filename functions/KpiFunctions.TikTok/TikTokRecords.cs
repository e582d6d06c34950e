using KpiFunctions.Core.Domain;

namespace KpiFunctions.TikTok;

/// <summary>
/// An order as the Order API gives it, cleaned: amounts as <c>decimal</c> in the order's currency, times in UTC, the
/// status mapped, the buyer's id hashed, personal fields gone, line items of one SKU at one price folded into one line
/// with a quantity (the API sends a line item per unit; reference digest 7.5). What the Order API does not carry
/// (the sales channel, the creator, platform fees and commission) is not here: those come from other APIs.
/// </summary>
/// <param name="OrderId">Order id.</param>
/// <param name="Status">Status.</param>
/// <param name="CreatedUtc">Placed.</param>
/// <param name="PaidUtc">Paid, or null.</param>
/// <param name="UpdatedUtc">Last changed.</param>
/// <param name="Currency">ISO 4217 currency of every amount.</param>
/// <param name="Subtotal">Products after seller discounts, before platform discounts (payment.sub_total + platform_discount).</param>
/// <param name="Shipping">Shipping the buyer paid.</param>
/// <param name="SellerDiscount">Seller-funded discount.</param>
/// <param name="PlatformDiscount">Platform-funded discount.</param>
/// <param name="Tax">Tax.</param>
/// <param name="Total">What the buyer paid.</param>
/// <param name="IsSample">A sample order: kept, flagged, never GMV.</param>
/// <param name="BuyerIdHash">The buyer's user_id hashed with the secret salt.</param>
/// <param name="Lines">Lines, one per SKU and price.</param>
public sealed record TikTokOrder(
    string OrderId,
    OrderStatus Status,
    DateTimeOffset CreatedUtc,
    DateTimeOffset? PaidUtc,
    DateTimeOffset UpdatedUtc,
    string Currency,
    decimal Subtotal,
    decimal Shipping,
    decimal SellerDiscount,
    decimal PlatformDiscount,
    decimal Tax,
    decimal Total,
    bool IsSample,
    string BuyerIdHash,
    IReadOnlyList<OrderLine> Lines)
{
    /// <summary>Paid, not cancelled, not a sample: what GMV is made of.</summary>
    public bool CountsAsGmv => PaidUtc is not null && Status != OrderStatus.Cancelled && !IsSample;
}

/// <summary>A return or refund as the Return API gives it, cleaned.</summary>
/// <param name="ReturnId">Return id.</param>
/// <param name="OrderId">The order.</param>
/// <param name="Status">Mapped status (the API's RETURN_OR_REFUND_REQUEST_COMPLETE is <see cref="RefundStatus.Completed"/>).</param>
/// <param name="RequestedUtc">Created.</param>
/// <param name="UpdatedUtc">Last changed; for a completed return, when it completed.</param>
/// <param name="Currency">Currency of the amount.</param>
/// <param name="Amount">refund_amount.refund_total.</param>
/// <param name="IsReturn">Goods come back (RETURN_AND_REFUND), not money only.</param>
/// <param name="Reason">Reason text.</param>
public sealed record TikTokReturn(
    string ReturnId,
    string OrderId,
    RefundStatus Status,
    DateTimeOffset RequestedUtc,
    DateTimeOffset UpdatedUtc,
    string Currency,
    decimal Amount,
    bool IsReturn,
    string Reason);

/// <summary>
/// An order as the affiliate order search gives it: the creator whose content sold it and the commission owed on it
/// (the actual one once TikTok has settled it, else its estimate), summed over its SKUs.
/// </summary>
/// <param name="OrderId">Order id (the same as the Order API's).</param>
/// <param name="CreatorUsername">The creator's TikTok username.</param>
/// <param name="ContentTypes">The content its SKUs came through (LIVE, VIDEO, SHOWCASE or another kind TikTok names), sorted, comma-separated; empty when none is named.</param>
/// <param name="Commission">Commission over the order's SKUs, in the store's currency.</param>
/// <param name="Settled">Every SKU's commission is the actual one, not an estimate.</param>
public sealed record TikTokAffiliateOrder(string OrderId, string CreatorUsername, string ContentTypes, decimal Commission, bool Settled);

/// <summary>A buyer's customer service session as the 202602 session search gives it, cleaned.</summary>
/// <param name="SessionId">Session id.</param>
/// <param name="BeganUtc">begin_time: when the buyer opened it.</param>
/// <param name="FirstResponseSeconds">first_response_time: seconds from the buyer's first message to the store's first reply; null when it has not replied.</param>
/// <param name="IsLate">first_response_late, TikTok's own flag (null when absent); the day's figures come from the seconds, not from it.</param>
/// <param name="SatisfactionScore">satisfaction_score, the buyer's rating (1-5 stars); null when not rated.</param>
public sealed record TikTokServiceSession(string SessionId, DateTimeOffset BeganUtc, long? FirstResponseSeconds, bool? IsLate, decimal? SatisfactionScore);

/// <summary>TikTok's own customer service figures for a day (202407 performance), kept to reconcile the sessions with.</summary>
/// <param name="Sessions">support_session_count.</param>
/// <param name="ResponsePercentage">response_percentage: sessions with a first response within 24 h, in percent.</param>
/// <param name="ResponseMinutes">response_time_mins: the average first response, in minutes.</param>
public sealed record TikTokServicePerformance(long Sessions, decimal ResponsePercentage, decimal ResponseMinutes);

/// <summary>A product's day as the product performance list (202605) gives it: the counts the shop performance lacks, and the product's own figures.</summary>
/// <param name="ProductId">Product id.</param>
/// <param name="Impressions">total_performance.product_impressions; null when absent.</param>
/// <param name="Clicks">total_performance.product_clicks: clicks on the product that day.</param>
/// <param name="AddToCartUsers">total_performance.add_cart_users: users who added the product to cart that day (unique per product only).</param>
/// <param name="Gmv">total_performance.gmv.amount in the store's currency; null when absent.</param>
/// <param name="Orders">total_performance.orders; null when absent.</param>
/// <param name="UnitsSold">total_performance.items_sold; null when absent.</param>
public sealed record TikTokProductTraffic(string ProductId, long? Impressions, long Clicks, long AddToCartUsers, decimal? Gmv, long? Orders, long? UnitsSold);
/// <summary>A product's ratings for one day as its performance (analytics 202509, <c>performance.ratings[]</c>) gives them, counted by stars.</summary>
/// <param name="ProductId">Product id.</param>
/// <param name="Stars">Five counts: <c>Stars[0]</c> the ratings of 1 star, <c>Stars[4]</c> those of 5 stars; a star the answer does not list has none.</param>
public sealed record TikTokProductRatings(string ProductId, IReadOnlyList<long> Stars)
{
    /// <summary>Every rating.</summary>
    public long Total => Stars.Sum();

    /// <summary>Ratings of 1 or 2 stars.</summary>
    public long Negative => Stars[0] + Stars[1];
}
