namespace KpiFunctions.Pipeline.Curated;

/// <summary>Names of the curated datasets (folder names under curated/).</summary>
public static class Datasets
{
    /// <summary>Orders, one row per order (lines separate).</summary>
    public const string Orders = "orders";

    /// <summary>Order lines.</summary>
    public const string OrderLines = "order_lines";

    /// <summary>Refunds and returns.</summary>
    public const string Refunds = "refunds";

    /// <summary>Cancellations, with who cancelled and why, on the day of the order they cancel.</summary>
    public const string Cancellations = "cancellations";

    /// <summary>Daily traffic.</summary>
    public const string TrafficDaily = "traffic_daily";

    /// <summary>LIVE sessions.</summary>
    public const string LiveSessions = "live_sessions";

    /// <summary>Daily video figures.</summary>
    public const string Videos = "videos";

    /// <summary>Daily ad figures.</summary>
    public const string AdsDaily = "ads_daily";

    /// <summary>Daily customer service figures.</summary>
    public const string ServiceDaily = "service_daily";

    /// <summary>End-of-day inventory.</summary>
    public const string InventoryDaily = "inventory_daily";

    /// <summary>Each product's traffic and sales per day.</summary>
    public const string ProductDaily = "product_daily";

    /// <summary>The store's affiliate creators, merged over every run (per store, not per day).</summary>
    public const string Creators = "creators";

    /// <summary>SKU unit costs (per store, not per day).</summary>
    public const string ProductCosts = "product_costs";

    /// <summary>The store's products and SKUs as last listed (per store, not per day).</summary>
    public const string Products = "products";

    /// <summary>The platform's own daily figures (for reconciliation).</summary>
    public const string PlatformDaily = "platform_daily";

    /// <summary>
    /// The platform's fees per order, read apart from the orders (TikTok's finance API); not a curated table of its
    /// own: they land in the orders' platform_fee columns. The name of their raw pages' quarantine and notes.
    /// </summary>
    public const string OrderFees = "order_fees";

    /// <summary>Base measures and KPIs per store-day.</summary>
    public const string KpiStoreDay = "kpi_store_day";

    /// <summary>The datasets a fetch writes for every store-day, even when empty, so "fetched, nothing" differs from "never fetched".</summary>
    public static IReadOnlyList<string> PerDay { get; } =
        [Orders, OrderLines, Refunds, Cancellations, TrafficDaily, ProductDaily, LiveSessions, Videos, AdsDaily, ServiceDaily, InventoryDaily];
}
