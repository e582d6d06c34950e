using System.Collections.Concurrent;
using System.Text.Json;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Privacy;
using KpiFunctions.Sources;

namespace KpiFunctions.TikTok;

/// <summary>
/// A store's day from the TikTok Shop Open API: orders placed that day (order search by create_time over the
/// store-local day), refunds completed that day (return search by update_time; a return's last update is its
/// completion), shop performance (traffic and the platform's own GMV), LIVE sessions, video performance and customer
/// service performance for the day, and, on the day before today, the stock of every SKU. Every page is scrubbed
/// (buyer ids hashed, personal fields dropped) as it arrives and kept as a raw page; records that cannot be used become
/// rejected records with their reasons. Also lists the store's products (the product dimension).
/// </summary>
/// <remarks>
/// Choices, where the API leaves room (reference digest 7.1, 8.1, 10, 11, 14): orders are fetched by create_time
/// because the pipeline counts an order on the day it was placed and replaces a store-day whole, and each run
/// re-fetches the lookback days, which picks up later changes to those orders; refunds are fetched by update_time
/// because they count on the day they complete. Shop performance (analytics 202405) has impressions, page views and
/// visitors but no product clicks or add-to-cart users at shop level, so those stay unknown; video analytics have no
/// completed views, and customer service performance has no 12-hour share and no reviews, so those stay unknown too.
/// Stock exists only as it is now, so it is recorded for the day before today (the closest reading of that day's
/// end) and kept as curated for older days. Not read: ads (TikTok Ads Manager); the Order API carries no sales
/// channel, fees or commission, so those stay unknown on the orders; unit costs come from the seller's own cost sheet.
/// </remarks>
public sealed class TikTokSource : IRawPageStreamingSource, IProductCatalogSource, ILateChangeSource
{
    private readonly TikTokShopApi _api;
    private readonly BuyerIdHasher _hasher;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Task<string>> _ciphers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ProductList> _listed = new(StringComparer.Ordinal);

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

    /// <summary>What this source does not read, and why: their measures are unknown with this reason, never zero.</summary>
    public static IReadOnlyDictionary<string, string> NotFetchedDatasets { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ads_daily"] = "ad figures come from TikTok Ads Manager, which this source does not read",
    };

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
        var notFetched = new Dictionary<string, string>(NotFetchedDatasets, StringComparer.Ordinal);
        var keepIfCurated = new Dictionary<string, string>(StringComparer.Ordinal);
        var day = StoreCalendar.Format(date);

        // Scrubbed (buyer ids hashed, personal fields dropped) and handed over before the page is used.
        Func<JsonElement, int, Task> Keep(string stream) => (data, page) => onRawPage(new RawPage(stream, page, mapper.Scrub(data)), cancellationToken);

        var orderSearch = await _api.SearchOrdersAsync(store.Id, cipher, from, to, Keep("orders"), cancellationToken).ConfigureAwait(false);
        var orders = Collect(orderSearch.Records, rejected, (json, i) => MapOrder(store, mapper, json, i));

        var returnSearch = await _api.SearchReturnsAsync(store.Id, cipher, from, to, Keep("returns"), cancellationToken).ConfigureAwait(false);
        var refunds = Collect(returnSearch.Records, rejected, (json, i) =>
        {
            var (ret, bad) = mapper.MapReturn(json, i);

            // Pending, rejected and cancelled returns are not money back (yet); the raw page keeps them.
            return (ret is { Status: RefundStatus.Completed }
                ? new Refund(store.Id, ret.ReturnId, ret.OrderId, ret.Amount, ret.Currency, ret.Status, ret.RequestedUtc, ret.UpdatedUtc, ret.IsReturn, ret.Reason)
                : null, bad);
        });

        var liveList = await _api.GetLiveSessionsAsync(store.Id, cipher, date, Keep("live_sessions"), cancellationToken).ConfigureAwait(false);
        var lives = Collect(liveList.Records, rejected, mapper.MapLive);

        var videoList = await _api.GetVideosAsync(store.Id, cipher, date, Keep("videos"), cancellationToken).ConfigureAwait(false);
        IReadOnlyList<VideoDaily> videos = [];
        if (videoList.LatestAvailable < date)
        {
            notFetched["videos"] = $"TikTok's video performance for {day} is not ready yet (latest ready day: {StoreCalendar.Format(videoList.LatestAvailable.Value)}); a later run fetches it";
        }
        else
        {
            videos = Collect(videoList.Records, rejected, (json, i) => mapper.MapVideo(json, date, i));
        }

        var (servicePerformance, serviceData) = await _api.GetServicePerformanceAsync(store.Id, cipher, date, cancellationToken).ConfigureAwait(false);
        await Keep("service")(serviceData, 0).ConfigureAwait(false);
        ServiceDaily? service = null;
        if (servicePerformance is not { } performance)
        {
            notFetched["service_daily"] = $"TikTok's customer service performance for {day} has no figures";
        }
        else
        {
            (service, var badService) = mapper.MapService(performance, date);
            if (badService is not null)
            {
                rejected.Add(badService);
            }
        }

        var (interval, latest, shopPerformance) = await _api.GetShopPerformanceAsync(store.Id, cipher, date, cancellationToken).ConfigureAwait(false);
        await Keep("shop_performance")(shopPerformance, 0).ConfigureAwait(false);
        TrafficDaily? traffic = null;
        PlatformDaily? platform = null;
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

