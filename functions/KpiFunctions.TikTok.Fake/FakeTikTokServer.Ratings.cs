using System.Globalization;
using System.Text.Json.Nodes;

namespace KpiFunctions.TikTok.Fake;

/// <summary>
/// The product detail analytics (GET /analytics/202509/shop_products/{product_id}/performance, docs/tiktok-shop-api-notes.md,
/// Product ratings), for its ratings only: per product, the world's ratings of the days asked for, counted by stars, with
/// <c>latest_available_date</c> (yesterday; later days are not ready and count nothing). A product the shop does not
/// list is answered 404.
/// </summary>
public sealed partial class FakeTikTokServer
{
    private const string ProductPrefix = "/analytics/202509/shop_products/", PerformanceSuffix = "/performance";

    /// <summary>Store-days whose first product's ratings come back broken (a count that is not a number), so a reader must quarantine them.</summary>
    public HashSet<(string StoreId, DateOnly Date)> BrokenRatings { get; } = [];

    /// <summary>The product id of a product performance path, or null when the path is not one.</summary>
    private static string? ProductOfPerformancePath(string path) =>
        path.StartsWith(ProductPrefix, StringComparison.Ordinal) && path.EndsWith(PerformanceSuffix, StringComparison.Ordinal) && path.Length > ProductPrefix.Length + PerformanceSuffix.Length
            ? path[ProductPrefix.Length..^PerformanceSuffix.Length]
            : null;

    /// <summary>One product's performance over [start_date_ge, end_date_lt): its ratings by stars, every star listed.</summary>
    private Answer ProductPerformance(ShopState shop, string productId, Dictionary<string, string> query)
    {
        if (DateRange(query, "start_date_ge", "end_date_lt") is not { } range)
        {
            return Error(400, 36009004, "start_date_ge and end_date_lt must be dates (yyyy-MM-dd), the end after the start.");
        }

        if (query.GetValueOrDefault("granularity", "ALL") != "ALL")
        {
            return Error(400, 36009004, "Only granularity=ALL is served by the fake.");
        }

        if (!_world.Products(shop.Store.Id).Any(p => p.ProductId == productId))
        {
            return Error(404, 36009009, $"Product {productId} does not exist.");
        }

        Interlocked.Increment(ref Stats.PagesField);
        var latest = Yesterday(shop);
        var stars = new long[5];
        for (var day = range.Start; day < range.End && day <= latest; day = day.AddDays(1))
        {
            if (_world.Ratings(shop.Store.Id, day).FirstOrDefault(r => r.ProductId == productId) is { } ratings)
            {
                for (var i = 0; i < 5; i++)
                {
                    stars[i] += ratings.Stars[i];
                }
            }
        }

        var total = stars.Sum();
        var list = new JsonArray();
        for (var i = 0; i < 5; i++)
        {
            list.Add(new JsonObject
            {
                ["stars"] = string.Create(CultureInfo.InvariantCulture, $"{i + 1}_STAR"),
                ["count"] = stars[i],
                ["percentage"] = total == 0 ? "0" : decimal.Round(stars[i] * 100m / total, 2).ToString(CultureInfo.InvariantCulture),
            });
        }

        var first = _world.Products(shop.Store.Id).Select(p => p.ProductId).Order(StringComparer.Ordinal).First();
        if (productId == first && BrokenRatings.Contains((shop.Store.Id, range.Start)))
        {
            list[0]!["count"] = "many";
        }

        return Ok(new JsonObject
        {
            ["latest_available_date"] = latest.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["performance"] = new JsonObject { ["ratings"] = list },
        });
    }
}
