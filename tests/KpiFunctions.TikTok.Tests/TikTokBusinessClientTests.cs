using System.Diagnostics;
using System.Text;
using System.Text.Json;
using KpiFunctions.Core.Privacy;
using KpiFunctions.Secrets;
using KpiFunctions.Sources.Synthetic;
using KpiFunctions.Tests.Shared;
using KpiFunctions.TikTok.Fake;

namespace KpiFunctions.TikTok.Tests;

/// <summary>The Business API client and its endpoints against our fake over HTTP on 127.0.0.1.</summary>
public sealed class TikTokBusinessClientTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private SyntheticWorld _world = null!;
    private FakeTikTokServer _fake = null!;
    private FileSecretStore _secrets = null!;

    public async Task InitializeAsync()
    {
        var asOf = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddHours(-12);
        _world = new SyntheticWorld(13, DemoStores.Create(3), asOf, new BuyerIdHasher(Encoding.UTF8.GetBytes("business-world-salt-01234")));
        _fake = await FakeTikTokServer.StartAsync(new FakeTikTokSetup(_world, "app", "secret"));
        _secrets = new FileSecretStore(Path.Combine(_dir.Path, "secrets"));
        foreach (var advertiser in _fake.Advertisers)
        {
            await _secrets.SetAsync(TikTokToken.AdsSecretName(advertiser.Id), _fake.AuthorizeAdvertiser(advertiser.Id).ToJson());
        }
    }

    public async Task DisposeAsync()
    {
        await _fake.DisposeAsync();
        _dir.Dispose();
    }

    private TikTokBusinessApi Api(Action<TikTokBusinessOptions>? change = null, ISecretStore? secrets = null)
    {
        var options = new TikTokBusinessOptions
        {
            ApiBaseUri = _fake.BusinessBaseUri,
            AppId = "ads-app",
            AppSecret = "ads-secret",
            AdvertiserIds = [.. _fake.Advertisers.Select(a => a.Id)],
            BaseRetryDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryDelay = TimeSpan.FromMilliseconds(50),
            RestrictedWait = TimeSpan.FromMilliseconds(300),
            RequestsPerSecond = 500,
        };
        change?.Invoke(options);
        return new TikTokBusinessApi(new TikTokBusinessClient(new HttpClient(), options, secrets ?? _secrets));
    }

    private FakeAdvertiser HomeOf(string storeId) => _fake.Advertisers.Single(a => a.GmvMaxStores.Contains(storeId) && a.ClassicStores.Contains(storeId));

    [Fact]
    public async Task Advertiser_info_gives_the_ad_accounts_currency_and_time_zone()
    {
        var home = HomeOf(_world.Stores[0].Id);

        var info = await Api().GetAdvertiserAsync(home.Id);

        Assert.Equal(new AdvertiserInfo(home.Id, home.Name, "GBP", "Europe/London"), info);
    }

    [Fact]
    public async Task A_report_of_many_pages_is_read_to_its_last_page()
    {
        // Hourly rows of one day: 24 a campaign, seven a page.
        var store = _world.Stores[0];
        var home = HomeOf(store.Id);
        var date = DateOnly.FromDateTime(_world.AsOf.UtcDateTime).AddDays(-2);
        var pages = 0;

        var rows = await Api(o => o.PageSize = 7).GetGmvMaxReportAsync(home.Id, _fake.ShopId(store.Id), date, date, hourly: true, (_, _) =>
        {
            pages++;
            return Task.CompletedTask;
        });

        var gmvMax = _world.Day(store.Id, date).Ads.Where(a => FakeAdvertiser.IsGmvMax(a.CampaignId)).ToList();
        Assert.Equal(24 * gmvMax.Count, rows.Count);
        Assert.Equal((rows.Count + 6) / 7, pages);
        Assert.True(pages > 1);
        Assert.Equal(gmvMax.Sum(a => a.Spend), rows.Sum(r => decimal.Parse(r.GetProperty("metrics").GetProperty("cost").GetString()!, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Too_many_requests_and_a_restricted_app_are_waited_out_and_the_call_succeeds()
    {
        // Every second request is refused with 40100 and every third answered 429 "app temporarily restricted".
        _fake.Faults = new FakeFaults { AdsRateLimitedEvery = 2, AdsRestrictedEvery = 3 };
        var home = HomeOf(_world.Stores[0].Id);
        var api = Api(o => o.MaxAttempts = 10);
        var clock = Stopwatch.StartNew();

        var stores = await api.GetGmvMaxStoresAsync(home.Id);
        var info = await api.GetAdvertiserAsync(home.Id);

        Assert.Single(stores);
        Assert.Equal("GBP", info.Currency);
        Assert.True(_fake.Stats.Faults >= 2, $"{_fake.Stats.Faults} faults");
        Assert.True(api.RequestsSent > 2, $"{api.RequestsSent} requests");
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(300), $"a restriction waits its time; took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_request_refused_every_time_fails_after_the_last_attempt_naming_the_advertiser()
    {
        _fake.Faults = new FakeFaults { AdsRateLimitedEvery = 1 };
        var home = HomeOf(_world.Stores[0].Id);

        var error = await Assert.ThrowsAsync<TikTokApiException>(() => Api(o => o.MaxAttempts = 3).GetAdvertiserAsync(home.Id));

        Assert.Contains($"advertiser {home.Id} failed 3 times", error.Message, StringComparison.Ordinal);
        Assert.Equal(40100, error.Code);
    }

    [Fact]
    public async Task An_expired_token_is_refreshed_once_saved_and_the_request_goes_through()
    {
        _fake.Faults = new FakeFaults { AdsExpireTokenAfter = 1 };
        var home = HomeOf(_world.Stores[0].Id);
        var before = TikTokToken.Parse((await _secrets.GetAsync(TikTokToken.AdsSecretName(home.Id)))!);
        var api = Api();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("GBP", (await api.GetAdvertiserAsync(home.Id)).Currency);
        }

        var after = TikTokToken.Parse((await _secrets.GetAsync(TikTokToken.AdsSecretName(home.Id)))!);
        Assert.True(_fake.Stats.Refreshes >= 2, $"{_fake.Stats.Refreshes} refreshes");
        Assert.NotEqual(before.AccessToken, after.AccessToken);
        Assert.NotEqual(before.RefreshToken, after.RefreshToken);
    }

    [Fact]
    public async Task A_token_about_to_expire_is_refreshed_before_it_is_used()
    {
        var home = HomeOf(_world.Stores[0].Id);
        var stale = TikTokToken.Parse((await _secrets.GetAsync(TikTokToken.AdsSecretName(home.Id)))!) with { AccessExpiresUtc = DateTimeOffset.UtcNow.AddMinutes(5) };
        await _secrets.SetAsync(TikTokToken.AdsSecretName(home.Id), stale.ToJson());

        await Api().GetAdvertiserAsync(home.Id);

        Assert.Equal(1, _fake.Stats.Refreshes);
        Assert.NotEqual(stale.AccessToken, TikTokToken.Parse((await _secrets.GetAsync(TikTokToken.AdsSecretName(home.Id)))!).AccessToken);
    }

    [Fact]
    public async Task A_revoked_authorisation_stops_with_what_to_do_naming_the_advertiser_and_no_token()
    {
        var home = HomeOf(_world.Stores[0].Id);
        var token = TikTokToken.Parse((await _secrets.GetAsync(TikTokToken.AdsSecretName(home.Id)))!);
        _fake.RevokeAdvertiser(home.Id);

        var error = await Assert.ThrowsAsync<TikTokApiException>(() => Api().GetAdvertiserAsync(home.Id));

        Assert.Contains($"Advertiser {home.Id}", error.Message, StringComparison.Ordinal);
        Assert.Contains("authorise the Marketing API app", error.Message, StringComparison.Ordinal);
        Assert.Contains(TikTokToken.AdsSecretName(home.Id), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(token.AccessToken, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(token.RefreshToken, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ads-secret", error.Message, StringComparison.Ordinal);
        Assert.Equal(40105, error.Code);
    }

    [Fact]
    public async Task A_revoked_authorisation_found_on_refresh_says_so_without_the_token()
    {
        _fake.Faults = new FakeFaults { AdsExpireTokenAfter = 1 };
        var home = HomeOf(_world.Stores[0].Id);
        var token = TikTokToken.Parse((await _secrets.GetAsync(TikTokToken.AdsSecretName(home.Id)))!);
        var api = Api();
        await api.GetAdvertiserAsync(home.Id);
        _fake.RevokeAdvertiser(home.Id);

        var error = await Assert.ThrowsAsync<TikTokApiException>(() => api.GetAdvertiserAsync(home.Id));

        Assert.Contains($"Advertiser {home.Id}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(token.AccessToken, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(token.RefreshToken, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_advertiser_without_saved_tokens_is_told_which_secret_to_save()
    {
        var home = HomeOf(_world.Stores[0].Id);
        var empty = new FileSecretStore(Path.Combine(_dir.Path, "empty"));

        var error = await Assert.ThrowsAsync<TikTokApiException>(() => Api(secrets: empty).GetAdvertiserAsync(home.Id));

        Assert.Contains($"Advertiser {home.Id} has no TikTok Business API authorisation", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'tiktok-ads-token-{home.Id}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_store_list_names_each_stores_exclusive_gmv_max_advertiser()
    {
        // The default plan: us-west and us-east share one GMV Max ad account; each has its own classic one too.
        var (west, east) = (_world.Stores[1], _world.Stores[2]);
        var shared = _fake.Advertisers.Single(a => a.GmvMaxStores.Count == 2);
        var eastClassic = _fake.Advertisers.Single(a => a.GmvMaxStores.Count == 0 && a.ClassicStores.Contains(east.Id));

        var sharedList = await Api().GetGmvMaxStoresAsync(shared.Id);
        var classicList = await Api().GetGmvMaxStoresAsync(eastClassic.Id);

        Assert.Equal(new[] { _fake.ShopId(west.Id), _fake.ShopId(east.Id) }.Order(StringComparer.Ordinal), sharedList.Select(s => s.StoreId).Order(StringComparer.Ordinal));
        Assert.All(sharedList, s => Assert.True(s.GmvMaxAvailable && s.ExclusiveAdvertiserId == shared.Id));
        var eastSeenByClassic = Assert.Single(classicList);
        Assert.Equal(_fake.ShopId(east.Id), eastSeenByClassic.StoreId);
        Assert.False(eastSeenByClassic.GmvMaxAvailable);
        Assert.Equal(shared.Id, eastSeenByClassic.ExclusiveAdvertiserId);
    }

    [Fact]
    public void Settings_name_what_is_wrong()
    {
        string? Setting(string name, Dictionary<string, string> values) => values.GetValueOrDefault(name);
        var good = new Dictionary<string, string>
        {
            ["KPI_TIKTOK_ADS_APP_ID"] = "123",
            ["KPI_TIKTOK_ADS_APP_SECRET"] = "s",
            ["KPI_TIKTOK_ADS_ADVERTISERS"] = "7001, 7002",
            ["KPI_TIKTOK_ADS_STORE_ADVERTISERS"] = "uk-main=7001;us-west=7002",
        };

        var options = TikTokSettings.BusinessOptions(n => Setting(n, good), TimeProvider.System)!;

        Assert.Equal(["7001", "7002"], options.AdvertiserIds);
        Assert.Equal(["7002"], options.StoreAdvertisers["us-west"]);
        Assert.Null(TikTokSettings.BusinessOptions(_ => null, TimeProvider.System));
        Assert.Contains("KPI_TIKTOK_ADS_APP_SECRET", Assert.Throws<ArgumentException>(() => TikTokSettings.BusinessOptions(n => n == "KPI_TIKTOK_ADS_APP_SECRET" ? null : Setting(n, good), TimeProvider.System)).Message, StringComparison.Ordinal);
        Assert.Contains("7003", Assert.Throws<ArgumentException>(() => TikTokSettings.BusinessOptions(n => n == "KPI_TIKTOK_ADS_STORE_ADVERTISERS" ? "uk-main=7003" : Setting(n, good), TimeProvider.System)).Message, StringComparison.Ordinal);
        Assert.Contains("stores uk-main and us-west", Assert.Throws<ArgumentException>(() => TikTokSettings.BusinessOptions(n => n == "KPI_TIKTOK_ADS_STORE_ADVERTISERS" ? "uk-main=7001;us-west=7001" : Setting(n, good), TimeProvider.System)).Message, StringComparison.Ordinal);
        Assert.Contains("store=advertiser", Assert.Throws<ArgumentException>(() => TikTokSettings.BusinessOptions(n => n == "KPI_TIKTOK_ADS_STORE_ADVERTISERS" ? "uk-main" : Setting(n, good), TimeProvider.System)).Message, StringComparison.Ordinal);
        Assert.Contains("not an ad account id", Assert.Throws<ArgumentException>(() => TikTokSettings.BusinessOptions(n => n == "KPI_TIKTOK_ADS_ADVERTISERS" ? "abc" : Setting(n, good), TimeProvider.System)).Message, StringComparison.Ordinal);
        Assert.Contains("KPI_TIKTOK_ADS_RPS", Assert.Throws<ArgumentException>(() => TikTokSettings.BusinessOptions(n => n == "KPI_TIKTOK_ADS_RPS" ? "fast" : Setting(n, good), TimeProvider.System)).Message, StringComparison.Ordinal);
    }
}
