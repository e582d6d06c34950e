using System.Text;
using System.Text.RegularExpressions;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Privacy;
using KpiFunctions.Secrets;
using KpiFunctions.Sources.Synthetic;
using KpiFunctions.Tests.Shared;
using KpiFunctions.TikTok.Fake;
using Microsoft.Extensions.Logging;

namespace KpiFunctions.TikTok.Tests;

/// <summary>Pacing against a fake that enforces rate limits: within them nothing is refused; beyond them the client slows down.</summary>
public sealed partial class PacingTests : IAsyncDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly List<string> _log = [];
    private FakeTikTokServer? _fake;

    public async ValueTask DisposeAsync()
    {
        if (_fake is not null)
        {
            await _fake.DisposeAsync();
        }

        _dir.Dispose();
    }

    [Fact]
    public async Task A_client_paced_under_the_shop_limit_sends_nothing_over_it()
    {
        var (api, fake, store, from, to) = await StartAsync(shopLimit: 20, clientRate: 19);

        var result = await api.SearchOrdersAsync(store.Id, fake.Cipher(store.Id), from, to);

        Assert.True(result.Pages >= 10, $"only {result.Pages} pages");
        Assert.Equal(0, fake.Stats.OverLimit);
    }

    [Fact]
    public async Task A_client_faster_than_the_limit_is_refused_slows_down_and_still_gets_every_page()
    {
        var (api, fake, store, from, to) = await StartAsync(shopLimit: 4, clientRate: 40, pageSize: 20);

        var result = await api.SearchOrdersAsync(store.Id, fake.Cipher(store.Id), from, to);

        Assert.True(fake.Stats.OverLimit > 0, "the fake never refused anything; the test does not test");
        Assert.Equal(_expectedOrders, result.Records.Count);
        Assert.Contains(_log, l => l.Contains("code 36009002", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_servers_retry_after_hint_is_honoured()
    {
        var (api, fake, store, from, to) = await StartAsync(shopLimit: 0, clientRate: 100, pageSize: 20);
        fake.Faults = new FakeFaults { TooManyRequestsEvery = 4, TooManyRequestsBurst = 1, RetryAfterSeconds = 1 };

        await api.SearchOrdersAsync(store.Id, fake.Cipher(store.Id), from, to);

        var delays = _log.Where(l => l.Contains("HTTP 429", StringComparison.Ordinal)).Select(l => int.Parse(RetryDelay().Match(l).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(delays);
        Assert.All(delays, d => Assert.True(d >= 1000, $"retried after {d} ms despite Retry-After: 1"));
    }

    private int _expectedOrders;

    private async Task<(TikTokShopApi Api, FakeTikTokServer Fake, KpiFunctions.Core.Domain.Store Store, DateTimeOffset From, DateTimeOffset To)> StartAsync(double shopLimit, double clientRate, int pageSize = 5)
    {
        var world = new SyntheticWorld(3, DemoStores.Create(1), DateTimeOffset.UtcNow, new BuyerIdHasher(Encoding.UTF8.GetBytes("pacing-salt-0123456789")));
        _fake = await FakeTikTokServer.StartAsync(new FakeTikTokSetup(world, "k", "pacing-secret") { ShopLimitPerSecond = shopLimit });
        var store = world.Stores[0];
        var secrets = new FileSecretStore(Path.Combine(_dir.Path, "secrets"));
        await secrets.SetAsync(TikTokToken.SecretName(store.Id), _fake.Authorize(store.Id).ToJson());
        var options = new TikTokOptions
        {
            ApiBaseUri = _fake.BaseUri,
            AuthBaseUri = _fake.BaseUri,
            AppKey = "k",
            AppSecret = "pacing-secret",
            ShopRequestsPerSecond = clientRate,
            AppRequestsPerSecond = 1000,
            OrderPageSize = pageSize,
            BaseRetryDelay = TimeSpan.FromMilliseconds(50),
            MaxAttempts = 10,
        };
        var client = new TikTokApiClient(new HttpClient(), options, secrets, new ListLogger(_log));
        var zone = StoreCalendar.ResolveZone(store.TimeZone);
        var day = StoreCalendar.LocalDate(world.AsOf, zone).AddDays(-2);
        var (from, to) = StoreCalendar.DayBounds(day, zone);
        _expectedOrders = world.Day(store.Id, day).Orders.Count;
        return (new TikTokShopApi(client, options), _fake, store, from, to);
    }

    [GeneratedRegex(@"retrying in (\d+) ms")]
    private static partial Regex RetryDelay();

    private sealed class ListLogger(List<string> lines) : ILogger<TikTokApiClient>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (lines)
            {
                lines.Add(formatter(state, exception));
            }
        }
    }
}
