using System.Globalization;
using KpiFunctions.Core.Domain;

namespace KpiFunctions.Core.Validation;

/// <summary>
/// Checks source records against the rules the KPIs rely on. A record with any problem is quarantined
/// with these messages, never counted.
/// </summary>
public static class RecordValidator
{
    /// <summary>Money is stored as DECIMAL(18,4): at most 4 decimals and 14 integer digits.</summary>
    private const decimal MaxMoney = 100_000_000_000_000m;

    /// <summary>Problems with an order (empty when it is sound).</summary>
    public static IReadOnlyList<string> Validate(Order order, Store store)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(store);
        var p = new List<string>();
        CheckIdentity(p, order.StoreId, store, order.OrderId, "order id");
        CheckCurrency(p, order.Currency, store);
        if (order.PaidUtc is { } paid && paid < order.CreatedUtc)
        {
            p.Add(Invariant($"paid at {paid:O} before it was created at {order.CreatedUtc:O}"));
        }

        if (order.PaidUtc is null && order.Status is not (OrderStatus.Unpaid or OrderStatus.Cancelled))
        {
            p.Add($"status {order.Status} but no paid time");
        }

        if (order.PaidUtc is not null && order.Status == OrderStatus.Unpaid)
        {
            p.Add("status Unpaid but a paid time is set");
        }

        if (string.IsNullOrWhiteSpace(order.BuyerIdHash))
        {
            p.Add("buyer id hash is missing");
        }

        if (order.Channel == SalesChannel.Affiliate && string.IsNullOrWhiteSpace(order.CreatorId))
        {
            p.Add("affiliate order without a creator id");
        }

        foreach (var (name, value) in new (string, decimal?)[]
        {
            ("subtotal", order.Subtotal), ("shipping", order.Shipping), ("seller discount", order.SellerDiscount),
            ("platform discount", order.PlatformDiscount), ("tax", order.Tax), ("total", order.Total),
            ("platform fee", order.PlatformFee), ("affiliate commission", order.AffiliateCommission),
        })
        {
            if (value is not { } amount)
            {
                continue; // a figure the source does not give
            }

            if (amount < 0)
            {
                p.Add(Invariant($"{name} is negative ({amount})"));
            }

            Money(p, name, amount);
        }

        if (order.Lines.Count == 0)
        {
            p.Add("has no lines");
        }

