using KpiFunctions.Core.Domain;

namespace KpiFunctions.Core.Measures;

/// <summary>Everything recorded for one store on one store-local day, already validated.</summary>
/// <param name="Store">The store.</param>
/// <param name="Date">Store-local day.</param>
/// <param name="Orders">Orders placed that day.</param>
/// <param name="Refunds">Refunds completed that day.</param>
/// <param name="Traffic">The day's traffic, or null when the source had none.</param>
/// <param name="LiveSessions">LIVE sessions started that day.</param>
/// <param name="Videos">Video figures for the day.</param>
/// <param name="Ads">Ad campaign figures for the day.</param>
/// <param name="Service">The day's customer service figures, or null when the source had none.</param>
/// <param name="Inventory">End-of-day inventory snapshots; empty when the source had none.</param>
/// <param name="Costs">Unit costs of the store's SKUs (all entries; the one in force that day is used).</param>
/// <param name="Target">The month's GMV target, if any.</param>
/// <param name="ResponseWindowHours">The store region's response window, 12 or 24.</param>
public sealed record StoreDayData(
    Store Store,
    DateOnly Date,
    IReadOnlyList<Order> Orders,
    IReadOnlyList<Refund> Refunds,
    TrafficDaily? Traffic,
    IReadOnlyList<LiveSession> LiveSessions,
    IReadOnlyList<VideoDaily> Videos,
    IReadOnlyList<AdsDaily> Ads,
    ServiceDaily? Service,
    IReadOnlyList<InventorySnapshot> Inventory,
    IReadOnlyList<ProductCost> Costs,
    MonthlyTarget? Target,
    int ResponseWindowHours)
{
    /// <summary>
    /// Datasets the source did not fetch for this day (dataset name, e.g. <c>ads_daily</c>, to the reason): their
    /// measures are unknown with that reason, not zero, even for event data where no records would mean zero. A key
    /// <c>dataset.measure</c> (e.g. <c>traffic_daily.product_clicks</c>) makes that one measure unknown and leaves the
    /// rest of the dataset standing.
    /// </summary>
    public IReadOnlyDictionary<string, string> NotFetched { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Cancellations of the orders placed that day (kept on the order's day, whenever they were made): who cancelled
    /// each cancelled order, and why.
    /// </summary>
    public IReadOnlyList<Cancellation> Cancellations { get; init; } = [];
}
