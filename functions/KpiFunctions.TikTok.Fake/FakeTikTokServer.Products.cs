using System.Globalization;
using System.Text.Json.Nodes;
using KpiFunctions.Sources.Synthetic;

namespace KpiFunctions.TikTok.Fake;

public sealed partial class FakeTikTokServer
{
    /// <summary>The product performance list with click and add-to-cart counts (docs/tiktok-shop-api-notes.md).</summary>
    private const string ProductPerformancePath = "/analytics/202605/shop_products/performance";

    /// <summary>TikTok's code for a version that does not exist or that the app may not use (reference digest §1).</summary>
    private const long InvalidVersionCode = 36009014;

    /// <summary>
    /// GET /analytics/202605/shop_products/performance: per product, its traffic and sales over the shop-local days
    /// asked for, in <c>total_performance</c> (the world's per-product split of the day's traffic, which sums to the
    /// shop performance figures, with its GMV, orders and units sold), paged (1-100) with <c>latest_available_date</c> = yesterday like the other analytics
    /// lists; days after it are not ready and have nothing. The fault switches: counts as numeric strings, a product
    /// whose counts cannot be read, the version refused, and a page repeating the last record of the one before.
    /// </summary>
    private Answer ProductPerformance(ShopState shop, Dictionary<string, string> query)
    {
        if (Faults.ProductVersionRefused)
        {
            Interlocked.Increment(ref Stats.FaultsField);
            return Error(400, InvalidVersionCode, "Invalid API version: this app may not call version 202605.");
        }

        return DailyList(shop, query, "products",
            date => _world.ProductTraffic(shop.Store.Id, date).Select((product, i) => (Date: date, First: i == 0, Product: product)),
            (record, _) => ProductJson(shop, record.Date, record.First, record.Product),
            repeatAcrossPages: true);
    }

    private JsonObject ProductJson(ShopState shop, DateOnly date, bool first, ProductTraffic product)
    {
        var strings = Faults.CountsAsStrings;
        JsonNode Count(long value) => strings ? JsonValue.Create(value.ToString(CultureInfo.InvariantCulture)) : JsonValue.Create(value);
        var spoiled = first && Faults.UnreadableProductTraffic.Contains((shop.Store.Id, date));
        return new JsonObject
        {
            ["id"] = product.ProductId,
            ["total_performance"] = new JsonObject
            {
                ["gmv"] = new JsonObject { ["amount"] = FakeTikTokJson.MoneyText(product.Gmv), ["currency"] = shop.Store.Currency },
                ["orders"] = Count(product.Orders),
                ["items_sold"] = Count(product.UnitsSold),
                ["product_impressions"] = Count(product.Impressions),
                ["product_clicks"] = spoiled ? JsonValue.Create("n/a") : Count(product.Clicks),
                ["add_cart_users"] = Count(product.AddToCartUsers),
                ["add_cart_count"] = Count(product.AddToCartCount),
            },
        };
    }
}
