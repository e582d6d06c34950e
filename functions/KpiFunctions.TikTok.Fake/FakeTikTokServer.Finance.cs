using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Domain;

namespace KpiFunctions.TikTok.Fake;

/// <summary>
/// The finance endpoints (docs/tiktok-shop-api-notes.md, Finance): daily statements, each statement's transactions,
/// and the orders not settled yet with their estimates. An order of the world settles <see cref="SettlementDelay"/>
/// after it was paid, on the statement TikTok issues at the next 00:00 UTC; a statement exists once that midnight is
/// no later than <see cref="FinanceNow"/>. Fees are signed decimal strings, charges negative. The world's platform fee
/// is split into a platform commission (80 %) and a transaction fee (the rest); the affiliate commission and a zero
/// GMV Max ad fee sit beside them. Cancelled, sample and deliberately broken orders are not settled.
/// </summary>
public sealed partial class FakeTikTokServer
{
    /// <summary>How long after payment the world's orders settle.</summary>
    public TimeSpan SettlementDelay { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The moment the finance endpoints answer for (null: the world's as-of); move it on to settle more orders.</summary>
    public DateTimeOffset? FinanceNow { get; set; }

    /// <summary>Store-days (order placing days) whose unsettled orders' estimated platform fees are off by a fraction (0.1: 10 % more).</summary>
    public Dictionary<(string StoreId, DateOnly Date), decimal> FeeEstimateDrift { get; } = [];

    /// <summary>Statements (store, UTC day of the statement) whose total_fee_tax_amount is 1.00 more negative than their transactions.</summary>
    public HashSet<(string StoreId, DateOnly Date)> StatementTotalDrift { get; } = [];

    /// <summary>
    /// Settlements charge each store-day's GMV Max cost (the Business API's figure) as <c>gmv_max_ad_fee_amount</c>,
    /// shared over the day's orders (to the cent, the first taking the remainder): the same money the ad report gives.
    /// </summary>
    public bool GmvMaxFeeInSettlements { get; set; }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, object> _financeLists = new(StringComparer.Ordinal);

    private DateTimeOffset FinanceClock => FinanceNow ?? _world.AsOf;

    /// <summary>
    /// A finance list built once per shop, question and finance state, so its pages do not each walk weeks of the
    /// world's orders again.
    /// </summary>
    private T FinanceList<T>(ShopState shop, string question, Func<T> build)
        where T : class
    {
        var drift = string.Join(",", FeeEstimateDrift.Select(d => $"{d.Key.StoreId}/{d.Key.Date}/{d.Value}")) + ";" + string.Join(",", StatementTotalDrift.Select(d => $"{d.StoreId}/{d.Date}"));
        return (T)_financeLists.GetOrAdd($"{shop.Store.Id}|{question}|{FinanceClock.ToUnixTimeSeconds()}|{SettlementDelay.Ticks}|{drift}|{GmvMaxFeeInSettlements}", _ => build());
    }

    /// <summary>The 00:00 UTC after the order's settlement: its statement's time.</summary>
    private DateTimeOffset StatementTime(Order order)
    {
        var settles = order.PaidUtc!.Value + SettlementDelay;
        return new DateTimeOffset(settles.UtcDateTime.Date, TimeSpan.Zero).AddDays(1);
    }

    /// <summary>The world's orders TikTok settles (paid, kept, not samples, not broken) paid within [from, to).</summary>
    private IEnumerable<Order> SettlingOrders(ShopState shop, DateTimeOffset paidFrom, DateTimeOffset paidTo) =>
        LocalDays(shop, paidFrom.AddDays(-2), paidTo < _world.AsOf ? paidTo : _world.AsOf)
            .SelectMany(date => _world.Day(shop.Store.Id, date).Orders)
            .Where(o => o.CountsAsGmv && o.PaidUtc >= paidFrom && o.PaidUtc < paidTo && !FakeTikTokJson.IsSpoiled(o, shop.Store));

    private static string StatementId(ShopState shop, DateTimeOffset time) =>
        "st" + time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + shop.ShopId[^6..];

    /// <summary>GET /finance/202309/statements: the statements issued in [statement_time_ge, statement_time_lt), oldest first.</summary>
    private Answer Statements(ShopState shop, Dictionary<string, string> query)
    {
        if (query.GetValueOrDefault("sort_field") != "statement_time")
        {
            return Error(400, 36009004, "sort_field is required and must be statement_time.");
        }

        if (Seconds(query, "statement_time_ge") is not { } from || Seconds(query, "statement_time_lt") is not { } to || to <= from)
        {
            return Error(400, 36009004, "statement_time_ge and statement_time_lt must be Unix seconds, the end after the start.");
        }

        var issued = to < FinanceClock ? to : FinanceClock;
        var statements = FinanceList(shop, $"statements {from.ToUnixTimeSeconds()} {to.ToUnixTimeSeconds()}", () => SettlingOrders(shop, from - SettlementDelay - TimeSpan.FromDays(1), issued - SettlementDelay)
            .GroupBy(StatementTime)
            .Where(g => g.Key >= from && g.Key < to && g.Key <= FinanceClock)
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var fees = g.Sum(o => FeeTax(shop, o));
                var revenue = g.Sum(o => o.Subtotal);
                return (JsonNode)new JsonObject
                {
                    ["id"] = StatementId(shop, g.Key),
                    ["statement_time"] = g.Key.ToUnixTimeSeconds(),
                    ["currency"] = shop.Store.Currency,
                    ["revenue_amount"] = FakeTikTokJson.MoneyText(revenue),
                    ["fee_amount"] = FakeTikTokJson.MoneyText(fees),
                    ["adjustment_amount"] = "-0.5",
                    ["shipping_cost_amount"] = "0",
                    ["settlement_amount"] = FakeTikTokJson.MoneyText(revenue + fees - 0.5m),
                    ["payment_status"] = "PAID",
                };
            })
            .ToList());
        return Page(query, "statements", statements, 100, withTotal: false);
    }

