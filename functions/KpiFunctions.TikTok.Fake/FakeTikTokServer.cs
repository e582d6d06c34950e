using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Domain;
using KpiFunctions.Sources.Synthetic;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KpiFunctions.TikTok.Fake;

/// <summary>
/// Our fake of the TikTok Shop Open API on 127.0.0.1: the 202309 envelopes and error codes (reference digest §4),
/// signatures (§3), the common-parameter checks (§2), access tokens per shop with refresh (§6), authorized shops,
/// order, return, cancellation, product and affiliate order search (§7, §8, §11, docs/tiktok-shop-api-notes.md) with cursor paging,
/// the analytics and service figures (§10), the products' ratings, the Business API's ad reports (FakeTikTokServer.Ads.cs), all served from a <see cref="SyntheticWorld"/>, so
/// the truth behind every answer is known. <see cref="Faults"/> spoils answers on purpose; optional rate limits
/// answer 429 to anything beyond them and count it in <see cref="Stats"/>.
/// </summary>
public sealed partial class FakeTikTokServer : IAsyncDisposable
{
    /// <summary>Whether the feed shows this order broken (the generator's defective orders), so a reader must reject it.</summary>
    public static bool ShowsBroken(Order order, Store store) => FakeTikTokJson.IsSpoiled(order, store);

    /// <summary>Personal data planted in every order; none of it may appear in anything the pipeline writes.</summary>
    public const string PlantedEmail = "planted.buyer@relay.example.com";

    /// <summary>Planted phone number.</summary>
    public const string PlantedPhone = "+60-11-5550-1234";

    /// <summary>Planted buyer name.</summary>
    public const string PlantedName = "Plantedname Buyerson";

    private const int SessionDays = 90;

    /// <summary>The business code the fake answers a session search older than 90 days with (TikTok's own is not documented).</summary>
    private const long SessionsTooOldCode = 12052004;
    private readonly WebApplication _app;
    private readonly SyntheticWorld _world;
    private readonly FakeTikTokSetup _setup;
    private readonly ConcurrentDictionary<string, ShopState> _shops = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Queue<long>> _windows = new(StringComparer.Ordinal);
    private long _faultCounter;
    private long _burstLeft;

