using System.Collections.Concurrent;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Privacy;
using KpiFunctions.Sources;

namespace KpiFunctions.TikTok;

/// <summary>
/// A store's day from the TikTok Shop Open API: orders placed that day (order search by create_time over the
/// store-local day) and refunds completed that day (return search by update_time; a return's last update is its
/// completion). Every page is scrubbed (buyer ids hashed, personal fields dropped) as it arrives and kept as a raw
/// page; records that cannot be used become rejected records with their reasons.
/// </summary>
/// <remarks>
/// Choices, where the API leaves room (reference digest 7.1, 8.1, 14): orders are fetched by create_time because
/// the pipeline counts an order on the day it was placed, and each run re-fetches the lookback days, which picks up
/// later changes to those orders; refunds are fetched by update_time because they count on the day they complete.
/// Shop performance (analytics 202405) gives the day's impressions, page views and visitors, and the platform's own
/// GMV and order count for reconciliation; it has no product clicks or add-to-cart users at shop level, so those
/// stay unknown. LIVE sessions come from the LIVE performance list (202509). Not fetched yet (the day's measures say
/// so instead of showing zeros): video,
/// ads, customer service, inventory; the Order API carries no sales channel, fees or commission, so those stay
/// unknown on the orders; unit costs come from the seller's own cost sheet, not from TikTok.
/// </remarks>
public sealed class TikTokSource : IRawPageStreamingSource
{
    private readonly TikTokShopApi _api;
    private readonly BuyerIdHasher _hasher;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Task<string>> _ciphers = new(StringComparer.Ordinal);

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

    /// <summary>What this source does not read yet, and why: their measures are unknown with this reason, never zero.</summary>
    public static IReadOnlyDictionary<string, string> NotFetchedDatasets { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["videos"] = "the TikTok source does not read video performance yet",
        ["ads_daily"] = "ad figures come from TikTok Ads Manager, which this source does not read",
        ["service_daily"] = "the TikTok source does not read customer service performance yet",
        ["inventory_daily"] = "the TikTok source does not read product inventory yet",
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
        var (from, to) = StoreCalendar.DayBounds(date, StoreCalendar.ResolveZone(store.TimeZone));
        var mapper = new TikTokMapper(store, _hasher, _time);
        var rejected = new List<RejectedRecord>();

        // Scrubbed (buyer ids hashed, personal fields dropped) and handed over before the page is used.
        Task Keep(string stream, System.Text.Json.JsonElement data, int page) =>
            onRawPage(new RawPage(stream, page, mapper.Scrub(data)), cancellationToken);

        var orderSearch = await _api.SearchOrdersAsync(store.Id, cipher, from, to, (d, p) => Keep("orders", d, p), cancellationToken).ConfigureAwait(false);
        var orders = new List<Order>();
        for (var i = 0; i < orderSearch.Records.Count; i++)
        {
            var (order, bad) = mapper.MapOrder(orderSearch.Records[i], i);
            if (order is not null)
            {
                orders.Add(new Order(
                    store.Id, order.OrderId, order.CreatedUtc, order.PaidUtc, order.UpdatedUtc, order.Status, order.Currency,
                    order.Subtotal, order.Shipping, order.SellerDiscount, order.PlatformDiscount, order.Tax, order.Total, order.IsSample,
                    Channel: null, CreatorId: null, order.BuyerIdHash, PlatformFee: null, AffiliateCommission: null, order.Lines));
            }
            else
            {
                rejected.Add(bad!);
            }
        }

        var returnSearch = await _api.SearchReturnsAsync(store.Id, cipher, from, to, (d, p) => Keep("returns", d, p), cancellationToken).ConfigureAwait(false);
        var refunds = new List<Refund>();
        for (var i = 0; i < returnSearch.Records.Count; i++)
        {
            var (ret, bad) = mapper.MapReturn(returnSearch.Records[i], i);
            if (ret is null)
            {
                rejected.Add(bad!);
            }
            else if (ret.Status == RefundStatus.Completed)
            {
                // Pending, rejected and cancelled returns are not money back (yet); the raw page keeps them.
                refunds.Add(new Refund(store.Id, ret.ReturnId, ret.OrderId, ret.Amount, ret.Currency, ret.Status, ret.RequestedUtc, ret.UpdatedUtc, ret.IsReturn, ret.Reason));
            }
        }

        var liveRecords = await _api.GetLiveSessionsAsync(store.Id, cipher, date, (d, p) => Keep("live_sessions", d, p), cancellationToken).ConfigureAwait(false);
        var lives = new List<LiveSession>();
        for (var i = 0; i < liveRecords.Count; i++)
        {
            var (session, bad) = mapper.MapLive(liveRecords[i], i);
            if (session is not null)
            {
                lives.Add(session);
            }
            else
            {
                rejected.Add(bad!);
            }
        }

        var (interval, latest, performance) = await _api.GetShopPerformanceAsync(store.Id, cipher, date, cancellationToken).ConfigureAwait(false);
        await Keep("shop_performance", performance, 0).ConfigureAwait(false);
        var notFetched = new Dictionary<string, string>(NotFetchedDatasets, StringComparer.Ordinal);
        TrafficDaily? traffic = null;
        PlatformDaily? platform = null;
        if (interval is not { } day)
        {
            notFetched["traffic_daily"] = $"TikTok's shop performance for {date:yyyy-MM-dd} is not ready yet (latest ready day: {latest?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "not given"}); a later run fetches it";
        }
        else
        {
            (traffic, platform) = mapper.MapShopPerformance(day, date, rejected);
            if (traffic is null)
            {
                notFetched["traffic_daily"] = $"TikTok's shop performance for {date:yyyy-MM-dd} has no traffic figures";
            }
            else
            {
                notFetched.Remove("traffic_daily");
            }
        }

        return new SourceBatch(store, date, [], orders, refunds, traffic, lives, [], [], null, [], rejected) { NotFetched = notFetched, Platform = platform };
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ProductCost>> FetchCostsAsync(Store store, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ProductCost>>([]);

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
}