        IReadOnlyList<InventorySnapshot> inventory = [];
        var yesterday = StoreCalendar.LocalDate(_time.GetUtcNow(), zone).AddDays(-1);
        if (date == yesterday)
        {
            // The stock read now is the closest reading of yesterday's end; the product list comes with it.
            var listed = await ListProductsAsync(store, cipher, mapper, Keep("products"), cancellationToken).ConfigureAwait(false);
            _listed[store.Id] = listed;
            inventory = [.. listed.Stock.Select(s => new InventorySnapshot(store.Id, date, s.SkuId, s.Units))];
            if (listed.Rejected.Count > 0)
            {
                // A sum of stock with a product missing would look whole; the product's reasons are quarantined.
                notFetched["inventory_daily"] = $"the stock of {day} is incomplete: product {listed.Rejected[0].RecordKey} could not be read ({listed.Rejected[0].Reason})";
            }
        }
        else if (date < yesterday)
        {
            keepIfCurated["inventory_daily"] = $"TikTok gives stock only as it is now; the stock at the end of {day} was not read on the day after it";
        }
        else
        {
            notFetched["inventory_daily"] = $"{day} is not over in {store.TimeZone}, so it has no end-of-day stock yet";
        }

        return new SourceBatch(store, date, [], orders, refunds, traffic, lives, videos, [], service, inventory, rejected)
        {
            NotFetched = notFetched,
            KeepIfCurated = keepIfCurated,
            Platform = platform,
        };
    }

    /// <inheritdoc />
    public async Task<(IReadOnlyList<ProductSku> Skus, IReadOnlyList<RejectedRecord> Rejected)> FetchProductsAsync(
        Store store, Func<RawPage, CancellationToken, Task> onRawPage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(onRawPage);
        if (!_listed.TryRemove(store.Id, out var listed))
        {
            // No day of this fetch read the stock (a backfill of older days): list the products now.
            var cipher = await CipherAsync(store, cancellationToken).ConfigureAwait(false);
            var mapper = new TikTokMapper(store, _hasher, _time);
            listed = await ListProductsAsync(store, cipher, mapper, (data, page) => onRawPage(new RawPage("products", page, mapper.Scrub(data)), cancellationToken), cancellationToken).ConfigureAwait(false);
        }

        return (listed.Skus, listed.Rejected);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ProductCost>> FetchCostsAsync(Store store, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ProductCost>>([]);

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
            (data, page) => onRawPage(new RawPage("orders_changed", page, mapper.Scrub(data)), cancellationToken), cancellationToken).ConfigureAwait(false);
        var rejected = new List<RejectedRecord>();
        var orders = Collect(search.Records, rejected, (json, i) => MapOrder(store, mapper, json, i));
        return (orders, rejected);
    }

    /// <summary>An order as the pipeline keeps it: the Order API has no sales channel, creator, fees or commission.</summary>
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

    private async Task<ProductList> ListProductsAsync(Store store, string cipher, TikTokMapper mapper, Func<JsonElement, int, Task> onPage, CancellationToken cancellationToken)
    {
        var search = await _api.SearchProductsAsync(store.Id, cipher, onPage, cancellationToken).ConfigureAwait(false);
        var skus = new List<ProductSku>();
        var stock = new List<(string, long)>();
        var rejected = new List<RejectedRecord>();
        for (var i = 0; i < search.Records.Count; i++)
        {
            var (productSkus, productStock, bad) = mapper.MapProduct(search.Records[i], i);
            skus.AddRange(productSkus);
            stock.AddRange(productStock);
            if (bad is not null)
            {
                rejected.Add(bad);
            }
        }

        return new ProductList(skus, stock, rejected);
    }

    /// <summary>
    /// The store's shop cipher, from the shops its authorisation covers: the only one, or the one whose id is in the
    /// store's tags as <c>tiktok-shop:&lt;id&gt;</c>.
    /// </summary>
    private Task<string> CipherAsync(Store store, CancellationToken cancellationToken) =>
        _ciphers.GetOrAdd(store.Id, _ => ResolveAsync(store, cancellationToken));

    private async Task<string> ResolveAsync(Store store, CancellationToken cancellationToken)
    {
        try
        {
            var shops = await _api.GetAuthorizedShopsAsync(store.Id, cancellationToken).ConfigureAwait(false);
            var tagged = store.Tags?.FirstOrDefault(t => t.StartsWith("tiktok-shop:", StringComparison.Ordinal))?["tiktok-shop:".Length..];
            var shop = tagged is not null ? shops.FirstOrDefault(s => s.ShopId == tagged) : shops.Count == 1 ? shops[0] : null;
            return shop?.Cipher ?? throw new TikTokAuthorizationException(store.Id, tagged is not null
                ? $"Store {store.Id}: its authorisation does not cover shop {tagged} (it covers {string.Join(", ", shops.Select(s => s.ShopId))})."
                : $"Store {store.Id}: its authorisation covers {shops.Count} shops ({string.Join(", ", shops.Select(s => s.ShopId))}); tag the store with tiktok-shop:<shop id> to say which one it is.");
        }
        catch
        {
            _ciphers.TryRemove(store.Id, out _); // a later day may try again
            throw;
        }
    }

    private sealed record ProductList(IReadOnlyList<ProductSku> Skus, IReadOnlyList<(string SkuId, long Units)> Stock, IReadOnlyList<RejectedRecord> Rejected);
}
