using KpiFunctions.Core.Domain;
using KpiFunctions.Pipeline.Kpis;

namespace KpiFunctions.Pipeline.Tests;

/// <summary>The SKU-day and store-week facts, from hand-built orders.</summary>
public sealed class DetailFactsTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 2, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Product_day_sums_the_lines_of_gmv_orders_per_sku_and_counts_each_order_once()
    {
        Order[] orders =
        [
            Make("o1", "b1", OrderStatus.Completed, new OrderLine("1", "sku-a", "p1", "Cup", 2, 10.50m, 12m), new OrderLine("2", "sku-a", "p1", "Cup", 1, 10.50m, 12m), new OrderLine("3", "sku-b", "p2", "Pot", 1, 30m, 30m)),
            Make("o2", "b2", OrderStatus.InTransit, new OrderLine("1", "sku-b", "p2", "Pot", 3, 29m, 30m)),
            Make("o3", "b3", OrderStatus.Cancelled, new OrderLine("1", "sku-a", "p1", "Cup", 9, 10m, 12m)),
        ];

        var rows = DetailFacts.ProductDay("uk-main", new DateOnly(2026, 11, 2), orders, 1.2m);

        // sku-a: 3 units, 31.50 (the cancelled order does not count), in one order; sku-b: 4 units, 30 + 87 = 117, in two.
        Assert.Equal(
            [("sku-a", "p1", 3m, 31.50m, (decimal?)37.80m, 1L), ("sku-b", "p2", 4m, 117m, 140.40m, 2L)],
            rows.Select(r => (r.SkuId, r.ProductId, r.Units, r.Gmv, r.GmvReporting, r.Orders)));
        Assert.All(DetailFacts.ProductDay("uk-main", new DateOnly(2026, 11, 2), orders, null), r => Assert.Null(r.GmvReporting));
    }

    [Fact]
    public void A_week_counts_a_buyer_of_two_days_once_and_says_how_many_days_were_fetched()
    {
        var monday = new DateOnly(2026, 10, 26);
        var buyers = new Dictionary<DateOnly, IReadOnlySet<string>>
        {
            [monday] = new HashSet<string> { "b1", "b2" },
            [monday.AddDays(2)] = new HashSet<string> { "b2", "b3" },
            [monday.AddDays(6)] = new HashSet<string>(),
            [monday.AddDays(7)] = new HashSet<string> { "b9" }, // the next week's Monday
        };

        var week = DetailFacts.StoreWeek("uk-main", monday, buyers)!;

        Assert.Equal((3, 3L, 4L), (week.DaysCovered, week.UniqueBuyers, week.BuyerDays));
        Assert.Null(DetailFacts.StoreWeek("uk-main", monday.AddDays(14), buyers));
        Assert.Contains("is a Tuesday", Assert.Throws<ArgumentException>(() => DetailFacts.StoreWeek("uk-main", monday.AddDays(1), buyers)).Message, StringComparison.Ordinal);
        Assert.Equal(monday, DetailFacts.WeekStart(new DateOnly(2026, 11, 1)));
    }

    private static Order Make(string id, string buyer, OrderStatus status, params OrderLine[] lines) =>
        new("uk-main", id, Noon, Noon, Noon, status, "GBP", lines.Sum(l => l.SalePrice * l.Quantity), 0, 0, 0, 0, lines.Sum(l => l.SalePrice * l.Quantity), false, SalesChannel.Video, null, buyer, 0, 0, lines);
}
