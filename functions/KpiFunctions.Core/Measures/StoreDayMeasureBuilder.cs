using System.Globalization;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Engine;
using KpiFunctions.Core.Fx;

namespace KpiFunctions.Core.Measures;

/// <summary>
/// Computes the catalog's base measures for one store-day from its records. Each measure's source and filter
/// are the ones the catalog states; a test keeps the two in step.
/// </summary>
public static class StoreDayMeasureBuilder
{
    /// <summary>Response windows the service data carries counts for.</summary>
    public static IReadOnlyList<int> SupportedResponseWindows { get; } = [12, 24];

    /// <summary>Builds the store-day's measures (FX not yet attached).</summary>
    public static StoreDayMeasures Build(StoreDayData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var values = new Dictionary<string, decimal?>(StringComparer.Ordinal);
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        var buyers = new HashSet<string>(StringComparer.Ordinal);
        var skuGmv = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var where = string.Create(CultureInfo.InvariantCulture, $"store {data.Store.Id} on {data.Date:yyyy-MM-dd}");

        AddOrders(data, values, reasons, buyers, skuGmv, where);
        AddRefunds(data, values);
        AddCancellations(data, values, reasons, where);
        AddTraffic(data.Traffic, values, reasons, where);
        AddContent(data, values, reasons, where);
        AddService(data, values, reasons, where);

        if (data.Inventory.Count == 0)
        {
            Unknown(values, reasons, "units_on_hand", $"no inventory snapshot for {where}");
        }
        else
        {
            values["units_on_hand"] = data.Inventory.Sum(i => i.UnitsOnHand);
        }

        if (data.Target is { } target)
        {
            values["gmv_target"] = target.DailyShare;
        }
        else
        {
            Unknown(values, reasons, "gmv_target", string.Create(CultureInfo.InvariantCulture, $"no GMV target for store {data.Store.Id} in {data.Date:yyyy-MM}"));
        }

        foreach (var (key, reason) in data.NotFetched)
        {
            // A dataset, or one measure of it ("traffic_daily.product_clicks": the rest of the dataset stands).
            var dot = key.IndexOf('.', StringComparison.Ordinal);
            var dataset = dot < 0 ? key : key[..dot];
            var measures = MeasuresOf(dataset);
            if (dot >= 0 && !measures.Contains(key[(dot + 1)..], StringComparer.Ordinal))
            {
                throw new ArgumentException($"'{key}' cannot be marked as not fetched: {dataset} has no measure '{key[(dot + 1)..]}' (it has {string.Join(", ", measures)}).", nameof(data));
            }

            foreach (var id in dot < 0 ? measures : [key[(dot + 1)..]])
            {
                Unknown(values, reasons, id, dot < 0 ? $"{dataset} was not fetched for {where}: {reason}" : $"{id} of {dataset} was not fetched for {where}: {reason}");
            }
        }

        return new StoreDayMeasures(data.Store.Id, data.Store.Country, data.Store.Currency, data.Date, values, reasons, buyers, skuGmv, default(FxLookup));
    }

    private static void AddOrders(
        StoreDayData data,
        Dictionary<string, decimal?> values,
        Dictionary<string, string> reasons,
        HashSet<string> buyers,
        Dictionary<string, decimal> skuGmv,
        string where)
    {
        decimal gmv = 0, affiliate = 0, fees = 0, commission = 0, cogs = 0, units = 0;
        int gmvOrders = 0, paid = 0, cancelled = 0;
        string? missingCost = null, missingFee = null, missingCommission = null, missingChannel = null;
        var costs = CostsInForce(data.Costs, data.Date);
        foreach (var order in data.Orders)
        {
            if (order.PaidUtc is not null && !order.IsSampleOrTest)
            {
                paid++;
                if (order.Status == OrderStatus.Cancelled)
                {
                    cancelled++;
                }
            }

            if (!order.CountsAsGmv)
            {
                continue;
            }

            gmvOrders++;
            gmv += order.Subtotal;
            fees += order.PlatformFee ?? 0;
            commission += order.AffiliateCommission ?? 0;
            missingFee ??= order.PlatformFee is null ? order.OrderId : null;
            missingCommission ??= order.AffiliateCommission is null ? order.OrderId : null;
            missingChannel ??= order.Channel is null ? order.OrderId : null;
            buyers.Add(order.BuyerIdHash);
            if (order.Channel == SalesChannel.Affiliate)
            {
                affiliate += order.Subtotal;
            }

            foreach (var line in order.Lines)
            {
                units += line.Quantity;
                skuGmv[line.SkuId] = skuGmv.GetValueOrDefault(line.SkuId) + (line.SalePrice * line.Quantity);
                if (costs.TryGetValue(line.SkuId, out var unitCost))
                {
                    cogs += unitCost * line.Quantity;
                }
                else
                {
                    missingCost ??= line.SkuId;
                }
            }
        }

        values["gmv"] = gmv;
        values["gmv_orders"] = gmvOrders;
        values["paid_orders"] = paid;
        values["cancelled_orders"] = cancelled;
        values["buyer_days"] = buyers.Count;
        values["units"] = units;
        values["affiliate_gmv"] = affiliate;
        values["platform_fees"] = fees;
        values["affiliate_commission"] = commission;

        // A figure the source does not give for some order is unknown for the day, never a partial sum.
        if (missingChannel is not null)
        {
            Unknown(values, reasons, "affiliate_gmv", $"order {missingChannel} of {where} has no sales channel (the source does not give one)");
        }

        if (missingFee is not null)
        {
            Unknown(values, reasons, "platform_fees", $"order {missingFee} of {where} has no platform fee (the source does not give fees per order)");
        }

        if (missingCommission is not null)
        {
            Unknown(values, reasons, "affiliate_commission", $"order {missingCommission} of {where} has no affiliate commission (the source does not give it)");
        }
        if (missingCost is null)
        {
            values["cogs"] = cogs;
        }
        else
        {
            Unknown(values, reasons, "cogs", $"no unit cost for SKU {missingCost} in force for {where}");
        }
    }

