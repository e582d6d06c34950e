using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Privacy;
using KpiFunctions.Sources;

namespace KpiFunctions.TikTok;

/// <summary>
/// Turns API records into clean ones, or into a <see cref="RejectedRecord"/> naming every reason: a missing id, an
/// unknown status, a currency that is not the store's, an amount that does not parse or is negative, a time in the
/// future, a payment that disagrees with its line items. Also scrubs pages before they are kept: buyer ids hashed,
/// personal fields dropped.
/// </summary>
public sealed class TikTokMapper
{
    /// <summary>Fields of an order that identify a person; dropped from every page before it is stored (digest 7.3).</summary>
    public static readonly IReadOnlySet<string> PersonalFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "buyer_email", "buyer_nickname", "buyer_avatar", "recipient_address", "cpf", "cpf_name", "buyer_message",
    };

    private static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);
    private static readonly string[] NotPlatformFees = ["affiliate", "creator", "ads_commission", "gmv_max", "tsp_", "tap_shop", "pit_", "retail_delivery_fee"];
    private readonly Store _store;
    private readonly BuyerIdHasher _hasher;
    private readonly TimeProvider _time;

    /// <summary>Creates a mapper for one store's records.</summary>
    public TikTokMapper(Store store, BuyerIdHasher hasher, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(hasher);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _hasher = hasher;
        _time = time;
    }

    /// <summary>
    /// A page's <c>data</c> as it may be kept: <c>user_id</c> and <c>buyer_user_id</c> replaced by their salted
    /// hashes, personal fields removed, everything else as received.
    /// </summary>
    public byte[] Scrub(JsonElement data)
    {
        var node = JsonNode.Parse(data.GetRawText());
        ScrubNode(node);
        return JsonSerializer.SerializeToUtf8Bytes(node);
    }

    private void ScrubNode(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var field in PersonalFields)
                {
                    obj.Remove(field);
                }

                foreach (var field in new[] { "user_id", "buyer_user_id" })
                {
                    if (obj[field] is JsonValue value && value.TryGetValue<string>(out var clear))
                    {
                        obj[field] = _hasher.Hash(clear);
                    }
                }

                foreach (var (_, child) in obj.ToList())
                {
                    ScrubNode(child);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    ScrubNode(child);
                }

                break;
        }
    }

    /// <summary>An order, or the reasons it cannot be one.</summary>
    public (TikTokOrder? Order, RejectedRecord? Rejected) MapOrder(JsonElement json, int position)
    {
        var r = new Reader(json);
        var id = r.Id("id");
        var statusName = r.Text("status");
        if (!TikTokStatuses.TryParse(statusName, out var status))
        {
            r.Problem($"status '{statusName}' is not an order status of the API");
        }

        var created = r.Time("create_time", required: true) ?? DateTimeOffset.MinValue;
        var updated = r.Time("update_time", required: true) ?? created;
        var paid = r.Time("paid_time", required: false);
        var now = _time.GetUtcNow();
        if (created > now + FutureTolerance)
        {
            r.Problem($"create_time {created:O} is in the future");
        }

        var payment = json.TryGetProperty("payment", out var p) && p.ValueKind == JsonValueKind.Object ? new Reader(p, r) : null;
        if (payment is null)
        {
            r.Problem("payment is missing");
        }

        var currency = payment?.Text("currency") ?? "";
        if (!string.Equals(currency, _store.Currency, StringComparison.Ordinal))
        {
            r.Problem($"currency '{currency}' is not the store's currency {_store.Currency}");
        }

        var subTotal = payment?.Money("sub_total") ?? 0;
        var platformDiscount = payment?.Money("platform_discount", optional: true) ?? 0;
        var sellerDiscount = payment?.Money("seller_discount", optional: true) ?? 0;
        var shipping = payment?.Money("shipping_fee", optional: true) ?? 0;
        var tax = payment?.Money("tax", optional: true) ?? 0;
        var total = payment?.Money("total_amount") ?? 0;

        var lines = new List<OrderLine>();
        if (json.TryGetProperty("line_items", out var items) && items.ValueKind == JsonValueKind.Array && items.GetArrayLength() > 0)
        {
            var units = new List<(string Id, string Sku, string Product, string Name, decimal Sale, decimal Original)>();
            foreach (var item in items.EnumerateArray())
            {
                var line = new Reader(item, r);
                var lineId = line.Text("id") ?? "";
                units.Add((lineId, line.Text("sku_id") ?? "", line.Text("product_id") ?? "", line.Text("product_name") ?? "",
                    line.Money("sale_price", label: $"line item {lineId} sale_price"), line.Money("original_price", label: $"line item {lineId} original_price")));
                if (string.IsNullOrEmpty(lineId) || string.IsNullOrEmpty(units[^1].Sku))
                {
                    r.Problem("a line item has no id or no sku_id");
                }
            }

            lines.AddRange(units
                .GroupBy(u => (u.Sku, u.Product, u.Sale, u.Original))
                .Select(g => new OrderLine(g.Select(u => u.Id).Min(StringComparer.Ordinal)!, g.Key.Sku, g.Key.Product, g.First().Name, g.Count(), g.Key.Sale, g.Key.Original)));
            var linesTotal = lines.Sum(l => l.SalePrice * l.Quantity);
            if (payment is not null && r.Clean && linesTotal != subTotal + platformDiscount)
            {
                r.Problem($"payment sub_total {subTotal} + platform_discount {platformDiscount} does not equal the line items' {linesTotal}");
            }
        }
        else
        {
            r.Problem("line_items is missing or empty");
        }

        if (payment is not null && r.Clean && subTotal + shipping + tax != total)
        {
            r.Problem($"payment total_amount {total} is not sub_total {subTotal} + shipping_fee {shipping} + tax {tax}");
        }

        var buyer = r.Text("user_id");
        if (string.IsNullOrEmpty(buyer))
        {
            r.Problem("user_id is missing");
        }

        if (!r.Clean)
        {
            return (null, Reject("orders", id, position, r, json));
        }

        return (new TikTokOrder(
            id!, status, created, paid, updated, currency, subTotal + platformDiscount, shipping, sellerDiscount, platformDiscount, tax, total,
            json.TryGetProperty("is_sample_order", out var sample) && sample.ValueKind == JsonValueKind.True,
            _hasher.Hash(buyer!), lines), null);
    }

    /// <summary>A return, or the reasons it cannot be one.</summary>
    public (TikTokReturn? Return, RejectedRecord? Rejected) MapReturn(JsonElement json, int position)
    {
        var r = new Reader(json);
        var id = r.Id("return_id");
        var orderId = r.Text("order_id");
        if (string.IsNullOrEmpty(orderId))
        {
            r.Problem("order_id is missing");
        }

        var statusName = r.Text("return_status") ?? "";
        var status = statusName switch
        {
            "RETURN_OR_REFUND_REQUEST_COMPLETE" => RefundStatus.Completed,
            "RETURN_OR_REFUND_REQUEST_SUCCESS" => RefundStatus.Approved,
            "REFUND_OR_RETURN_REQUEST_REJECT" or "REJECT_RECEIVE_PACKAGE" => RefundStatus.Rejected,
            "RETURN_OR_REFUND_REQUEST_CANCEL" => RefundStatus.Cancelled,
            "RETURN_OR_REFUND_REQUEST_PENDING" or "AWAITING_BUYER_SHIP" or "BUYER_SHIPPED_ITEM" or "AWAITING_BUYER_RESPONSE" => RefundStatus.Requested,
            _ => (RefundStatus?)null,
        };
        if (status is null)
        {
            r.Problem($"return_status '{statusName}' is not a refund status we count (replacements are not refunds)");
        }

        var created = r.Time("create_time", required: true) ?? DateTimeOffset.MinValue;
        var updated = r.Time("update_time", required: true) ?? created;
        if (updated > _time.GetUtcNow() + FutureTolerance)
        {
            r.Problem($"update_time {updated:O} is in the future");
        }

        var amount = json.TryGetProperty("refund_amount", out var a) && a.ValueKind == JsonValueKind.Object ? new Reader(a, r) : null;
        var currency = amount?.Text("currency") ?? "";
        var total = amount?.Money("refund_total") ?? 0;
        if (amount is null)
        {
            r.Problem("refund_amount is missing");
        }
        else if (!string.Equals(currency, _store.Currency, StringComparison.Ordinal))
        {
            r.Problem($"currency '{currency}' is not the store's currency {_store.Currency}");
        }

        if (!r.Clean)
        {
            return (null, Reject("refunds", id, position, r, json));
        }

        return (new TikTokReturn(id!, orderId!, status!.Value, created, updated, currency, total,
            r.Text("return_type") == "RETURN_AND_REFUND", r.Text("return_reason_text") ?? ""), null);
    }

    /// <summary>
    /// A cancellation (return_refund 202309 cancellation search), or the reasons it cannot be one: ids, a known
    /// <c>cancel_type</c>, <c>cancel_status</c> (the cancelled value is spelled both <c>CANCELLATION_REQUEST_CANCEL</c>
    /// and <c>..._CANCELLED</c> in TikTok's docs: both are read), a <c>role</c> of BUYER, SELLER or SYSTEM, the
    /// <c>cancel_reason</c> key, create and update times not in the future. <c>refund_amount</c> may be absent (it was
    /// in a real answer): the refund is then unknown, not zero; when given, its currency must be the store's.
    /// </summary>
    public (Cancellation? Cancellation, RejectedRecord? Rejected) MapCancellation(JsonElement json, int position)
    {
        var r = new Reader(json);
        var id = r.Id("cancel_id");
        var orderId = r.Id("order_id");
        var type = r.Choice<CancellationType>("cancel_type", "CANCEL or BUYER_CANCEL", new()
        {
            ["CANCEL"] = CancellationType.Cancel,
            ["BUYER_CANCEL"] = CancellationType.BuyerCancel,
        });
        var status = r.Choice<CancellationStatus>("cancel_status", "a cancellation status we know", new()
        {
            ["CANCELLATION_REQUEST_PENDING"] = CancellationStatus.Pending,
            ["CANCELLATION_REQUEST_SUCCESS"] = CancellationStatus.Success,
            ["CANCELLATION_REQUEST_COMPLETE"] = CancellationStatus.Complete,
            ["CANCELLATION_REQUEST_CANCEL"] = CancellationStatus.Withdrawn,
            ["CANCELLATION_REQUEST_CANCELLED"] = CancellationStatus.Withdrawn,
        });
        var role = r.Choice<CancellationRole>("role", "BUYER, SELLER or SYSTEM", new()
        {
            ["BUYER"] = CancellationRole.Buyer,
            ["SELLER"] = CancellationRole.Seller,
            ["SYSTEM"] = CancellationRole.System,
        });

        var reason = r.Text("cancel_reason");
        if (string.IsNullOrWhiteSpace(reason))
        {
            r.Problem("cancel_reason is missing");
        }

        var created = r.Time("create_time", required: true) ?? DateTimeOffset.MinValue;
        var updated = r.Time("update_time", required: true) ?? created;
        var now = _time.GetUtcNow() + FutureTolerance;
        if (created > now || updated > now)
        {
            r.Problem($"create_time {created:O} or update_time {updated:O} is in the future");
        }

        decimal? refund = null;
        if (json.TryGetProperty("refund_amount", out var a) && a.ValueKind == JsonValueKind.Object)
        {
            var amount = new Reader(a, r);
            var currency = amount.Text("currency");
            refund = amount.Money("refund_total", label: "refund_amount.refund_total");
            if (!string.Equals(currency, _store.Currency, StringComparison.Ordinal))
            {
                r.Problem($"refund_amount currency '{currency}' is not the store's currency {_store.Currency}");
            }
        }
        else if (json.TryGetProperty("refund_amount", out var other) && other.ValueKind != JsonValueKind.Null)
        {
            r.Problem($"refund_amount is a {other.ValueKind}, not an object");
        }

        return r.Clean
            ? (new Cancellation(_store.Id, id!, orderId!, type!.Value, status!.Value, role!.Value, reason!, r.Text("cancel_reason_text") is { Length: > 0 } text ? text : null,
                created, updated, refund, _store.Currency), null)
            : (null, Reject("cancellations", id, position, r, json));
    }

    /// <summary>
    /// A shop performance interval (202405, 1D): the traffic it has (impressions, page views, visitors; product clicks
    /// and add-to-cart users are not given at shop level, they come from the product list, <see cref="MapProductTraffic"/>)
    /// and the platform's GMV and order count. A field that does not
    /// parse makes the part it belongs to unusable and is reported as a rejected record.
    /// </summary>
    public (TrafficDaily? Traffic, PlatformDaily? Platform) MapShopPerformance(JsonElement interval, DateOnly date, List<RejectedRecord> rejected)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        var key = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        TrafficDaily? traffic = null;
        if (interval.TryGetProperty("product_impressions", out _))
        {
            var r = new Reader(interval);
            var impressions = r.Count("product_impressions");
            var pageViews = r.Count("product_page_views");
            var visitors = r.Count("avg_product_page_visitors");
            if (r.Clean)
            {
                traffic = new TrafficDaily(_store.Id, date, impressions, null, pageViews, visitors, null);
            }
            else
            {
                rejected.Add(new RejectedRecord("traffic_daily", key, string.Join("; ", r.Problems), interval.GetRawText()));
            }
        }

        var p = new Reader(interval);
        var (amount, currency) = StoreMoney(interval, "gmv", p);
        var orders = p.Count("orders");

        if (!p.Clean)
        {
            rejected.Add(new RejectedRecord("platform_daily", key, string.Join("; ", p.Problems), interval.GetRawText()));
            return (traffic, null);
        }

        return (traffic, new PlatformDaily(_store.Id, date, currency, amount, orders));
    }

    /// <summary>
    /// A product's day from the product performance list (202605, one-day range), from <c>total_performance</c> (every
    /// channel together): its clicks and add-to-cart users (required: the day's sums are made of them) and, where the
    /// answer has them, its impressions, GMV (in the store's currency), orders and units sold; counts as JSON numbers or
    /// numeric strings. A product whose id or figures cannot be read is rejected with the reasons; the day's sums are
    /// then incomplete.
    /// </summary>
    public (TikTokProductTraffic? Product, RejectedRecord? Rejected) MapProductTraffic(JsonElement json, int position)
    {
        var r = new Reader(json);
        var id = json.TryGetProperty("id", out var idValue) && idValue.ValueKind == JsonValueKind.Number ? idValue.GetRawText() : r.Id("id");
        if (!json.TryGetProperty("total_performance", out var total) || total.ValueKind != JsonValueKind.Object)
        {
            r.Problem("total_performance is missing");
            return (null, Reject("product_daily", id, position, r, json));
        }

        var counts = new Reader(total, r);
        var clicks = counts.Count("product_clicks", "total_performance.product_clicks");
        var cartUsers = counts.Count("add_cart_users", "total_performance.add_cart_users");
        var impressions = counts.OptionalCount("product_impressions", "total_performance.product_impressions");
        var orders = counts.OptionalCount("orders", "total_performance.orders");
        var unitsSold = counts.OptionalCount("items_sold", "total_performance.items_sold");
        decimal? gmv = total.TryGetProperty("gmv", out var g) && g.ValueKind != JsonValueKind.Null
            ? StoreMoney(total, "gmv", r, "total_performance.gmv").Amount
            : null;
        return r.Clean
            ? (new TikTokProductTraffic(id!, impressions, clicks, cartUsers, gmv, orders, unitsSold), null)
            : (null, Reject("product_daily", id, position, r, json));
    }

    /// <summary>
    /// A LIVE session (202509 list): times are strings of Unix seconds; watch time is the average viewing duration
    /// (seconds per viewer, as a decimal string) times the viewers, rounded to whole seconds; product clicks are
    /// <c>interaction_performance.product_clicks</c>, null when the answer leaves it out.
    /// </summary>
    public (LiveSession? Session, RejectedRecord? Rejected) MapLive(JsonElement json, int position)
    {
        var r = new Reader(json);
        var id = r.Id("id");
        DateTimeOffset? Seconds(string name)
        {
            var text = r.Text(name);
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s > 0)
            {
                return DateTimeOffset.FromUnixTimeSeconds(s);
            }

            r.Problem($"{name} '{text}' is not a time in Unix seconds");
            return null;
        }

        var start = Seconds("start_time");
        var end = Seconds("end_time");
        if (start is not null && end < start)
        {
            r.Problem("end_time is before start_time");
        }

        var (gmv, currency) = json.TryGetProperty("sales_performance", out var sp) && sp.ValueKind == JsonValueKind.Object
            ? StoreMoney(sp, "gmv", r, "sales_performance.gmv")
            : StoreMoney(json, "sales_performance", r);

        var interaction = json.TryGetProperty("interaction_performance", out var ip) && ip.ValueKind == JsonValueKind.Object ? new Reader(ip, r) : null;
        if (interaction is null)
        {
            r.Problem("interaction_performance is missing");
        }

        var views = interaction?.Count("views") ?? 0;
        var viewers = interaction?.Count("viewers") ?? 0;
        var average = interaction?.Money("avg_viewing_duration") ?? 0;
        // Absent (an older answer, or a field TikTok leaves out) is unknown, not zero: the click rate is then unknown.
        var productClicks = interaction?.OptionalCount("product_clicks", "interaction_performance.product_clicks");
        if (start > _time.GetUtcNow() + FutureTolerance)
        {
            r.Problem($"start_time {start:O} is in the future");
        }

        if (!r.Clean)
        {
            return (null, Reject("live_sessions", id, position, r, json));
        }

        var session = new LiveSession(_store.Id, id!, start!.Value, (int)(end!.Value - start.Value).TotalSeconds, views, viewers,
            (long)decimal.Round(average * viewers, MidpointRounding.AwayFromZero), gmv, currency)
        {
            ProductClicks = productClicks,
        };
        return (session, null);
    }

    /// <summary>
    /// A video's figures for the day (202509 list, one-day range): views and the GMV TikTok attributes to the video.
    /// The API has no completed views, so they stay unknown (null) and the completion rate says why.
    /// </summary>
    public (VideoDaily? Video, RejectedRecord? Rejected) MapVideo(JsonElement json, DateOnly date, int position)
    {
        var r = new Reader(json);
        var id = r.Id("id");
        var views = r.Count("views");
        var (gmv, currency) = StoreMoney(json, "gmv", r);
        return r.Clean
            ? (new VideoDaily(_store.Id, id!, date, views, null, gmv, currency), null)
            : (null, Reject("videos", id, position, r, json));
    }

    /// <summary>
    /// A customer service session (202602 session search), or the reasons it cannot be one: an id, a begin_time in Unix
    /// seconds not in the future, a first_response_time that is absent or null (not answered) or whole seconds, a
    /// first_response_late that is absent or true or false, a satisfaction_score that is absent or a number. Reading
    /// chosen where the SDK says nothing: an unanswered session may come as 0 seconds flagged late, which cannot be an
    /// answer (a reply at once is not late), so it is read as unanswered.
    /// </summary>
    public (TikTokServiceSession? Session, RejectedRecord? Rejected) MapServiceSession(JsonElement json, int position)
    {
        var r = new Reader(json);
        var id = r.Id("id");
        var began = r.Time("begin_time", required: true);
        if (began > _time.GetUtcNow() + FutureTolerance)
        {
            r.Problem($"begin_time {began:O} is in the future");
        }

        long? seconds = null;
        if (json.TryGetProperty("first_response_time", out var first) && first.ValueKind != JsonValueKind.Null)
        {
            seconds = first.ValueKind == JsonValueKind.Number && first.TryGetInt64(out var s) && s >= 0 ? s : null;
            if (seconds is null)
            {
                r.Problem($"first_response_time '{first}' is not a whole non-negative number of seconds");
            }
        }

        bool? late = null;
        if (json.TryGetProperty("first_response_late", out var flag) && flag.ValueKind != JsonValueKind.Null)
        {
            late = flag.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => null,
            };
            if (late is null)
            {
                r.Problem($"first_response_late '{flag}' is not true or false");
            }
        }

        decimal? score = null;
        if (json.TryGetProperty("satisfaction_score", out var rating) && rating.ValueKind != JsonValueKind.Null)
        {
            score = rating.ValueKind == JsonValueKind.Number && rating.TryGetDecimal(out var d) && d >= 0 ? d : null;
            if (score is null)
            {
                r.Problem($"satisfaction_score '{rating}' is not a non-negative number");
            }
        }

        if (seconds == 0 && late == true)
        {
            seconds = null;
        }

        return r.Clean
            ? (new TikTokServiceSession(id!, began!.Value, seconds, late, score), null)
            : (null, Reject("service_sessions", id, position, r, json));
    }

    /// <summary>
    /// The day's service figures from the sessions opened that day: chats are the sessions, answered ones have a
    /// first response at all, within 12 h and within 24 h count first responses of at most 43,200 and 86,400 seconds
    /// (a window includes its end), and the first-response total sums the answered sessions' seconds,
    /// those answered after 24 h included. Reviews are not in the sessions: they stay unknown (null) until
    /// <see cref="WithReviews"/> adds them from the products' ratings.
    /// </summary>
    public ServiceDaily MapServiceDay(DateOnly date, IReadOnlyList<TikTokServiceSession> sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        int answered = 0, within12 = 0, within24 = 0;
        long seconds = 0;
        foreach (var session in sessions)
        {
            if (session.FirstResponseSeconds is not { } wait)
            {
                continue;
            }

            answered++;
            seconds += wait;
            within12 += wait <= 12 * 3600 ? 1 : 0;
            within24 += wait <= 24 * 3600 ? 1 : 0;
        }

        return new ServiceDaily(_store.Id, date, sessions.Count, answered, within12, within24, seconds, null, null);
    }

    /// <summary>
    /// A product's ratings for the day from its performance answer's data, or the reasons they cannot be read: the
    /// answer needs <c>performance.ratings</c> as a list (it may be empty: no rating), each entry a <c>stars</c> of
    /// <c>1_STAR</c> to <c>5_STAR</c>, met once, with a whole non-negative <c>count</c> (a number or a numeric string).
    /// <c>percentage</c> is not read: the counts say it all.
    /// </summary>
    public (TikTokProductRatings? Ratings, RejectedRecord? Rejected) MapProductRatings(JsonElement data, string productId, int position)
    {
        ArgumentNullException.ThrowIfNull(productId);
        var r = new Reader(data);
        var stars = new long[5];
        if (!data.TryGetProperty("performance", out var performance) || performance.ValueKind != JsonValueKind.Object)
        {
            r.Problem("performance is missing");
        }
        else if (!performance.TryGetProperty("ratings", out var ratings) || ratings.ValueKind != JsonValueKind.Array)
        {
            r.Problem("performance.ratings is missing or not a list");
        }
        else
        {
            var seen = new HashSet<int>();
            foreach (var rating in ratings.EnumerateArray())
            {
                var entry = new Reader(rating, r);
                var name = rating.ValueKind == JsonValueKind.Object ? entry.Text("stars") : null;
                var star = name is { Length: 6 } && name.EndsWith("_STAR", StringComparison.Ordinal) && name[0] is >= '1' and <= '5' ? name[0] - '1' : -1;
                if (star < 0)
                {
                    r.Problem($"rating stars '{name ?? rating.GetRawText()}' is not one of 1_STAR to 5_STAR");
                    continue;
                }

                if (!seen.Add(star))
                {
                    r.Problem($"rating {name} is listed twice");
                    continue;
                }

                stars[star] = entry.Count("count", $"rating {name} count");
            }
        }

        return r.Clean
            ? (new TikTokProductRatings(productId, stars), null)
            : (null, Reject("product_ratings", productId, position, r, data));
    }

    /// <summary>
    /// The day's service figures with its reviews: every rating of the products read (TikTok has no review list, so a
    /// product rating stands for a review), the negative ones those of 1 or 2 stars.
    /// </summary>
    public static ServiceDaily WithReviews(ServiceDaily service, IReadOnlyList<TikTokProductRatings> ratings)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(ratings);
        long reviews = 0, negative = 0;
        foreach (var product in ratings)
        {
            reviews += product.Total;
            negative += product.Negative;
        }

        return service with { Reviews = checked((int)reviews), NegativeReviews = checked((int)negative) };
    }

    /// <summary>
    /// TikTok's own service figures for a day (202407 performance; rates and times are decimal strings), kept to
    /// reconcile the sessions with: <c>support_session_count</c>, <c>response_percentage</c> (a percentage, 0-100, of
    /// the sessions answered within 24 hours; digest 10.6) and <c>response_time_mins</c>.
    /// </summary>
    public (TikTokServicePerformance? Performance, RejectedRecord? Rejected) MapServicePerformance(JsonElement performance, DateOnly date)
    {
        var r = new Reader(performance);
        var sessions = r.Count("support_session_count");
        var percentage = r.Money("response_percentage");
        var minutes = r.Money("response_time_mins");
        if (percentage > 100)
        {
            r.Problem($"response_percentage {percentage} is over 100");
        }

        return r.Clean
            ? (new TikTokServicePerformance(sessions, percentage, minutes), null)
            : (null, Reject("service_performance", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), 0, r, performance));
    }

    /// <summary>
    /// A product (202502 search) as one row per SKU, with the stock summed over its warehouses. A SKU without an id, a
    /// price that does not parse or a currency other than the store's rejects the whole product.
    /// </summary>
    public (IReadOnlyList<ProductSku> Skus, IReadOnlyList<(string SkuId, long Units)> Stock, RejectedRecord? Rejected) MapProduct(JsonElement json, int position)
    {
        var r = new Reader(json);
        var id = r.Id("id");
        var title = r.Text("title") ?? "";
        var status = r.Text("status") ?? "";
        var skus = new List<ProductSku>();
        var stock = new List<(string, long)>();
        if (!json.TryGetProperty("skus", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            r.Problem("skus is missing");
        }
        else
        {
            var i = 0;
            foreach (var sku in list.EnumerateArray())
            {
                var s = new Reader(sku, r);
                var skuId = s.Text("id");
                if (string.IsNullOrWhiteSpace(skuId))
                {
                    r.Problem($"skus[{i}].id is missing");
                }

                decimal? price = null;
                if (sku.TryGetProperty("price", out var priceJson) && priceJson.ValueKind == JsonValueKind.Object)
                {
                    var p = new Reader(priceJson, r);
                    price = p.Money("sale_price", label: $"skus[{i}].price.sale_price");
                    if (!string.Equals(p.Text("currency"), _store.Currency, StringComparison.Ordinal))
                    {
                        r.Problem($"skus[{i}].price currency '{p.Text("currency")}' is not the store's currency {_store.Currency}");
                    }
                }

                // A SKU without a stock list would add nothing to the store's stock and look like none on hand.
                long units = 0;
                if (sku.TryGetProperty("inventory", out var inventory) && inventory.ValueKind == JsonValueKind.Array)
                {
                    var w = 0;
                    foreach (var warehouse in inventory.EnumerateArray())
                    {
                        units += new Reader(warehouse, r).Count("quantity", $"skus[{i}].inventory[{w++}].quantity");
                    }
                }
                else
                {
                    r.Problem($"skus[{i}].inventory is missing");
                }

                if (!string.IsNullOrWhiteSpace(skuId))
                {
                    skus.Add(new ProductSku(_store.Id, id ?? "", skuId, title, s.Text("seller_sku"), status, price, _store.Currency));
                    stock.Add((skuId, units));
                }

                i++;
            }
        }

        return r.Clean ? (skus, stock, null) : ([], [], Reject("products", id, position, r, json));
    }

    /// <summary>
    /// An affiliate order (affiliate_seller 202410), or the reasons it cannot be one: a creator on its first SKU, the
    /// content types of its SKUs, and each
    /// SKU's commission in the store's currency, <c>actual_paid_commission</c> where TikTok gives it, else
    /// <c>estimated_paid_commission</c>.
    /// </summary>
    public (TikTokAffiliateOrder? Order, RejectedRecord? Rejected) MapAffiliateOrder(JsonElement json, int position)
    {
        var r = new Reader(json);
        var id = r.Id("id");
        var commission = 0m;
        var settled = true;
        string? creator = null;
        var content = new List<string>();
        if (!json.TryGetProperty("skus", out var skus) || skus.ValueKind != JsonValueKind.Array || skus.GetArrayLength() == 0)
        {
            r.Problem("skus is missing or empty");
        }
        else
        {
            var i = 0;
            foreach (var sku in skus.EnumerateArray())
            {
                var label = string.Create(CultureInfo.InvariantCulture, $"skus[{i++}]");
                var line = new Reader(sku, r);
                creator ??= line.Text("creator_username");
                if (line.Text("content_type") is { Length: > 0 } type)
                {
                    content.Add(type);
                }

                var actual = sku.TryGetProperty("actual_paid_commission", out var a) && a.ValueKind == JsonValueKind.Object && a.TryGetProperty("amount", out var amount)
                    && amount.ValueKind == JsonValueKind.String && amount.GetString() is { Length: > 0 };
                settled &= actual;
                commission += StoreMoney(sku, actual ? "actual_paid_commission" : "estimated_paid_commission", r, label + (actual ? ".actual_paid_commission" : ".estimated_paid_commission")).Amount;
            }
        }

        if (string.IsNullOrWhiteSpace(creator))
        {
            r.Problem("creator_username is missing");
        }

        return r.Clean
            ? (new TikTokAffiliateOrder(id!, creator!, Creator.JoinContentTypes(content), commission, settled), null)
            : (null, Reject("affiliate_orders", id, position, r, json));
    }

    /// <summary>
    /// The fee fields of a finance record's <c>fee_tax_breakdown.fee</c> that are not TikTok's own charges: affiliate
    /// and creator commissions and bonuses (the affiliate order search gives those), partner (TSP, TAP) commissions,
    /// ad fees (GMV Max: ad spend), tax withheld on commissions, and retail delivery fees passed through to a state.
    /// Every other fee field, of the 37 TikTok lists (docs/tiktok-shop-api-notes.md) or one added later, is a fee the
    /// platform charges.
    /// </summary>
    public static bool IsPlatformFeeField(string name) =>
        !NotPlatformFees.Any(part => name.Contains(part, StringComparison.Ordinal));

    /// <summary>
    /// An order's fees from a finance record (a statement transaction of type ORDER, <paramref name="settled"/>; or an
    /// unsettled order's estimate): the platform fees of <c>fee_tax_breakdown.fee</c> (see
    /// <see cref="IsPlatformFeeField"/>), which TikTok sends as signed decimal strings, charges negative, given back
    /// as a positive amount. The record's currency must be the store's; the fees must not come to a payment to the
    /// seller. Records of other types (adjustments, reserves) carry no order fee: null without a rejection.
    /// </summary>
    public (OrderFee? Fee, RejectedRecord? Rejected) MapOrderFee(JsonElement json, bool settled, string? fallbackCurrency, int position)
    {
        var dataset = settled ? "statement_transactions" : "unsettled_orders";
        var r = new Reader(json);
        var type = r.Text("type");
        if (type is not null && !string.Equals(type, "ORDER", StringComparison.Ordinal))
        {
            return (null, null);
        }

        var orderId = r.Id("order_id");
        var currency = r.Text("currency") ?? fallbackCurrency;
        if (!string.Equals(currency, _store.Currency, StringComparison.Ordinal))
        {
            r.Problem($"currency '{currency}' is not the store's currency {_store.Currency}");
        }

        var fee = 0m;
        if (json.TryGetProperty("fee_tax_breakdown", out var breakdown) && breakdown.ValueKind == JsonValueKind.Object
            && breakdown.TryGetProperty("fee", out var fees) && fees.ValueKind == JsonValueKind.Object)
        {
            foreach (var field in fees.EnumerateObject().Where(f => IsPlatformFeeField(f.Name)))
            {
                fee -= r.Signed(field.Value, "fee_tax_breakdown.fee." + field.Name);
            }
        }
        else
        {
            r.Problem("fee_tax_breakdown.fee is missing");
        }

        if (fee < 0)
        {
            r.Problem($"the platform fees come to a payment of {-fee} to the seller, not a charge");
        }

        return r.Clean
            ? (new OrderFee(orderId!, currency!, fee, settled), null)
            : (null, Reject(dataset, orderId, position, r, json));
    }

    /// <summary>A string field of a record, or null.</summary>
    public static string? Text(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>A signed amount of a finance record (a decimal string, charges negative), or the reason it is not one.</summary>
    public static decimal? SignedAmount(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
        && decimal.TryParse(v.GetString(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
            ? amount
            : null;

    /// <summary>Reads an <c>{amount, currency}</c> object; a missing one, or a currency other than the store's, is a problem.</summary>
    private (decimal Amount, string Currency) StoreMoney(JsonElement json, string name, Reader r, string? label = null)
    {
        label ??= name;
        if (!json.TryGetProperty(name, out var m) || m.ValueKind != JsonValueKind.Object)
        {
            r.Problem($"{label} is missing");
            return (0, "");
        }

        var money = new Reader(m, r);
        var amount = money.Money("amount", label: label + ".amount");
        var currency = money.Text("currency") ?? "";
        if (!string.Equals(currency, _store.Currency, StringComparison.Ordinal))
        {
            r.Problem($"{label} currency '{currency}' is not the store's currency {_store.Currency}");
        }

        return (amount, currency);
    }

    private RejectedRecord Reject(string dataset, string? id, int position, Reader reader, JsonElement json) =>
        new(dataset, id ?? "#" + position.ToString(CultureInfo.InvariantCulture), string.Join("; ", reader.Problems), ScrubText(json));

    private string ScrubText(JsonElement json) => System.Text.Encoding.UTF8.GetString(Scrub(json));

    /// <summary>Reads fields of one JSON object, collecting problems instead of throwing (shared with nested readers).</summary>
    private sealed class Reader(JsonElement json, Reader? parent = null)
    {
        private readonly List<string> _problems = parent?._problems ?? [];

        public IReadOnlyList<string> Problems => _problems;

        public bool Clean => _problems.Count == 0;

        public void Problem(string text) => _problems.Add(text);

        /// <summary>A text field that must be one of <paramref name="values"/>; otherwise a problem naming the field, its value and <paramref name="expected"/>.</summary>
        public T? Choice<T>(string name, string expected, Dictionary<string, T> values)
            where T : struct
        {
            var text = Text(name);
            if (text is not null && values.TryGetValue(text, out var value))
            {
                return value;
            }

            Problem(text is null ? $"{name} is missing" : $"{name} '{text}' is not {expected}");
            return null;
        }

        public string? Text(string name) =>
            json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        public string? Id(string name)
        {
            var id = Text(name);
            if (string.IsNullOrWhiteSpace(id))
            {
                Problem($"{name} is missing");
                return null;
            }

            return id;
        }

        public DateTimeOffset? Time(string name, bool required)
        {
            if (!json.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                if (required)
                {
                    Problem($"{name} is missing");
                }

                return null;
            }

            if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var seconds) && seconds > 0)
            {
                return DateTimeOffset.FromUnixTimeSeconds(seconds);
            }

            Problem($"{name} '{v}' is not a time in Unix seconds");
            return null;
        }

        /// <summary>A whole, non-negative count sent as a JSON number (or a numeric string).</summary>
        public long Count(string name, string? label = null)
        {
            label ??= name;
            if (!json.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                Problem($"{label} is missing");
                return 0;
            }

            var text = v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText();
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                Problem($"{label} '{text}' is not a whole non-negative number");
                return 0;
            }

            return value;
        }

        /// <summary>A count that the answer may leave out: null when absent; present, it must read as <see cref="Count"/> does.</summary>
        public long? OptionalCount(string name, string? label = null) =>
            json.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? Count(name, label) : null;

        /// <summary>A signed decimal string ("-4.90"), as finance records send amounts; never through double.</summary>
        public decimal Signed(JsonElement value, string label)
        {
            var text = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
            if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                Problem($"{label} '{text}' is not an amount");
                return 0;
            }

            return amount;
        }

        /// <summary>A decimal string ("119", "4.9"); never through double.</summary>
        public decimal Money(string name, bool optional = false, string? label = null)
        {
            label ??= name;
            if (!json.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                if (!optional)
                {
                    Problem($"{label} is missing");
                }

                return 0;
            }

            var text = v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText();
            if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                Problem($"{label} '{text}' is not an amount");
                return 0;
            }

            if (value < 0)
            {
                Problem($"{label} {value} is negative");
            }

            return value;
        }
    }
}