    /// <summary>GET /finance/202501/statements/{id}/statement_transactions: the statement's orders and one adjustment, with its totals.</summary>
    private Answer StatementTransactions(ShopState shop, string statementId, Dictionary<string, string> query)
    {
        if (query.GetValueOrDefault("sort_field") != "order_create_time")
        {
            return Error(400, 36009004, "sort_field is required and must be order_create_time.");
        }

        if (!statementId.StartsWith("st", StringComparison.Ordinal) || statementId.Length < 10
            || !DateOnly.TryParseExact(statementId.AsSpan(2, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            || StatementId(shop, new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)) != statementId)
        {
            return Error(404, 36009009, $"Statement {statementId} does not exist.");
        }

        var time = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        if (time > FinanceClock)
        {
            return Error(404, 36009009, $"Statement {statementId} does not exist.");
        }

        var (transactions, feeTax, revenue) = FinanceList(shop, "transactions " + statementId, () =>
        {
            var orders = SettlingOrders(shop, time - SettlementDelay - TimeSpan.FromDays(1), time - SettlementDelay)
                .Where(o => StatementTime(o) == time)
                .OrderBy(o => o.CreatedUtc).ThenBy(o => o.OrderId, StringComparer.Ordinal)
                .ToList();
            return new Tuple<List<JsonNode>, decimal, decimal>([.. orders.Select(o => (JsonNode)Transaction(o, settled: true, drift: 0, GmvMaxFee(shop, o))), Adjustment(statementId)], orders.Sum(o => FeeTax(shop, o)), orders.Sum(o => o.Subtotal));
        });
        var answer = Page(query, "transactions", transactions, 100, withTotal: true);
        if (answer.Data is { } data)
        {
            var totalFeeTax = StatementTotalDrift.Contains((shop.Store.Id, day)) ? feeTax - 1m : feeTax;
            data["id"] = statementId;
            data["status"] = "SETTLED";
            data["currency"] = shop.Store.Currency;
            data["create_time"] = time.ToUnixTimeSeconds();
            data["total_settlement_amount"] = FakeTikTokJson.MoneyText(revenue + feeTax - 0.5m);
            data["total_settlement_breakdown"] = new JsonObject
            {
                ["total_revenue_amount"] = FakeTikTokJson.MoneyText(revenue),
                ["total_fee_tax_amount"] = FakeTikTokJson.MoneyText(totalFeeTax),
                ["total_shipping_cost_amount"] = "0",
                ["total_adjustment_amount"] = "-0.5",
            };
        }

        return answer;
    }

    /// <summary>A statement's one adjustment: a penalty, with no order and no fee.</summary>
    private static JsonObject Adjustment(string statementId) => new()
    {
        ["id"] = "adj" + statementId,
        ["type"] = "PLATFORM_PENALTY",
        ["adjustment_id"] = "adj" + statementId,
        ["revenue_amount"] = "0",
        ["fee_tax_amount"] = "0",
        ["shipping_cost_amount"] = "0",
        ["adjustment_amount"] = "-0.5",
        ["settlement_amount"] = "-0.5",
    };

    /// <summary>GET /finance/202507/orders/unsettled: the orders placed in [search_time_ge, search_time_lt) not settled yet, with estimates.</summary>
    private Answer Unsettled(ShopState shop, Dictionary<string, string> query)
    {
        if (query.GetValueOrDefault("sort_field") != "order_create_time")
        {
            return Error(400, 36009004, "sort_field is required and must be order_create_time.");
        }

        if (Seconds(query, "search_time_ge") is not { } from || Seconds(query, "search_time_lt") is not { } to || to <= from)
        {
            return Error(400, 36009004, "search_time_ge and search_time_lt must be Unix seconds, the end after the start.");
        }

        var zone = StoreCalendar.ResolveZone(shop.Store.TimeZone);
        var records = FinanceList(shop, $"unsettled {from.ToUnixTimeSeconds()} {to.ToUnixTimeSeconds()}", () => LocalDays(shop, from, to < _world.AsOf ? to : _world.AsOf)
            .SelectMany(date => _world.Day(shop.Store.Id, date).Orders)
            .Where(o => o.CountsAsGmv && o.CreatedUtc >= from && o.CreatedUtc < to && !FakeTikTokJson.IsSpoiled(o, shop.Store) && StatementTime(o) > FinanceClock)
            .OrderBy(o => o.CreatedUtc).ThenBy(o => o.OrderId, StringComparer.Ordinal)
            .Select(o => (JsonNode)Transaction(o, settled: false, FeeEstimateDrift.GetValueOrDefault((shop.Store.Id, StoreCalendar.LocalDate(o.CreatedUtc, zone))), 0))
            .ToList());
        return Page(query, "transactions", records, 100, withTotal: true);
    }

    /// <summary>Fees and taxes of a settled order, signed: its platform fee, affiliate commission and GMV Max ad fee, charged.</summary>
    private decimal FeeTax(ShopState shop, Order o) => -((o.PlatformFee ?? 0) + (o.AffiliateCommission ?? 0) + GmvMaxFee(shop, o));

    /// <summary>The order's share of its store-day's GMV Max cost when <see cref="GmvMaxFeeInSettlements"/> is on, else 0.</summary>
    private decimal GmvMaxFee(ShopState shop, Order o)
    {
        if (!GmvMaxFeeInSettlements)
        {
            return 0;
        }

        var day = _world.Day(shop.Store.Id, StoreCalendar.LocalDate(o.CreatedUtc, StoreCalendar.ResolveZone(shop.Store.TimeZone)));
        var orders = day.Orders.Where(x => x.CountsAsGmv && !FakeTikTokJson.IsSpoiled(x, shop.Store)).Select(x => x.OrderId).Order(StringComparer.Ordinal).ToList();
        var cost = day.Ads.Where(a => FakeAdvertiser.IsGmvMax(a.CampaignId)).Sum(a => a.Spend);
        var share = Math.Floor(cost / orders.Count * 100) / 100;
        return orders[0] == o.OrderId ? cost - (share * (orders.Count - 1)) : share;
    }

    /// <summary>
    /// An order's transaction: settled (statement, with its GMV Max ad fee) or estimated (unsettled, the platform fee
    /// off by <paramref name="drift"/>; the estimates have no GMV Max field).
    /// </summary>
    private static JsonObject Transaction(Order o, bool settled, decimal drift, decimal gmvMaxFee)
    {
        var platform = decimal.Round((o.PlatformFee ?? 0) * (1 + drift), 2);
        var commission = decimal.Round(platform * 0.8m, 2);
        var affiliate = o.AffiliateCommission ?? 0;
        var prefix = settled ? "" : "est_";
        var fee = new JsonObject
        {
            ["platform_commission_amount"] = FakeTikTokJson.MoneyText(-commission),
            ["transaction_fee_amount"] = FakeTikTokJson.MoneyText(-(platform - commission)),
            ["affiliate_commission_amount"] = FakeTikTokJson.MoneyText(-affiliate),
        };
        if (settled)
        {
            fee["gmv_max_ad_fee_amount"] = FakeTikTokJson.MoneyText(-gmvMaxFee);
        }

        var json = new JsonObject
        {
            ["id"] = (settled ? "tx" : "ux") + o.OrderId,
            ["type"] = "ORDER",
            ["order_id"] = o.OrderId,
            ["order_create_time"] = o.CreatedUtc.ToUnixTimeSeconds(),
            [prefix + "revenue_amount"] = FakeTikTokJson.MoneyText(o.Subtotal),
            [prefix + "fee_tax_amount"] = FakeTikTokJson.MoneyText(-(platform + affiliate + gmvMaxFee)),
            [prefix + "shipping_cost_amount"] = "0",
            [prefix + "settlement_amount"] = FakeTikTokJson.MoneyText(o.Subtotal - platform - affiliate - gmvMaxFee),
            ["fee_tax_breakdown"] = new JsonObject { ["fee"] = fee, ["tax"] = new JsonObject { ["vat_amount"] = "0" } },
        };
        if (!settled)
        {
            json["status"] = "UNSETTLED";
            json["currency"] = o.Currency;
            json["estimated_settlement"] = "7 days after delivery";
            json["unsettled_reason"] = "waiting for delivery";
        }

        return json;
    }

    /// <summary>One page of a GET list by offset token (page_size 1-<paramref name="maxPage"/>, required).</summary>
    private Answer Page(Dictionary<string, string> query, string listName, List<JsonNode> records, int maxPage, bool withTotal)
    {
        if (!query.TryGetValue("page_size", out var sizeText) || !int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < 1 || size > maxPage)
        {
            return Error(400, 36009004, $"page_size must be 1-{maxPage}.");
        }

        var offset = query.TryGetValue("page_token", out var token) && token.Length > 0 ? int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token)).AsSpan(2), CultureInfo.InvariantCulture) : 0;
        var page = records.Skip(offset).Take(size).Select(r => r.DeepClone()).ToList();
        if (offset > 0 && offset <= records.Count && Faults.DuplicateAcrossPages)
        {
            page.Insert(0, records[offset - 1].DeepClone());
        }

        var next = offset + size < records.Count ? Convert.ToBase64String(Encoding.UTF8.GetBytes("o:" + (offset + size).ToString(CultureInfo.InvariantCulture))) : "";
        Interlocked.Increment(ref Stats.PagesField);
        var data = new JsonObject { [listName] = new JsonArray([.. page]), ["next_page_token"] = next };
        if (withTotal)
        {
            data["total_count"] = records.Count;
        }

        return Ok(data);
    }

    private static DateTimeOffset? Seconds(Dictionary<string, string> query, string name) =>
        query.TryGetValue(name, out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
}