        decimal subtotal = 0, sellerDiscount = 0;
        var lineIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in order.Lines)
        {
            if (!lineIds.Add(line.LineId))
            {
                p.Add($"line {line.LineId} appears twice");
            }

            if (line.Quantity < 1)
            {
                p.Add(Invariant($"line {line.LineId} has quantity {line.Quantity}; it must be at least 1"));
            }

            if (line.SalePrice < 0 || line.OriginalPrice < line.SalePrice)
            {
                p.Add(Invariant($"line {line.LineId} has sale price {line.SalePrice} and original price {line.OriginalPrice}; need 0 <= sale <= original"));
            }

            if (string.IsNullOrWhiteSpace(line.SkuId))
            {
                p.Add($"line {line.LineId} has no SKU");
            }

            Money(p, $"line {line.LineId} sale price", line.SalePrice);
            Money(p, $"line {line.LineId} original price", line.OriginalPrice);
            subtotal += line.SalePrice * line.Quantity;
            sellerDiscount += (line.OriginalPrice - line.SalePrice) * line.Quantity;
        }

        if (order.Lines.Count > 0 && subtotal != order.Subtotal)
        {
            p.Add(Invariant($"subtotal {order.Subtotal} differs from the lines' sale price × quantity {subtotal}"));
        }

        if (order.Lines.Count > 0 && sellerDiscount != order.SellerDiscount)
        {
            p.Add(Invariant($"seller discount {order.SellerDiscount} differs from the lines' {sellerDiscount}"));
        }

        var total = order.Subtotal - order.PlatformDiscount + order.Shipping + order.Tax;
        if (total != order.Total)
        {
            p.Add(Invariant($"total {order.Total} differs from subtotal - platform discount + shipping + tax = {total}"));
        }

        return p;
    }

    /// <summary>Problems with a refund.</summary>
    public static IReadOnlyList<string> Validate(Refund refund, Store store)
    {
        ArgumentNullException.ThrowIfNull(refund);
        ArgumentNullException.ThrowIfNull(store);
        var p = new List<string>();
        CheckIdentity(p, refund.StoreId, store, refund.RefundId, "refund id");
        CheckCurrency(p, refund.Currency, store);
        if (refund.Amount <= 0)
        {
            p.Add(Invariant($"amount {refund.Amount} must be positive"));
        }

        Money(p, "amount", refund.Amount);

        if (string.IsNullOrWhiteSpace(refund.OrderId))
        {
            p.Add("order id is missing");
        }

        if (refund.Status == RefundStatus.Completed && refund.CompletedUtc is null)
        {
            p.Add("status Completed but no completion time");
        }

        if (refund.CompletedUtc is { } done && done < refund.RequestedUtc)
        {
            p.Add(Invariant($"completed at {done:O} before it was requested at {refund.RequestedUtc:O}"));
        }

        return p;
    }

    /// <summary>Problems with a cancellation.</summary>
    public static IReadOnlyList<string> Validate(Cancellation cancellation, Store store)
    {
        ArgumentNullException.ThrowIfNull(cancellation);
        ArgumentNullException.ThrowIfNull(store);
        var p = new List<string>();
        CheckIdentity(p, cancellation.StoreId, store, cancellation.CancelId, "cancellation id");
        CheckCurrency(p, cancellation.Currency, store);
        if (string.IsNullOrWhiteSpace(cancellation.OrderId))
        {
            p.Add("order id is missing");
        }

        if (string.IsNullOrWhiteSpace(cancellation.Reason))
        {
            p.Add("reason is missing");
        }

        if (cancellation.UpdatedUtc < cancellation.CreatedUtc)
        {
            p.Add(Invariant($"updated at {cancellation.UpdatedUtc:O} before it was created at {cancellation.CreatedUtc:O}"));
        }

        if (cancellation.RefundTotal is { } refund)
        {
            if (refund < 0)
            {
                p.Add(Invariant($"refund total {refund} is negative"));
            }

            Money(p, "refund total", refund);
        }

        return p;
    }

    /// <summary>Problems with a day's traffic.</summary>
    public static IReadOnlyList<string> Validate(TrafficDaily t, Store store)
    {
        ArgumentNullException.ThrowIfNull(t);
        var p = new List<string>();
        CheckIdentity(p, t.StoreId, store, "traffic", "record");
        NonNegative(p, ("impressions", t.Impressions), ("product clicks", t.ProductClicks ?? 0), ("page views", t.PageViews), ("visitors", t.Visitors), ("add-to-cart users", t.AddToCartUsers ?? 0));
        if (t.ProductClicks > t.Impressions)
        {
            p.Add(Invariant($"product clicks {t.ProductClicks} exceed impressions {t.Impressions}"));
        }

        // Add-to-cart users are unique per product and summed over products, so a visitor who adds several products
        // counts several times: they may exceed the day's visitors, which is no sign of a broken record.
        return p;
    }

    /// <summary>Problems with a LIVE session.</summary>
    public static IReadOnlyList<string> Validate(LiveSession s, Store store)
    {
        ArgumentNullException.ThrowIfNull(s);
        var p = new List<string>();
        CheckIdentity(p, s.StoreId, store, s.SessionId, "session id");
        CheckCurrency(p, s.Currency, store);
        NonNegative(p, ("duration", s.DurationSeconds), ("views", s.Views), ("viewers", s.Viewers), ("watch seconds", s.WatchSeconds));
        if (s.Gmv < 0)
        {
            p.Add(Invariant($"GMV {s.Gmv} is negative"));
        }

        Money(p, "GMV", s.Gmv);

        if (s.Viewers > s.Views)
        {
            p.Add(Invariant($"viewers {s.Viewers} exceed views {s.Views}"));
        }

        return p;
    }

    /// <summary>Problems with a video's day.</summary>
    public static IReadOnlyList<string> Validate(VideoDaily v, Store store)
    {
        ArgumentNullException.ThrowIfNull(v);
        var p = new List<string>();
        CheckIdentity(p, v.StoreId, store, v.VideoId, "video id");
        CheckCurrency(p, v.Currency, store);
        NonNegative(p, ("views", v.Views), ("completed views", v.CompletedViews));
        if (v.CompletedViews > v.Views)
        {
            p.Add(Invariant($"completed views {v.CompletedViews} exceed views {v.Views}"));
        }

        if (v.AttributedGmv < 0)
        {
            p.Add(Invariant($"attributed GMV {v.AttributedGmv} is negative"));
        }

        Money(p, "attributed GMV", v.AttributedGmv);

        return p;
    }

    /// <summary>Problems with a campaign's day.</summary>
    public static IReadOnlyList<string> Validate(AdsDaily a, Store store)
    {
        ArgumentNullException.ThrowIfNull(a);
        var p = new List<string>();
        CheckIdentity(p, a.StoreId, store, a.CampaignId, "campaign id");
        CheckCurrency(p, a.Currency, store);
        NonNegative(p, ("impressions", a.Impressions), ("clicks", a.Clicks));
        if (a.Spend < 0 || a.AttributedGmv < 0)
        {
            p.Add(Invariant($"spend {a.Spend} and attributed GMV {a.AttributedGmv} must not be negative"));
        }

        Money(p, "spend", a.Spend);
        Money(p, "attributed GMV", a.AttributedGmv);

        return p;
    }

    /// <summary>Problems with a day's service figures.</summary>
    public static IReadOnlyList<string> Validate(ServiceDaily s, Store store)
    {
        ArgumentNullException.ThrowIfNull(s);
        var p = new List<string>();
        CheckIdentity(p, s.StoreId, store, "service", "record");
        NonNegative(p, ("chats", s.Chats), ("first response seconds", s.FirstResponseSecondsTotal), ("reviews", s.Reviews), ("negative reviews", s.NegativeReviews));
        // Each count the source gives must fit inside the next one it gives; unknown ones are left out of the chain.
        (string Name, int? Value)[] chain = [("answered within 12 h", s.AnsweredWithin12h), ("answered within 24 h", s.AnsweredWithin24h), ("answered", s.ChatsAnswered), ("chats", s.Chats)];
        var known = chain.Where(c => c.Value is not null).ToArray();
        for (var i = 0; i < known.Length; i++)
        {
            if (known[i].Value < 0 || (i > 0 && known[i - 1].Value > known[i].Value))
            {
                p.Add("need 0 <= " + string.Join(" <= ", known.Select(c => Invariant($"{c.Name} ({c.Value})"))));
                break;
            }
        }

        if (s.NegativeReviews > s.Reviews)
        {
            p.Add(Invariant($"negative reviews {s.NegativeReviews} exceed reviews {s.Reviews}"));
        }

        return p;
    }

    /// <summary>Problems with an inventory snapshot.</summary>
    public static IReadOnlyList<string> Validate(InventorySnapshot i, Store store)
    {
        ArgumentNullException.ThrowIfNull(i);
        var p = new List<string>();
        CheckIdentity(p, i.StoreId, store, i.SkuId, "SKU");
        NonNegative(p, ("units on hand", i.UnitsOnHand));
        return p;
    }

    /// <summary>Problems with a unit cost.</summary>
    public static IReadOnlyList<string> Validate(ProductCost c, Store store)
    {
        ArgumentNullException.ThrowIfNull(c);
        var p = new List<string>();
        CheckIdentity(p, c.StoreId, store, c.SkuId, "SKU");
        CheckCurrency(p, c.Currency, store);
        if (c.UnitCost < 0)
        {
            p.Add(Invariant($"unit cost {c.UnitCost} is negative"));
        }

        Money(p, "unit cost", c.UnitCost);

        return p;
    }

    /// <summary>Problems with a product SKU.</summary>
    public static IReadOnlyList<string> Validate(ProductSku k, Store store)
    {
        ArgumentNullException.ThrowIfNull(k);
        var p = new List<string>();
        CheckIdentity(p, k.StoreId, store, k.SkuId, "SKU");
        if (string.IsNullOrWhiteSpace(k.ProductId))
        {
            p.Add("product id is missing");
        }

        CheckCurrency(p, k.Currency, store);
        if (k.Price is { } price)
        {
            if (price < 0)
            {
                p.Add(Invariant($"price {price} is negative"));
            }

            Money(p, "price", price);
        }

        return p;
    }

    /// <summary>Problems with a product's day.</summary>
    public static IReadOnlyList<string> Validate(ProductDaily d, Store store)
    {
        ArgumentNullException.ThrowIfNull(d);
        var p = new List<string>();
        CheckIdentity(p, d.StoreId, store, d.ProductId, "product id");
        CheckCurrency(p, d.Currency, store);
        NonNegative(p, ("impressions", d.Impressions), ("clicks", d.Clicks), ("add-to-cart users", d.AddToCartUsers), ("orders", d.Orders), ("units sold", d.UnitsSold));
        if (d.Gmv is { } gmv)
        {
            if (gmv < 0)
            {
                p.Add(Invariant($"gmv {gmv} is negative"));
            }

            Money(p, "gmv", gmv);
        }

        return p;
    }

    /// <summary>Problems with a creator.</summary>
    public static IReadOnlyList<string> Validate(Creator c, Store store)
    {
        ArgumentNullException.ThrowIfNull(c);
        var p = new List<string>();
        CheckIdentity(p, c.StoreId, store, c.CreatorId, "creator id");
        if (c.FirstOrderDate > c.LastOrderDate)
        {
            p.Add(Invariant($"first order day {c.FirstOrderDate:yyyy-MM-dd} is after the last {c.LastOrderDate:yyyy-MM-dd}"));
        }

        return p;
    }

    private static void Money(List<string> p, string name, decimal amount)
    {
        if (decimal.Round(amount, 4) != amount || Math.Abs(amount) >= MaxMoney)
        {
            p.Add(Invariant($"{name} {amount} does not fit the stored money format (at most 4 decimals, under 10^14)"));
        }
    }

    private static void CheckIdentity(List<string> p, string storeId, Store store, string id, string idName)
    {
        if (!string.Equals(storeId, store.Id, StringComparison.Ordinal))
        {
            p.Add($"belongs to store '{storeId}', not '{store.Id}'");
        }

        if (string.IsNullOrWhiteSpace(id))
        {
            p.Add($"{idName} is missing");
        }
    }

    private static void CheckCurrency(List<string> p, string currency, Store store)
    {
        if (!string.Equals(currency, store.Currency, StringComparison.Ordinal))
        {
            p.Add($"currency '{currency}' is not the store's currency '{store.Currency}'");
        }
    }

    private static void NonNegative(List<string> p, params (string Name, long? Value)[] fields)
    {
        foreach (var (name, value) in fields)
        {
            if (value < 0)
            {
                p.Add(Invariant($"{name} is negative ({value})"));
            }
        }
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
