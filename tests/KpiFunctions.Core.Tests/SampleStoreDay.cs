using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Measures;

namespace KpiFunctions.Core.Tests;

/// <summary>
/// One hand-made store-day whose every figure is worked out by hand in <see cref="StoreDayMeasureBuilderTests"/>
/// and <see cref="KpiMathTests"/>.
/// </summary>
internal static class SampleStoreDay
{
    public static readonly Store Store = new("t1", "Test", "GB", "GBP", "Europe/London");
    public static readonly DateOnly Date = new(2026, 3, 10);
    private static readonly DateTimeOffset Noon = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    public static Order Order(string id, decimal subtotal, OrderStatus status = OrderStatus.AwaitingShipment, SalesChannel channel = SalesChannel.ProductCard,
        string buyer = "b1", bool paid = true, bool test = false, decimal fee = 0, decimal commission = 0, decimal platformDiscount = 0, params OrderLine[] lines)
    {
        lines = lines.Length > 0 ? lines : [new OrderLine(id + "-1", "B", "p", "n", 1, subtotal, subtotal)];
        var sellerDiscount = lines.Sum(l => (l.OriginalPrice - l.SalePrice) * l.Quantity);
        return new Order("t1", id, Noon, paid ? Noon.AddMinutes(5) : null, Noon.AddHours(1), status, "GBP",
            subtotal, 0, sellerDiscount, platformDiscount, 0, subtotal - platformDiscount, test, channel,
            channel == SalesChannel.Affiliate ? "c1" : null, buyer, fee, commission, lines);
    }

    public static StoreDayData Build(int responseWindowHours = 12, MonthlyTarget? target = null) => new(
        Store,
        Date,
        [
            Order("o1", 20, fee: 1.2m, lines: new OrderLine("o1-1", "A", "pa", "A", 2, 10, 12)),
            Order("o2", 30, channel: SalesChannel.Live, buyer: "b2", fee: 1.8m),
            Order("o3", 50, OrderStatus.Completed, SalesChannel.Affiliate, "b1", fee: 3, commission: 6, platformDiscount: 5,
                lines: [new OrderLine("o3-1", "A", "pa", "A", 1, 10, 12), new OrderLine("o3-2", "C", "pc", "C", 1, 40, 40)]),
            Order("o4", 30, OrderStatus.Cancelled, buyer: "b3"),
            Order("o5", 15, OrderStatus.Unpaid, buyer: "b4", paid: false),
            Order("o6", 100, buyer: "b5", test: true),
        ],
        [
            new Refund("t1", "r1", "o9", 10, "GBP", RefundStatus.Completed, Noon, Noon.AddHours(2), true, "damaged"),
            new Refund("t1", "r2", "o8", 7, "GBP", RefundStatus.Approved, Noon, null, true, "late"),
            new Refund("t1", "r3", "o8", 5, "GBP", RefundStatus.Completed, Noon, Noon.AddHours(3), false, "changed mind"),
        ],
        new TrafficDaily("t1", Date, 2000, 50, 300, 200, 16),
        [
            new LiveSession("t1", "s1", Noon, 3600, 1000, 800, 48_000, 20, "GBP"),
            new LiveSession("t1", "s2", Noon, 1800, 500, 400, 12_000, 10, "GBP"),
        ],
        [
            new VideoDaily("t1", "v1", Date, 2000, 500, 12, "GBP"),
            new VideoDaily("t1", "v2", Date, 500, 100, 3, "GBP"),
        ],
        [
            new AdsDaily("t1", "c1", Date, 10, 35, "GBP", 1000, 20),
            new AdsDaily("t1", "c2", Date, 10, 15, "GBP", 800, 10),
        ],
        new ServiceDaily("t1", Date, 40, 38, 30, 36, 38 * 600, 25, 1),
        [
            new InventorySnapshot("t1", Date, "A", 100),
            new InventorySnapshot("t1", Date, "B", 40),
            new InventorySnapshot("t1", Date, "C", 10),
        ],
        [
            new ProductCost("t1", "A", 4, "GBP", new DateOnly(2000, 1, 1)),
            new ProductCost("t1", "A", 5, "GBP", Date),
            new ProductCost("t1", "A", 6, "GBP", Date.AddDays(1)),
            new ProductCost("t1", "B", 12, "GBP", new DateOnly(2000, 1, 1)),
            new ProductCost("t1", "C", 15, "GBP", new DateOnly(2000, 1, 1)),
        ],
        target ?? new MonthlyTarget("t1", new DateOnly(2026, 3, 1), 3100),
        responseWindowHours)
    {
        // o4 cancelled by the seller; o1 had a buyer's request, withdrawn (it cancelled nothing).
        Cancellations =
        [
            Cancellation("k4", "o4", CancellationRole.Seller, CancellationStatus.Complete, Noon.AddHours(2)),
            Cancellation("k1", "o1", CancellationRole.Buyer, CancellationStatus.Withdrawn, Noon.AddHours(1)),
        ],
    };

    public static Cancellation Cancellation(string id, string orderId, CancellationRole role, CancellationStatus status, DateTimeOffset created) =>
        new("t1", id, orderId, role == CancellationRole.Buyer ? CancellationType.BuyerCancel : CancellationType.Cancel, status, role,
            role.ToString().ToLowerInvariant() + "_reason", null, created, created.AddMinutes(10), null, "GBP");
}
