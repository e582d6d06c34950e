using System.Globalization;
using System.Text.Json;

namespace KpiFunctions.TikTok;

/// <summary>
/// The endpoints the pipeline reads, over <see cref="TikTokApiClient"/>: authorized shops, order search and return
/// search, each paged to the end of its window. A record met again on a later page (it moved while we paged, or the
/// platform repeated it) is kept once, in its newest version by <c>update_time</c>.
/// </summary>
public sealed class TikTokShopApi
{
    /// <summary>How many days back the session search reaches (reference digest addendum: the last 90 days only).</summary>
    public const int ServiceSessionDays = 90;

    /// <summary>Cancellations per search page (the most the search takes: 1-50).</summary>
    public const int CancellationPageSize = 50;

    /// <summary>
    /// How many days after a day's end its orders' cancellations are looked for. A cancellation comes before the goods
    /// ship (after that it is a return): TikTok cancels unpaid orders within a day and unshipped ones within days, so a
    /// month is ample; a later one leaves the order's day without it, and its seller count unknown.
    /// </summary>
    public const int CancellationSearchDays = 30;

    /// <summary>Sessions per search page (the most the search takes).</summary>
    public const int ServiceSessionPageSize = 100;

    /// <summary>
    /// The product performance list with per-product click and add-to-cart counts. Version 202605 is seen only in
    /// practitioners' code (docs/tiktok-shop-api-notes.md); 202509 and older have no such counts.
    /// </summary>
    public const string ProductPerformancePath = "/analytics/202605/shop_products/performance";

    /// <summary>TikTok's code for an API version that does not exist or that the app may not use (reference digest §1).</summary>
    public const long InvalidVersionCode = 36009014;

    private readonly TikTokApiClient _client;
    private readonly TikTokOptions _options;

    /// <summary>Creates the API over a client.</summary>
    public TikTokShopApi(TikTokApiClient client, TikTokOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _options = options;
    }

    /// <summary>The client's settings.</summary>
    public TikTokOptions Options => _options;

    /// <summary>GET /authorization/202309/shops: the shops the store's authorisation covers.</summary>
    public async Task<IReadOnlyList<AuthorizedShop>> GetAuthorizedShopsAsync(string storeId, CancellationToken cancellationToken = default)
    {
        var data = await _client.GetAsync(storeId, null, "/authorization/202309/shops", cancellationToken: cancellationToken).ConfigureAwait(false);
        return [.. data.GetProperty("shops").EnumerateArray().Select(s => new AuthorizedShop(
            s.GetProperty("id").GetString()!, s.GetProperty("cipher").GetString()!, s.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "",
            s.TryGetProperty("region", out var r) ? r.GetString() ?? "" : ""))];
    }

