using System.Text;
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
