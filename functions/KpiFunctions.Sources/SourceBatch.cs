using KpiFunctions.Core.Domain;

namespace KpiFunctions.Sources;

/// <summary>What a source returned for one store-local day: the raw pages and the records parsed from them.</summary>
/// <param name="Store">Store.</param>
/// <param name="Date">Store-local day.</param>
/// <param name="RawPages">Pages as received.</param>
/// <param name="Orders">Orders placed that day.</param>
/// <param name="Refunds">Refunds completed that day (pending and rejected ones are not money yet).</param>
/// <param name="Traffic">The day's traffic, if the source has it.</param>
/// <param name="LiveSessions">LIVE sessions started that day.</param>
/// <param name="Videos">Per-video figures for the day.</param>
/// <param name="Ads">Per-campaign figures for the day.</param>
/// <param name="Service">Customer service figures, if the source has them.</param>
/// <param name="Inventory">End-of-day inventory snapshots.</param>
/// <param name="Rejected">Records that could not be parsed.</param>
public sealed record SourceBatch(
    Store Store,
    DateOnly Date,
    IReadOnlyList<RawPage> RawPages,
    IReadOnlyList<Order> Orders,
    IReadOnlyList<Refund> Refunds,
    TrafficDaily? Traffic,
    IReadOnlyList<LiveSession> LiveSessions,
    IReadOnlyList<VideoDaily> Videos,
    IReadOnlyList<AdsDaily> Ads,
    ServiceDaily? Service,
    IReadOnlyList<InventorySnapshot> Inventory,
    IReadOnlyList<RejectedRecord> Rejected)
{
    /// <summary>
    /// Datasets this source did not fetch (traffic_daily, live_sessions, videos, ads_daily, service_daily,
    /// inventory_daily, cancellations, product_daily) with the reason; their measures become unknown instead of zero. A key may also name one
    /// measure of a dataset (<c>traffic_daily.product_clicks</c>): that measure alone is unknown, the rest stand.
    /// </summary>
    public IReadOnlyDictionary<string, string> NotFetched { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Cancellations of this day's orders (made that day or later), with who cancelled and why; a source that cannot
    /// read them lists <c>cancellations</c> in <see cref="NotFetched"/>.
    /// </summary>
    public IReadOnlyList<Cancellation> Cancellations { get; init; } = [];

    /// <summary>
    /// Each product's traffic and sales that day; a source that cannot read them lists <c>product_daily</c> in
    /// <see cref="NotFetched"/>.
    /// </summary>
    public IReadOnlyList<ProductDaily> ProductDays { get; init; } = [];

    /// <summary>
    /// The content each of the day's affiliate orders came through (LIVE, VIDEO, SHOWCASE; several comma-separated
    /// when its lines differ), by order id; with the orders' creators it makes the store's creator dimension.
    /// </summary>
    public IReadOnlyDictionary<string, string> AffiliateContent { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The source has nothing for this day (a file drop that does not cover it): what is curated for the day stays as
    /// it is, and a day never curated stays not fetched.
    /// </summary>
    public bool NothingNew { get; init; }

    /// <summary>
    /// Datasets the source cannot read again for this day (a stock level exists only at the moment it is read): what
    /// is curated for the day stays; a day with nothing curated is not fetched, for the reason given here.
    /// </summary>
    public IReadOnlyDictionary<string, string> KeepIfCurated { get; init; } = new Dictionary<string, string>();

    /// <summary>What the source noticed that the run's status should say (the same order in two exports), a line each.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The platform's own figures for the day, when the source reads them (for reconciliation).</summary>
    public PlatformDaily? Platform { get; init; }
}
