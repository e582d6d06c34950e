using System.Text;
using System.Text.Json;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Fx;
using KpiFunctions.Core.Privacy;
using KpiFunctions.Secrets;
using KpiFunctions.Sources.Synthetic;
using KpiFunctions.Tests.Shared;
using KpiFunctions.TikTok.Fake;

namespace KpiFunctions.TikTok.Tests;

/// <summary>
/// Which ad accounts serve which store, and each store-day's ad figures in its own day and currency, read through the
/// fake's Business API over HTTP and compared with the synthetic world's campaigns.
/// </summary>
public sealed class TikTokAdsReaderTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly List<FakeTikTokServer> _fakes = [];
    private SyntheticWorld _world = null!;

    private Store Uk => _world.Stores[0];

    private Store West => _world.Stores[1];

    private Store East => _world.Stores[2];

    private DateOnly Day => DateOnly.FromDateTime(_world.AsOf.UtcDateTime).AddDays(-2);

    public Task InitializeAsync()
    {
        var asOf = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddHours(-12);
        _world = new SyntheticWorld(13, DemoStores.Create(3), asOf, new BuyerIdHasher(Encoding.UTF8.GetBytes("ads-reader-world-salt-012")));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var fake in _fakes)
        {
            await fake.DisposeAsync();
        }

        _dir.Dispose();
    }

    private async Task<(FakeTikTokServer Fake, TikTokAdsReader Reader)> StartAsync(IReadOnlyList<FakeAdvertiser>? plan = null, Action<TikTokBusinessOptions>? change = null, bool withFx = true)
    {
        var fake = await FakeTikTokServer.StartAsync(new FakeTikTokSetup(_world, "app", "secret") { Advertisers = plan });
        _fakes.Add(fake);
        var secrets = new FileSecretStore(Path.Combine(_dir.Path, "secrets-" + _fakes.Count));
        foreach (var advertiser in fake.Advertisers)
        {
            await secrets.SetAsync(TikTokToken.AdsSecretName(advertiser.Id), fake.AuthorizeAdvertiser(advertiser.Id).ToJson());
        }

        var options = new TikTokBusinessOptions
        {
            ApiBaseUri = fake.BusinessBaseUri,
            AppId = "ads-app",
            AppSecret = "ads-secret",
            AdvertiserIds = [.. fake.Advertisers.Select(a => a.Id)],
            BaseRetryDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryDelay = TimeSpan.FromMilliseconds(50),
            RestrictedWait = TimeSpan.FromMilliseconds(50),
            RequestsPerSecond = 500,
        };
        change?.Invoke(options);
        return (fake, new TikTokAdsReader(new TikTokBusinessApi(new TikTokBusinessClient(new HttpClient(), options, secrets)), withFx ? new SyntheticFxSource(_world) : null));
    }

    private static async Task<(AdsReading Reading, List<(string Stream, string Json)> Pages)> ReadAsync(TikTokAdsReader reader, FakeTikTokServer fake, Store store, DateOnly date)
    {
        var pages = new List<(string, string)>();
        var reading = await reader.ReadDayAsync(store, fake.ShopId(store.Id), date, stream => (json, _) =>
        {
            pages.Add((stream, json.GetRawText()));
            return Task.CompletedTask;
        });
        return (reading, pages);
    }

    private static FakeAdvertiser Advertiser(string name, string currency, string zone, string[] gmvMax, string[] classic) =>
        new(FakeAdvertiser.IdFor(name), name, currency, zone, gmvMax, classic);

    [Fact]
    public async Task Every_store_day_has_the_worlds_campaigns_whoever_serves_it_and_in_whatever_zone()
    {
        // The default plan: us-west and us-east share a GMV Max ad account in Los Angeles time (us-east, in New York,
        // is read by the hour), each has its own classic account, and the UK store has one account for both.
        var (fake, reader) = await StartAsync();
        Assert.Contains(fake.Advertisers, a => a.GmvMaxStores.Count == 2);

        foreach (var store in _world.Stores)
        {
            for (var date = Day.AddDays(-1); date <= Day; date = date.AddDays(1))
            {
                var (reading, pages) = await ReadAsync(reader, fake, store, date);
                var truth = _world.Day(store.Id, date).Ads;

                Assert.Null(reading.Unknown);
                Assert.True(truth.Sum(a => a.Spend) == reading.Ads.Sum(a => a.Spend), $"{store.Id} {date}: spend {truth.Sum(a => a.Spend)} vs {reading.Ads.Sum(a => a.Spend)}");
                Assert.Equal(truth.Sum(a => a.AttributedGmv), reading.Ads.Sum(a => a.AttributedGmv));
                Assert.Equal(truth.Select(a => FakeAdvertiser.CampaignIdFor(a.CampaignId)).Order(StringComparer.Ordinal), reading.Ads.Select(a => a.CampaignId).Order(StringComparer.Ordinal));
                Assert.All(reading.Ads, a => Assert.Equal((store.Id, date, store.Currency), (a.StoreId, a.Date, a.Currency)));
                Assert.Equal(store == East, pages.Any(p => p.Stream == "ads_gmv_max" && p.Json.Contains("stat_time_hour", StringComparison.Ordinal)));
            }
        }
    }

    [Fact]
    public async Task An_ad_account_with_classic_campaigns_for_one_of_its_two_stores_needs_the_store_setting_and_then_counts()
    {
        // The shared account runs GMV Max for both US stores and classic campaigns for us-west alone: its classic report
        // cannot say which store a campaign served, until the setting names it for us-west.
        // The US store with classic campaigns that day is "mine"; the other has its own classic account.
        var mine = new[] { West, East }.First(s => _world.Day(s.Id, Day).Ads.Any(a => !FakeAdvertiser.IsGmvMax(a.CampaignId)));
        var other = mine == West ? East : West;
        var plan = new[]
        {
            Advertiser("uk", "GBP", "Europe/London", [Uk.Id], [Uk.Id]),
            Advertiser("shared", "USD", mine.TimeZone, [West.Id, East.Id], [mine.Id]),
            Advertiser("other classic", "USD", other.TimeZone, [], [other.Id]),
        };
        var shared = FakeAdvertiser.IdFor("shared");
        var (fake, reader) = await StartAsync(plan);

        var (mineRead, _) = await ReadAsync(reader, fake, mine, Day);
        var (otherRead, _) = await ReadAsync(reader, fake, other, Day);

        Assert.Contains($"ad account {shared} runs classic campaigns and serves 2 stores", mineRead.Unknown, StringComparison.Ordinal);
        Assert.Contains("KPI_TIKTOK_ADS_STORE_ADVERTISERS", mineRead.Unknown, StringComparison.Ordinal);
        Assert.Contains(shared, otherRead.Unknown, StringComparison.Ordinal);

        var (fake2, named) = await StartAsync(plan, o => o.StoreAdvertisers = new Dictionary<string, IReadOnlyList<string>> { [mine.Id] = [shared] });
        foreach (var store in new[] { West, East })
        {
            var (reading, _) = await ReadAsync(named, fake2, store, Day);
            Assert.Null(reading.Unknown);
            Assert.Equal(_world.Day(store.Id, Day).Ads.Sum(a => a.Spend), reading.Ads.Sum(a => a.Spend));
        }
    }

    [Fact]
    public async Task An_ad_account_in_another_time_zone_and_currency_is_read_by_the_hour_and_converted_within_a_cent_or_so()
    {
        // The UK store's ads run from an account in New York time billing in USD: its hours are moved into London's
        // day and its figures converted back to GBP with the day's rate. The fake converted each hour to the cent with
        // its own rate, so equality holds within the rounding: half a cent an hour in USD at the back rate, the gap
        // between the two rates' product and 1 over the amount, and half a cent of the last rounding.
        var plan = new[] { Advertiser("uk in usd", "USD", "America/New_York", [Uk.Id], [Uk.Id]) };
        var (fake, reader) = await StartAsync(plan);

        var (reading, pages) = await ReadAsync(reader, fake, Uk, Day);

        Assert.Null(reading.Unknown);
        Assert.Contains(pages, p => p.Json.Contains("stat_time_hour", StringComparison.Ordinal));
        var there = new FxRateBook("USD", _world.FxRates("USD", Day.AddDays(-7), Day)).Lookup("GBP", Day).Rate!.Value;
        var back = new FxRateBook("GBP", _world.FxRates("GBP", Day.AddDays(-7), Day)).Lookup("USD", Day).Rate!.Value;
        foreach (var truth in _world.Day(Uk.Id, Day).Ads)
        {
            var read = Assert.Single(reading.Ads, a => a.CampaignId == FakeAdvertiser.CampaignIdFor(truth.CampaignId));
            var bound = (24 * 0.005m * back) + (truth.Spend * Math.Abs((there * back) - 1)) + 0.005m;
            Assert.True(Math.Abs(read.Spend - truth.Spend) <= bound, $"{truth.CampaignId}: {read.Spend} vs {truth.Spend} (bound {bound})");
            Assert.Equal("GBP", read.Currency);
        }

        Assert.Equal(_world.Day(Uk.Id, Day).Ads.Count, reading.Ads.Count);
    }

    [Fact]
    public async Task Without_a_rate_for_the_advertisers_currency_the_day_says_so()
    {
        var plan = new[] { Advertiser("uk in usd", "USD", "Europe/London", [Uk.Id], [Uk.Id]) };
        var (fake, reader) = await StartAsync(plan, withFx: false);

        var (reading, _) = await ReadAsync(reader, fake, Uk, Day);

        Assert.Empty(reading.Ads);
        Assert.Contains($"reports in USD, and no USD-GBP rate for {Day:yyyy-MM-dd}", reading.Unknown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_hour_that_crosses_the_stores_midnight_leaves_the_day_unknown_rather_than_guessed()
    {
        // Kolkata is UTC+5:30: its hours start on the half hour of London's, so the one across London's midnight
        // belongs to two store days.
        var plan = new[] { Advertiser("uk in india time", "GBP", "Asia/Kolkata", [Uk.Id], [Uk.Id]) };
        var (fake, reader) = await StartAsync(plan);

        var (reading, _) = await ReadAsync(reader, fake, Uk, Day);

        Assert.Empty(reading.Ads);
        Assert.Contains("reports in time zone Asia/Kolkata", reading.Unknown, StringComparison.Ordinal);
        Assert.Contains("cannot be placed in one day", reading.Unknown, StringComparison.Ordinal);
        Assert.Contains($"{Day:yyyy-MM-dd} 05:00:00", reading.Unknown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gmv_max_account_named_by_a_listed_account_but_not_listed_itself_leaves_the_day_unknown()
    {
        // The east classic account sees us-east, whose GMV Max runs from the shared account, which is not listed.
        var shared = FakeAdvertiser.IdFor("gmv max " + West.Id + "+" + East.Id);
        var (fake, reader) = await StartAsync(change: o => o.AdvertiserIds = [.. o.AdvertiserIds.Where(a => a != shared)]);

        var (reading, _) = await ReadAsync(reader, fake, East, Day);

        Assert.Contains($"GMV Max for store {East.Id} runs from ad account {shared}, which KPI_TIKTOK_ADS_ADVERTISERS does not list", reading.Unknown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_report_row_that_cannot_be_read_is_quarantined_and_the_day_is_unknown()
    {
        var (fake, reader) = await StartAsync();
        fake.Faults.UnreadableAdCost.Add((Uk.Id, Day));

        var (reading, _) = await ReadAsync(reader, fake, Uk, Day);

        var bad = Assert.Single(reading.Rejected);
        Assert.Equal("ads_daily", bad.Dataset);
        Assert.Contains("cost 'n/a' is not an amount", bad.Reason, StringComparison.Ordinal);
        Assert.Contains("could not be read (quarantined)", reading.Unknown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_ad_account_leaves_its_stores_days_unknown_with_what_to_do_and_no_token()
    {
        var home = FakeAdvertiser.IdFor("ads " + Uk.Id);
        var (fake, reader) = await StartAsync();
        fake.RevokeAdvertiser(home);

        var (reading, _) = await ReadAsync(reader, fake, Uk, Day);

        Assert.Empty(reading.Ads);
        Assert.Contains($"Advertiser {home}", reading.Unknown, StringComparison.Ordinal);
        Assert.Contains("authorise the Marketing API app", reading.Unknown, StringComparison.Ordinal);
        Assert.DoesNotContain("TTA_", reading.Unknown, StringComparison.Ordinal);
    }
}