    private FakeTikTokServer(WebApplication app, FakeTikTokSetup setup)
    {
        _app = app;
        _setup = setup;
        _world = setup.World;
        foreach (var store in _world.Stores)
        {
            var shopId = "7" + Digits(store.Id, 18);
            _shops[store.Id] = new ShopState(store, shopId, "ROW_" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(store.Id)))[..24].Replace('+', 'x').Replace('/', 'y'));
        }
    }

    /// <summary>Where the fake listens (API and token endpoints alike).</summary>
    public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Fault switches; may be changed while the server runs.</summary>
    public FakeFaults Faults { get; set; } = new();

    /// <summary>Counters.</summary>
    public FakeStats Stats { get; } = new();

    /// <summary>The store's shop id.</summary>
    public string ShopId(string storeId) => Shop(storeId).ShopId;

    /// <summary>The store's shop cipher.</summary>
    public string Cipher(string storeId) => Shop(storeId).Cipher;

    /// <summary>Starts the fake on 127.0.0.1 (port 0: any free port).</summary>
    public static async Task<FakeTikTokServer> StartAsync(FakeTikTokSetup setup, int port = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
        var app = builder.Build();
        var server = new FakeTikTokServer(app, setup);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return server;
    }

    /// <summary>Issues a fresh authorisation for a store (what the seller's consent gives), valid for 7 days.</summary>
    public TikTokToken Authorize(string storeId)
    {
        var shop = Shop(storeId);
        lock (shop)
        {
            if (shop.AccessToken is not null)
            {
                shop.ExpiredTokens.Add(shop.AccessToken); // the old token now answers 105002, as an expired one does
            }

            shop.PreviousRefreshToken = shop.RefreshToken;
            shop.AccessToken = "TTP_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            shop.RefreshToken = "TTPR_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            shop.Revoked = false;
            shop.Expired = false;
            shop.UsesOfToken = 0;
            var now = _setup.Time.GetUtcNow();
            shop.Current = new TikTokToken(shop.AccessToken, now.AddDays(7), shop.RefreshToken, now.AddDays(365));
            return shop.Current;
        }
    }

    /// <summary>The seller withdrew the authorisation: every token of the store is refused from now on.</summary>
    public void Revoke(string storeId)
    {
        var shop = Shop(storeId);
        lock (shop)
        {
            shop.Revoked = true;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private ShopState Shop(string storeId) => _shops.TryGetValue(storeId, out var shop) ? shop : throw new ArgumentException($"The fake has no store '{storeId}'.", nameof(storeId));

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path == "/_fake/stats")
        {
            // Not a TikTok path: the fake's own counters, for a benchmark that runs it in another process.
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(new JsonObject
            {
                ["requests"] = Stats.Requests,
                ["over_limit"] = Stats.OverLimit,
                ["pages"] = Stats.Pages,
                ["faults"] = Stats.Faults,
                ["refreshes"] = Stats.Refreshes,
                ["over_limit_at"] = new JsonArray([.. Stats.OverLimitAt.Select(t => (JsonNode)t.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture))]),
            }.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
            return;
        }

        Interlocked.Increment(ref Stats.RequestsField);
        var faults = Faults;

        // Rate limits count arrivals, first thing, before the body is read or any latency is added: a request beyond
        // them is refused whatever else is wrong with it.
        string? overLimit = null;
        var business = path.StartsWith(BusinessPrefix, StringComparison.Ordinal);
        if (path != "/api/v2/token/refresh" && !business)
        {
            var limitedCipher = context.Request.Query["shop_cipher"].ToString();
            overLimit = !WithinLimit("app", _setup.AppLimitPerSecond) ? "app"
                : limitedCipher.Length > 0 && !WithinLimit("shop:" + limitedCipher, _setup.ShopLimitPerSecond) ? "shop"
                : null;
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        if (faults.Latency > TimeSpan.Zero)
        {
            await Task.Delay(faults.Latency, context.RequestAborted).ConfigureAwait(false);
        }

        var n = Interlocked.Increment(ref _faultCounter);
        if (faults.SlowEvery > 0 && n % faults.SlowEvery == 0)
        {
            Interlocked.Increment(ref Stats.FaultsField);
            await Task.Delay(faults.SlowDelay, context.RequestAborted).ConfigureAwait(false);
        }

        if (overLimit is not null)
        {
            Interlocked.Increment(ref Stats.OverLimitField);
            Stats.OverLimitBy.AddOrUpdate(overLimit, 1, (_, c) => c + 1);
            Stats.OverLimitAt.Enqueue(_setup.Time.GetUtcNow());
            await WriteAsync(context, Error(429, 36009002, "Too many requests. Please retry later.", retryAfter: 1)).ConfigureAwait(false);
            return;
        }

        var answer = path == "/api/v2/token/refresh" ? Refresh(query)
            : business ? Business(context, path, query, body.ToArray(), n, faults)
            : Api(context, path, query, body.ToArray(), n, faults);
        if (answer.Status == 200 && answer.Code == 0 && faults.MalformedEvery > 0 && n % faults.MalformedEvery == 0)
        {
            Interlocked.Increment(ref Stats.FaultsField);
            answer = answer with { Cut = true };
        }

        await WriteAsync(context, answer).ConfigureAwait(false);
    }

    private Answer Api(HttpContext context, string path, Dictionary<string, string> query, byte[] body, long n, FakeFaults faults)
    {
        query.TryGetValue("shop_cipher", out var cipher);
        if (faults.TooManyRequestsEvery > 0 && (n % faults.TooManyRequestsEvery == 0 || Interlocked.Read(ref _burstLeft) > 0))
        {
            if (n % faults.TooManyRequestsEvery == 0)
            {
                Interlocked.Exchange(ref _burstLeft, faults.TooManyRequestsBurst - 1);
            }
            else
            {
                Interlocked.Decrement(ref _burstLeft);
            }

            Interlocked.Increment(ref Stats.FaultsField);
            return Error(429, 36009002, "Too many requests. Please retry later.", retryAfter: faults.RetryAfterSeconds > 0 ? faults.RetryAfterSeconds : null);
        }

        if (faults.IsDown(path))
        {
            Interlocked.Increment(ref Stats.FaultsField);
            return Error(500, 36009003, "Internal error, please retry.");
        }

        if (faults.ServerErrorEvery > 0 && n % faults.ServerErrorEvery == 0)
        {
            Interlocked.Increment(ref Stats.FaultsField);
            return Error(n % 2 == 0 ? 503 : 500, 36009003, "Internal error, please retry.");
        }

        if (!query.TryGetValue("app_key", out var appKey) || appKey != _setup.AppKey)
        {
            return Error(401, 36009004, "Invalid credentials. The 'app_key' query parameter is missing or invalid.");
        }

        if (!query.TryGetValue("timestamp", out var ts) || !long.TryParse(ts, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs((_setup.Time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds)).TotalSeconds) > 300
            || DateTimeOffset.FromUnixTimeSeconds(seconds) > _setup.Time.GetUtcNow().AddSeconds(30))
        {
            return Error(401, 36009004, "Invalid credentials. The 'timestamp' is outside the accepted window.");
        }

        if (!query.TryGetValue("sign", out var sign) || !TikTokSigner.Verify(_setup.AppSecret, sign, path, query, body))
        {
            return Error(401, 106001, "Invalid credentials. The 'sign' query parameter is invalid.");
        }

        var token = context.Request.Headers["x-tts-access-token"].ToString();
        var shop = _shops.Values.FirstOrDefault(s => s.AccessToken is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(s.AccessToken), Encoding.UTF8.GetBytes(token)));
        var expiredShop = shop is null ? _shops.Values.FirstOrDefault(s => { lock (s) { return s.ExpiredTokens.Contains(token); } }) : null;
        if ((shop ?? expiredShop) is { Revoked: true } || (shop is null && expiredShop is null))
        {
            return Error(401, 105001, "Invalid access token. The token was revoked or does not exist.");
        }

        if (shop is null)
        {
            return Error(401, 105002, "Access token is expired, please refresh it.");
        }

        lock (shop)
        {
            shop.UsesOfToken++;
            if (faults.ExpireTokenAfter > 0 && shop.UsesOfToken > faults.ExpireTokenAfter)
            {
                shop.Expired = true;
            }

            if (shop.Expired)
            {
                return Error(401, 105002, "Access token is expired, please refresh it.");
            }
        }

        if (path == "/authorization/202309/shops")
        {
            return cipher is null
                ? Ok(new JsonObject { ["shops"] = new JsonArray(ShopJson(shop)) })
                : Error(400, 36009004, "Unexpected identifier: shop_cipher is not accepted by this API.");
        }

        if (cipher is null)
        {
            return Error(400, 106013, "The shop_cipher parameter is missing.");
        }

        if (cipher != shop.Cipher)
        {
            return Error(401, 101000, "The access token does not match the shop_cipher.");
        }

        const string statementPrefix = "/finance/202501/statements/", transactionsSuffix = "/statement_transactions";
        if (path.StartsWith(statementPrefix, StringComparison.Ordinal) && path.EndsWith(transactionsSuffix, StringComparison.Ordinal) && path.Length > statementPrefix.Length + transactionsSuffix.Length)
        {
            return context.Request.Method == "GET"
                ? StatementTransactions(shop, path[statementPrefix.Length..^transactionsSuffix.Length], query)
                : Error(405, 36009010, "Invalid method.");
        }

        if (ProductOfPerformancePath(path) is { } productId)
        {
            return context.Request.Method == "GET" ? ProductPerformance(shop, productId, query) : Error(405, 36009010, "Invalid method.");
        }

        return (context.Request.Method, path) switch
        {
            ("GET", "/finance/202309/statements") => Statements(shop, query),
            ("GET", "/finance/202507/orders/unsettled") => Unsettled(shop, query),
            ("POST", "/order/202309/orders/search") => Search(shop, query, body, "orders", OrderWindow, FakeTikTokJson.Order, 1, 100),
            ("POST", "/return_refund/202309/returns/search") => Search(shop, query, body, "return_orders", ReturnWindow, FakeTikTokJson.Return, 10, 50),
            ("POST", "/return_refund/202309/cancellations/search") => Cancellations(shop, query, body),
            ("GET", "/analytics/202405/shop/performance") => ShopPerformance(shop, query),
            ("GET", "/analytics/202509/shop_lives/performance") => DailyList(shop, query, "live_stream_sessions", d => d.LiveSessions, l => LiveJson(shop, l)),
            ("GET", "/analytics/202509/shop_videos/performance") => DailyList(shop, query, "videos", d => d.Videos, VideoJson),
            ("GET", ProductPerformancePath) => ProductPerformance(shop, query),
            ("GET", "/customer_service/202407/performance") => Service(shop, query),
            ("POST", "/customer_service/202602/sessions/search") => ServiceSessions(shop, query, body),
            ("POST", "/product/202502/products/search") => Search(shop, query, body, "products", ProductWindow, p => ProductJson(shop, p), 1, 100),
            ("POST", "/affiliate_seller/202410/orders/search") => Search(shop, query, body, "orders", AffiliateWindow, o => FakeTikTokJson.AffiliateOrder(o, _world.AffiliateContentOf(shop.Store.Id, o), _world.AsOf), 1, 100),
            (_, "/order/202309/orders/search" or "/return_refund/202309/returns/search" or "/return_refund/202309/cancellations/search" or "/analytics/202405/shop/performance" or "/analytics/202509/shop_lives/performance"
                or "/analytics/202509/shop_videos/performance" or "/customer_service/202407/performance" or "/product/202502/products/search"
                or "/affiliate_seller/202410/orders/search" or "/finance/202309/statements" or "/finance/202507/orders/unsettled"
                or "/customer_service/202602/sessions/search" or ProductPerformancePath) => Error(405, 36009010, "Invalid method."),
            _ => Error(404, 36009009, "Invalid path."),
        };
    }

    private bool WithinLimit(string key, double limit)
    {
        if (limit <= 0)
        {
            return true;
        }

        var window = _windows.GetOrAdd(key, _ => new Queue<long>());
        var now = _setup.Time.GetUtcNow().UtcTicks;
        lock (window)
        {
            while (window.Count > 0 && window.Peek() <= now - TimeSpan.TicksPerSecond)
            {
                window.Dequeue();
            }

            if (window.Count >= limit)
            {
                return false;
            }

            window.Enqueue(now);
            return true;
        }
    }

    /// <summary>A cursor-paged search over the records a window selects, with the paging faults applied.</summary>
    private Answer Search<T>(ShopState shop, Dictionary<string, string> query, byte[] body, string listName, Func<ShopState, JsonElement, List<T>> select, Func<T, JsonObject> render, int minPage, int maxPage, bool totalCount = true)
    {
        if (!query.TryGetValue("page_size", out var sizeText) || !int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < minPage || size > maxPage)
        {
            return Error(400, 36009004, $"page_size must be {minPage}-{maxPage}.");
        }

        JsonElement filter;
        try
        {
            filter = body.Length == 0 ? JsonDocument.Parse("{}").RootElement : JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            return Error(400, 36009004, "The request body is not JSON.");
        }

        var offset = 0;
        if (query.TryGetValue("page_token", out var pageToken) && pageToken.Length > 0)
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(pageToken));
            offset = int.Parse(text.AsSpan(2), CultureInfo.InvariantCulture);
        }

        // Only the records of this page (and the ones the paging faults repeat) are rendered.
        var all = select(shop, filter);
        var page = all.Skip(offset).Take(size).Select(o => (JsonNode)render(o)).ToList();
        if (offset > 0 && offset <= all.Count && Faults.DuplicateAcrossPages)
        {
            page.Insert(0, render(all[offset - 1]));
        }

        // An order changed between two pages: only the order search has update_time (the affiliate one has none).
        if (offset > 1 && offset <= all.Count && Faults.UpdateBetweenPages && listName == "orders" && render(all[offset - 2]) is { } moved && moved["update_time"] is not null)
        {
            var later = moved["update_time"]!.GetValue<long>() + 60;
            moved["update_time"] = later;
            moved["status"] = moved["status"]!.GetValue<string>() switch
            {
                "AWAITING_SHIPMENT" => "IN_TRANSIT",
                "DELIVERED" => "COMPLETED",
                var same => same,
            };
            Stats.UpdatedBetweenPages[moved["id"]!.GetValue<string>()] = later;
            page.Add(moved);
        }

        var next = offset + size < all.Count ? Convert.ToBase64String(Encoding.UTF8.GetBytes("o:" + (offset + size).ToString(CultureInfo.InvariantCulture))) : "";
        Interlocked.Increment(ref Stats.PagesField);
        var data = new JsonObject { [listName] = new JsonArray([.. page]), ["next_page_token"] = next };
        if (totalCount)
        {
            data["total_count"] = all.Count;
        }

        return Ok(data);
    }

    /// <summary>
    /// GET /analytics/202405/shop/performance with granularity 1D (reference digest 10.2): per shop-local day, the
    /// platform's own GMV (orders paid that day, cancelled and refunded ones included, samples not) and order count,
    /// computed from the platform's correct records (the orders the feed spoils on purpose are not in them; a drift
    /// fault shifts the GMV to test reconciliation),
    /// and the traffic the world has for the day (none on the days the world has none). Days after
    /// <c>latest_available_date</c> (yesterday) are not ready and are left out.
    /// </summary>
    private Answer ShopPerformance(ShopState shop, Dictionary<string, string> query)
    {
        if (DateRange(query, "start_date_ge", "end_date_lt") is not { } range)
        {
            return Error(400, 36009004, "start_date_ge and end_date_lt must be dates (yyyy-MM-dd), the end after the start.");
        }

        var (start, end) = range;

        if (query.GetValueOrDefault("granularity", "ALL") != "1D")
        {
            return Error(400, 36009004, "Only granularity=1D is served by the fake.");
        }

        var zone = _setup.PlatformDayOffsets.TryGetValue(shop.Store.Country, out var fixedOffset)
            ? TimeZoneInfo.CreateCustomTimeZone("platform-" + shop.Store.Country, fixedOffset, "TikTok's day for " + shop.Store.Country, "TikTok's day for " + shop.Store.Country)
            : StoreCalendar.ResolveZone(shop.Store.TimeZone);
        var latest = Yesterday(shop);
        var intervals = new JsonArray();
        for (var date = start; date < end && date <= latest; date = date.AddDays(1))
        {
            // Payments land within hours of the order: orders paid on the day were placed that day or the day before
            // (or, on a platform day that starts an hour later than the shop's, in the first hour of the shop's next day).
            var paid = _world.Day(shop.Store.Id, date.AddDays(-1)).Orders.Concat(_world.Day(shop.Store.Id, date).Orders).Concat(_world.Day(shop.Store.Id, date.AddDays(1)).Orders)
                .Where(o => o.PaidUtc is { } at && StoreCalendar.LocalDate(at, zone) == date && !o.IsSampleOrTest && !FakeTikTokJson.IsSpoiled(o, shop.Store))
                .ToList();
            var gmv = paid.Sum(o => o.Subtotal);
            if (Faults.PlatformGmvDrift.TryGetValue((shop.Store.Id, date), out var drift))
            {
                gmv = decimal.Round(gmv * (1 + drift), 2);
            }

            var interval = new JsonObject
            {
                ["start_date"] = StoreCalendar.Format(date),
                ["end_date"] = StoreCalendar.Format(date.AddDays(1)),
                ["gmv"] = new JsonObject { ["amount"] = FakeTikTokJson.MoneyText(gmv), ["currency"] = shop.Store.Currency },
                ["orders"] = paid.Count,
                ["units_sold"] = paid.Sum(o => o.Lines.Sum(l => l.Quantity)),
                ["buyers"] = paid.Select(o => o.BuyerIdHash).Distinct(StringComparer.Ordinal).Count(),
            };
            if (_world.Day(shop.Store.Id, date).Traffic is { } traffic)
            {
                interval["product_impressions"] = traffic.Impressions;
                interval["product_page_views"] = traffic.PageViews;
                interval["avg_product_page_visitors"] = traffic.Visitors;
            }

            intervals.Add(interval);
        }

        Interlocked.Increment(ref Stats.PagesField);
        return Ok(new JsonObject { ["performance"] = new JsonObject { ["intervals"] = intervals }, ["latest_available_date"] = StoreCalendar.Format(latest) });
    }

    /// <summary>
    /// An analytics list (reference digest 10.4, 10.5) over the shop-local days asked for, paged, with
    /// <c>latest_available_date</c> = yesterday; days after it are not ready and have nothing.
    /// </summary>
    private Answer DailyList<T>(ShopState shop, Dictionary<string, string> query, string listName, Func<SyntheticDay, IEnumerable<T>> select, Func<T, JsonObject> render) =>
        DailyList(shop, query, listName, date => select(_world.Day(shop.Store.Id, date)), (r, _) => render(r), repeatAcrossPages: false);

    /// <summary>
    /// An analytics list over the shop-local days asked for: <paramref name="select"/> gives a day's records and
    /// <paramref name="render"/> draws one (with its position in the list). With <paramref name="repeatAcrossPages"/>,
    /// the <see cref="FakeFaults.DuplicateAcrossPages"/> fault applies: each page after the first starts with the last
    /// record of the page before.
    /// </summary>
    private Answer DailyList<T>(ShopState shop, Dictionary<string, string> query, string listName, Func<DateOnly, IEnumerable<T>> select, Func<T, int, JsonObject> render, bool repeatAcrossPages)
    {
        if (DateRange(query, "start_date_ge", "end_date_lt") is not { } range)
        {
            return Error(400, 36009004, "start_date_ge and end_date_lt must be dates (yyyy-MM-dd), the end after the start.");
        }

        if (!int.TryParse(query.GetValueOrDefault("page_size", "10"), NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size is < 1 or > 100)
        {
            return Error(400, 36009004, "page_size must be 1-100.");
        }

        var latest = Yesterday(shop);
        var records = new List<T>();
        for (var date = range.Start; date < range.End && date <= latest; date = date.AddDays(1))
        {
            records.AddRange(select(date));
        }

        var offset = query.TryGetValue("page_token", out var token) && token.Length > 0 ? int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token)).AsSpan(2), CultureInfo.InvariantCulture) : 0;
        var page = new JsonArray([.. records.Skip(offset).Take(size).Select((r, i) => (JsonNode)render(r, offset + i))]);
        if (repeatAcrossPages && Faults.DuplicateAcrossPages && offset > 0 && offset <= records.Count)
        {
            page.Insert(0, render(records[offset - 1], offset - 1));
        }

        var next = offset + size < records.Count ? Convert.ToBase64String(Encoding.UTF8.GetBytes("o:" + (offset + size).ToString(CultureInfo.InvariantCulture))) : "";
        Interlocked.Increment(ref Stats.PagesField);
        return Ok(new JsonObject { [listName] = page, ["next_page_token"] = next, ["total_count"] = records.Count, ["latest_available_date"] = StoreCalendar.Format(latest) });
    }

    /// <summary>
    /// A LIVE session as the 202509 list sends it: start and end as strings of Unix seconds; product clicks and the
    /// click-through rate (clicks per view, a decimal string) in interaction_performance.
    /// </summary>
    private static JsonObject LiveJson(ShopState shop, LiveSession l) => new()
    {
        ["id"] = l.SessionId,
        ["title"] = "LIVE " + l.SessionId,
        ["username"] = "host_" + shop.ShopId[^4..],
        ["start_time"] = l.StartUtc.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        ["end_time"] = l.StartUtc.AddSeconds(l.DurationSeconds).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        ["sales_performance"] = new JsonObject { ["gmv"] = new JsonObject { ["amount"] = FakeTikTokJson.MoneyText(l.Gmv), ["currency"] = l.Currency } },
        ["interaction_performance"] = new JsonObject
        {
            ["views"] = l.Views,
            ["viewers"] = l.Viewers,
            ["avg_viewing_duration"] = l.Viewers == 0 ? "0" : ((decimal)l.WatchSeconds / l.Viewers).ToString(CultureInfo.InvariantCulture),
            ["product_clicks"] = l.ProductClicks,
            ["click_through_rate"] = l.ProductClicks is { } clicks && l.Views > 0 ? ((decimal)clicks / l.Views).ToString("0.0000", CultureInfo.InvariantCulture) : null,
        },
    };

    /// <summary>A video's day as the 202509 list sends it (no completed views: the API has none).</summary>
    private static JsonObject VideoJson(VideoDaily v) => new()
    {
        ["id"] = v.VideoId,
        ["title"] = "Video " + v.VideoId,
        ["views"] = v.Views,
        ["gmv"] = new JsonObject { ["amount"] = FakeTikTokJson.MoneyText(v.AttributedGmv), ["currency"] = v.Currency },
        ["click_through_rate"] = "0.0528",
    };

    /// <summary>
    /// GET /customer_service/202407/performance for one shop-local day (reference digest 10.6), made from the sessions
    /// the session search serves: their count, the share answered within 24 h as a percentage string and the average
    /// first response over the answered ones in minutes. A day the world has no service figures for has no
    /// <c>performance</c>; a drift fault adds sessions TikTok counts and the search does not list (unanswered ones).
    /// </summary>
    private Answer Service(ShopState shop, Dictionary<string, string> query)
    {
        if (DateRange(query, "support_date_ge", "support_date_lt") is not { } range || range.End != range.Start.AddDays(1))
        {
            return Error(400, 36009004, "support_date_ge and support_date_lt must be dates (yyyy-MM-dd) one day apart.");
        }

        Interlocked.Increment(ref Stats.PagesField);
        var day = _world.Day(shop.Store.Id, range.Start);
        if (range.Start > Yesterday(shop) || day.Service is null)
        {
            return Ok(new JsonObject());
        }

        var answered = day.ServiceSessions.Where(s => s.FirstResponseSeconds is not null).ToList();
        var within24 = answered.Count(s => s.FirstResponseSeconds <= 24 * 3600);
        var count = day.ServiceSessions.Count + Faults.ServiceSessionCountDrift.GetValueOrDefault((shop.Store.Id, range.Start));
        return Ok(new JsonObject
        {
            ["performance"] = new JsonObject
            {
                ["support_session_count"] = count,
                ["response_percentage"] = Rate(within24, count, 100),
                ["response_time_mins"] = Rate(answered.Sum(s => s.FirstResponseSeconds!.Value), answered.Count, 1m / 60),
                ["satisfaction_percentage"] = Rate(answered.Count(s => s.SatisfactionScore >= 4), answered.Count(s => s.SatisfactionScore is not null), 100),
                ["currency"] = shop.Store.Currency,
            },
        });

        static string Rate(decimal part, decimal whole, decimal scale) =>
            whole == 0 ? "0" : decimal.Round(part * scale / whole, 4).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// POST /customer_service/202602/sessions/search (docs/tiktok-shop-api-notes.md): the world's sessions begun in the
    /// body's begin_time window, oldest first, cursor-paged (1-100, no total_count) with the paging faults. A window
    /// reaching further back than 90 days before the world's as-of time is refused, as TikTok keeps sessions for 90
    /// days only.
    /// </summary>
    private Answer ServiceSessions(ShopState shop, Dictionary<string, string> query, byte[] body)
    {
        try
        {
            var filter = body.Length == 0 ? default : JsonDocument.Parse(body).RootElement;
            if (filter.ValueKind == JsonValueKind.Object && filter.TryGetProperty("begin_time_ge", out var ge)
                && (!ge.TryGetInt64(out var seconds) || DateTimeOffset.FromUnixTimeSeconds(seconds) < _world.AsOf.AddDays(-SessionDays)))
            {
                return Error(400, SessionsTooOldCode, string.Create(CultureInfo.InvariantCulture, $"begin_time_ge must be Unix seconds within the last {SessionDays} days: only the last {SessionDays} days of sessions can be searched."));
            }
        }
        catch (JsonException)
        {
            // Left to the search, which refuses a body that is not JSON with its own error.
        }

        return Search(shop, query, body, "sessions", SessionWindow, SessionJson, 1, 100, totalCount: false);
    }

    /// <summary>The world's sessions begun in the begin_time window (the last 90 days when no start is given), oldest first.</summary>
    private List<ServiceSession> SessionWindow(ShopState shop, JsonElement filter)
    {
        var (from, to) = Window(filter, "begin_time");
        return LocalDays(shop, from, to)
            .SelectMany(date => _world.Day(shop.Store.Id, date).ServiceSessions)
            .Where(s => s.CreatedUtc >= from && s.CreatedUtc < to)
            .OrderBy(s => s.CreatedUtc).ThenBy(s => s.SessionId, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// A session as the 202602 search sends it (research on the SDK's SearchSessions models): begin and end as Unix
    /// seconds, the first response as seconds after the buyer's first message and absent while unanswered, the late
    /// flag (the fake's rule: no reply within 12 hours), the rating when given, and the buyer's planted nickname.
    /// </summary>
    private JsonObject SessionJson(ServiceSession session)
    {
        var wait = session.FirstResponseSeconds;
        var json = new JsonObject
        {
            ["id"] = session.SessionId,
            ["conversation_id"] = "conv-" + session.SessionId,
            ["begin_time"] = session.CreatedUtc.ToUnixTimeSeconds(),
            ["end_time"] = session.CreatedUtc.AddSeconds((wait ?? 0) + 300).ToUnixTimeSeconds(),
            ["buyer_nickname"] = PlantedName,
            ["first_response_late"] = wait is { } w ? w > 12 * 3600 : _world.AsOf - session.CreatedUtc > TimeSpan.FromHours(12),
            ["chat_tags"] = new JsonArray("Presale"),
        };
        if (wait is { } seconds)
        {
            json["first_response_time"] = seconds;
        }

        if (session.SatisfactionScore is { } score)
        {
            json["satisfaction_score"] = score;
        }

        return json;
    }

    /// <summary>The world's SKUs grouped into products (reference digest 11).</summary>
    private List<IGrouping<string, ProductSku>> ProductWindow(ShopState shop, JsonElement filter) =>
        [.. _world.Products(shop.Store.Id).GroupBy(k => k.ProductId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)];

    /// <summary>
    /// A product with its SKUs: prices, and the stock the world has at the end of yesterday, split over two warehouses.
    /// </summary>
    private JsonObject ProductJson(ShopState shop, IGrouping<string, ProductSku> product)
    {
        var stock = _world.Day(shop.Store.Id, Yesterday(shop)).Inventory.ToDictionary(i => i.SkuId, i => i.UnitsOnHand, StringComparer.Ordinal);
        return new JsonObject
        {
            ["id"] = product.Key,
            ["title"] = product.First().ProductName,
            ["status"] = product.First().Status,
            ["update_time"] = _world.AsOf.AddDays(-30).ToUnixTimeSeconds(),
            ["skus"] = new JsonArray([.. product.Select(k =>
            {
                var units = stock.GetValueOrDefault(k.SkuId);
                return (JsonNode)new JsonObject
                {
                    ["id"] = k.SkuId,
                    ["seller_sku"] = k.SellerSku,
                    ["price"] = new JsonObject { ["currency"] = k.Currency, ["sale_price"] = FakeTikTokJson.MoneyText(k.Price ?? 0) },
                    ["inventory"] = new JsonArray(
                        new JsonObject { ["warehouse_id"] = "W1", ["quantity"] = units / 2 },
                        new JsonObject { ["warehouse_id"] = "W2", ["quantity"] = units - (units / 2) }),
                };
            })]),
        };
    }

    private DateOnly Yesterday(ShopState shop) => StoreCalendar.LocalDate(_world.AsOf, StoreCalendar.ResolveZone(shop.Store.TimeZone)).AddDays(-1);

    private static (DateOnly Start, DateOnly End)? DateRange(Dictionary<string, string> query, string startName, string endName) =>
        query.TryGetValue(startName, out var startText) && DateOnly.TryParseExact(startText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
        && query.TryGetValue(endName, out var endText) && DateOnly.TryParseExact(endText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end) && end > start
            ? (start, end)
            : null;

    /// <summary>
    /// Orders by create_time, by update_time, or both (digest 7.1: each bound optional). The world's orders change
    /// within days of being placed, so for an update window only the ten days before it can hold them.
    /// </summary>
    private List<Order> OrderWindow(ShopState shop, JsonElement filter)
    {
        var (from, to) = Window(filter, "create_time");
        var byUpdate = filter.TryGetProperty("update_time_ge", out _) || filter.TryGetProperty("update_time_lt", out _);
        var (updatedFrom, updatedTo) = Window(filter, "update_time");
        if (byUpdate && from < updatedFrom.AddDays(-10))
        {
            from = updatedFrom.AddDays(-10);
        }

        return LocalDays(shop, from, to)
            .SelectMany(date => _world.Day(shop.Store.Id, date).Orders)
            .Where(o => o.CreatedUtc >= from && o.CreatedUtc < to && (!byUpdate || (o.UpdatedUtc >= updatedFrom && o.UpdatedUtc < updatedTo)))
            .OrderBy(o => byUpdate ? o.UpdatedUtc : o.CreatedUtc).ThenBy(o => o.OrderId, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The affiliate orders placed in the create_time window (digest addendum: affiliate_seller 202410), oldest first.</summary>
    private List<Order> AffiliateWindow(ShopState shop, JsonElement filter)
    {
        var (from, to) = Window(filter, "create_time");
        return LocalDays(shop, from, to)
            .SelectMany(date => _world.Day(shop.Store.Id, date).Orders)
            .Where(o => o.Channel == SalesChannel.Affiliate && o.CreatedUtc >= from && o.CreatedUtc < to)
            .OrderBy(o => o.CreatedUtc).ThenBy(o => o.OrderId, StringComparer.Ordinal)
            .ToList();
    }

    private List<Refund> ReturnWindow(ShopState shop, JsonElement filter)
    {
        var (from, to) = Window(filter, "update_time");
        return LocalDays(shop, from, to)
            .SelectMany(date => _world.RefundsCompletedOn(shop.Store.Id, date))
            .Where(r => r.CompletedUtc >= from && r.CompletedUtc < to)
            .OrderBy(r => r.CompletedUtc).ThenBy(r => r.RefundId, StringComparer.Ordinal)
            .ToList();
    }

    private (DateTimeOffset From, DateTimeOffset To) Window(JsonElement filter, string field)
    {
        var from = filter.TryGetProperty(field + "_ge", out var ge) ? DateTimeOffset.FromUnixTimeSeconds(ge.GetInt64()) : _world.AsOf.AddDays(-90);
        var to = filter.TryGetProperty(field + "_lt", out var lt) ? DateTimeOffset.FromUnixTimeSeconds(lt.GetInt64()) : _setup.Time.GetUtcNow();
        return (from, to > _world.AsOf ? _world.AsOf : to);
    }

    private static IEnumerable<DateOnly> LocalDays(ShopState shop, DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            yield break;
        }

        var zone = StoreCalendar.ResolveZone(shop.Store.TimeZone);
        for (var d = StoreCalendar.LocalDate(from, zone); d <= StoreCalendar.LocalDate(to.AddTicks(-1), zone); d = d.AddDays(1))
        {
            yield return d;
        }
    }

    private Answer Refresh(Dictionary<string, string> query)
    {
        if (!query.TryGetValue("app_key", out var key) || key != _setup.AppKey || !query.TryGetValue("app_secret", out var secret) || secret != _setup.AppSecret)
        {
            return Error(401, 36009004, "Invalid credentials. The app key or secret is wrong.");
        }

        if (!query.TryGetValue("grant_type", out var grant) || grant != "refresh_token")
        {
            return Error(400, 36009004, "grant_type must be refresh_token.");
        }

        query.TryGetValue("refresh_token", out var given);
        var shop = _shops.Values.FirstOrDefault(s => s.RefreshToken is not null && given == s.RefreshToken);

        // A refresh repeated with the refresh token just replaced (its answer was lost on the way) gets the current
        // tokens again rather than a refusal, as OAuth servers allow for retries.
        var repeated = shop is null ? _shops.Values.FirstOrDefault(s => s.PreviousRefreshToken is not null && given == s.PreviousRefreshToken) : null;
        if ((shop ?? repeated) is null or { Revoked: true })
        {
            return Error(401, 105001, "Invalid refresh token.");
        }

        var owner = (shop ?? repeated)!;
        var token = repeated is not null ? repeated.Current! : Authorize(owner.Store.Id);
        Interlocked.Increment(ref Stats.RefreshesField);
        return Ok(new JsonObject
        {
            ["access_token"] = token.AccessToken,
            ["access_token_expire_in"] = token.AccessExpiresUtc.ToUnixTimeSeconds(),
            ["refresh_token"] = token.RefreshToken,
            ["refresh_token_expire_in"] = token.RefreshExpiresUtc.ToUnixTimeSeconds(),
            ["open_id"] = "open-" + owner.ShopId,
            ["seller_name"] = owner.Store.Name,
            ["seller_base_region"] = owner.Store.Country,
            ["user_type"] = 0,
            ["granted_scopes"] = new JsonArray("seller.order.info", "seller.return_refund.basic", "data.shop_analytics.public.read", "seller.finance.info"),
        });
    }

    private static JsonObject ShopJson(ShopState shop) => new()
    {
        ["cipher"] = shop.Cipher,
        ["code"] = shop.Store.Country + shop.ShopId[^6..],
        ["id"] = shop.ShopId,
        ["name"] = shop.Store.Name,
        ["region"] = shop.Store.Country,
        ["seller_type"] = "LOCAL",
    };

    private static Answer Ok(JsonObject data) => new(200, 0, "Success", data);

    private static Answer Error(int status, long code, string message, int? retryAfter = null) => new(status, code, message, null, retryAfter);

    private static async Task WriteAsync(HttpContext context, Answer answer)
    {
        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = "application/json";
        if (answer.RetryAfter is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        var envelope = new JsonObject
        {
            ["code"] = answer.Code,
            ["message"] = answer.Message,
            ["request_id"] = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + Convert.ToHexString(RandomNumberGenerator.GetBytes(10)),
            ["data"] = answer.Data,
        };
        var bytes = Encoding.UTF8.GetBytes(envelope.ToJsonString());
        if (answer.Cut)
        {
            bytes = bytes[..(bytes.Length / 2)];
        }

        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    private static string Digits(string text, int count)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        var digits = new StringBuilder();
        foreach (var b in hash)
        {
            digits.Append((b % 10).ToString(CultureInfo.InvariantCulture));
        }

        return digits.ToString()[..count];
    }

    private sealed record Answer(int Status, long Code, string Message, JsonObject? Data, int? RetryAfter = null, bool Cut = false);

    private sealed class ShopState(Store store, string shopId, string cipher)
    {
        public Store Store { get; } = store;

        public string ShopId { get; } = shopId;

        public string Cipher { get; } = cipher;

        public string? AccessToken { get; set; }

        public string? RefreshToken { get; set; }

        public bool Revoked { get; set; }

        public bool Expired { get; set; }

        public int UsesOfToken { get; set; }

        public HashSet<string> ExpiredTokens { get; } = new(StringComparer.Ordinal);

        public string? PreviousRefreshToken { get; set; }

        public TikTokToken? Current { get; set; }
    }
}
