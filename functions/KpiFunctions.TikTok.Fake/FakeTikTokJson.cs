using System.Globalization;
using System.Text.Json.Nodes;
using KpiFunctions.Core.Domain;

namespace KpiFunctions.TikTok.Fake;

/// <summary>Synthetic records in the shapes of the 202309 API (reference digest 7.3-7.6 and 8.1).</summary>
internal static class FakeTikTokJson
{
    /// <summary>
    /// An order: one line item per unit (the API has no quantity; digest 7.5), money as decimal strings, times as Unix
    /// seconds, the buyer's id as <c>user_id</c> (the synthetic hash stands in for TikTok's opaque id) and the
    /// planted personal fields. The generator's defects come out as the API would show such records: an unknown
    /// currency, an amount that does not parse (a line of zero units), a sub_total that disagrees with the lines.
    /// </summary>
    public static JsonObject Order(Order order)
    {
        var items = new JsonArray();
        foreach (var line in order.Lines)
        {
            if (line.Quantity <= 0)
            {
                items.Add(Item(order, line, line.LineId + "-0", "n/a"));
                continue;
            }

            for (var unit = 0; unit < line.Quantity; unit++)
            {
                items.Add(Item(order, line, line.LineId + "-" + unit.ToString(CultureInfo.InvariantCulture), Money(line.SalePrice)));
            }
        }

        var json = new JsonObject
        {
            ["id"] = order.OrderId,
            ["status"] = TikTokStatuses.Name(order.Status),
            ["create_time"] = order.CreatedUtc.ToUnixTimeSeconds(),
            ["update_time"] = order.UpdatedUtc.ToUnixTimeSeconds(),
            ["order_type"] = "NORMAL",
            ["is_sample_order"] = order.IsSampleOrTest,
            ["user_id"] = order.BuyerIdHash,
            ["buyer_email"] = FakeTikTokServer.PlantedEmail,
            ["buyer_nickname"] = FakeTikTokServer.PlantedName,
            ["recipient_address"] = new JsonObject
            {
                ["name"] = FakeTikTokServer.PlantedName,
                ["phone_number"] = FakeTikTokServer.PlantedPhone,
                ["full_address"] = "1 Planted Street, Planted Town",
                ["postal_code"] = "50000",
            },
            ["line_items"] = items,
            ["payment"] = new JsonObject
            {
                ["currency"] = order.Currency,
                ["original_total_product_price"] = Money(order.Subtotal + order.SellerDiscount),
                ["seller_discount"] = Money(order.SellerDiscount),
                ["platform_discount"] = Money(order.PlatformDiscount),
                ["sub_total"] = Money(order.Subtotal - order.PlatformDiscount),
                ["shipping_fee"] = Money(order.Shipping),
                ["tax"] = Money(order.Tax),
                ["total_amount"] = Money(order.Total),
            },
        };
        if (order.PaidUtc is { } paid)
        {
            json["paid_time"] = paid.ToUnixTimeSeconds();
        }

        if (order.Status == OrderStatus.Cancelled)
        {
            json["cancel_time"] = order.UpdatedUtc.ToUnixTimeSeconds();
        }

        return json;
    }

    /// <summary>True for the generator's defective orders (which the feed shows broken; the platform's own figures leave them out).</summary>
    public static bool IsSpoiled(Order order, Store store) =>
        order.Currency != store.Currency || order.Lines.Any(l => l.Quantity <= 0) || order.Subtotal != order.Lines.Sum(l => l.SalePrice * l.Quantity);

    /// <summary>A completed refund as a return record.</summary>
    public static JsonObject Return(Refund refund) => new()
    {
        ["return_id"] = refund.RefundId,
        ["order_id"] = refund.OrderId,
        ["return_type"] = refund.IsReturn ? "RETURN_AND_REFUND" : "REFUND",
        ["return_status"] = "RETURN_OR_REFUND_REQUEST_COMPLETE",
        ["role"] = "BUYER",
        ["create_time"] = refund.RequestedUtc.ToUnixTimeSeconds(),
        ["update_time"] = (refund.CompletedUtc ?? refund.RequestedUtc).ToUnixTimeSeconds(),
        ["return_reason_text"] = refund.Reason,
        ["refund_amount"] = new JsonObject { ["currency"] = refund.Currency, ["refund_total"] = Money(refund.Amount) },
    };

    private static JsonObject Item(Order order, OrderLine line, string id, string salePrice) => new()
    {
        ["id"] = id,
        ["product_id"] = line.ProductId,
        ["product_name"] = line.ProductName,
        ["sku_id"] = line.SkuId,
        ["currency"] = order.Currency,
        ["original_price"] = Money(line.OriginalPrice),
        ["sale_price"] = salePrice,
        ["seller_discount"] = Money(line.OriginalPrice - line.SalePrice),
        ["platform_discount"] = "0",
        ["display_status"] = TikTokStatuses.Name(order.Status),
    };

    /// <summary>Decimal strings with no fixed scale, as the API sends them ("119", "4.9").</summary>
    public static string MoneyText(decimal value) => Money(value);

    /// <summary>
    /// An affiliate order as affiliate_seller 202410 sends it (docs/tiktok-shop-api-notes.md): one SKU entry per line
    /// (product id, no SKU id), the creator and the world's content type on each (one content per order), and the order's commission spread over its lines by
    /// their GMV (the last takes the rounding). TikTok settles commission some days after delivery: an order placed in
    /// the last week has only the estimate, older ones the actual amount too; both equal the world's figure.
    /// </summary>
    public static JsonObject AffiliateOrder(Order order, string contentType, DateTimeOffset asOf)
    {
        var settled = order.CreatedUtc < asOf.AddDays(-7);
        var commission = order.AffiliateCommission ?? 0m;
        var gmv = order.Lines.Sum(l => l.SalePrice * l.Quantity);
        var given = 0m;
        var skus = new JsonArray();
        for (var i = 0; i < order.Lines.Count; i++)
        {
            var line = order.Lines[i];
            var share = i == order.Lines.Count - 1 ? commission - given
                : gmv == 0 ? 0m : decimal.Round(commission * line.SalePrice * line.Quantity / gmv, 2);
            given += share;
            var sku = new JsonObject
            {
                ["product_id"] = line.ProductId,
                ["creator_username"] = order.CreatorId,
                ["content_type"] = contentType,
                ["content_id"] = "c" + order.OrderId,
                ["quantity"] = line.Quantity,
                ["price"] = new JsonObject { ["amount"] = Money(line.SalePrice), ["currency"] = order.Currency },
                ["commission_rate"] = "1200",
                ["estimated_paid_commission"] = new JsonObject { ["amount"] = Money(share), ["currency"] = order.Currency },
                ["refunded_quantity"] = 0,
                ["returned_quantity"] = 0,
            };
            if (settled)
            {
                sku["actual_paid_commission"] = new JsonObject { ["amount"] = Money(share), ["currency"] = order.Currency };
            }

            skus.Add(sku);
        }

        return new JsonObject
        {
            ["id"] = order.OrderId,
            ["create_time"] = order.CreatedUtc.ToUnixTimeSeconds(),
            ["status"] = TikTokStatuses.Name(order.Status),
            ["skus"] = skus,
        };
    }

    private static string Money(decimal value) => (value / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);
}
