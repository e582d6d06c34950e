using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Privacy;
using KpiFunctions.Sources;

namespace KpiFunctions.TikTok;

/// <summary>
/// A store's day from the TikTok Shop Open API: orders placed that day (order search by create_time over the
/// store-local day), refunds completed that day (return search by update_time; a return's last update is its
/// completion), the cancellations of the day's orders (cancellation search by create_time from the day's start; who
/// cancelled and why), shop performance (traffic and the platform's own GMV), LIVE sessions, video performance, the
/// customer service sessions begun that day with TikTok's own service performance to check them against, and the day's
/// product ratings (as its reviews). Also the
/// store's products with the stock of every sellable SKU, and the orders placed before a window that changed inside
/// it. Every page is scrubbed (buyer ids hashed, personal fields
/// dropped) as it arrives and kept as a raw page; records that cannot be used become rejected records with their
/// reasons.
/// </summary>
/// <remarks>
/// Choices, where the API leaves room (reference digest 7.1, 8.1, 10, 11, 14): orders are fetched by create_time
/// because the pipeline counts an order on the day it was placed and replaces a store-day whole; later changes come
/// through the lookback re-fetch and, for older orders, the late-change search by update_time. Refunds are fetched
/// by update_time because they count on the day they complete. Shop performance (analytics 202405) has impressions,
/// page views and visitors but no product clicks or add-to-cart users; those are the product performance list's
/// (analytics 202605) summed over the day's products; video analytics have no
/// completed views; the day's service figures are built from its sessions (session search by begin_time, the last
/// 90 days only), which carry no reviews: those are the day's ratings of the products on sale and of those sold that
/// day, read one product at a time (product performance, analytics 202509), with no review text. Orders and returns are what a day stands on, so their
/// failure fails the store; the other datasets are optional: one that cannot be read (a scope the authorisation
/// lacks, the platform down) is declared not fetched with the error, and the day goes on. Stock exists only as it is now: it is read with the product list and stands for the end of
/// the store's yesterday; every day keeps the stock curated for it. The Order API carries no sales channel, fees or
/// commission: the affiliate order search over the same window tells affiliate orders (creator, commission) from the
/// store's own (no commission; LIVE, video or product card not told apart). Platform fees come from
/// the finance API (<see cref="FetchFeesAsync"/>). Ad spend comes from the TikTok Business (Marketing) API through
/// <see cref="Ads"/> (GMV Max and classic campaigns, moved into the store's day and currency); without it the day's ads are
/// not fetched. Unit costs are the seller's own (imported).
/// </remarks>
public sealed class TikTokSource : IRawPageStreamingSource, IProductCatalogSource, ILateChangeSource, IFeeSource
{
    private readonly TikTokShopApi _api;
    private readonly BuyerIdHasher _hasher;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Task<AuthorizedShop>> _shops = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<ProductsOnSale>> _onSale = new(StringComparer.Ordinal);

    /// <summary>Creates the source.</summary>
    public TikTokSource(TikTokShopApi api, BuyerIdHasher hasher, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(hasher);
        ArgumentNullException.ThrowIfNull(time);
        _api = api;
        _hasher = hasher;
        _time = time;
    }

    /// <summary>The product_daily dataset (each product's day), declared not fetched when the day's product list cannot be read.</summary>
    private const string ProductDailyDataset = "product_daily";

    /// <summary>The not-fetched key of the day's product clicks alone (traffic_daily's other figures stand).</summary>
    public const string ProductClicksKey = "traffic_daily.product_clicks";

    /// <summary>The not-fetched key of the day's add-to-cart users alone (traffic_daily's other figures stand).</summary>
    public const string AddToCartUsersKey = "traffic_daily.add_to_cart_users";
    /// <summary>The not-fetched key of the day's reviews alone, for a day whose chats were read and whose product ratings were not.</summary>
    public const string ReviewsNotFetched = "service_daily.reviews";

    /// <summary>The not-fetched key of the day's negative reviews alone (always with <see cref="ReviewsNotFetched"/>).</summary>
    public const string NegativeReviewsNotFetched = "service_daily.negative_reviews";

    /// <summary>What this source does not read without the Business API, and why: their measures are unknown with this reason, never zero.</summary>
    public static IReadOnlyDictionary<string, string> NotFetchedDatasets { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ads_daily"] = "ad figures come from the TikTok Business (Marketing) API, which is not set up (set KPI_TIKTOK_ADS_APP_ID, KPI_TIKTOK_ADS_APP_SECRET and KPI_TIKTOK_ADS_ADVERTISERS; see the README)",
    };

    /// <summary>The Business API's ad reader; null when it is not set up (the days' ads are then not fetched).</summary>
    public TikTokAdsReader? Ads { get; init; }

    /// <inheritdoc />
    public string Name => "tiktok";

