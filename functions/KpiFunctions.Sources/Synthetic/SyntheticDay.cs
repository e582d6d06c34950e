using KpiFunctions.Core.Domain;

namespace KpiFunctions.Sources.Synthetic;

/// <summary>The records the generator made for one store-local day (refunds come from earlier days' orders).</summary>
/// <param name="Orders">Orders placed that day, defective ones included.</param>
/// <param name="Traffic">Traffic, or null on the days the generator leaves it out.</param>
/// <param name="LiveSessions">LIVE sessions.</param>
/// <param name="Videos">Video figures.</param>
/// <param name="Ads">Ad figures.</param>
/// <param name="Service">Service figures, or null on the days the generator leaves them out.</param>
/// <param name="Inventory">End-of-day inventory.</param>
/// <param name="Cancellations">Cancellations of these orders visible at the as-of time (made that day or later), and buyers' requests, some withdrawn.</param>
/// <param name="ServiceSessions">The service sessions opened that day (the <paramref name="Service"/> figures are made from them), oldest first; none on the days the generator leaves service out.</param>
public sealed record SyntheticDay(
    IReadOnlyList<Order> Orders,
    TrafficDaily? Traffic,
    IReadOnlyList<LiveSession> LiveSessions,
    IReadOnlyList<VideoDaily> Videos,
    IReadOnlyList<AdsDaily> Ads,
    ServiceDaily? Service,
    IReadOnlyList<InventorySnapshot> Inventory,
    IReadOnlyList<ServiceSession> ServiceSessions,
    IReadOnlyList<Cancellation> Cancellations);
