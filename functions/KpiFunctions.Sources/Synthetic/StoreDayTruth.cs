namespace KpiFunctions.Sources.Synthetic;

/// <summary>
/// The generator's own running totals for one store-day, kept while it makes the records and in its own terms,
/// so tests compare the pipeline's KPIs with figures that never went through the pipeline's code.
/// Money is in the store's currency.
/// </summary>
public sealed class StoreDayTruth
{
    /// <summary>GMV of good, paid, not cancelled, non-test orders.</summary>
    public decimal Gmv { get; internal set; }

    /// <summary>Orders in <see cref="Gmv"/>.</summary>
    public int GmvOrders { get; internal set; }

    /// <summary>Paid non-test orders, cancelled ones included.</summary>
    public int PaidOrders { get; internal set; }

    /// <summary>Paid non-test orders cancelled by the as-of time.</summary>
    public int CancelledOrders { get; internal set; }

    /// <summary>Paid non-test orders cancelled by the as-of time whose cancellation names the seller.</summary>
    public int SellerCancelledOrders { get; internal set; }

    /// <summary>Clear buyer ids of GMV orders.</summary>
    public HashSet<string> Buyers { get; } = new(StringComparer.Ordinal);

    /// <summary>Units on GMV orders.</summary>
    public int Units { get; internal set; }

    /// <summary>GMV from affiliate orders.</summary>
    public decimal AffiliateGmv { get; internal set; }

    /// <summary>GMV of LIVE orders, which the day's LIVE sessions report between them (their GMV sums to this).</summary>
    public decimal LiveGmv { get; internal set; }

    /// <summary>GMV by SKU.</summary>
    public Dictionary<string, decimal> SkuGmv { get; } = new(StringComparer.Ordinal);

    /// <summary>Units on GMV orders by product.</summary>
    public Dictionary<string, long> ProductUnits { get; } = new(StringComparer.Ordinal);

    /// <summary>GMV orders by product (an order with two lines of one product counts once).</summary>
    public Dictionary<string, long> ProductOrders { get; } = new(StringComparer.Ordinal);

    /// <summary>Cost of goods on GMV orders.</summary>
    public decimal Cogs { get; internal set; }

    /// <summary>Platform fees on GMV orders.</summary>
    public decimal PlatformFees { get; internal set; }

    /// <summary>Affiliate commission on GMV orders.</summary>
    public decimal Commission { get; internal set; }

    /// <summary>Refunds completed that day.</summary>
    public decimal RefundAmount { get; internal set; }

    /// <summary>Returns completed that day.</summary>
    public int Returns { get; internal set; }

    /// <summary>False when the generator left the day's traffic out (the KPIs must say unknown).</summary>
    public bool HasTraffic { get; internal set; }

    /// <summary>Product impressions.</summary>
    public long Impressions { get; internal set; }

    /// <summary>Product clicks.</summary>
    public long ProductClicks { get; internal set; }

    /// <summary>Visitors.</summary>
    public long Visitors { get; internal set; }

    /// <summary>Add-to-cart users.</summary>
    public long AddToCartUsers { get; internal set; }

    /// <summary>LIVE views.</summary>
    public long LiveViews { get; internal set; }

    /// <summary>LIVE viewers.</summary>
    public long LiveViewers { get; internal set; }

    /// <summary>LIVE seconds watched.</summary>
    public long LiveWatchSeconds { get; internal set; }

    /// <summary>Video views.</summary>
    public long VideoViews { get; internal set; }

    /// <summary>Video completed views.</summary>
    public long VideoCompletedViews { get; internal set; }

    /// <summary>Ad spend.</summary>
    public decimal AdSpend { get; internal set; }

    /// <summary>Ad-attributed GMV.</summary>
    public decimal AdsGmv { get; internal set; }

    /// <summary>False when the generator left the day's service figures out.</summary>
    public bool HasService { get; internal set; }

    /// <summary>Chats.</summary>
    public int Chats { get; internal set; }

    /// <summary>Answered chats.</summary>
    public int ChatsAnswered { get; internal set; }

    /// <summary>Chats answered within 12 h.</summary>
    public int AnsweredWithin12h { get; internal set; }

    /// <summary>Chats answered within 24 h.</summary>
    public int AnsweredWithin24h { get; internal set; }

    /// <summary>Total first-response seconds.</summary>
    public long FirstResponseSeconds { get; internal set; }

    /// <summary>Reviews.</summary>
    public int Reviews { get; internal set; }

    /// <summary>Negative reviews.</summary>
    public int NegativeReviews { get; internal set; }

    /// <summary>Units on hand at day end.</summary>
    public long UnitsOnHand { get; internal set; }

    /// <summary>Orders the generator made defective on purpose (they must be quarantined, not counted).</summary>
    public int DefectiveOrders { get; internal set; }
}
