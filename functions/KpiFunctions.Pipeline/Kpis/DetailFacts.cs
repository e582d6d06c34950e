using System.Globalization;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Domain;
using KpiFunctions.Pipeline.Curated;

namespace KpiFunctions.Pipeline.Kpis;

/// <summary>A SKU's sales on a store-day: the lines of the day's GMV orders.</summary>
/// <param name="StoreId">Store.</param>
/// <param name="Date">Store-local day the orders were placed.</param>
/// <param name="SkuId">SKU.</param>
/// <param name="ProductId">Product of the SKU.</param>
/// <param name="Units">Units sold.</param>
/// <param name="Gmv">Sale price × quantity, store currency.</param>
/// <param name="GmvReporting">The same at the day's rate, or null without one.</param>
/// <param name="Orders">GMV orders with the SKU on a line.</param>
public sealed record ProductDayRow(string StoreId, DateOnly Date, string SkuId, string ProductId, decimal Units, decimal Gmv, decimal? GmvReporting, long Orders);

/// <summary>A store's unique GMV buyers over one ISO week (Monday to Sunday).</summary>
/// <param name="StoreId">Store.</param>
/// <param name="WeekStart">Monday of the week.</param>
/// <param name="DaysCovered">Days of the week with a KPI row (fact_store_day), 7 for a whole week.</param>
/// <param name="UniqueBuyers">Distinct buyers over those days.</param>
/// <param name="BuyerDays">Daily distinct buyers summed over those days (what adding daily counts gives).</param>
public sealed record StoreWeekRow(string StoreId, DateOnly WeekStart, int DaysCovered, long UniqueBuyers, long BuyerDays);

/// <summary>
/// The detail facts the compute step writes next to kpi_store_day: per SKU and day, and unique buyers per week. Both
/// come from the curated orders the KPIs come from, with the same rule for what counts as GMV.
/// </summary>
public static class DetailFacts
{
    /// <summary>Curated dataset of <see cref="ProductDayRow"/>, one partition per store-day.</summary>
    public const string ProductDayDataset = "kpi_product_day";

    /// <summary>Curated dataset of <see cref="StoreWeekRow"/>, one partition per store and week (dated by its Monday).</summary>
    public const string StoreWeekDataset = "kpi_store_week";

    /// <summary>kpi_product_day.</summary>
    public static CuratedTable<ProductDayRow> ProductDays { get; } = ProductDayColumns(new CuratedTable<ProductDayRow>(ProductDayDataset, "One row per store, day and SKU sold that day (lines of GMV orders).", r => new ProductDayRow(
            r.String("store_id"), r.Value<DateOnly>("date"), r.String("sku_id"), r.String("product_id"), r.Value<decimal>("units"), r.Value<decimal>("gmv"), r.Optional<decimal>("gmv_rpt"), r.Value<long>("orders"))));

    /// <summary>kpi_store_week.</summary>
    public static CuratedTable<StoreWeekRow> StoreWeeks { get; } = StoreWeekColumns(new CuratedTable<StoreWeekRow>(StoreWeekDataset, "One row per store and ISO week: unique GMV buyers over the week's days with a KPI row.", r => new StoreWeekRow(
            r.String("store_id"), r.Value<DateOnly>("week_start"), r.Value<int>("days_covered"), r.Value<long>("unique_buyers"), r.Value<long>("buyer_days"))));

    /// <summary>The columns of a SKU-day, added to <paramref name="table"/> (the curated dataset, or the semantic fact after its key).</summary>
    public static CuratedTable<ProductDayRow> ProductDayColumns(CuratedTable<ProductDayRow> table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return table
            .String("store_id", x => x.StoreId, "Store id")
            .Date("date", x => x.Date, "Store-local day the orders were placed")
            .String("sku_id", x => x.SkuId, "SKU id")
            .String("product_id", x => x.ProductId, "Product id")
            .Decimal("units", x => x.Units, "Units sold on lines of GMV orders", "count", 28, 6)
            .Decimal("gmv", x => x.Gmv, "Sale price x quantity on lines of GMV orders", "store currency", 28, 6)
            .Decimal("gmv_rpt", x => x.GmvReporting, "The same in the reporting currency at the day's rate", "reporting currency", 28, 6, required: false)
            .Int64("orders", x => x.Orders, "GMV orders with the SKU on a line");
    }

