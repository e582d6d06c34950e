namespace KpiFunctions.Core.Domain;

/// <summary>
/// An order as the pipeline keeps it. Amounts are in <see cref="Currency"/>:
/// <c>Subtotal = Σ line SalePrice × Quantity</c>, <c>SellerDiscount = Σ (OriginalPrice − SalePrice) × Quantity</c>,
/// <c>Total = Subtotal − PlatformDiscount + Shipping + Tax</c> (what the buyer paid).
/// </summary>
/// <param name="StoreId">Store the order belongs to.</param>
/// <param name="OrderId">Order id (a string: TikTok ids exceed double precision).</param>
/// <param name="CreatedUtc">When the order was placed; the order counts on this store-local day.</param>
/// <param name="PaidUtc">When it was paid, or null while unpaid.</param>
/// <param name="UpdatedUtc">Last change, used to pick up late status updates.</param>
/// <param name="Status">Status as of the fetch.</param>
/// <param name="Currency">ISO 4217 currency of every amount.</param>
/// <param name="Subtotal">Products after seller discounts, before platform discounts, excluding shipping and tax.</param>
/// <param name="Shipping">Shipping the buyer paid.</param>
/// <param name="SellerDiscount">Discount funded by the seller.</param>
/// <param name="PlatformDiscount">Discount funded by TikTok Shop.</param>
/// <param name="Tax">Tax the buyer paid.</param>
/// <param name="Total">What the buyer paid.</param>
/// <param name="IsSampleOrTest">Sample or test order: never counts as GMV.</param>
/// <param name="Channel">Where the order came from; null when the source cannot tell (the TikTok Order API does not say).</param>
/// <param name="CreatorId">The affiliate creator, for affiliate orders.</param>
/// <param name="BuyerIdHash">Buyer id hashed with the secret salt; never the clear id.</param>
/// <param name="PlatformFee">Referral and transaction fees TikTok Shop charges on the order; null when the source does not give them.</param>
/// <param name="AffiliateCommission">Commission owed to the creator; null when the source does not give it.</param>
/// <param name="Lines">The order's lines.</param>
public sealed record Order(
    string StoreId,
    string OrderId,
    DateTimeOffset CreatedUtc,
    DateTimeOffset? PaidUtc,
    DateTimeOffset UpdatedUtc,
    OrderStatus Status,
    string Currency,
    decimal Subtotal,
    decimal Shipping,
    decimal SellerDiscount,
    decimal PlatformDiscount,
    decimal Tax,
    decimal Total,
    bool IsSampleOrTest,
    SalesChannel? Channel,
    string? CreatorId,
    string BuyerIdHash,
    decimal? PlatformFee,
    decimal? AffiliateCommission,
    IReadOnlyList<OrderLine> Lines)
{
    /// <summary>
    /// Whether <see cref="PlatformFee"/> is what the platform settled (true) or its estimate for an order not settled
    /// yet (false; a later fetch replaces it); null when the source does not say (or gives no fee).
    /// </summary>
    public bool? PlatformFeeSettled { get; init; }

    /// <summary>Paid, not cancelled and not a sample or test order: the orders GMV is made of.</summary>
    public bool CountsAsGmv => PaidUtc is not null && Status != OrderStatus.Cancelled && !IsSampleOrTest;
}