    private static Dictionary<string, decimal> CostsInForce(IReadOnlyList<ProductCost> costs, DateOnly date)
    {
        var inForce = new Dictionary<string, (DateOnly From, decimal Cost)>(StringComparer.Ordinal);
        foreach (var cost in costs)
        {
            if (cost.EffectiveFrom <= date && (!inForce.TryGetValue(cost.SkuId, out var current) || cost.EffectiveFrom > current.From))
            {
                inForce[cost.SkuId] = (cost.EffectiveFrom, cost.UnitCost);
            }
        }

        return inForce.ToDictionary(kv => kv.Key, kv => kv.Value.Cost, StringComparer.Ordinal);
    }

    private static void AddRefunds(StoreDayData data, Dictionary<string, decimal?> values)
    {
        decimal amount = 0;
        var returns = 0;
        foreach (var refund in data.Refunds)
        {
            if (refund.Status != RefundStatus.Completed)
            {
                continue;
            }

            amount += refund.Amount;
            if (refund.IsReturn)
            {
                returns++;
            }
        }

        values["refund_amount"] = amount;
        values["returned_orders"] = returns;
    }

    /// <summary>
    /// Paid orders (not samples or tests) cancelled by the seller: of the day's cancelled orders, those whose deciding
    /// cancellation (the latest one not withdrawn) names the seller. A cancelled order with no such cancellation makes
    /// the count unknown: who cancelled it cannot be told, and counting it as not the seller's would flatter the store.
    /// </summary>
    private static void AddCancellations(StoreDayData data, Dictionary<string, decimal?> values, Dictionary<string, string> reasons, string where)
    {
        var deciding = new Dictionary<string, Cancellation>(StringComparer.Ordinal);
        foreach (var cancellation in data.Cancellations)
        {
            if (cancellation.InEffect && (!deciding.TryGetValue(cancellation.OrderId, out var seen)
                || cancellation.CreatedUtc > seen.CreatedUtc
                || (cancellation.CreatedUtc == seen.CreatedUtc && string.CompareOrdinal(cancellation.CancelId, seen.CancelId) > 0)))
            {
                deciding[cancellation.OrderId] = cancellation;
            }
        }

        var bySeller = 0;
        string? unexplained = null;
        foreach (var order in data.Orders)
        {
            if (order.PaidUtc is null || order.IsSampleOrTest || order.Status != OrderStatus.Cancelled)
            {
                continue;
            }

            if (!deciding.TryGetValue(order.OrderId, out var cancellation))
            {
                unexplained ??= order.OrderId;
            }
            else if (cancellation.Role == CancellationRole.Seller)
            {
                bySeller++;
            }
        }

        if (unexplained is null)
        {
            values["seller_cancelled_orders"] = bySeller;
        }
        else
        {
            Unknown(values, reasons, "seller_cancelled_orders",
                $"order {unexplained} of {where} is cancelled but no cancellation of it (not withdrawn) was fetched, so who cancelled it is unknown; a later fetch of the day reads cancellations made since");
        }
    }