    /// <summary>The columns of a store-week, added to <paramref name="table"/>.</summary>
    public static CuratedTable<StoreWeekRow> StoreWeekColumns(CuratedTable<StoreWeekRow> table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return table
            .String("store_id", x => x.StoreId, "Store id")
            .Date("week_start", x => x.WeekStart, "Monday of the ISO week (store-local days)")
            .Int32("days_covered", x => x.DaysCovered, "Days of the week with a store-day KPI row (the days fact_store_day holds): 7 for a whole week", "days")
            .Int64("unique_buyers", x => x.UniqueBuyers, "Distinct buyers of GMV orders over those days (a buyer counts once per store and week)")
            .Int64("buyer_days", x => x.BuyerDays, "Daily distinct buyers summed over those days (buyer-days)");
    }

    /// <summary>The SKU rows of one store-day's orders.</summary>
    public static IReadOnlyList<ProductDayRow> ProductDay(string storeId, DateOnly date, IEnumerable<Order> orders, decimal? fxRate)
    {
        ArgumentNullException.ThrowIfNull(orders);
        var bySku = new SortedDictionary<string, (string ProductId, decimal Units, decimal Gmv, HashSet<string> Orders)>(StringComparer.Ordinal);
        foreach (var order in orders.Where(o => o.CountsAsGmv))
        {
            foreach (var line in order.Lines)
            {
                var current = bySku.TryGetValue(line.SkuId, out var c) ? c : (ProductId: line.ProductId, Units: 0m, Gmv: 0m, Orders: new HashSet<string>(StringComparer.Ordinal));
                current.Orders.Add(order.OrderId);
                bySku[line.SkuId] = (current.ProductId, current.Units + line.Quantity, current.Gmv + (line.SalePrice * line.Quantity), current.Orders);
            }
        }

        return [.. bySku.Select(kv => new ProductDayRow(storeId, date, kv.Key, kv.Value.ProductId, kv.Value.Units, KpiDailyRepository.Round(kv.Value.Gmv)!.Value,
            fxRate is { } rate ? KpiDailyRepository.Round(kv.Value.Gmv * rate) : null, kv.Value.Orders.Count))];
    }

    /// <summary>
    /// One week's unique buyers from the days' GMV buyer hashes; days with no entry were not fetched. Null when no day
    /// of the week was.
    /// </summary>
    public static StoreWeekRow? StoreWeek(string storeId, DateOnly weekStart, IReadOnlyDictionary<DateOnly, IReadOnlySet<string>> buyersByDay)
    {
        ArgumentNullException.ThrowIfNull(buyersByDay);
        if (weekStart.DayOfWeek != DayOfWeek.Monday)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"A week starts on a Monday; {StoreCalendar.Format(weekStart)} is a {weekStart.DayOfWeek}."), nameof(weekStart));
        }

        var unique = new HashSet<string>(StringComparer.Ordinal);
        int days = 0;
        long buyerDays = 0;
        for (var d = weekStart; d < weekStart.AddDays(7); d = d.AddDays(1))
        {
            if (buyersByDay.TryGetValue(d, out var buyers))
            {
                days++;
                buyerDays += buyers.Count;
                unique.UnionWith(buyers);
            }
        }

        return days == 0 ? null : new StoreWeekRow(storeId, weekStart, days, unique.Count, buyerDays);
    }

    /// <summary>Monday of a day's ISO week.</summary>
    public static DateOnly WeekStart(DateOnly date) => date.AddDays(-(((int)date.DayOfWeek + 6) % 7));
}
