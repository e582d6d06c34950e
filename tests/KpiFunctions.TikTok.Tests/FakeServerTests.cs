using System.Text;
using System.Text.Json;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Privacy;
using KpiFunctions.Secrets;
using KpiFunctions.Sources.Synthetic;
using KpiFunctions.Tests.Shared;
using KpiFunctions.TikTok.Fake;
using Microsoft.Extensions.Logging;

namespace KpiFunctions.TikTok.Tests;

/// <summary>
/// The API client against our fake over real HTTP on 127.0.0.1: what comes back equals the synthetic world's own
/// records and totals, whatever faults the fake throws in; authorisation failures stop with an actionable message.
/// </summary>
public sealed class FakeServerTests : IAsyncLifetime
{
    private const string AppKey = "29a39d";
    private const string AppSecret = "fake-app-secret-e59af819cc";
    private static readonly byte[] Salt = Encoding.UTF8.GetBytes("tiktok-test-salt-0123456789");
    private readonly TempDirectory _dir = new();
    private readonly CapturingLogger _log = new();
    private SyntheticWorld _world = null!;
    private FakeTikTokServer _fake = null!;

    private Store Store => _world.Stores[0];

    private DateOnly Day => StoreCalendar.LocalDate(_world.AsOf, StoreCalendar.ResolveZone(Store.TimeZone)).AddDays(-3);

    public async Task InitializeAsync()
    {
        _world = new SyntheticWorld(7, DemoStores.Create(3), DateTimeOffset.UtcNow, new BuyerIdHasher(Encoding.UTF8.GetBytes("world-salt-0123456789")));
        _fake = await FakeTikTokServer.StartAsync(new FakeTikTokSetup(_world, AppKey, AppSecret));
    }

