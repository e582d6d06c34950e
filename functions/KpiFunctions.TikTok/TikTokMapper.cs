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
    /// A shop performance interval (202405, 1D): the traffic it has (impressions, page views, visitors; product clicks
    /// and add-to-cart users are not given at shop level) and the platform's GMV and order count. A field that does not
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
        var gmv = interval.TryGetProperty("gmv", out var g) && g.ValueKind == JsonValueKind.Object ? new Reader(g, p) : null;
        var amount = gmv?.Money("amount") ?? 0;
        var currency = gmv?.Text("currency") ?? "";
        var orders = p.Count("orders");
        if (gmv is null)
        {
            p.Problem("gmv is missing");
        }
        else if (!string.Equals(currency, _store.Currency, StringComparison.Ordinal))
        {
            p.Problem($"gmv currency '{currency}' is not the store's currency {_store.Currency}");
        }

        if (!p.Clean)
        {
            rejected.Add(new RejectedRecord("platform_daily", key, string.Join("; ", p.Problems), interval.GetRawText()));
            return (traffic, null);
        }

        return (traffic, new PlatformDaily(_store.Id, date, currency, amount, orders));
    }

    /// <summary>
    /// A LIVE session (202509 list): times are strings of Unix seconds; watch time is the average viewing duration
    /// (seconds per viewer, as a decimal string) times the viewers, rounded to whole seconds.
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

        var sales = json.TryGetProperty("sales_performance", out var sp) && sp.TryGetProperty("gmv", out var g) && g.ValueKind == JsonValueKind.Object ? new Reader(g, r) : null;
        var gmv = sales?.Money("amount") ?? 0;
        var currency = sales?.Text("currency") ?? "";
        if (sales is null)
        {
            r.Problem("sales_performance.gmv is missing");
        }
        else if (!string.Equals(currency, _store.Currency, StringComparison.Ordinal))
        {
            r.Problem($"currency '{currency}' is not the store's currency {_store.Currency}");
        }

        var interaction = json.TryGetProperty("interaction_performance", out var ip) && ip.ValueKind == JsonValueKind.Object ? new Reader(ip, r) : null;
        if (interaction is null)
        {
            r.Problem("interaction_performance is missing");
        }

        var views = interaction?.Count("views") ?? 0;
        var viewers = interaction?.Count("viewers") ?? 0;
        var average = interaction?.Money("avg_viewing_duration") ?? 0;
        if (start > _time.GetUtcNow() + FutureTolerance)
        {
            r.Problem($"start_time {start:O} is in the future");
        }

        if (!r.Clean)
        {
            return (null, Reject("live_sessions", id, position, r, json));
        }

        return (new LiveSession(_store.Id, id!, start!.Value, (int)(end!.Value - start.Value).TotalSeconds, views, viewers,
            (long)decimal.Round(average * viewers, MidpointRounding.AwayFromZero), gmv, currency), null);
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
        public long Count(string name)
        {
            if (!json.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                Problem($"{name} is missing");
                return 0;
            }

            var text = v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText();
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                Problem($"{name} '{text}' is not a whole non-negative number");
                return 0;
            }

            return value;
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