    /// <summary>
    /// GET /analytics/202405/shop/performance for one shop-local day (granularity 1D, shop currency). Version 202405 is
    /// pinned: it has impressions, page views and visitors at shop level; 202509 changed the shape (digest 10.2, 14.9).
    /// Returns the day's interval, or null when the platform has not got the day ready, with its latest ready day.
    /// </summary>
    public async Task<(JsonElement? Interval, DateOnly? LatestAvailable, JsonElement Data)> GetShopPerformanceAsync(string storeId, string cipher, DateOnly date, CancellationToken cancellationToken = default)
    {
        var data = await _client.GetAsync(storeId, cipher, "/analytics/202405/shop/performance",
        [
            new("start_date_ge", Day(date)),
            new("end_date_lt", Day(date.AddDays(1))),
            new("granularity", "1D"),
            new("currency", "LOCAL"),
        ], cancellationToken).ConfigureAwait(false);
        var latest = LatestAvailable(data);
        var day = Day(date);
        JsonElement? interval = data.TryGetProperty("performance", out var p) && p.TryGetProperty("intervals", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(i => i.TryGetProperty("start_date", out var s) && s.GetString() == day).Select(i => (JsonElement?)i).FirstOrDefault()
            : null;
        return (interval, latest, data);
    }

    /// <summary>
    /// GET /analytics/202509/shop_lives/performance for one shop-local day, every page: the LIVE sessions started that
    /// day. <paramref name="onPage"/> sees each page's data as received.
    /// </summary>
    public Task<DailyList> GetLiveSessionsAsync(string storeId, string cipher, DateOnly date, Func<JsonElement, int, Task>? onPage = null, CancellationToken cancellationToken = default) =>
        GetDailyListAsync(storeId, cipher, "/analytics/202509/shop_lives/performance", "live_stream_sessions", date, onPage, cancellationToken);

    /// <summary>
    /// GET /analytics/202509/shop_videos/performance for one shop-local day, every page: each video's figures for that
    /// day (reference digest 10.4). Reading chosen: with a one-day date range the list gives each video's views and GMV
    /// within that day, not over the video's life.
    /// </summary>
    public Task<DailyList> GetVideosAsync(string storeId, string cipher, DateOnly date, Func<JsonElement, int, Task>? onPage = null, CancellationToken cancellationToken = default) =>
        GetDailyListAsync(storeId, cipher, "/analytics/202509/shop_videos/performance", "videos", date, onPage, cancellationToken);

    /// <summary>
    /// GET /analytics/202605/shop_products/performance for one shop-local day, every page: each product's figures for
    /// that day in <c>total_performance</c>, with product impressions, clicks and add-to-cart users and counts
    /// (docs/tiktok-shop-api-notes.md).
    /// </summary>
    public Task<DailyList> GetProductPerformanceAsync(string storeId, string cipher, DateOnly date, Func<JsonElement, int, Task>? onPage = null, CancellationToken cancellationToken = default) =>
        GetDailyListAsync(storeId, cipher, ProductPerformancePath, "products", date, onPage, cancellationToken);

    /// <summary>
    /// GET /analytics/202509/shop_products/{product_id}/performance for one shop-local day, one aggregate (granularity
    /// ALL): the product's figures for the day, <c>performance.ratings[]</c> among them (docs/tiktok-shop-api-notes.md,
    /// Product ratings). One call per product and day; the answer's data as received.
    /// </summary>
    public async Task<JsonElement> GetProductRatingsAsync(string storeId, string cipher, string productId, DateOnly date, CancellationToken cancellationToken = default)
    {
        // The id goes into the path: nothing that could change the path (a slash, a query, an escape) is sent.
        if (productId.Length == 0 || !productId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new TikTokApiException($"Product id '{productId}' is not an id that can go in a path (letters, digits, '-' and '_'); its performance was not asked for.");
        }

        return await _client.GetAsync(storeId, cipher, $"/analytics/202509/shop_products/{productId}/performance",
        [
            new("start_date_ge", Day(date)),
            new("end_date_lt", Day(date.AddDays(1))),
            new("granularity", "ALL"),
            new("currency", "LOCAL"),
        ], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The latest shop-local day an analytics answer says is ready (<c>latest_available_date</c>), or null when it does not say.</summary>
    public static DateOnly? LatestAvailableDay(JsonElement data) => LatestAvailable(data);

    /// <summary>
    /// GET /customer_service/202407/performance for one shop-local day (reference digest 10.6): one aggregate per call,
    /// so one call per day. Returns <c>data.performance</c>, or null when the answer has none.
    /// </summary>
    public async Task<(JsonElement? Performance, JsonElement Data)> GetServicePerformanceAsync(string storeId, string cipher, DateOnly date, CancellationToken cancellationToken = default)
    {
        var data = await _client.GetAsync(storeId, cipher, "/customer_service/202407/performance",
        [
            new("support_date_ge", Day(date)),
            new("support_date_lt", Day(date.AddDays(1))),
        ], cancellationToken).ConfigureAwait(false);
        return (data.TryGetProperty("performance", out var p) && p.ValueKind == JsonValueKind.Object ? p : null, data);
    }

    /// <summary>
    /// POST /customer_service/202602/sessions/search over [from, to) by the sessions' begin_time (Unix seconds), every
    /// page of 100 (docs/tiktok-shop-api-notes.md): each buyer session with its first response time, if any. TikTok
    /// keeps sessions for <see cref="ServiceSessionDays"/> days only; an older window is refused. A session met again
    /// on a later page is kept once.
    /// </summary>
    public Task<SearchResult> SearchServiceSessionsAsync(string storeId, string cipher, DateTimeOffset from, DateTimeOffset to, Func<JsonElement, int, Task>? onPage = null, CancellationToken cancellationToken = default) =>
        SearchAsync(storeId, cipher, "/customer_service/202602/sessions/search", "sessions", "id", ServiceSessionPageSize, null, Window("begin_time", from, to), onPage, cancellationToken);

    /// <summary>
    /// POST /product/202502/products/search, every status, every page (reference digest 11): the shop's products with
    /// their SKUs, prices and stock as they are now. A product met again on a later page is kept once (newest).
    /// </summary>
    public Task<SearchResult> SearchProductsAsync(string storeId, string cipher, Func<JsonElement, int, Task>? onPage = null, CancellationToken cancellationToken = default) =>
        SearchAsync(storeId, cipher, "/product/202502/products/search", "products", "id", 100, null, new Dictionary<string, object> { ["status"] = "ALL" }, onPage, cancellationToken);

    /// <summary>
    /// POST /order/202309/orders/search over [from, to) by create_time, oldest first, every page; <paramref name="onPage"/>
    /// sees each page's data as received, before anything else is done with it.
    /// </summary>
    public Task<SearchResult> SearchOrdersAsync(string storeId, string cipher, DateTimeOffset from, DateTimeOffset to, Func<JsonElement, int, Task>? onPage = null, CancellationToken cancellationToken = default) =>
        SearchAsync(storeId, cipher, "/order/202309/orders/search", "orders", "id", _options.OrderPageSize, "create_time", Window("create_time", from, to), onPage, cancellationToken);

    /// <summary>
    /// POST /order/202309/orders/search for the orders placed in the <see cref="TikTokOptions.LateChangeDays"/> days
    /// before <paramref name="placedBefore"/> and updated in [<paramref name="updatedFrom"/>, <paramref name="updatedTo"/>),
    /// oldest update first, every page (create and update bounds in one body; digest 7.1 lists them as independent
    /// optional fields).
    /// </summary>
    public Task<SearchResult> SearchOrdersChangedAsync(string storeId, string cipher, DateTimeOffset placedBefore, DateTimeOffset updatedFrom, DateTimeOffset updatedTo, Func<JsonElement, int, Task>? onPage = null, CancellationToken cancellationToken = default)
    {
        var body = Window("update_time", updatedFrom, updatedTo);
        body["create_time_ge"] = placedBefore.AddDays(-_options.LateChangeDays).ToUnixTimeSeconds();
        body["create_time_lt"] = placedBefore.ToUnixTimeSeconds();
        return SearchAsync(storeId, cipher, "/order/202309/orders/search", "orders", "id", _options.OrderPageSize, "update_time", body, onPage, cancellationToken);
    }

    /// <summary>
    /// POST /affiliate_seller/202410/orders/search over [from, to) by create_time, every page of 100
    /// (docs/tiktok-shop-api-notes.md): the affiliate orders placed then, each with its SKUs' creator, content and
    /// commission. The API takes no sort; an order met again on a later page is kept once.
    /// </summary>
    public Task<SearchResult> SearchAffiliateOrdersAsync(string storeId, string cipher, DateTimeOffset from, DateTimeOffset to, Func<JsonElement, int, Task>? onPage = null, CancellationToken cancellationToken = default) =>
        SearchAsync(storeId, cipher, "/affiliate_seller/202410/orders/search", "orders", "id", 100, null, Window("create_time", from, to), onPage, cancellationToken);

    /// <summary>POST /return_refund/202309/returns/search over [from, to) by update_time, every page.</summary>
    public Task<SearchResult> SearchReturnsAsync(string storeId, string cipher, DateTimeOffset from, DateTimeOffset to, Func<JsonElement, int, Task>? onPage = null, CancellationToken cancellationToken = default) =>
        SearchAsync(storeId, cipher, "/return_refund/202309/returns/search", "return_orders", "return_id", _options.ReturnPageSize, "update_time", Window("update_time", from, to), onPage, cancellationToken);

    /// <summary>
    /// POST /return_refund/202309/cancellations/search over [from, to) by create_time, oldest first, every page of 50
    /// (research note 19 section 3; digest 8.2): each cancellation with its role (BUYER, SELLER or SYSTEM), reason key
    /// and text. A cancellation met again on a later page is kept once, in its newest version.
    /// </summary>
    public Task<SearchResult> SearchCancellationsAsync(string storeId, string cipher, DateTimeOffset from, DateTimeOffset to, Func<JsonElement, int, Task>? onPage = null, CancellationToken cancellationToken = default) =>
        SearchAsync(storeId, cipher, "/return_refund/202309/cancellations/search", "cancellations", "cancel_id", CancellationPageSize, "create_time", Window("create_time", from, to), onPage, cancellationToken);

    /// <summary>
    /// GET /finance/202309/statements with statement_time in [from, to), oldest first, every page: the shop's daily
    /// settlement statements with their totals (docs/tiktok-shop-api-notes.md, Finance).
    /// </summary>
    public Task<PagedList> GetStatementsAsync(string storeId, string cipher, DateTimeOffset from, DateTimeOffset to, Func<JsonElement, int, Task>? onPage = null, CancellationToken cancellationToken = default) =>
        GetPagedAsync(storeId, cipher, "/finance/202309/statements",
        [
            new("statement_time_ge", from.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            new("statement_time_lt", to.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            new("sort_field", "statement_time"),
            new("sort_order", "ASC"),
        ], "statements", "id", onPage, cancellationToken);

    /// <summary>
    /// GET /finance/202501/statements/{statement_id}/statement_transactions, every page: what one statement settled,
    /// a transaction per order or adjustment with its fee breakdown; the first page's data carries the statement's
    /// totals.
    /// </summary>
    public Task<PagedList> GetStatementTransactionsAsync(string storeId, string cipher, string statementId, Func<JsonElement, int, Task>? onPage = null, CancellationToken cancellationToken = default)
    {
        if (statementId.Length == 0 || !statementId.All(char.IsAsciiLetterOrDigit))
        {
            throw new TikTokApiException($"Statement id '{statementId}' is not a TikTok id (letters and digits); its transactions were not asked for.");
        }

        return GetPagedAsync(storeId, cipher, $"/finance/202501/statements/{statementId}/statement_transactions",
            [new("sort_field", "order_create_time"), new("sort_order", "ASC")], "transactions", "id", onPage, cancellationToken);
    }

    /// <summary>
    /// GET /finance/202507/orders/unsettled for the orders placed in [from, to), every page: orders TikTok has not
    /// settled yet, each with its estimated fees (docs/tiktok-shop-api-notes.md, Finance).
    /// </summary>
    public Task<PagedList> GetUnsettledOrdersAsync(string storeId, string cipher, DateTimeOffset from, DateTimeOffset to, Func<JsonElement, int, Task>? onPage = null, CancellationToken cancellationToken = default) =>
        GetPagedAsync(storeId, cipher, "/finance/202507/orders/unsettled",
        [
            new("search_time_ge", from.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            new("search_time_lt", to.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            new("sort_field", "order_create_time"),
            new("sort_order", "ASC"),
        ], "transactions", "id", onPage, cancellationToken);

    /// <summary>A GET list, every page of 100, each record once by its id (records without one last), with the first page's data.</summary>
    private async Task<PagedList> GetPagedAsync(string storeId, string cipher, string path, IReadOnlyList<KeyValuePair<string, string>> baseQuery, string listName, string idField,
        Func<JsonElement, int, Task>? onPage, CancellationToken cancellationToken)
    {
        var records = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var withoutId = new List<JsonElement>();
        var seenTokens = new HashSet<string>(StringComparer.Ordinal);
        JsonElement? first = null;
        string? token = null;
        var pages = 0;
        do
        {
            var query = new List<KeyValuePair<string, string>>(baseQuery) { new("page_size", "100") };
            if (token is not null)
            {
                query.Add(new("page_token", token));
            }

            var data = await _client.GetAsync(storeId, cipher, path, query, cancellationToken).ConfigureAwait(false);
            if (onPage is not null)
            {
                await onPage(data, pages).ConfigureAwait(false);
            }

            pages++;
            first ??= data;
            if (data.TryGetProperty(listName, out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var record in list.EnumerateArray())
                {
                    // Some analytics lists send ids as JSON numbers (the SKU list does); either way one key per record.
                    var key = !record.TryGetProperty(idField, out var id) ? null
                        : id.ValueKind == JsonValueKind.String ? id.GetString()
                        : id.ValueKind == JsonValueKind.Number ? id.GetRawText()
                        : null;
                    if (key is { Length: > 0 })
                    {
                        records[key] = record; // met again on a later page: kept once
                    }
                    else
                    {
                        withoutId.Add(record); // kept, so the mapper quarantines it with its reason
                    }
                }
            }

            token = NextToken(data, seenTokens, path);
        }
        while (token is not null);

        return new PagedList([.. records.Values, .. withoutId], first!.Value);
    }

    /// <summary>The next page's token, or null at the end; a token met before would page forever, so it stops the search.</summary>
    private static string? NextToken(JsonElement data, HashSet<string> seen, string path)
    {
        var token = data.TryGetProperty("next_page_token", out var next) && next.GetString() is { Length: > 0 } t ? t : null;
        if (token is not null && !seen.Add(token))
        {
            throw new TikTokApiException($"{path} sent a next_page_token it had sent before; paging would never end, so the window was not read to its end.");
        }

        return token;
    }

    private static Dictionary<string, object> Window(string timeField, DateTimeOffset from, DateTimeOffset to) =>
        new() { [timeField + "_ge"] = from.ToUnixTimeSeconds(), [timeField + "_lt"] = to.ToUnixTimeSeconds() };

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// An analytics list for one shop-local day (start_date_ge = the day, end_date_lt = the next), every page, each
    /// record once by its id; with the platform's latest ready day.
    /// </summary>
    private async Task<DailyList> GetDailyListAsync(string storeId, string cipher, string path, string listName, DateOnly date, Func<JsonElement, int, Task>? onPage, CancellationToken cancellationToken)
    {
        var list = await GetPagedAsync(storeId, cipher, path, [new("start_date_ge", Day(date)), new("end_date_lt", Day(date.AddDays(1))), new("currency", "LOCAL")],
            listName, "id", onPage, cancellationToken).ConfigureAwait(false);
        return new DailyList(list.Records, LatestAvailable(list.First));
    }

    private static DateOnly? LatestAvailable(JsonElement data) =>
        data.TryGetProperty("latest_available_date", out var l) && l.ValueKind == JsonValueKind.String
        && DateOnly.TryParseExact(l.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    private async Task<SearchResult> SearchAsync(
        string storeId, string cipher, string path, string listName, string idField, int pageSize, string? sortField,
        Dictionary<string, object> body, Func<JsonElement, int, Task>? onPage, CancellationToken cancellationToken)
    {
        var newest = new Dictionary<string, (JsonElement Record, long Updated)>(StringComparer.Ordinal);
        var order = new List<string>();
        var withoutId = new List<JsonElement>();
        var pages = 0;
        var repeats = 0;
        string? token = null;
        var seenTokens = new HashSet<string>(StringComparer.Ordinal);
        do
        {
            var query = new List<KeyValuePair<string, string>> { new("page_size", pageSize.ToString(CultureInfo.InvariantCulture)) };
            if (sortField is not null)
            {
                query.Add(new("sort_field", sortField));
                query.Add(new("sort_order", "ASC"));
            }
            if (token is not null)
            {
                query.Add(new("page_token", token));
            }

            var data = await _client.PostAsync(storeId, cipher, path, query, body, cancellationToken).ConfigureAwait(false);
            if (onPage is not null)
            {
                await onPage(data, pages).ConfigureAwait(false);
            }

            pages++;
            if (data.TryGetProperty(listName, out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var record in list.EnumerateArray())
                {
                    var id = record.TryGetProperty(idField, out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
                    if (string.IsNullOrEmpty(id))
                    {
                        withoutId.Add(record); // kept, so the mapper quarantines it with its reason
                        continue;
                    }

                    var updated = record.TryGetProperty("update_time", out var u) && u.TryGetInt64(out var t) ? t : long.MinValue;
                    if (newest.TryGetValue(id, out var seen))
                    {
                        repeats++;
                        if (updated > seen.Updated)
                        {
                            newest[id] = (record, updated);
                        }
                    }
                    else
                    {
                        newest[id] = (record, updated);
                        order.Add(id);
                    }
                }
            }

            token = NextToken(data, seenTokens, path);
        }
        while (token is not null);

        return new SearchResult([.. order.Select(id => newest[id].Record), .. withoutId], pages, repeats);
    }
}

/// <summary>A shop an authorisation covers.</summary>
/// <param name="ShopId">Shop id.</param>
/// <param name="Cipher">Sent as shop_cipher.</param>
/// <param name="Name">Shop name.</param>
/// <param name="Region">Region code.</param>
public sealed record AuthorizedShop(string ShopId, string Cipher, string Name, string Region);

/// <summary>An analytics list for one day: each record once, and the platform's latest ready day (null if not given).</summary>
/// <param name="Records">Records; those without an id last.</param>
/// <param name="LatestAvailable">The answer's latest_available_date.</param>
public sealed record DailyList(IReadOnlyList<JsonElement> Records, DateOnly? LatestAvailable);

/// <summary>Every record of a GET list, each once, and the first page's data (totals a list carries beside its records).</summary>
/// <param name="Records">Records; those without an id last.</param>
/// <param name="First">The first page's data.</param>
public sealed record PagedList(IReadOnlyList<JsonElement> Records, JsonElement First);

/// <summary>Every record of a search window, each once (its newest version), and how the paging went.</summary>
/// <param name="Records">Records in first-seen order; those without an id last.</param>
/// <param name="Pages">Pages fetched.</param>
/// <param name="Repeats">Records met again on a later page (kept once).</param>
public sealed record SearchResult(IReadOnlyList<JsonElement> Records, int Pages, int Repeats);