    public async Task DisposeAsync()
    {
        await _fake.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task With_every_fault_on_a_store_days_orders_equal_the_worlds_each_once_in_their_newest_version()
    {
        var (api, secrets, client) = await ClientAsync(Store.Id);
        var firstToken = await secrets.GetAsync(TikTokToken.SecretName(Store.Id));
        var faults = FakeFaults.All();
        faults.ExpireTokenAfter = 8;
        _fake.Faults = faults;
        var options = Options();
        options.OrderPageSize = 10; // many pages, so the paging faults bite
        api = new TikTokShopApi(client, options);
        var (from, to) = StoreCalendar.DayBounds(Day, StoreCalendar.ResolveZone(Store.TimeZone));

        var shops = await api.GetAuthorizedShopsAsync(Store.Id);
        var result = await api.SearchOrdersAsync(Store.Id, shops[0].Cipher, from, to);
        var mapper = new TikTokMapper(Store, new BuyerIdHasher(Salt), TimeProvider.System);
        var mapped = result.Records.Select((r, i) => mapper.MapOrder(r, i)).ToList();
        var orders = mapped.Where(m => m.Order is not null).Select(m => m.Order!).ToList();
        var rejected = mapped.Where(m => m.Rejected is not null).Select(m => m.Rejected!).ToList();
        var truth = _world.Truth(Store.Id, Day);
        var worldOrders = _world.Day(Store.Id, Day).Orders;

        // Every order of the day, each once; the defective ones rejected with their reasons, the rest kept.
        Assert.Equal(worldOrders.Select(o => o.OrderId).Order(StringComparer.Ordinal), result.Records.Select(r => r.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(truth.DefectiveOrders, rejected.Count);
        Assert.All(rejected, r => Assert.Matches("is not the store's currency|is not an amount|does not equal the line items", r.Reason));

        // The figures the Order API can give equal the generator's own totals.
        var gmv = orders.Where(o => o.CountsAsGmv).ToList();
        Assert.Equal(truth.GmvOrders, gmv.Count);
        Assert.Equal(truth.Gmv, gmv.Sum(o => o.Subtotal));
        Assert.Equal(truth.Units, gmv.Sum(o => o.Lines.Sum(l => l.Quantity)));
        Assert.Equal(truth.Buyers.Count, gmv.Select(o => o.BuyerIdHash).Distinct().Count());

        // Records re-served on a later page with a newer update time were kept in that newer version.
        Assert.True(result.Repeats > 0);
        foreach (var (id, updated) in _fake.Stats.UpdatedBetweenPages)
        {
            var order = orders.SingleOrDefault(o => o.OrderId == id);
            Assert.True(order is null || order.UpdatedUtc.ToUnixTimeSeconds() == updated, $"order {id} kept an older version");
        }

        // The faults really happened, the token was refreshed and the new one saved.
        Assert.True(_fake.Stats.Faults >= 5, $"only {_fake.Stats.Faults} faults");
        Assert.True(_fake.Stats.Refreshes >= 1);
        Assert.NotEqual(firstToken, await secrets.GetAsync(TikTokToken.SecretName(Store.Id)));
        Assert.True(client.RequestsSent > result.Pages + 1);
    }

    [Fact]
    public async Task Completed_refunds_of_a_day_come_from_the_return_search_by_update_time()
    {
        var (api, _, _) = await ClientAsync(Store.Id);
        var (from, to) = StoreCalendar.DayBounds(Day, StoreCalendar.ResolveZone(Store.TimeZone));

        var result = await api.SearchReturnsAsync(Store.Id, _fake.Cipher(Store.Id), from, to);
        var mapper = new TikTokMapper(Store, new BuyerIdHasher(Salt), TimeProvider.System);
        var returns = result.Records.Select((r, i) => mapper.MapReturn(r, i).Return!).ToList();
        var expected = _world.RefundsCompletedOn(Store.Id, Day);

        Assert.NotEmpty(expected);
        Assert.Equal(
            expected.Select(r => (r.RefundId, r.OrderId, r.Amount, r.IsReturn, r.CompletedUtc!.Value.ToUnixTimeSeconds())).Order(),
            returns.Select(r => (r.ReturnId, r.OrderId, r.Amount, r.IsReturn, r.UpdatedUtc.ToUnixTimeSeconds())).Order());
        Assert.All(returns, r => Assert.Equal(RefundStatus.Completed, r.Status));
    }

    [Fact]
    public async Task Pages_are_scrubbed_of_personal_data_and_buyer_ids_before_anyone_keeps_them()
    {
        var (api, _, _) = await ClientAsync(Store.Id);
        var (from, to) = StoreCalendar.DayBounds(Day, StoreCalendar.ResolveZone(Store.TimeZone));
        var mapper = new TikTokMapper(Store, new BuyerIdHasher(Salt), TimeProvider.System);
        var raw = new List<string>();
        var clearBuyers = _world.Day(Store.Id, Day).Orders.Select(o => o.BuyerIdHash).ToHashSet(); // the fake's user_ids

        var result = await api.SearchOrdersAsync(Store.Id, _fake.Cipher(Store.Id), from, to, (data, _) =>
        {
            raw.Add(Encoding.UTF8.GetString(mapper.Scrub(data)));
            return Task.CompletedTask;
        });
        var rejected = result.Records.Select((r, i) => mapper.MapOrder(r, i).Rejected).OfType<KpiFunctions.Sources.RejectedRecord>().Select(r => r.Json);

        var kept = string.Join("\n", raw.Concat(rejected));
        Assert.Contains("\"line_items\"", kept, StringComparison.Ordinal);
        foreach (var planted in new[] { FakeTikTokServer.PlantedEmail, FakeTikTokServer.PlantedPhone, FakeTikTokServer.PlantedName, "Planted Street" })
        {
            Assert.DoesNotContain(planted, kept, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(clearBuyers, kept.Contains);
    }

    [Fact]
    public async Task The_session_search_pages_through_the_sessions_begun_in_its_window_each_once()
    {
        var (api, _, client) = await ClientAsync(Store.Id);
        _fake.Faults = new FakeFaults { DuplicateAcrossPages = true };
        var day = BusyServiceDay();
        var (from, to) = StoreCalendar.DayBounds(day, StoreCalendar.ResolveZone(Store.TimeZone));
        var expected = _world.Day(Store.Id, day).ServiceSessions;
        var cipher = _fake.Cipher(Store.Id);
        var window = new Dictionary<string, object> { ["begin_time_ge"] = from.ToUnixTimeSeconds(), ["begin_time_lt"] = to.ToUnixTimeSeconds() };

        // Five a page by hand: the pages hold the day's sessions oldest first (the fault repeats one per page), with no total_count.
        var ids = new List<string>();
        var pages = 0;
        string? token = null;
        do
        {
            var query = new List<KeyValuePair<string, string>> { new("page_size", "5") };
            if (token is not null)
            {
                query.Add(new("page_token", token));
            }

            var data = await client.PostAsync(Store.Id, cipher, "/customer_service/202602/sessions/search", query, window);
            Assert.False(data.TryGetProperty("total_count", out _));
            ids.AddRange(data.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("id").GetString()!));
            token = data.GetProperty("next_page_token").GetString() is { Length: > 0 } next ? next : null;
            pages++;
        }
        while (token is not null);

        Assert.Equal((expected.Count + 4) / 5, pages);
        Assert.Equal(expected.Select(s => s.SessionId), ids.Distinct());
        Assert.True(ids.Count > expected.Count);

        // Through the API: each session once, with the world's begin time, first response seconds and rating.
        var mapper = new TikTokMapper(Store, new BuyerIdHasher(Salt), TimeProvider.System);
        var result = await api.SearchServiceSessionsAsync(Store.Id, cipher, from, to);
        var sessions = result.Records.Select((r, i) => mapper.MapServiceSession(r, i).Session!).ToList();
        Assert.Equal(
            expected.Select(s => (s.SessionId, s.CreatedUtc, s.FirstResponseSeconds, (decimal?)s.SatisfactionScore)),
            sessions.Select(s => (s.SessionId, s.BeganUtc, s.FirstResponseSeconds, s.SatisfactionScore)));

        // A window of the day's second half gives only the sessions begun then.
        var later = await api.SearchServiceSessionsAsync(Store.Id, cipher, from.AddHours(12), to);
        Assert.Equal(expected.Where(s => s.CreatedUtc >= from.AddHours(12)).Select(s => s.SessionId), later.Records.Select(r => r.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task The_cancellation_search_pages_through_the_cancellations_made_in_its_window_each_once_with_role_and_reason()
    {
        var (api, _, client) = await ClientAsync(Store.Id);
        _fake.Faults = new FakeFaults { DuplicateAcrossPages = true };
        var zone = StoreCalendar.ResolveZone(Store.TimeZone);
        var from = StoreCalendar.DayBounds(Day.AddDays(-6), zone).StartUtc;
        var to = StoreCalendar.DayBounds(Day, zone).EndUtc;
        var expected = Enumerable.Range(0, 12).SelectMany(i => _world.Day(Store.Id, Day.AddDays(-11 + i)).Cancellations)
            .Where(c => c.CreatedUtc >= from && c.CreatedUtc < to).OrderBy(c => c.CreatedUtc).ThenBy(c => c.CancelId, StringComparer.Ordinal).ToList();
        var cipher = _fake.Cipher(Store.Id);
        const string path = "/return_refund/202309/cancellations/search";
        var window = new Dictionary<string, object> { ["create_time_ge"] = from.ToUnixTimeSeconds(), ["create_time_lt"] = to.ToUnixTimeSeconds() };

        // Two a page by hand: oldest first, total_count the window's count, the fault repeating one per page.
        var ids = new List<string>();
        var pages = 0;
        string? token = null;
        do
        {
            var query = new List<KeyValuePair<string, string>> { new("page_size", "2"), new("sort_field", "create_time") };
            if (token is not null)
            {
                query.Add(new("page_token", token));
            }

            var data = await client.PostAsync(Store.Id, cipher, path, query, window);
            Assert.Equal(expected.Count, data.GetProperty("total_count").GetInt32());
            ids.AddRange(data.GetProperty("cancellations").EnumerateArray().Select(c => c.GetProperty("cancel_id").GetString()!));
            token = data.GetProperty("next_page_token").GetString() is { Length: > 0 } next ? next : null;
            pages++;
        }
        while (token is not null);

        Assert.True(expected.Count > 2, $"only {expected.Count} cancellations in the window");
        Assert.Equal((expected.Count + 1) / 2, pages);
        Assert.Equal(expected.Select(c => c.CancelId), ids.Distinct());

        // Through the API: each once, mapped back to the world's own (role, reason, refund left out where the world gives none).
        var mapper = new TikTokMapper(Store, new BuyerIdHasher(Salt), TimeProvider.System);
        var result = await api.SearchCancellationsAsync(Store.Id, cipher, from, to);
        Assert.Equal(expected, result.Records.Select((r, i) => mapper.MapCancellation(r, i).Cancellation!));
        Assert.Contains(expected, c => c.RefundTotal is null);

        // Out of range and the wrong method are refused as the other searches refuse them.
        var large = await Assert.ThrowsAnyAsync<TikTokApiException>(() => client.PostAsync(Store.Id, cipher, path, [new("page_size", "51")], window));
        var get = await Assert.ThrowsAsync<TikTokApiException>(() => client.GetAsync(Store.Id, cipher, path, [new("page_size", "10")]));
        Assert.Equal((400, 36009004L), (large.Status, large.Code));
        Assert.Equal(405, get.Status);
    }

    [Fact]
    public async Task The_session_search_refuses_a_window_older_than_90_days_a_page_too_large_and_a_get()
    {
        var (api, _, client) = await ClientAsync(Store.Id);
        var cipher = _fake.Cipher(Store.Id);
        var now = _world.AsOf;
        const string path = "/customer_service/202602/sessions/search";

        var old = await Assert.ThrowsAsync<TikTokApiException>(() => api.SearchServiceSessionsAsync(Store.Id, cipher, now.AddDays(-91), now.AddDays(-89)));
        var large = await Assert.ThrowsAnyAsync<TikTokApiException>(() => client.PostAsync(Store.Id, cipher, path, [new("page_size", "101")], new Dictionary<string, object>()));
        var get = await Assert.ThrowsAsync<TikTokApiException>(() => client.GetAsync(Store.Id, cipher, path, [new("page_size", "10")]));

        Assert.Equal(400, old.Status);
        Assert.Contains("last 90 days", old.Message, StringComparison.Ordinal);
        Assert.Equal((400, 36009004L), (large.Status, large.Code)); // as the other searches answer a page size out of range
        Assert.Equal(405, get.Status);
    }

    [Fact]
    public async Task The_product_performance_list_pages_through_the_days_products_which_sum_to_the_shops_traffic()
    {
        var (api, _, client) = await ClientAsync(Store.Id);
        _fake.Faults = new FakeFaults { DuplicateAcrossPages = true, CountsAsStrings = true };
        var day = Enumerable.Range(0, 30).Select(i => Day.AddDays(-i)).First(d => _world.Day(Store.Id, d).Traffic is not null);
        var shop = _world.Day(Store.Id, day).Traffic!;
        var expected = _world.ProductTraffic(Store.Id, day);
        var cipher = _fake.Cipher(Store.Id);
        const string path = "/analytics/202605/shop_products/performance";
        List<KeyValuePair<string, string>> Window(DateOnly from) => [new("start_date_ge", StoreCalendar.Format(from)), new("end_date_lt", StoreCalendar.Format(from.AddDays(1))), new("page_size", "5")];

        // Five a page by hand: every product of the day once (the fault repeats one per page), each with the latest ready day.
        var ids = new List<string>();
        var pages = 0;
        string? token = null;
        do
        {
            var query = Window(day);
            if (token is not null)
            {
                query.Add(new("page_token", token));
            }

            var data = await client.GetAsync(Store.Id, cipher, path, query);
            Assert.Equal(StoreCalendar.Format(StoreCalendar.LocalDate(_world.AsOf, StoreCalendar.ResolveZone(Store.TimeZone)).AddDays(-1)), data.GetProperty("latest_available_date").GetString());
            Assert.Equal(expected.Count, data.GetProperty("total_count").GetInt32());
            ids.AddRange(data.GetProperty("products").EnumerateArray().Select(p => p.GetProperty("id").GetString()!));
            token = data.GetProperty("next_page_token").GetString() is { Length: > 0 } next ? next : null;
            pages++;
        }
        while (token is not null);

        Assert.Equal((expected.Count + 4) / 5, pages);
        Assert.Equal(expected.Select(p => p.ProductId), ids.Distinct());
        Assert.True(ids.Count > expected.Count);

        // Through the API: each product once; the counts (sent as strings) sum to the shop's traffic of the day.
        var mapper = new TikTokMapper(Store, new BuyerIdHasher(Salt), TimeProvider.System);
        var list = await api.GetProductPerformanceAsync(Store.Id, cipher, day);
        var products = list.Records.Select((r, i) => mapper.MapProductTraffic(r, i).Product!).ToList();
        Assert.Equal(expected.Select(p => (p.ProductId, p.Clicks, p.AddToCartUsers)), products.Select(p => (p.ProductId, p.Clicks, p.AddToCartUsers)));
        Assert.Equal(shop.ProductClicks, products.Sum(p => p.Clicks));
        Assert.Equal(shop.AddToCartUsers, products.Sum(p => p.AddToCartUsers));
        Assert.Equal(shop.Impressions, expected.Sum(p => p.Impressions));

        // Today is not ready: nothing listed, and the latest ready day says so. A page too large and a POST are refused,
        // and so is the whole version when the app may not use it.
        var today = await api.GetProductPerformanceAsync(Store.Id, cipher, StoreCalendar.LocalDate(_world.AsOf, StoreCalendar.ResolveZone(Store.TimeZone)));
        Assert.Empty(today.Records);
        Assert.True(today.LatestAvailable < StoreCalendar.LocalDate(_world.AsOf, StoreCalendar.ResolveZone(Store.TimeZone)));
        var large = await Assert.ThrowsAnyAsync<TikTokApiException>(() => client.GetAsync(Store.Id, cipher, path, [.. Window(day).SkipLast(1), new("page_size", "101")]));
        var post = await Assert.ThrowsAsync<TikTokApiException>(() => client.PostAsync(Store.Id, cipher, path, Window(day), new Dictionary<string, object>()));
        _fake.Faults = new FakeFaults { ProductVersionRefused = true };
        var refused = await Assert.ThrowsAsync<TikTokApiException>(() => api.GetProductPerformanceAsync(Store.Id, cipher, day));
        Assert.Equal((400, 36009004L), (large.Status, large.Code));
        Assert.Equal(405, post.Status);
        Assert.Equal(TikTokShopApi.InvalidVersionCode, refused.Code);
    }

    [Fact]
    public async Task Service_performance_is_made_from_the_sessions_unless_a_drift_fault_adds_sessions_the_search_does_not_list()
    {
        var (api, _, _) = await ClientAsync(Store.Id);
        var day = BusyServiceDay();
        var sessions = _world.Day(Store.Id, day).ServiceSessions;
        var within24 = sessions.Count(s => s.FirstResponseSeconds <= 24 * 3600);
        var mapper = new TikTokMapper(Store, new BuyerIdHasher(Salt), TimeProvider.System);

        var (json, _) = await api.GetServicePerformanceAsync(Store.Id, _fake.Cipher(Store.Id), day);
        _fake.Faults.ServiceSessionCountDrift[(Store.Id, day)] = 3;
        var (drifted, _) = await api.GetServicePerformanceAsync(Store.Id, _fake.Cipher(Store.Id), day);

        var performance = mapper.MapServicePerformance(json!.Value, day).Performance!;
        Assert.Equal(sessions.Count, performance.Sessions);
        Assert.Equal(decimal.Round(within24 * 100m / sessions.Count, 4), performance.ResponsePercentage);
        var moved = mapper.MapServicePerformance(drifted!.Value, day).Performance!;
        Assert.Equal(sessions.Count + 3, moved.Sessions);
        Assert.Equal(decimal.Round(within24 * 100m / (sessions.Count + 3), 4), moved.ResponsePercentage);
    }

    [Fact]
    public async Task Product_performance_gives_each_products_ratings_of_the_day_which_add_up_to_the_worlds_reviews()
    {
        var (api, _, _) = await ClientAsync(Store.Id);
        _fake.Faults = FakeFaults.All();
        var cipher = _fake.Cipher(Store.Id);
        var yesterday = StoreCalendar.LocalDate(_world.AsOf, StoreCalendar.ResolveZone(Store.TimeZone)).AddDays(-1);
        var day = Enumerable.Range(0, 30).Select(i => Day.AddDays(-i)).First(d => _world.Day(Store.Id, d).Service is { Reviews: > 0, NegativeReviews: > 0 });
        var service = _world.Day(Store.Id, day).Service!;
        var mapper = new TikTokMapper(Store, new BuyerIdHasher(Salt), TimeProvider.System);
        var products = _world.Products(Store.Id).Select(p => p.ProductId).Distinct().Order(StringComparer.Ordinal).ToList();

        var answers = new List<JsonElement>();
        foreach (var id in products)
        {
            answers.Add(await api.GetProductRatingsAsync(Store.Id, cipher, id, day));
        }

        var ratings = answers.Select((a, i) => mapper.MapProductRatings(a, products[i], i)).ToList();
        Assert.All(ratings, r => Assert.Null(r.Rejected));
        Assert.All(answers, a => Assert.Equal(yesterday, TikTokShopApi.LatestAvailableDay(a)));
        Assert.Equal(_world.Ratings(Store.Id, day).Select(r => r.Stars.Select(c => (long)c)), ratings.Select(r => r.Ratings!.Stars));
        Assert.Equal(service.Reviews, ratings.Sum(r => (int)r.Ratings!.Total));
        Assert.Equal(service.NegativeReviews, ratings.Sum(r => (int)r.Ratings!.Negative));
        Assert.Contains(ratings, r => r.Ratings!.Total == 0); // every product answers, most with no rating

        // A product the shop does not list is not found; a broken answer is read as broken; a day not ready yet says so.
        _fake.Faults = new FakeFaults();
        var missing = await Assert.ThrowsAsync<TikTokApiException>(() => api.GetProductRatingsAsync(Store.Id, cipher, "p-none", day));
        Assert.Equal(404, missing.Status);
        _fake.BrokenRatings.Add((Store.Id, day));
        var (_, bad) = mapper.MapProductRatings(await api.GetProductRatingsAsync(Store.Id, cipher, products[0], day), products[0], 0);
        Assert.Contains("rating 1_STAR count 'many' is not a whole non-negative number", bad!.Reason, StringComparison.Ordinal);
        var notReady = await api.GetProductRatingsAsync(Store.Id, cipher, products[0], yesterday.AddDays(1));
        Assert.Equal(yesterday, TikTokShopApi.LatestAvailableDay(notReady));

        // Taken down for every product: the whole endpoint answers 500.
        _fake.Faults = new FakeFaults { DownPath = "/analytics/202509/shop_products/{product_id}/performance" };
        var down = await Assert.ThrowsAsync<TikTokApiException>(() => api.GetProductRatingsAsync(Store.Id, cipher, products[1], day));
        Assert.Equal(500, down.Status);
    }

    [Fact]
    public async Task A_revoked_authorisation_stops_that_store_with_an_actionable_message_and_others_go_on()
    {
        var (api, _, _) = await ClientAsync(Store.Id, _world.Stores[1].Id);
        var (from, to) = StoreCalendar.DayBounds(Day, StoreCalendar.ResolveZone(Store.TimeZone));
        _fake.Revoke(Store.Id);
        var before = _fake.Stats.Requests;

        var ex = await Assert.ThrowsAsync<TikTokAuthorizationException>(() => api.SearchOrdersAsync(Store.Id, _fake.Cipher(Store.Id), from, to));
        var after = _fake.Stats.Requests;
        var other = await api.SearchOrdersAsync(_world.Stores[1].Id, _fake.Cipher(_world.Stores[1].Id), from, to);

        Assert.Equal(Store.Id, ex.StoreId);
        Assert.Contains($"Store {Store.Id}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("authorise the app again", ex.Message, StringComparison.Ordinal);
        Assert.Equal(105001, ex.Code);
        Assert.NotEmpty(other.Records);
        Assert.Equal(before + 1, after); // an authorisation failure is not retried
    }

    [Fact]
    public async Task A_wrong_app_secret_is_refused_as_a_bad_signature_without_retries()
    {
        var (_, secrets, _) = await ClientAsync(Store.Id);
        var options = Options();
        options.AppSecret = "not-the-secret";
        var api = new TikTokShopApi(new TikTokApiClient(new HttpClient(), options, secrets, _log), options);
        var before = _fake.Stats.Requests;

        var ex = await Assert.ThrowsAsync<TikTokApiException>(() => api.GetAuthorizedShopsAsync(Store.Id));

        Assert.Equal(before + 1, _fake.Stats.Requests);

        Assert.Equal(106001, ex.Code);
        Assert.Equal(401, ex.Status);
        Assert.Contains("sign", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_never_reach_a_log_line_or_a_message()
    {
        var (_, secrets, client) = await ClientAsync(Store.Id);
        var options = Options();
        options.OrderPageSize = 5;
        var api = new TikTokShopApi(client, options);
        _fake.Faults = FakeFaults.All();
        var (from, to) = StoreCalendar.DayBounds(Day, StoreCalendar.ResolveZone(Store.TimeZone));
        var tokens = new List<string> { (await secrets.GetAsync(TikTokToken.SecretName(Store.Id)))! };

        await api.SearchOrdersAsync(Store.Id, _fake.Cipher(Store.Id), from, to);
        tokens.Add((await secrets.GetAsync(TikTokToken.SecretName(Store.Id)))!);
        _fake.Revoke(Store.Id);
        var error = await Assert.ThrowsAsync<TikTokAuthorizationException>(() => api.SearchOrdersAsync(Store.Id, _fake.Cipher(Store.Id), from, to));

        var text = string.Join("\n", _log.Lines) + "\n" + error;
        Assert.NotEmpty(_log.Lines);
        Assert.DoesNotContain(AppSecret, text, StringComparison.Ordinal);
        foreach (var token in tokens.Select(TikTokToken.Parse))
        {
            Assert.DoesNotContain(token.AccessToken, text, StringComparison.Ordinal);
            Assert.DoesNotContain(token.RefreshToken, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_file_secret_store_keeps_tokens_readable_by_the_owner_only()
    {
        var store = new FileSecretStore(Path.Combine(_dir.Path, "secrets"));

        await store.SetAsync("tiktok-token-s1", "value-1");
        await store.SetAsync("tiktok-token-s1", "value-2");

        Assert.Equal("value-2", await store.GetAsync("tiktok-token-s1"));
        Assert.Null(await store.GetAsync("tiktok-token-s2"));
        Assert.Throws<ArgumentException>(() => store.SetAsync("../escape", "x").GetAwaiter().GetResult());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir.Path, "secrets", "tiktok-token-s1")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(_dir.Path, "secrets")));
        }

        Assert.Single(Directory.GetFiles(Path.Combine(_dir.Path, "secrets")));
    }

    /// <summary>A recent day on which the first store had a dozen sessions or more (the world leaves a few days' service out).</summary>
    private DateOnly BusyServiceDay()
    {
        for (var day = Day; ; day = day.AddDays(-1))
        {
            if (_world.Day(Store.Id, day).ServiceSessions.Count >= 12)
            {
                return day;
            }
        }
    }

    private TikTokOptions Options() => new()
    {
        ApiBaseUri = _fake.BaseUri,
        AuthBaseUri = _fake.BaseUri,
        AppKey = AppKey,
        AppSecret = AppSecret,
        BaseRetryDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromMilliseconds(200),
        RequestTimeout = TimeSpan.FromMilliseconds(400),
        MaxAttempts = 8,
        AppRequestsPerSecond = 500,
        ShopRequestsPerSecond = 200,
    };

    private async Task<(TikTokShopApi Api, FileSecretStore Secrets, TikTokApiClient Client)> ClientAsync(params string[] storeIds)
    {
        var secrets = new FileSecretStore(Path.Combine(_dir.Path, "secrets"));
        foreach (var id in storeIds)
        {
            await secrets.SetAsync(TikTokToken.SecretName(id), _fake.Authorize(id).ToJson());
        }

        var options = Options();
        var client = new TikTokApiClient(new HttpClient(), options, secrets, _log);
        return (new TikTokShopApi(client, options), secrets, client);
    }

    /// <summary>Keeps every formatted log line.</summary>
    private sealed class CapturingLogger : ILogger<TikTokApiClient>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines)
            {
                Lines.Add(formatter(state, exception) + (exception is null ? "" : " " + exception));
            }
        }
    }
}