    private static void AddTraffic(TrafficDaily? traffic, Dictionary<string, decimal?> values, Dictionary<string, string> reasons, string where)
    {
        string[] ids = ["impressions", "product_clicks", "page_views", "visitors", "add_to_cart_users"];
        if (traffic is null)
        {
            foreach (var id in ids)
            {
                Unknown(values, reasons, id, $"no traffic_daily record for {where}");
            }

            return;
        }

        values["impressions"] = traffic.Impressions;
        values["product_clicks"] = traffic.ProductClicks;
        if (traffic.ProductClicks is null)
        {
            reasons["product_clicks"] = $"the source gives no product clicks for {where}";
        }

        values["page_views"] = traffic.PageViews;
        values["visitors"] = traffic.Visitors;
        values["add_to_cart_users"] = traffic.AddToCartUsers;
        if (traffic.AddToCartUsers is null)
        {
            reasons["add_to_cart_users"] = $"the source gives no add-to-cart users for {where}";
        }

    }

    private static void AddContent(StoreDayData data, Dictionary<string, decimal?> values, Dictionary<string, string> reasons, string where)
    {
        values["live_views"] = data.LiveSessions.Sum(s => s.Views);
        values["live_viewers"] = data.LiveSessions.Sum(s => s.Viewers);
        values["live_watch_seconds"] = data.LiveSessions.Sum(s => s.WatchSeconds);

        // The platform's figure per session, not a sum of orders (TikTok's orders do not say a LIVE sold them); in the
        // store's currency, as validation keeps only sessions in it.
        values["live_gmv"] = data.LiveSessions.Sum(s => s.Gmv);

        values["video_views"] = data.Videos.Sum(v => v.Views);
        values["video_completed_views"] = data.Videos.Sum(v => v.CompletedViews);
        if (data.Videos.FirstOrDefault(v => v.CompletedViews is null) is { } partial)
        {
            Unknown(values, reasons, "video_completed_views", $"the source gives no completed views for video {partial.VideoId} on {where}");
        }

        values["ad_spend"] = data.Ads.Sum(a => a.Spend);
        values["ads_attributed_gmv"] = data.Ads.Sum(a => a.AttributedGmv);
    }

    private static void AddService(StoreDayData data, Dictionary<string, decimal?> values, Dictionary<string, string> reasons, string where)
    {
        string[] ids = ["chats", "chats_answered", "chats_answered_in_window", "first_response_seconds", "reviews", "negative_reviews"];
        if (data.Service is not { } service)
        {
            foreach (var id in ids)
            {
                Unknown(values, reasons, id, $"no service_daily record for {where}");
            }

            return;
        }

        void Put(string id, long? value, string what)
        {
            values[id] = value;
            if (value is null)
            {
                reasons[id] = $"the source gives no {what} for {where}";
            }
        }

        Put("chats", service.Chats, "chats");
        Put("chats_answered", service.ChatsAnswered, "count of answered chats");
        var inWindow = data.ResponseWindowHours switch
        {
            12 => service.AnsweredWithin12h,
            24 => service.AnsweredWithin24h,
            _ => throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Response window {data.ResponseWindowHours} h for store {data.Store.Id} is not supported; use 12 or 24."),
                nameof(data)),
        };
        Put("chats_answered_in_window", inWindow, string.Create(CultureInfo.InvariantCulture, $"count of chats answered within the store's {data.ResponseWindowHours} h window"));
        Put("first_response_seconds", service.FirstResponseSecondsTotal, "first-response times");
        Put("reviews", service.Reviews, "reviews");
        Put("negative_reviews", service.NegativeReviews, "negative reviews");
    }

    /// <summary>
    /// The base measures a dataset feeds (datasets the orders and refunds measures come from cannot be missing).
    /// </summary>
    private static string[] MeasuresOf(string dataset) => dataset switch
    {
        "traffic_daily" => ["impressions", "product_clicks", "page_views", "visitors", "add_to_cart_users"],
        "live_sessions" => ["live_views", "live_viewers", "live_watch_seconds", "live_gmv"],
        "videos" => ["video_views", "video_completed_views"],
        "ads_daily" => ["ad_spend", "ads_attributed_gmv"],
        "service_daily" => ["chats", "chats_answered", "chats_answered_in_window", "first_response_seconds", "reviews", "negative_reviews"],
        "inventory_daily" => ["units_on_hand"],
        "cancellations" => ["seller_cancelled_orders"],

        // Each product's day feeds no store-day measure: the day's clicks and add-to-cart users are traffic_daily's.
        "product_daily" => [],
        _ => throw new ArgumentException($"Dataset '{dataset}' cannot be marked as not fetched; only traffic_daily, product_daily, live_sessions, videos, ads_daily, service_daily, inventory_daily and cancellations can, or one measure of them as dataset.measure.", nameof(dataset)),
    };

    private static void Unknown(Dictionary<string, decimal?> values, Dictionary<string, string> reasons, string id, string reason)
    {
        values[id] = null;
        reasons[id] = reason;
    }
}