    /// <inheritdoc />
    public async Task<SourceBatch> FetchDayAsync(Store store, DateOnly date, CancellationToken cancellationToken = default)
    {
        var pages = new List<RawPage>();
        var batch = await FetchDayAsync(store, date, (page, _) =>
        {
            pages.Add(page);
            return Task.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
        return batch with { RawPages = pages };
    }

    /// <inheritdoc />
    public async Task<SourceBatch> FetchDayAsync(Store store, DateOnly date, Func<RawPage, CancellationToken, Task> onRawPage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(onRawPage);
        var cipher = await CipherAsync(store, cancellationToken).ConfigureAwait(false);
        var zone = StoreCalendar.ResolveZone(store.TimeZone);
        var (from, to) = StoreCalendar.DayBounds(date, zone);
        var mapper = new TikTokMapper(store, _hasher, _time);
        var rejected = new List<RejectedRecord>();
        var notFetched = new Dictionary<string, string>(Ads is null ? NotFetchedDatasets : new Dictionary<string, string>(), StringComparer.Ordinal);
        var day = StoreCalendar.Format(date);

        // Scrubbed (buyer ids hashed, personal fields dropped) and handed over before the page is used.
        Func<JsonElement, int, Task> Keep(string stream) => TikTokSource.Keep(mapper, onRawPage, stream, cancellationToken);

        var orderSearch = await _api.SearchOrdersAsync(store.Id, cipher, from, to, Keep("orders"), cancellationToken).ConfigureAwait(false);
        var (orders, content, channelFailure) = await WithChannelsAsync(store, cipher, mapper, Collect(orderSearch.Records, rejected, (json, i) => MapOrder(store, mapper, json, i)),
            from, to, Keep("affiliate_orders"), rejected, cancellationToken).ConfigureAwait(false);

        var returnSearch = await _api.SearchReturnsAsync(store.Id, cipher, from, to, Keep("returns"), cancellationToken).ConfigureAwait(false);
        var refunds = Collect(returnSearch.Records, rejected, (json, i) =>
        {
            var (ret, bad) = mapper.MapReturn(json, i);

            // Pending, rejected and cancelled returns are not money back (yet); the raw page keeps them.
            return (ret is { Status: RefundStatus.Completed }
                ? new Refund(store.Id, ret.ReturnId, ret.OrderId, ret.Amount, ret.Currency, ret.Status, ret.RequestedUtc, ret.UpdatedUtc, ret.IsReturn, ret.Reason)
                : null, bad);
        });

        // An optional dataset that cannot be read is not fetched, with the error; the day goes on.
        async Task<T?> Optional<T>(string dataset, string what, Func<Task<T>> read)
            where T : class
        {
            try
            {
                return await read().ConfigureAwait(false);
            }
            catch (TikTokApiException ex)
            {
                notFetched[dataset] = $"TikTok's {what} for {day} could not be read: {ex.Message}";
                return null;
            }
        }

        // A list whose day the platform has not got ready (or does not say) would read as a day with nothing.
        IReadOnlyList<T> Ready<T>(DailyList? list, string dataset, string what, Func<JsonElement, int, (T? Record, RejectedRecord? Rejected)> map)
            where T : class
        {
            if (list is null)
            {
                return [];
            }

            if (list.LatestAvailable is not { } latest || latest < date)
            {
                notFetched[dataset] = $"TikTok's {what} for {day} is not ready yet (latest ready day: {(list.LatestAvailable is { } l ? StoreCalendar.Format(l) : "not given")}); a later run fetches it";
                return [];
            }

            return Collect(list.Records, rejected, map);
        }

        // The day's orders' cancellations, whenever made: none comes before its order, so the create_time window opens
        // at the day's start and runs CancellationSearchDays past its end; cancellations of other days' orders are
        // theirs, and those of orders the Order API gave as broken go with their (quarantined) order.
        var cancelSearch = await Optional("cancellations", "cancellation search", () => _api.SearchCancellationsAsync(
            store.Id, cipher, from, to.AddDays(TikTokShopApi.CancellationSearchDays), Keep("cancellations"), cancellationToken)).ConfigureAwait(false);
        var dayOrders = orders.Select(o => o.OrderId).ToHashSet(StringComparer.Ordinal);
        IReadOnlyList<Cancellation> cancellations = cancelSearch is null ? [] : Collect(
            [.. cancelSearch.Records.Where(c => !(c.TryGetProperty("order_id", out var id) && id.ValueKind == JsonValueKind.String && !dayOrders.Contains(id.GetString()!)))],
            rejected, mapper.MapCancellation);

        var liveList = await Optional("live_sessions", "LIVE performance", () => _api.GetLiveSessionsAsync(store.Id, cipher, date, Keep("live_sessions"), cancellationToken)).ConfigureAwait(false);
        var lives = Ready(liveList, "live_sessions", "LIVE performance", mapper.MapLive);
        var videoList = await Optional("videos", "video performance", () => _api.GetVideosAsync(store.Id, cipher, date, Keep("videos"), cancellationToken)).ConfigureAwait(false);
        var videos = Ready(videoList, "videos", "video performance", (json, i) => mapper.MapVideo(json, date, i));

        var (service, serviceNote) = await FetchServiceAsync(store, cipher, date, from, to, mapper, Keep, notFetched, rejected, cancellationToken).ConfigureAwait(false);
        if (service is not null)
        {
            service = await WithReviewsAsync(store, cipher, date, service, orders, mapper, Keep, notFetched, rejected, cancellationToken).ConfigureAwait(false);
        }

        var shop = await Optional("traffic_daily", "shop performance", async () => new { Answer = await _api.GetShopPerformanceAsync(store.Id, cipher, date, cancellationToken).ConfigureAwait(false) }).ConfigureAwait(false);
        TrafficDaily? traffic = null;
        PlatformDaily? platform = null;
        if (shop is { Answer: var (interval, latest, shopPerformance) })
        {
            await Keep("shop_performance")(shopPerformance, 0).ConfigureAwait(false);
            if (interval is not { } shopDay)
            {
                notFetched["traffic_daily"] = $"TikTok's shop performance for {day} is not ready yet (latest ready day: {(latest is { } l ? StoreCalendar.Format(l) : "not given")}); a later run fetches it";
            }
            else
            {
                (traffic, platform) = mapper.MapShopPerformance(shopDay, date, rejected);
                if (traffic is null)
                {
                    notFetched["traffic_daily"] = $"TikTok's shop performance for {day} has no traffic figures";
                }
            }
        }

        // The product list gives each product's day; shop performance has no click or add-to-cart counts, so the day's
        // are the product list's, summed over the day's products.
        var products = await FetchProductDaysAsync(store, cipher, date, traffic, mapper, Keep("product_performance"), rejected, cancellationToken).ConfigureAwait(false);
        if (products.Rows is null)
        {
            notFetched[ProductDailyDataset] = products.Unknown!;
        }

        if (traffic is not null)
        {
            if (products.Sums is { } sums)
            {
                traffic = traffic with { ProductClicks = sums.Clicks, AddToCartUsers = sums.AddToCartUsers };
            }
            else
            {
                notFetched[ProductClicksKey] = products.Unknown!;
                notFetched[AddToCartUsersKey] = products.Unknown!;
            }
        }

        // Stock is read with the product list (once per store fetch); each day keeps the stock curated for it.
        var keepIfCurated = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["inventory_daily"] = $"TikTok gives stock only as it is now, and no complete reading of the stock at the end of {day} was kept (it is read on the day after; a product that could not be read leaves it incomplete)",
        };
        IReadOnlyList<AdsDaily> ads = [];
        if (Ads is not null)
        {
            var reading = await Ads.ReadDayAsync(store, (await ShopAsync(store, cancellationToken).ConfigureAwait(false)).ShopId, date, Keep, cancellationToken).ConfigureAwait(false);
            rejected.AddRange(reading.Rejected);
            if (reading.Unknown is { } why)
            {
                notFetched["ads_daily"] = why;
            }
            else
            {
                ads = reading.Ads;
            }
        }

        return new SourceBatch(store, date, [], orders, refunds, traffic, lives, videos, ads, service, [], rejected)
        {
            Notes = [.. new[] { channelFailure, serviceNote }.OfType<string>()],
            NotFetched = notFetched,
            KeepIfCurated = keepIfCurated,
            Cancellations = cancellations,
            Platform = platform,
            ProductDays = products.Rows ?? [],
            AffiliateContent = content,
        };
    }

    /// <inheritdoc />
    /// <remarks>
    /// Every status is listed (order lines may name a product since deactivated); stock counts only products on sale
    /// (ACTIVATE) and stands for the end of the store's yesterday. A product that could not be read leaves the stock
    /// incomplete, so none is given.
    /// </remarks>
    public async Task<ProductListing> FetchProductsAsync(Store store, Func<RawPage, CancellationToken, Task> onRawPage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(onRawPage);
        var cipher = await CipherAsync(store, cancellationToken).ConfigureAwait(false);
        var mapper = new TikTokMapper(store, _hasher, _time);
        var yesterday = StoreCalendar.LocalDate(_time.GetUtcNow(), StoreCalendar.ResolveZone(store.TimeZone)).AddDays(-1);
        SearchResult search;
        try
        {
            search = await _api.SearchProductsAsync(store.Id, cipher, Keep(mapper, onRawPage, "products", cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (TikTokApiException ex)
        {
            _onSale[store.Id] = Task.FromResult(new ProductsOnSale([], 0, $"TikTok's product list could not be read: {ex.Message}"));
            return new ProductListing([], []) { Unavailable = $"TikTok's product list could not be read: {ex.Message}" };
        }

        _onSale[store.Id] = Task.FromResult(OnSale(search));
        var skus = new List<ProductSku>();
        var stock = new List<InventorySnapshot>();
        var rejected = new List<RejectedRecord>();
        for (var i = 0; i < search.Records.Count; i++)
        {
            var (productSkus, productStock, bad) = mapper.MapProduct(search.Records[i], i);
            skus.AddRange(productSkus);
            if (productSkus.Count > 0 && productSkus[0].Status == "ACTIVATE")
            {
                stock.AddRange(productStock.Select(s => new InventorySnapshot(store.Id, yesterday, s.SkuId, s.Units)));
            }

            if (bad is not null)
            {
                rejected.Add(bad);
            }
        }

        return new ProductListing(skus, rejected) { Stock = rejected.Count == 0 ? new StockReading(yesterday, stock) : null };
    }

    /// <inheritdoc />
    /// <remarks>Raw pages go to the stream <c>orders_changed</c> of the window's last day.</remarks>
    public async Task<(IReadOnlyList<Order> Orders, IReadOnlyList<RejectedRecord> Rejected)> FetchLateChangesAsync(
        Store store, DateOnly from, DateOnly to, Func<RawPage, CancellationToken, Task> onRawPage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(onRawPage);
        var cipher = await CipherAsync(store, cancellationToken).ConfigureAwait(false);
        var zone = StoreCalendar.ResolveZone(store.TimeZone);
        var start = StoreCalendar.DayBounds(from, zone).StartUtc;
        var end = StoreCalendar.DayBounds(to, zone).EndUtc;
        var mapper = new TikTokMapper(store, _hasher, _time);
        var search = await _api.SearchOrdersChangedAsync(store.Id, cipher, start, start, end,
            Keep(mapper, onRawPage, "orders_changed", cancellationToken), cancellationToken).ConfigureAwait(false);
        var rejected = new List<RejectedRecord>();
        var changed = Collect(search.Records, rejected, (json, i) => MapOrder(store, mapper, json, i));
        if (changed.Count == 0)
        {
            return (changed, rejected); // no window to search
        }

        // The affiliate search over the changed orders' own placing times (a failure leaves their channel unknown).
        var (orders, _, _) = await WithChannelsAsync(store, cipher, mapper, changed, changed.Min(o => o.CreatedUtc), changed.Max(o => o.CreatedUtc).AddSeconds(1),
            Keep(mapper, onRawPage, "affiliate_orders_changed", cancellationToken), rejected, cancellationToken).ConfigureAwait(false);
        return (orders, rejected);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The window reaches <see cref="TikTokOptions.FinanceLookbackDays"/> back from <paramref name="to"/>. Settled fees
    /// come from the statements issued since the window's first day (an order settles after it is placed), each read
    /// with its transactions; an order settled over several statements has their sum. Estimates come from the unsettled
    /// orders placed in the window; a settlement always wins over an estimate. Each statement's transactions are
    /// checked against the statement's own fee total, and a gap is noted (a page lost, or a transaction the pipeline
    /// could not read). Raw pages go to the streams <c>statements</c>, <c>statement_transactions</c> and
    /// <c>unsettled_orders</c> of <paramref name="to"/>.
    /// </remarks>
    public async Task<FeeReading> FetchFeesAsync(Store store, DateOnly from, DateOnly to, Func<RawPage, CancellationToken, Task> onRawPage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(onRawPage);
        var lookbackFrom = to.AddDays(1 - _api.Options.FinanceLookbackDays);
        var placedFrom = from < lookbackFrom ? from : lookbackFrom;
        var zone = StoreCalendar.ResolveZone(store.TimeZone);
        var start = StoreCalendar.DayBounds(placedFrom, zone).StartUtc;
        var end = StoreCalendar.DayBounds(to, zone).EndUtc;
        var now = _time.GetUtcNow();
        var mapper = new TikTokMapper(store, _hasher, _time);
        var settled = new Dictionary<string, OrderFee>(StringComparer.Ordinal);
        var estimated = new Dictionary<string, OrderFee>(StringComparer.Ordinal);
        var rejected = new List<RejectedRecord>();
        var notes = new List<string>();
        try
        {
            var cipher = await CipherAsync(store, cancellationToken).ConfigureAwait(false);
            var statements = await _api.GetStatementsAsync(store.Id, cipher, start, now, Keep(mapper, onRawPage, "statements", cancellationToken), cancellationToken).ConfigureAwait(false);
            var pagesBefore = 0;
            for (var position = 0; position < statements.Records.Count; position++)
            {
                var statement = statements.Records[position];
                if (!statement.TryGetProperty("id", out var idJson) || idJson.GetString() is not { Length: > 0 } statementId)
                {
                    rejected.Add(new RejectedRecord("statements", "#" + position.ToString(CultureInfo.InvariantCulture), "id is missing, so its transactions (settled fees) cannot be read; its orders keep their estimates", System.Text.Encoding.UTF8.GetString(mapper.Scrub(statement))));
                    continue;
                }

                // Each statement's pages are numbered on from the last one's, so no raw page overwrites another.
                var first = pagesBefore;
                var pages = 0;
                var transactions = await _api.GetStatementTransactionsAsync(store.Id, cipher, statementId, (data, page) =>
                {
                    pages = page + 1;
                    return Keep(mapper, onRawPage, "statement_transactions", cancellationToken)(data, first + page);
                }, cancellationToken).ConfigureAwait(false);
                pagesBefore += pages;
                var currency = TikTokMapper.Text(transactions.First, "currency");
                var feeTaxRead = 0m;
                var unreadable = 0;
                for (var i = 0; i < transactions.Records.Count; i++)
                {
                    var record = transactions.Records[i];
                    if (TikTokMapper.SignedAmount(record, "fee_tax_amount") is { } feeTax)
                    {
                        feeTaxRead += feeTax;
                    }
                    else
                    {
                        unreadable++;
                    }

                    var (fee, bad) = mapper.MapOrderFee(record, settled: true, currency, i);
                    if (bad is not null)
                    {
                        rejected.Add(bad);
                    }
                    else if (fee is not null)
                    {
                        settled[fee.OrderId] = settled.TryGetValue(fee.OrderId, out var earlier) ? fee with { PlatformFee = earlier.PlatformFee + fee.PlatformFee } : fee;
                    }
                }

                var total = transactions.First.TryGetProperty("total_settlement_breakdown", out var breakdown) ? TikTokMapper.SignedAmount(breakdown, "total_fee_tax_amount") : null;
                if (total is null)
                {
                    notes.Add($"statement {statementId} gives no total_fee_tax_amount, so its transactions were not checked against it");
                }
                else if (total != feeTaxRead || unreadable > 0)
                {
                    notes.Add(string.Create(CultureInfo.InvariantCulture,
                        $"statement {statementId}: its transactions' fees and taxes add up to {feeTaxRead} {currency}{(unreadable > 0 ? $" ({unreadable} without a readable fee_tax_amount)" : "")}, but the statement's total is {total} {currency}; a transaction may be missing (compare the statement in Seller Center's finance pages; every run within the finance lookback reads it again)"));
                }
            }

            var unsettled = await _api.GetUnsettledOrdersAsync(store.Id, cipher, start, end, Keep(mapper, onRawPage, "unsettled_orders", cancellationToken), cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < unsettled.Records.Count; i++)
            {
                var (fee, bad) = mapper.MapOrderFee(unsettled.Records[i], settled: false, null, i);
                if (bad is not null)
                {
                    rejected.Add(bad);
                }
                else if (fee is not null)
                {
                    estimated[fee.OrderId] = estimated.TryGetValue(fee.OrderId, out var earlier) ? fee with { PlatformFee = earlier.PlatformFee + fee.PlatformFee } : fee;
                }
            }
        }
        catch (TikTokApiException ex)
        {
            return new FeeReading(placedFrom, new Dictionary<string, OrderFee>(), rejected) { Unavailable = $"TikTok's finance API could not be read: {ex.Message}" };
        }

        foreach (var (orderId, fee) in settled)
        {
            estimated[orderId] = fee; // a settlement wins over an estimate
        }

        return new FeeReading(placedFrom, estimated, rejected) { Notes = notes };
    }

    /// <summary>
    /// The day's products from the product performance list (202605): each product's figures, and the day's product
    /// clicks and add-to-cart users, its <c>product_clicks</c> and <c>add_cart_users</c> summed over the products listed
    /// (so a user who added two products counts twice). Neither, with the reason naming the endpoint and the day, when
    /// the list cannot be read, is refused as a version the app may not use (there is no older version with these
    /// counts to fall back to), is not ready, or lists no product although shop performance had impressions. A product
    /// that cannot be read is quarantined: the others are kept, and the sums are unknown (they would be short).
    /// </summary>
    private async Task<ProductDays> FetchProductDaysAsync(
        Store store, string cipher, DateOnly date, TrafficDaily? traffic, TikTokMapper mapper, Func<JsonElement, int, Task> keep, List<RejectedRecord> rejected, CancellationToken cancellationToken)
    {
        var day = StoreCalendar.Format(date);
        var what = $"TikTok's product performance (GET {TikTokShopApi.ProductPerformancePath}) for {day}";
        DailyList list;
        try
        {
            list = await _api.GetProductPerformanceAsync(store.Id, cipher, date, keep, cancellationToken).ConfigureAwait(false);
        }
        catch (TikTokApiException ex) when (ex.Code == TikTokShopApi.InvalidVersionCode || ex.Message.Contains("version", StringComparison.OrdinalIgnoreCase))
        {
            return new(null, null, $"{what} was refused as an API version the app may not use: version 202605 is the only one known to give product clicks and add-to-cart users (202509 has none), so ask TikTok to allow it for the app; {ex.Message}");
        }
        catch (TikTokApiException ex)
        {
            return new(null, null, $"{what} could not be read: {ex.Message}");
        }

        if (list.LatestAvailable is not { } latest || latest < date)
        {
            return new(null, null, $"{what} is not ready yet (latest ready day: {(list.LatestAvailable is { } l ? StoreCalendar.Format(l) : "not given")}); a later run fetches it");
        }

        if (list.Records.Count == 0 && traffic is { Impressions: > 0 })
        {
            return new(null, null, string.Create(CultureInfo.InvariantCulture,
                $"{what} lists no product, although shop performance counts {traffic.Impressions} product impressions that day"));
        }

        long clicks = 0, cartUsers = 0;
        var unreadable = 0;
        var rows = new List<ProductDaily>(list.Records.Count);
        for (var i = 0; i < list.Records.Count; i++)
        {
            var (product, bad) = mapper.MapProductTraffic(list.Records[i], i);
            if (bad is not null)
            {
                rejected.Add(bad);
                unreadable++;
            }
            else if (product is not null)
            {
                clicks = checked(clicks + product.Clicks);
                cartUsers = checked(cartUsers + product.AddToCartUsers);
                rows.Add(new ProductDaily(store.Id, date, product.ProductId, product.Impressions, product.Clicks, product.AddToCartUsers, product.Gmv, store.Currency, product.Orders, product.UnitsSold));
            }
        }

        return unreadable > 0
            ? new(rows, null, string.Create(CultureInfo.InvariantCulture,
                $"{unreadable} of the {list.Records.Count} products in {what} could not be read (quarantined), so the day's sums of product clicks and add-to-cart users would be short"))
            : new(rows, (clicks, cartUsers), null);
    }

    /// <summary>A day's product list as read: the products (null: not fetched), the day's sums (null: unknown) and why not.</summary>
    private sealed record ProductDays(IReadOnlyList<ProductDaily>? Rows, (long Clicks, long AddToCartUsers)? Sums, string? Unknown);

    /// <summary>
    /// The day's service figures with their reviews: the ratings of each product on sale (the product list read for
    /// this store fetch) and of each product the day's orders sold, one call per product for the day (analytics 202509
    /// product performance; TikTok has no endpoint that lists reviews). A product deactivated since and not sold that
    /// day is not asked for. The reviews are unknown with the reason, never a partial sum, when the product list could
    /// not be read, a product's call fails, a product's answer cannot be read (it is quarantined), or the day is not
    /// ready (<c>latest_available_date</c> before it); the chat figures stand. The first such failure ends the calls.
    /// </summary>
    private async Task<ServiceDaily> WithReviewsAsync(
        Store store, string cipher, DateOnly date, ServiceDaily service, IReadOnlyList<Order> orders, TikTokMapper mapper, Func<string, Func<JsonElement, int, Task>> keep,
        Dictionary<string, string> notFetched, List<RejectedRecord> rejected, CancellationToken cancellationToken)
    {
        const string endpoint = "product performance (GET /analytics/202509/shop_products/{product_id}/performance)";
        var day = StoreCalendar.Format(date);
        ServiceDaily Unknown(string reason)
        {
            notFetched[ReviewsNotFetched] = reason;
            notFetched[NegativeReviewsNotFetched] = reason;
            return service;
        }

        var onSale = await ProductsOnSaleAsync(store, cipher, keep("products"), cancellationToken).ConfigureAwait(false);
        if (onSale.Unavailable is { } unavailable)
        {
            return Unknown($"{unavailable}, so which products' ratings make the reviews of {day} is not known");
        }

        if (onSale.WithoutId > 0)
        {
            return Unknown(string.Create(CultureInfo.InvariantCulture, $"{onSale.WithoutId} of TikTok's products came without an id, so their ratings cannot be asked for and the reviews of {day} would be short"));
        }

        var products = new SortedSet<string>(onSale.Ids, StringComparer.Ordinal);
        foreach (var line in orders.SelectMany(o => o.Lines))
        {
            products.Add(line.ProductId);
        }

        if (products.Count == 0)
        {
            return Unknown($"the store has no product on sale and sold none on {day}, so no product's ratings were read");
        }

        var page = keep("product_ratings");
        var read = new List<TikTokProductRatings>(products.Count);
        foreach (var productId in products)
        {
            JsonElement data;
            try
            {
                data = await _api.GetProductRatingsAsync(store.Id, cipher, productId, date, cancellationToken).ConfigureAwait(false);
            }
            catch (TikTokApiException ex) when (ex is not TikTokAuthorizationException)
            {
                return Unknown($"TikTok's {endpoint} for product {productId} on {day} could not be read, so the day's reviews would be short: {ex.Message}");
            }

            await page(data, read.Count).ConfigureAwait(false);
            var latest = TikTokShopApi.LatestAvailableDay(data);
            if (latest is null || latest < date)
            {
                return Unknown($"TikTok's {endpoint} for {day} is not ready yet (latest ready day: {(latest is { } l ? StoreCalendar.Format(l) : "not given")}); a later run fetches the day's reviews");
            }

            var (ratings, bad) = mapper.MapProductRatings(data, productId, read.Count);
            if (bad is not null)
            {
                rejected.Add(bad);
                return Unknown($"the ratings of product {productId} in TikTok's {endpoint} for {day} could not be read (quarantined: {bad.Reason}), so the day's reviews would be short");
            }

            read.Add(ratings!);
        }

        return TikTokMapper.WithReviews(service, read);
    }

    /// <summary>The store's products on sale, from this fetch's product list; read here when no list was read yet (a day fetched on its own).</summary>
    private async Task<ProductsOnSale> ProductsOnSaleAsync(Store store, string cipher, Func<JsonElement, int, Task> keep, CancellationToken cancellationToken)
    {
        var reading = _onSale.GetOrAdd(store.Id, _ => ReadOnSaleAsync());
        try
        {
            return await reading.ConfigureAwait(false);
        }
        catch
        {
            _onSale.TryRemove(new KeyValuePair<string, Task<ProductsOnSale>>(store.Id, reading)); // a later day may try again
            throw;
        }

        async Task<ProductsOnSale> ReadOnSaleAsync()
        {
            try
            {
                return OnSale(await _api.SearchProductsAsync(store.Id, cipher, keep, cancellationToken).ConfigureAwait(false));
            }
            catch (TikTokApiException ex) when (ex is not TikTokAuthorizationException)
            {
                return new ProductsOnSale([], 0, $"TikTok's product list could not be read: {ex.Message}");
            }
        }
    }

    /// <summary>The ids of the listed products on sale (status ACTIVATE), and how many listed products have no id.</summary>
    private static ProductsOnSale OnSale(SearchResult search)
    {
        var ids = new List<string>();
        var withoutId = 0;
        foreach (var record in search.Records)
        {
            if (TikTokMapper.Text(record, "id") is not { Length: > 0 } id)
            {
                withoutId++;
            }
            else if (TikTokMapper.Text(record, "status") == "ACTIVATE")
            {
                ids.Add(id);
            }
        }

        return new ProductsOnSale(ids, withoutId, null);
    }

    /// <summary>
    /// The day's service figures from the sessions begun that day (session search by begin_time over the
    /// store-local day), and a note when TikTok's own figures for the day (202407 performance) disagree with them or
    /// could not be had. The sessions carry no readiness date: a session answered after the fetch is corrected by the
    /// lookback re-fetch. Not fetched, with the reason: a day older than the search reaches back, a search that
    /// fails, a session that cannot be read (the day's counts would be short), and a day with no session whose
    /// performance TikTok does not give either (nothing says whether there were none).
    /// </summary>
    private async Task<(ServiceDaily? Service, string? Note)> FetchServiceAsync(
        Store store, string cipher, DateOnly date, DateTimeOffset from, DateTimeOffset to, TikTokMapper mapper, Func<string, Func<JsonElement, int, Task>> keep,
        Dictionary<string, string> notFetched, List<RejectedRecord> rejected, CancellationToken cancellationToken)
    {
        var day = StoreCalendar.Format(date);
        if (from < _time.GetUtcNow().AddDays(-TikTokShopApi.ServiceSessionDays))
        {
            notFetched["service_daily"] = $"TikTok keeps customer service sessions for {TikTokShopApi.ServiceSessionDays} days only and {day} is older, so its service figures cannot be read";
            return (null, null);
        }

        SearchResult search;
        try
        {
            search = await _api.SearchServiceSessionsAsync(store.Id, cipher, from, to, keep("service_sessions"), cancellationToken).ConfigureAwait(false);
        }
        catch (TikTokApiException ex) when (ex is not TikTokAuthorizationException)
        {
            notFetched["service_daily"] = $"TikTok's customer service sessions for {day} could not be read: {ex.Message}";
            return (null, null);
        }

        // A session listed outside the window belongs to another day, which counts it when that day is fetched.
        var before = rejected.Count;
        var sessions = Collect(search.Records, rejected, mapper.MapServiceSession).Where(s => s.BeganUtc >= from && s.BeganUtc < to).ToList();
        if (rejected.Count > before)
        {
            notFetched["service_daily"] = string.Create(CultureInfo.InvariantCulture, $"{rejected.Count - before} of TikTok's customer service sessions for {day} could not be read (quarantined), so the day's counts would be short");
            return (null, null);
        }

        TikTokServicePerformance? performance = null;
        string unreconciled;
        try
        {
            var (answer, data) = await _api.GetServicePerformanceAsync(store.Id, cipher, date, cancellationToken).ConfigureAwait(false);
            await keep("service")(data, 0).ConfigureAwait(false);
            if (answer is not { } json)
            {
                if (sessions.Count == 0)
                {
                    notFetched["service_daily"] = $"TikTok lists no customer service session for {day} and gives no service performance for it, so whether there were none is unknown";
                    return (null, null);
                }

                unreconciled = "it gives no figures for the day";
            }
            else
            {
                (performance, var bad) = mapper.MapServicePerformance(json, date);
                if (bad is not null)
                {
                    rejected.Add(bad);
                }

                unreconciled = "its figures could not be read (quarantined)";
            }
        }
        catch (TikTokApiException ex) when (ex is not TikTokAuthorizationException)
        {
            unreconciled = "it could not be read: " + ex.Message;
        }

        var service = mapper.MapServiceDay(date, sessions);
        return (service, performance is null
            ? $"customer service of {store.Id} on {day} not reconciled with TikTok's service performance: {unreconciled}"
            : Reconcile(store, day, service, performance));
    }

    /// <summary>
    /// The day's sessions against TikTok's own count and 24-hour response share: a note naming both figures when the
    /// count differs by more than the tolerance (percent of TikTok's count) or the share by more than the tolerance
    /// (percentage points); null when they agree.
    /// </summary>
    private string? Reconcile(Store store, string day, ServiceDaily service, TikTokServicePerformance performance)
    {
        var tolerance = _api.Options.ReconcileTolerancePct;
        var share = service.Chats == 0 ? 0m : (decimal)service.AnsweredWithin24h!.Value * 100 / service.Chats;
        var countGap = performance.Sessions == 0 ? (service.Chats == 0 ? 0m : 100m) : Math.Abs(service.Chats - performance.Sessions) * 100m / performance.Sessions;
        var shareGap = Math.Abs(share - performance.ResponsePercentage);
        return countGap > tolerance || shareGap > tolerance
            ? string.Create(CultureInfo.InvariantCulture,
                $"customer service of {store.Id} on {day} differs from TikTok's service performance by more than {tolerance} %: sessions {service.Chats} vs {performance.Sessions}, answered within 24 h {decimal.Round(share, 2)} % vs {performance.ResponsePercentage} %")
            : null;
    }

    /// <summary>
    /// The orders with what the affiliate order search over [<paramref name="from"/>, <paramref name="to"/>) says of
    /// them: an order it lists is an affiliate's (channel, creator and commission from it); one it does not list is the
    /// store's own (no commission; which of its own channels sold it the API does not say). An order whose affiliate
    /// record could not be read keeps an unknown channel and commission, and so does every order when the search
    /// fails, with the failure returned as a note: unknown, never zero. Also the content types of each affiliate order.
    /// </summary>
    private async Task<(IReadOnlyList<Order> Orders, IReadOnlyDictionary<string, string> Content, string? Failure)> WithChannelsAsync(
        Store store, string cipher, TikTokMapper mapper, IReadOnlyList<Order> orders, DateTimeOffset from, DateTimeOffset to,
        Func<JsonElement, int, Task> keep, List<RejectedRecord> rejected, CancellationToken cancellationToken)
    {
        if (orders.Count == 0)
        {
            return (orders, new Dictionary<string, string>(), null); // nothing to tell apart: no call
        }

        SearchResult search;
        try
        {
            search = await _api.SearchAffiliateOrdersAsync(store.Id, cipher, from, to, keep, cancellationToken).ConfigureAwait(false);
        }
        catch (TikTokApiException ex) when (ex is not TikTokAuthorizationException)
        {
            return (orders, new Dictionary<string, string>(), $"TikTok's affiliate orders could not be read, so sales channels and affiliate commission stay unknown: {ex.Message}");
        }

        // Only the records of orders kept: one of an order the Order API gave as broken is quarantined with that order.
        var kept = orders.Select(o => o.OrderId).ToHashSet(StringComparer.Ordinal);
        var affiliate = new Dictionary<string, TikTokAffiliateOrder>(StringComparer.Ordinal);
        var unreadable = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < search.Records.Count; i++)
        {
            if (search.Records[i].TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && !kept.Contains(id.GetString()!))
            {
                continue;
            }

            var (record, bad) = mapper.MapAffiliateOrder(search.Records[i], i);
            if (record is not null)
            {
                affiliate[record.OrderId] = record;
            }
            else if (bad is not null)
            {
                rejected.Add(bad);
                unreadable.Add(bad.RecordKey);
            }
        }

        return ([.. orders.Select(o => affiliate.TryGetValue(o.OrderId, out var a) ? o with { Channel = SalesChannel.Affiliate, CreatorId = a.CreatorUsername, AffiliateCommission = a.Commission }
            : unreadable.Contains(o.OrderId) ? o
            : o with { Channel = SalesChannel.Own, AffiliateCommission = 0m })],
            affiliate.Values.Where(a => a.ContentTypes.Length > 0).ToDictionary(a => a.OrderId, a => a.ContentTypes, StringComparer.Ordinal), null);
    }

    /// <summary>An order as the pipeline keeps it: the Order API has no sales channel, creator, fees or commission (the affiliate search adds channel, creator and commission).</summary>
    private static (Order? Order, RejectedRecord? Rejected) MapOrder(Store store, TikTokMapper mapper, JsonElement json, int position)
    {
        var (order, bad) = mapper.MapOrder(json, position);
        return (order is null ? null : new Order(
            store.Id, order.OrderId, order.CreatedUtc, order.PaidUtc, order.UpdatedUtc, order.Status, order.Currency,
            order.Subtotal, order.Shipping, order.SellerDiscount, order.PlatformDiscount, order.Tax, order.Total, order.IsSample,
            Channel: null, CreatorId: null, order.BuyerIdHash, PlatformFee: null, AffiliateCommission: null, order.Lines), bad);
    }

    /// <summary>Maps each record; the ones that map to nothing but a rejection are added to <paramref name="rejected"/>.</summary>
    private static List<T> Collect<T>(IReadOnlyList<JsonElement> records, List<RejectedRecord> rejected, Func<JsonElement, int, (T? Record, RejectedRecord? Rejected)> map)
        where T : class
    {
        var kept = new List<T>();
        for (var i = 0; i < records.Count; i++)
        {
            var (record, bad) = map(records[i], i);
            if (bad is not null)
            {
                rejected.Add(bad);
            }
            else if (record is not null)
            {
                kept.Add(record);
            }
        }

        return kept;
    }

    /// <summary>A page handler that scrubs each page (buyer ids hashed, personal fields dropped) before it is handed over.</summary>
    private static Func<JsonElement, int, Task> Keep(TikTokMapper mapper, Func<RawPage, CancellationToken, Task> onRawPage, string stream, CancellationToken cancellationToken) =>
        (data, page) => onRawPage(new RawPage(stream, page, mapper.Scrub(data)), cancellationToken);

    /// <summary>
    /// The store's shop cipher, from the shops its authorisation covers: the only one, or the one whose id is in the
    /// store's tags as <c>tiktok-shop:&lt;id&gt;</c>.
    /// </summary>
    private async Task<string> CipherAsync(Store store, CancellationToken cancellationToken) =>
        (await ShopAsync(store, cancellationToken).ConfigureAwait(false)).Cipher;

    /// <summary>The store's shop in its authorisation (its id is what the Business API calls the store id).</summary>
    private Task<AuthorizedShop> ShopAsync(Store store, CancellationToken cancellationToken) =>
        _shops.GetOrAdd(store.Id, _ => ResolveAsync(store, cancellationToken));

    /// <summary>The store's products on sale as the product list gave them, or why they are not known.</summary>
    /// <param name="Ids">Product ids with status ACTIVATE.</param>
    /// <param name="WithoutId">Listed products without an id.</param>
    /// <param name="Unavailable">Why the list could not be read, or null.</param>
    private sealed record ProductsOnSale(IReadOnlyList<string> Ids, int WithoutId, string? Unavailable);

    private async Task<AuthorizedShop> ResolveAsync(Store store, CancellationToken cancellationToken)
    {
        try
        {
            var shops = await _api.GetAuthorizedShopsAsync(store.Id, cancellationToken).ConfigureAwait(false);
            var tagged = store.Tags?.FirstOrDefault(t => t.StartsWith("tiktok-shop:", StringComparison.Ordinal))?["tiktok-shop:".Length..];
            var shop = tagged is not null ? shops.FirstOrDefault(s => s.ShopId == tagged) : shops.Count == 1 ? shops[0] : null;
            return shop ?? throw new TikTokAuthorizationException(store.Id, tagged is not null
                ? $"Store {store.Id}: its authorisation does not cover shop {tagged} (it covers {string.Join(", ", shops.Select(s => s.ShopId))})."
                : $"Store {store.Id}: its authorisation covers {shops.Count} shops ({string.Join(", ", shops.Select(s => s.ShopId))}); tag the store with tiktok-shop:<shop id> to say which one it is.");
        }
        catch
        {
            _shops.TryRemove(store.Id, out _); // a later day may try again
            throw;
        }
    }
}
