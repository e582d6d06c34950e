using System.IO.Compression;
using System.Text;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Privacy;
using KpiFunctions.Local;
using KpiFunctions.Pipeline;
using KpiFunctions.Pipeline.Demo;
using KpiFunctions.Pipeline.Kpis;
using KpiFunctions.Pipeline.Local;
using KpiFunctions.Pipeline.Steps;
using KpiFunctions.Secrets;
using KpiFunctions.Sources.Synthetic;
using KpiFunctions.Tests.Shared;
using KpiFunctions.TikTok.Fake;

namespace KpiFunctions.TikTok.Tests;

/// <summary>
/// The whole pipeline fed by the TikTok source through our fake with every fault on, against the same pipeline fed
/// by the synthetic source directly: the KPIs the Order, Return, analytics, service and product rating APIs can give agree exactly; the others are
/// unknown with a reason; bad records are quarantined and counted; no personal data reaches any stored file.
/// </summary>
public sealed class TikTokPipelineTests : IAsyncLifetime
{
    private static readonly string[] EqualKpis = ["gmv", "net_gmv", "orders", "buyers", "units", "aov", "top10_sku_gmv_share", "refund_rate", "return_rate", "cancellation_rate", "seller_cancellation_rate", "visitors", "conversion_rate", "ctr", "add_to_cart_rate", "negative_review_rate", "avg_live_watch_time", "gpm", "live_gmv", "live_gpm", "response_rate", "avg_first_response_time", "creator_gmv_share", "ad_spend", "ads_attributed_gmv", "roas", "tacos", "ad_cost_per_order", "gross_margin"];
    private static readonly string[] EqualServiceMeasures = ["chats", "chats_answered", "chats_answered_in_window", "first_response_seconds", "reviews", "negative_reviews"];
    private static readonly string[] NotGivenKpis = ["video_completion_rate"];
    private readonly TempDirectory _dir = new();
    private SyntheticWorld _world = null!;
    private FakeTikTokServer _fake = null!;

    public async Task InitializeAsync()
    {
        // Noon UTC yesterday: the same calendar day in London and in both US zones, so every store's "yesterday" is one day.
        var asOf = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddHours(-12);
        _world = new SyntheticWorld(13, DemoStores.Create(3), asOf, new BuyerIdHasher(Encoding.UTF8.GetBytes("pipeline-world-salt-0123")));
        _fake = await FakeTikTokServer.StartAsync(new FakeTikTokSetup(_world, "app", "pipeline-secret"));
    }

    /// <summary>
    /// The Business API's ad reader against the fake, every ad account authorised and its tokens saved. The default
    /// plan has an ad account serving two stores, a store served by two, and a store read by hour (us-east's GMV Max
    /// runs from an ad account in Los Angeles time).
    /// </summary>
    private async Task<TikTokAdsReader> AdsReaderAsync(FileSecretStore secrets)
    {
        foreach (var advertiser in _fake.Advertisers)
        {
            await secrets.SetAsync(TikTokToken.AdsSecretName(advertiser.Id), _fake.AuthorizeAdvertiser(advertiser.Id).ToJson());
        }

        var options = new TikTokBusinessOptions
        {
            ApiBaseUri = _fake.BusinessBaseUri,
            AppId = "ads-app",
            AppSecret = "ads-secret",
            AdvertiserIds = [.. _fake.Advertisers.Select(a => a.Id)],
            BaseRetryDelay = TimeSpan.FromMilliseconds(20),
            MaxRetryDelay = TimeSpan.FromMilliseconds(200),
            RestrictedWait = TimeSpan.FromMilliseconds(100),
            RequestTimeout = TimeSpan.FromMilliseconds(400),
            MaxAttempts = 8,
            RequestsPerSecond = 500,
        };
        return new TikTokAdsReader(new TikTokBusinessApi(new TikTokBusinessClient(new HttpClient(), options, secrets)), new SyntheticFxSource(_world));
    }

    public async Task DisposeAsync()
    {
        await _fake.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public async Task Through_the_fake_with_every_fault_the_order_kpis_equal_the_generators_and_the_rest_say_why_they_are_missing()
    {
        var today = DateOnly.FromDateTime(_world.AsOf.UtcDateTime);
        var request = new RunRequest(today.AddDays(-3), today.AddDays(-1), [.. _world.Stores.Select(s => s.Id)]);

        // The three stores are in the UK and the US (24 h by the demo's setting): the UK one gets 12 h, so both windows are compared.
        var options = new PipelineOptions { ResponseWindows = new Dictionary<string, int>(DemoStores.ResponseWindows) { ["GB"] = 12 }, MaxAttempts = 1 };
        var hasher = new BuyerIdHasher(Encoding.UTF8.GetBytes("pipeline-run-salt-0123456"));

        var direct = KpiStorage.Embedded(Path.Combine(_dir.Path, "direct"));
        await DemoSetup.SeedAsync(direct, _world, request.From, request.To);
        var directRun = await new LocalPipelineRunner(direct, new SyntheticSource(_world), new SyntheticFxSource(_world), options, TimeProvider.System).RunAsync(request);

        var secrets = new FileSecretStore(Path.Combine(_dir.Path, "secrets"));
        foreach (var store in _world.Stores)
        {
            await secrets.SetAsync(TikTokToken.SecretName(store.Id), _fake.Authorize(store.Id).ToJson());
        }

        var faults = FakeFaults.All();
        faults.ExpireTokenAfter = 15;
        var drifted = (_world.Stores[0].Id, request.From.AddDays(1));
        faults.PlatformGmvDrift[drifted] = 0.02m;
        _fake.Faults = faults;
        var tiktokOptions = new TikTokOptions
        {
            ApiBaseUri = _fake.BaseUri,
            AuthBaseUri = _fake.BaseUri,
            AppKey = "app",
            AppSecret = "pipeline-secret",
            OrderPageSize = 25,
            BaseRetryDelay = TimeSpan.FromMilliseconds(20),
            MaxRetryDelay = TimeSpan.FromMilliseconds(200),
            RequestTimeout = TimeSpan.FromMilliseconds(400),
            MaxAttempts = 8,
            AppRequestsPerSecond = 500,
            ShopRequestsPerSecond = 200,
            FinanceLookbackDays = 5,
        };
        var api = new TikTokShopApi(new TikTokApiClient(new HttpClient(), tiktokOptions, secrets), tiktokOptions);
        var viaApi = KpiStorage.Embedded(Path.Combine(_dir.Path, "tiktok"));
        await DemoSetup.SeedAsync(viaApi, _world, request.From, request.To);
        var ads = await AdsReaderAsync(secrets);
        var apiRun = await new LocalPipelineRunner(viaApi, new TikTokSource(api, hasher, new FixedTimeProvider(_world.AsOf)) { Ads = ads }, new SyntheticFxSource(_world), options, TimeProvider.System).RunAsync(request);

        Assert.True(directRun.Header.Status == apiRun.Header.Status, string.Join("; ", apiRun.Tasks.Select(t => $"{t.StoreId}: {t.Status} {t.LastError}")));
        Assert.True(_fake.Stats.Faults >= 10 && _fake.Stats.Refreshes >= 1, $"faults {_fake.Stats.Faults}, refreshes {_fake.Stats.Refreshes}");
        var expectedRows = await new KpiDailyRepository(direct.Tables, KpiCatalog.Default).QueryAsync(request.From, request.To, null);
        var rows = (await new KpiDailyRepository(viaApi.Tables, KpiCatalog.Default).QueryAsync(request.From, request.To, null)).ToDictionary(r => (r.StoreId, r.Date));
        Assert.Equal(9, expectedRows.Count);
        foreach (var expected in expectedRows)
        {
            var row = rows[(expected.StoreId, expected.Date)];
            foreach (var id in EqualKpis)
            {
                Assert.True(expected.Kpis[id].Value == row.Kpis[id].Value, $"{id} of {expected.StoreId} on {expected.Date}: generator {expected.Kpis[id].Value}, via the API {row.Kpis[id].Value}");
            }

            // The service sessions give the generator's own counts and first-response seconds, in either response window.
            foreach (var measure in EqualServiceMeasures)
            {
                Assert.True(expected.Measures[measure] == row.Measures[measure], $"{measure} of {expected.StoreId} on {expected.Date}: generator {expected.Measures[measure]}, via the API {row.Measures[measure]}");
            }

            // Stock exists only as it is now: the day before today has the generator's stock, older days say why they have none.
            if (expected.Date == today.AddDays(-1))
            {
                Assert.Equal(expected.Kpis["inventory_days_of_cover"].Value, row.Kpis["inventory_days_of_cover"].Value);
                Assert.NotNull(row.Kpis["inventory_days_of_cover"].Value);
            }
            else
            {
                Assert.Null(row.Kpis["inventory_days_of_cover"].Value);
                Assert.Contains("stock only as it is now", row.Kpis["inventory_days_of_cover"].NullReason, StringComparison.Ordinal);
            }

            // Unit costs are the seller's own, imported alike for both runs: the API's lines give the same cost of goods.
            Assert.NotNull(row.Measures["cogs"]);
            Assert.Equal(expected.Measures["cogs"], row.Measures["cogs"]);

            // The affiliate order search tells affiliate orders from the store's own: their GMV and commission agree;
            // the finance API gives every order's platform fees (estimates for these recent orders, equal to the truth).
            foreach (var measure in new[] { "affiliate_gmv", "affiliate_commission", "platform_fees" })
            {
                Assert.True(row.Measures[measure] is not null, $"{measure} of {row.StoreId} on {row.Date} is unknown: {string.Join(" | ", row.Kpis.Values.Select(k => k.NullReason).Where(r => r?.Contains(measure, StringComparison.Ordinal) == true || r?.Contains("fee", StringComparison.Ordinal) == true).Distinct())}; notes: {string.Join(" | ", apiRun.Tasks.Select(t => t.Notes))}; raw {string.Join(",", Directory.GetDirectories(Path.Combine(_dir.Path, "tiktok"), "*", SearchOption.AllDirectories).Where(d => d.Contains("raw", StringComparison.Ordinal) && !Path.GetFileName(d).Contains('=', StringComparison.Ordinal)).Select(d => Path.GetFileName(d) + "=" + Directory.GetFiles(d, "*", SearchOption.AllDirectories).Length))}");
                Assert.True(expected.Measures[measure] == row.Measures[measure], $"{measure} of {expected.StoreId} on {expected.Date}: generator {expected.Measures[measure]}, via the API {row.Measures[measure]}");
            }

            Assert.NotNull(row.Kpis["gmv"].Value);
            foreach (var id in NotGivenKpis)
            {
                Assert.Null(row.Kpis[id].Value);
                Assert.False(string.IsNullOrEmpty(row.Kpis[id].NullReason), $"{id} is null without a reason");
            }
        }

        Assert.Contains(rows.Values, r => r.Kpis["avg_live_watch_time"].Value is > 0); // LIVE sessions really came through
        Assert.Contains(rows.Values, r => r.Measures["video_views"] is > 0); // and videos
        Assert.Contains(rows.Values, r => r.Kpis["ctr"].Value is > 0 && r.Kpis["add_to_cart_rate"].Value is > 0); // and the product list's counts
        Assert.Contains(rows.Values, r => r.Kpis["response_rate"].Value is > 0 && r.StoreId == _world.Stores[0].Id); // and customer service, in a 12 h window
        Assert.Contains(rows.Values, r => r.Kpis["response_rate"].Value is > 0 && r.StoreId != _world.Stores[0].Id); // and a 24 h one
        Assert.DoesNotContain(apiRun.Tasks, t => t.Notes?.Contains("customer service", StringComparison.Ordinal) == true); // sessions and performance agree
        Assert.Contains("no completed views", rows.Values.First().Kpis["video_completion_rate"].NullReason, StringComparison.Ordinal);
        Assert.Contains(rows.Values, r => r.Measures["reviews"] is > 0 && r.Kpis["negative_review_rate"].Value is not null); // and the products' ratings
        Assert.Contains(rows.Values, r => r.Measures["affiliate_commission"] is > 0); // affiliate orders really came through

        // Ad spend came from the Business API for every store-day (GMV Max and classic, us-east's by the hour), through
        // its 429s, restrictions and token expiries, and equals the generator's.
        // (A day the world runs no ads has a real zero spend, and no ROAS to divide, as in the direct run.)
        Assert.All(rows.Values, r => Assert.True(r.Kpis["ad_spend"].Value is not null, $"{r.StoreId} {r.Date}: {r.Kpis["ad_spend"].NullReason}"));
        Assert.Contains(rows.Values, r => r.Kpis["ad_spend"].Value is > 0 && r.Kpis["roas"].Value is > 0);
        Assert.All(rows.Values, r => Assert.NotNull(r.Kpis["gross_margin"].Value));
        Assert.True(ads.RequestsSent > 3 * 9, $"{ads.RequestsSent} Business API requests");
        Assert.Contains(rows.Values, r => r.Kpis["live_gmv"].Value is > 0); // LIVE GMV is the sessions' own figure, read from the LIVE list
        Assert.All(rows.Values, r => Assert.True(r.Kpis["seller_cancellation_rate"].Value is not null, r.Kpis["seller_cancellation_rate"].NullReason)); // cancellations came through

        // A day later the stock read for yesterday is kept: a stock level cannot be read again, so a re-fetch keeps it.
        var lastDay = new RunRequest(today.AddDays(-1), today.AddDays(-1), [_world.Stores[0].Id]);
        _fake.Faults = new FakeFaults();
        var rerun = await new LocalPipelineRunner(viaApi, new TikTokSource(api, hasher, new FixedTimeProvider(_world.AsOf.AddDays(1))), new SyntheticFxSource(_world), options, TimeProvider.System).RunAsync(lastDay);
        Assert.Equal(KpiFunctions.Pipeline.Runs.RunStatus.Completed, rerun.Header.Status);
        var kept = Assert.Single(await new KpiDailyRepository(viaApi.Tables, KpiCatalog.Default).QueryAsync(lastDay.From, lastDay.To, _world.Stores[0].Id));
        Assert.Equal(rows[(_world.Stores[0].Id, lastDay.From)].Kpis["inventory_days_of_cover"].Value, kept.Kpis["inventory_days_of_cover"].Value);
        Assert.NotNull(kept.Kpis["inventory_days_of_cover"].Value);

        // The product dimension: every SKU the store lists, with its product, name and price.
        var curated = new KpiFunctions.Pipeline.Curated.CuratedStore(viaApi.Blobs);
        foreach (var store in _world.Stores)
        {
            var products = await curated.ReadReferenceAsync(KpiFunctions.Pipeline.Curated.CuratedTables.Products, store.Id);
            Assert.Equal(_world.Products(store.Id).OrderBy(p => p.SkuId, StringComparer.Ordinal), products!.OrderBy(p => p.SkuId, StringComparer.Ordinal));
        }
        Assert.Contains(rows.Values, r => r.Kpis["visitors"].Value is > 0);

        // Each product's day through the product list equals the synthetic source's row for row, and the products
        // sum to the day's clicks and add-to-cart users that ctr and add_to_cart_rate are made of.
        var directCurated = new KpiFunctions.Pipeline.Curated.CuratedStore(direct.Blobs);
        var productRows = 0;
        foreach (var store in _world.Stores)
        {
            for (var date = request.From; date <= request.To; date = date.AddDays(1))
            {
                var expectedProducts = await directCurated.ReadAsync(KpiFunctions.Pipeline.Curated.CuratedTables.ProductDaily, store.Id, date);
                var products = await curated.ReadAsync(KpiFunctions.Pipeline.Curated.CuratedTables.ProductDaily, store.Id, date);
                Assert.NotNull(products);
                Assert.Equal(expectedProducts!.OrderBy(p => p.ProductId, StringComparer.Ordinal), products!.OrderBy(p => p.ProductId, StringComparer.Ordinal));
                if ((await curated.ReadAsync(KpiFunctions.Pipeline.Curated.CuratedTables.TrafficDaily, store.Id, date))?.SingleOrDefault() is not { } traffic)
                {
                    Assert.Empty(products!); // a day the world has no traffic has no product figures either
                    continue;
                }

                Assert.Equal(traffic.ProductClicks, products!.Sum(p => p.Clicks));
                Assert.Equal(traffic.AddToCartUsers, products!.Sum(p => p.AddToCartUsers));
                Assert.Equal(traffic.Impressions, products!.Sum(p => p.Impressions));
                Assert.All(products!, p => Assert.True(p.Gmv is not null && p.Orders is not null && p.UnitsSold is not null, $"{p.ProductId} lacks a sales figure"));
                productRows += products!.Count;
            }

            // The creator dimension: the same creators with the same content types and days as the synthetic run, each
            // one the creator of a curated order.
            var expectedCreators = await directCurated.ReadReferenceAsync(KpiFunctions.Pipeline.Curated.CuratedTables.Creators, store.Id);
            var creators = await curated.ReadReferenceAsync(KpiFunctions.Pipeline.Curated.CuratedTables.Creators, store.Id);
            Assert.NotEmpty(creators!);
            Assert.Equal(expectedCreators, creators);
            var orderCreators = new HashSet<string>(StringComparer.Ordinal);
            for (var date = request.From; date <= request.To; date = date.AddDays(1))
            {
                orderCreators.UnionWith((await curated.ReadAsync(KpiFunctions.Pipeline.Curated.CuratedTables.Orders, store.Id, date))!.Select(o => o.CreatorId).OfType<string>());
            }

            Assert.Equal(orderCreators.Order(StringComparer.Ordinal), creators!.Select(c => c.CreatorId));
            Assert.All(creators!, c => Assert.All(c.ContentTypes.Split(','), t => Assert.Contains(t, new[] { "LIVE", "SHOWCASE", "VIDEO" })));
        }

        Assert.True(productRows > 0);

        // Reconciliation with the platform's own figures: the drifted store-day is flagged with both numbers, in the
        // row and in the run status; the first day cannot be compared (the day before was not fetched); the rest agree.
        foreach (var row in rows.Values)
        {
            var rec = row.Reconciliation ?? throw new InvalidOperationException($"{row.StoreId} {row.Date} has no reconciliation");
            if ((row.StoreId, row.Date) == drifted)
            {
                Assert.True(rec.Flagged);
                Assert.Equal(2m, decimal.Round(rec.GmvGapPct!.Value, 1));
                Assert.Contains(rec.PipelineGmv.ToString(System.Globalization.CultureInfo.InvariantCulture), rec.Note, StringComparison.Ordinal);
                Assert.Contains(rec.PlatformGmv.ToString(System.Globalization.CultureInfo.InvariantCulture), rec.Note, StringComparison.Ordinal);
            }
            else if (row.Date == request.From)
            {
                Assert.False(rec.Flagged);
                Assert.Contains("not compared", rec.Note, StringComparison.Ordinal);
            }
            else
            {
                Assert.False(rec.Flagged, rec.Note);
                Assert.Equal(rec.PlatformGmv, rec.PipelineGmv);
                Assert.Equal(rec.PlatformOrders, rec.PipelineOrders);
            }
        }

        var parquet = await new KpiFunctions.Pipeline.Curated.CuratedStore(viaApi.Blobs).ReadMonthAsync(KpiFunctions.Pipeline.Curated.KpiStoreDayTable.Create(KpiCatalog.Default), drifted.Item1, drifted.Item2);
        Assert.Equal(rows[drifted].Reconciliation, Assert.Single(parquet!, r => r.Date == drifted.Item2).Reconciliation);
        Assert.Contains("1 store-day(s) differ from the platform's own figures by more than 0.5 %", apiRun.Header.Output, StringComparison.Ordinal);
        Assert.Contains(drifted.Item1, apiRun.Header.Output, StringComparison.Ordinal);
        Assert.All(expectedRows, r => Assert.Null(r.Reconciliation)); // the synthetic source gives no platform figures

        // Defective orders are quarantined, counted, and only they: the direct run quarantines the same records.
        // The search for late changes to earlier orders meets the defective ones among them too, and quarantines them.
        var defects = _world.Stores.Sum(s => Enumerable.Range(0, 3).Sum(i => _world.Truth(s.Id, request.From.AddDays(i)).DefectiveOrders));
        var lateDefects = _world.Stores.Sum(s =>
        {
            var zone = KpiFunctions.Core.Calendar.StoreCalendar.ResolveZone(s.TimeZone);
            var (start, _) = KpiFunctions.Core.Calendar.StoreCalendar.DayBounds(request.From, zone);
            var (_, end) = KpiFunctions.Core.Calendar.StoreCalendar.DayBounds(request.To, zone);
            return Enumerable.Range(1, 10).SelectMany(i => _world.Day(s.Id, request.From.AddDays(-i)).Orders)
                .Count(o => FakeTikTokServer.ShowsBroken(o, s) && o.CreatedUtc < start && o.UpdatedUtc >= start && o.UpdatedUtc < end);
        });
        Assert.True(defects > 0);
        Assert.Equal(defects + lateDefects, apiRun.Tasks.Sum(t => t.Quarantined));

        // No planted personal data and no clear buyer id in any file the pipeline wrote.
        var clearIds = _world.Stores.SelectMany(s => Enumerable.Range(0, 3).SelectMany(i => _world.Day(s.Id, request.From.AddDays(i)).Orders)).Select(o => o.BuyerIdHash).ToHashSet();
        var files = Directory.GetFiles(Path.Combine(_dir.Path, "tiktok"), "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.Contains("raw", StringComparison.Ordinal) && f.EndsWith(".json.gz", StringComparison.Ordinal));
        foreach (var file in files)
        {
            var text = Readable(file);
            foreach (var planted in new[] { FakeTikTokServer.PlantedEmail, FakeTikTokServer.PlantedPhone, FakeTikTokServer.PlantedName })
            {
                Assert.False(text.Contains(planted, StringComparison.Ordinal), $"{planted} found in {file}");
            }

            Assert.DoesNotContain(clearIds, id => text.Contains(id, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_late_change_to_an_order_placed_before_the_window_corrects_the_day_it_was_placed()
    {
        // One world seen twice, three days apart: the first run fetches [A-3, A-1] at noon on A; by local midnight
        // after A+2 some of those days' orders were paid or cancelled. The second run fetches [A, A+2] only.
        var store = _world.Stores[0];
        var zone = KpiFunctions.Core.Calendar.StoreCalendar.ResolveZone(store.TimeZone);
        var a = new DateOnly(2026, 3, 12);
        var firstLook = KpiFunctions.Core.Calendar.StoreCalendar.DayBounds(a, zone).StartUtc.AddHours(12);
        var secondLook = KpiFunctions.Core.Calendar.StoreCalendar.DayBounds(a.AddDays(3), zone).StartUtc;
        var worldSalt = Encoding.UTF8.GetBytes("pipeline-world-salt-0123");
        var before = new SyntheticWorld(13, DemoStores.Create(3), firstLook, new BuyerIdHasher(worldSalt));
        var after = new SyntheticWorld(13, DemoStores.Create(3), secondLook, new BuyerIdHasher(worldSalt));
        var early = new RunRequest(a.AddDays(-3), a.AddDays(-1), [store.Id]);
        var options = new PipelineOptions { ResponseWindows = DemoStores.ResponseWindows, MaxAttempts = 1 };
        var hasher = new BuyerIdHasher(Encoding.UTF8.GetBytes("pipeline-run-salt-0123456"));
        var storage = KpiStorage.Embedded(Path.Combine(_dir.Path, "late"));
        var secrets = new FileSecretStore(Path.Combine(_dir.Path, "late-secrets"));

        async Task<RunSummary> RunAsync(SyntheticWorld world, DateTimeOffset now, RunRequest request, int seed)
        {
            await using var fake = await FakeTikTokServer.StartAsync(new FakeTikTokSetup(world, "app", "pipeline-secret"));
            await secrets.SetAsync(TikTokToken.SecretName(store.Id), fake.Authorize(store.Id).ToJson());
            var tiktok = new TikTokOptions { ApiBaseUri = fake.BaseUri, AuthBaseUri = fake.BaseUri, AppKey = "app", AppSecret = "pipeline-secret", FinanceLookbackDays = 5 };
            var source = new TikTokSource(new TikTokShopApi(new TikTokApiClient(new HttpClient(), tiktok, secrets), tiktok), hasher, new FixedTimeProvider(now));
            await DemoSetup.SeedAsync(storage, world, request.From, request.To);
            return await new LocalPipelineRunner(storage, source, new SyntheticFxSource(world), options, TimeProvider.System).RunAsync(request);
        }

        string[] compared = ["gmv", "orders", "buyers", "units", "cancellation_rate", "aov"];
        var first = await RunAsync(before, firstLook, early, 6);
        Assert.Equal(KpiFunctions.Pipeline.Runs.RunStatus.Completed, first.Header.Status);
        var asFirstSeen = await new KpiDailyRepository(storage.Tables, KpiCatalog.Default).QueryAsync(early.From, early.To, store.Id);

        var direct = KpiStorage.Embedded(Path.Combine(_dir.Path, "late-direct"));
        await DemoSetup.SeedAsync(direct, after, early.From, early.To);
        await new LocalPipelineRunner(direct, new SyntheticSource(after), new SyntheticFxSource(after), options, TimeProvider.System).RunAsync(early);
        var truth = (await new KpiDailyRepository(direct.Tables, KpiCatalog.Default).QueryAsync(early.From, early.To, store.Id)).ToDictionary(r => r.Date);

        // The world really changed those days after the first look, so the first rows are out of date.
        static bool Moved(Order x, Order y) => x.PaidUtc != y.PaidUtc || x.Status != y.Status && (x.Status == OrderStatus.Cancelled || y.Status == OrderStatus.Cancelled);
        var changedDays = Enumerable.Range(0, 3).Select(early.From.AddDays)
            .Where(d => after.Day(store.Id, d).Orders.Zip(before.Day(store.Id, d).Orders).Any(p => Moved(p.First, p.Second))).ToArray();
        Assert.NotEmpty(changedDays);
        Assert.Contains(asFirstSeen, r => compared.Any(id => r.Kpis[id].Value != truth[r.Date].Kpis[id].Value));

        var second = await RunAsync(after, secondLook, new RunRequest(a, a.AddDays(2), [store.Id]), 8);

        Assert.Equal(KpiFunctions.Pipeline.Runs.RunStatus.Completed, second.Header.Status);
        Assert.Contains($"late order changes or settled fees corrected earlier days of {store.Id} (from {changedDays[0]:yyyy-MM-dd})", second.Header.Output, StringComparison.Ordinal);
        var corrected = await new KpiDailyRepository(storage.Tables, KpiCatalog.Default).QueryAsync(early.From, early.To, store.Id);
        Assert.Equal(3, corrected.Count);
        foreach (var row in corrected)
        {
            foreach (var id in compared)
            {
                Assert.True(truth[row.Date].Kpis[id].Value == row.Kpis[id].Value, $"{id} on {row.Date}: generator {truth[row.Date].Kpis[id].Value}, after the late changes {row.Kpis[id].Value}");
            }
        }
    }

    [Fact]
    public async Task A_settlement_replaces_an_estimated_fee_corrects_the_day_it_was_placed_and_the_run_says_so()
    {
        // The first run sees one store-day's orders unsettled, their fees estimated 10 % high; ten days later every
        // order of the window has settled at its true fee, and a run of yesterday alone reads the settlements.
        var store = _world.Stores[0];
        var today = DateOnly.FromDateTime(_world.AsOf.UtcDateTime);
        var placed = today.AddDays(-3);
        var options = new PipelineOptions { ResponseWindows = DemoStores.ResponseWindows, MaxAttempts = 1 };
        var hasher = new BuyerIdHasher(Encoding.UTF8.GetBytes("pipeline-run-salt-0123456"));
        var storage = KpiStorage.Embedded(Path.Combine(_dir.Path, "fees"));
        var secrets = new FileSecretStore(Path.Combine(_dir.Path, "fees-secrets"));
        await secrets.SetAsync(TikTokToken.SecretName(store.Id), _fake.Authorize(store.Id).ToJson());
        var tiktok = new TikTokOptions { ApiBaseUri = _fake.BaseUri, AuthBaseUri = _fake.BaseUri, AppKey = "app", AppSecret = "pipeline-secret", FinanceLookbackDays = 14 };
        var api = new TikTokShopApi(new TikTokApiClient(new HttpClient(), tiktok, secrets), tiktok);
        var first = new RunRequest(placed, today.AddDays(-1), [store.Id]);
        await DemoSetup.SeedAsync(storage, _world, first.From, first.To);
        _fake.FeeEstimateDrift[(store.Id, placed)] = 0.1m;

        // The truth by hand: the world's fee of every GMV order of the day the feed does not spoil, and its estimate.
        var gmvOrders = _world.Day(store.Id, placed).Orders.Where(o => o.CountsAsGmv && !FakeTikTokServer.ShowsBroken(o, store)).ToList();
        var settledFees = gmvOrders.Sum(o => o.PlatformFee!.Value);
        var estimatedFees = gmvOrders.Sum(o => decimal.Round(o.PlatformFee!.Value * 1.1m, 2));
        Assert.NotEqual(settledFees, estimatedFees);

        var firstRun = await new LocalPipelineRunner(storage, new TikTokSource(api, hasher, new FixedTimeProvider(_world.AsOf)), new SyntheticFxSource(_world), options, TimeProvider.System).RunAsync(first);
        Assert.Equal(KpiFunctions.Pipeline.Runs.RunStatus.Completed, firstRun.Header.Status);
        var estimated = Assert.Single(await new KpiDailyRepository(storage.Tables, KpiCatalog.Default).QueryAsync(placed, placed, store.Id));
        Assert.Equal(estimatedFees, estimated.Measures["platform_fees"]);
        var curated = new KpiFunctions.Pipeline.Curated.CuratedStore(storage.Blobs);
        Assert.All((await curated.ReadAsync(KpiFunctions.Pipeline.Curated.CuratedTables.Orders, store.Id, placed))!.Where(o => o.CountsAsGmv), o => Assert.False(o.PlatformFeeSettled));

        // Ten days on: settled. One statement's total disagrees with its transactions.
        var later = _world.AsOf.AddDays(10);
        _fake.FinanceNow = later;
        var statementDay = DateOnly.FromDateTime((gmvOrders[0].PaidUtc!.Value + _fake.SettlementDelay).UtcDateTime).AddDays(1);
        _fake.StatementTotalDrift.Add((store.Id, statementDay));
        var second = new RunRequest(today.AddDays(-1), today.AddDays(-1), [store.Id]);
        var secondRun = await new LocalPipelineRunner(storage, new TikTokSource(api, hasher, new FixedTimeProvider(later)), new SyntheticFxSource(_world), options, TimeProvider.System).RunAsync(second);

        Assert.Equal(KpiFunctions.Pipeline.Runs.RunStatus.Completed, secondRun.Header.Status);
        var corrected = Assert.Single(await new KpiDailyRepository(storage.Tables, KpiCatalog.Default).QueryAsync(placed, placed, store.Id));
        Assert.Equal(settledFees, corrected.Measures["platform_fees"]);
        Assert.Contains("ads_daily", corrected.Kpis["gross_margin"].NullReason ?? "", StringComparison.Ordinal); // margin still waits for ad spend (issue 20)
        Assert.All((await curated.ReadAsync(KpiFunctions.Pipeline.Curated.CuratedTables.Orders, store.Id, placed))!.Where(o => o.CountsAsGmv), o => Assert.True(o.PlatformFeeSettled));
        var notes = string.Join("\n", secondRun.Tasks.Select(t => t.Notes));
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"platform fees of {gmvOrders.Count} order(s) settled, replacing their estimates: the day's platform fees went from {estimatedFees:0.00##} to {settledFees:0.00##} {store.Currency} (on {placed:yyyy-MM-dd})"), notes, StringComparison.Ordinal);
        Assert.Contains($"late order changes or settled fees corrected earlier days of {store.Id} (from {placed:yyyy-MM-dd})", secondRun.Header.Output, StringComparison.Ordinal);
        Assert.Contains($"statement st{statementDay:yyyyMMdd}", notes, StringComparison.Ordinal);
        Assert.Contains("a transaction may be missing", notes, StringComparison.Ordinal);
        Assert.Single(notes.Split('\n'), l => l.StartsWith("statement ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_gmv_max_fee_in_the_settlement_and_the_gmv_max_cost_in_the_ad_report_are_counted_once_as_ad_spend()
    {
        // The settlement charges the store-day's GMV Max cost order by order (gmv_max_ad_fee_amount) and the Business
        // API reports the same cost: platform fees leave it out, ad spend has it once. The store with the most campaigns
        // has classic ones beside GMV Max.
        var today = DateOnly.FromDateTime(_world.AsOf.UtcDateTime);
        var placed = today.AddDays(-3);
        var store = _world.Stores.OrderByDescending(s => _world.Day(s.Id, placed).Ads.Count).First();
        var options = new PipelineOptions { ResponseWindows = DemoStores.ResponseWindows, MaxAttempts = 1 };
        var hasher = new BuyerIdHasher(Encoding.UTF8.GetBytes("pipeline-run-salt-0123456"));
        var storage = KpiStorage.Embedded(Path.Combine(_dir.Path, "gmv-max"));
        var secrets = new FileSecretStore(Path.Combine(_dir.Path, "gmv-max-secrets"));
        await secrets.SetAsync(TikTokToken.SecretName(store.Id), _fake.Authorize(store.Id).ToJson());
        var tiktok = new TikTokOptions { ApiBaseUri = _fake.BaseUri, AuthBaseUri = _fake.BaseUri, AppKey = "app", AppSecret = "pipeline-secret", FinanceLookbackDays = 14 };
        var api = new TikTokShopApi(new TikTokApiClient(new HttpClient(), tiktok, secrets), tiktok);
        var request = new RunRequest(placed, placed, [store.Id]);
        await DemoSetup.SeedAsync(storage, _world, request.From, request.To);
        var later = _world.AsOf.AddDays(10);
        _fake.FinanceNow = later;
        _fake.GmvMaxFeeInSettlements = true;
        var source = new TikTokSource(api, hasher, new FixedTimeProvider(later)) { Ads = await AdsReaderAsync(secrets) };

        var day = _world.Day(store.Id, placed);
        var gmvOrders = day.Orders.Where(o => o.CountsAsGmv && !FakeTikTokServer.ShowsBroken(o, store)).ToList();
        var platformFees = gmvOrders.Sum(o => o.PlatformFee!.Value);
        var gmvMaxCost = day.Ads.Where(a => FakeAdvertiser.IsGmvMax(a.CampaignId)).Sum(a => a.Spend);
        var adSpend = day.Ads.Sum(a => a.Spend);
        Assert.True(gmvMaxCost > 0 && adSpend > gmvMaxCost, $"GMV Max {gmvMaxCost}, all ads {adSpend}");

        // The settlements really carry the fee: the day's orders' gmv_max_ad_fee_amount add up to the GMV Max cost.
        var pages = new List<KpiFunctions.Sources.RawPage>();
        await source.FetchFeesAsync(store, placed, placed, (page, _) =>
        {
            pages.Add(page);
            return Task.CompletedTask;
        });
        var dayOrders = gmvOrders.Select(o => o.OrderId).ToHashSet(StringComparer.Ordinal);
        var charged = pages.Where(p => p.Stream == "statement_transactions")
            .SelectMany(p => System.Text.Json.JsonDocument.Parse(p.Json).RootElement.GetProperty("transactions").EnumerateArray())
            .Where(t => t.TryGetProperty("order_id", out var id) && dayOrders.Contains(id.GetString()!))
            .DistinctBy(t => t.GetProperty("order_id").GetString())
            .Sum(t => -decimal.Parse(t.GetProperty("fee_tax_breakdown").GetProperty("fee").GetProperty("gmv_max_ad_fee_amount").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(gmvMaxCost, charged);

        var run = await new LocalPipelineRunner(storage, source, new SyntheticFxSource(_world), options, TimeProvider.System).RunAsync(request);

        Assert.Equal(KpiFunctions.Pipeline.Runs.RunStatus.Completed, run.Header.Status);
        var row = Assert.Single(await new KpiDailyRepository(storage.Tables, KpiCatalog.Default).QueryAsync(placed, placed, store.Id));
        Assert.Equal(platformFees, row.Measures["platform_fees"]);
        Assert.Equal(adSpend, row.Measures["ad_spend"]);
        Assert.Equal(adSpend, row.Kpis["ad_spend"].Value);
        Assert.NotNull(row.Kpis["gross_margin"].Value);
    }

    [Fact]
    public async Task A_store_whose_yesterday_is_after_the_windows_last_day_keeps_the_stock_read_now_for_when_that_day_is_fetched()
    {
        // At 02:00 UTC it is 10:00 in Singapore: its yesterday is a day after the last day a window bound by US stores reaches.
        var singapore = DemoStores.Create(9).Single(s => s.Id == "sg-main");
        var x = new DateOnly(2026, 3, 12);
        var now = new DateTimeOffset(x.ToDateTime(new TimeOnly(2, 0)), TimeSpan.Zero);
        var world = new SyntheticWorld(13, [singapore], now, new BuyerIdHasher(Encoding.UTF8.GetBytes("pipeline-world-salt-0123")));
        await using var fake = await FakeTikTokServer.StartAsync(new FakeTikTokSetup(world, "app", "pipeline-secret"));
        var secrets = new FileSecretStore(Path.Combine(_dir.Path, "sg-secrets"));
        await secrets.SetAsync(TikTokToken.SecretName(singapore.Id), fake.Authorize(singapore.Id).ToJson());
        var tiktok = new TikTokOptions { ApiBaseUri = fake.BaseUri, AuthBaseUri = fake.BaseUri, AppKey = "app", AppSecret = "pipeline-secret", FinanceLookbackDays = 5 };
        var api = new TikTokShopApi(new TikTokApiClient(new HttpClient(), tiktok, secrets), tiktok);
        var hasher = new BuyerIdHasher(Encoding.UTF8.GetBytes("pipeline-run-salt-0123456"));
        var storage = KpiStorage.Embedded(Path.Combine(_dir.Path, "sg"));
        var options = new PipelineOptions { ResponseWindows = DemoStores.ResponseWindows, MaxAttempts = 1 };

        var first = new RunRequest(x.AddDays(-3), x.AddDays(-2), [singapore.Id]);
        await DemoSetup.SeedAsync(storage, world, first.From, x);
        var run = await new LocalPipelineRunner(storage, new TikTokSource(api, hasher, new FixedTimeProvider(now)), new SyntheticFxSource(world), options, TimeProvider.System).RunAsync(first);
        Assert.Equal(KpiFunctions.Pipeline.Runs.RunStatus.Completed, run.Header.Status);
        Assert.True(await storage.Blobs.ExistsAsync(KpiFunctions.Pipeline.Curated.CuratedStore.PartitionPath("inventory_daily", singapore.Id, x.AddDays(-1))));

        // The next night fetches that day: it keeps the stock read the night before.
        var second = new RunRequest(x.AddDays(-1), x.AddDays(-1), [singapore.Id]);
        await new LocalPipelineRunner(storage, new TikTokSource(api, hasher, new FixedTimeProvider(now.AddDays(1))), new SyntheticFxSource(world), options, TimeProvider.System).RunAsync(second);
        var row = Assert.Single(await new KpiDailyRepository(storage.Tables, KpiCatalog.Default).QueryAsync(second.From, second.To, singapore.Id));
        Assert.Equal(world.Truth(singapore.Id, x.AddDays(-1)).UnitsOnHand, row.Measures["units_on_hand"]);
        Assert.NotNull(row.Kpis["inventory_days_of_cover"].Value);
    }

    [Fact]
    public async Task An_optional_dataset_that_cannot_be_read_is_not_fetched_with_the_error_and_the_store_completes()
    {
        var today = DateOnly.FromDateTime(_world.AsOf.UtcDateTime);
        var store = _world.Stores[0];
        var request = new RunRequest(today.AddDays(-2), today.AddDays(-2), [store.Id]);
        var secrets = new FileSecretStore(Path.Combine(_dir.Path, "secrets"));
        await secrets.SetAsync(TikTokToken.SecretName(store.Id), _fake.Authorize(store.Id).ToJson());
        _fake.Faults = new FakeFaults { DownPath = "/analytics/202509/shop_videos/performance" };
        var options = new TikTokOptions { ApiBaseUri = _fake.BaseUri, AuthBaseUri = _fake.BaseUri, AppKey = "app", AppSecret = "pipeline-secret", MaxAttempts = 2, BaseRetryDelay = TimeSpan.FromMilliseconds(10), FinanceLookbackDays = 5 };
        var api = new TikTokShopApi(new TikTokApiClient(new HttpClient(), options, secrets), options);
        var storage = KpiStorage.Embedded(Path.Combine(_dir.Path, "optional"));
        await DemoSetup.SeedAsync(storage, _world, request.From, request.To);

        var run = await new LocalPipelineRunner(storage, new TikTokSource(api, new BuyerIdHasher(Encoding.UTF8.GetBytes("pipeline-run-salt-0123456")), new FixedTimeProvider(_world.AsOf)),
            new SyntheticFxSource(_world), new PipelineOptions { ResponseWindows = DemoStores.ResponseWindows, MaxAttempts = 1 }, TimeProvider.System).RunAsync(request);

        Assert.Equal(KpiFunctions.Pipeline.Runs.RunStatus.Completed, run.Header.Status);
        var row = Assert.Single(await new KpiDailyRepository(storage.Tables, KpiCatalog.Default).QueryAsync(request.From, request.To, store.Id));
        Assert.NotNull(row.Kpis["gmv"].Value);
        Assert.NotNull(row.Kpis["avg_live_watch_time"].Value);
        Assert.Null(row.Measures["video_views"]);
        Assert.Contains("video performance", row.Kpis["gpm"].NullReason, StringComparison.Ordinal);
        Assert.Contains("could not be read", row.Kpis["gpm"].NullReason, StringComparison.Ordinal);

        // The run's ledger says what was not read, so the status shows it without opening the KPI rows.
        // One line per dataset, sorted: ads (no TikTok source yet), the day's stock (TikTok's is only as it is now), videos.
        var notes = Assert.Single(run.Tasks).Notes!.Split('\n');
        Assert.Equal(["ads_daily", "inventory_daily", "videos"], notes.Select(n => n.Split(' ')[0]));
        Assert.StartsWith($"videos not fetched on {request.From:yyyy-MM-dd}: ", notes[2], StringComparison.Ordinal);
        Assert.Contains("could not be read", notes[2], StringComparison.Ordinal);

        _fake.Faults = new FakeFaults { DownPath = "/product/202502/products/search" };
        var second = await new LocalPipelineRunner(storage, new TikTokSource(api, new BuyerIdHasher(Encoding.UTF8.GetBytes("pipeline-run-salt-0123456")), new FixedTimeProvider(_world.AsOf)),
            new SyntheticFxSource(_world), new PipelineOptions { ResponseWindows = DemoStores.ResponseWindows, MaxAttempts = 1 }, TimeProvider.System).RunAsync(request);
        Assert.Equal(KpiFunctions.Pipeline.Runs.RunStatus.Completed, second.Header.Status);
        Assert.Contains("products: not read, the products curated before stay: ", Assert.Single(second.Tasks).Notes, StringComparison.Ordinal);

        // Without the LIVE list the day's LIVE GMV is unknown with the error, not zero, and so is its GPM.
        Assert.NotNull(row.Kpis["live_gmv"].Value);
        _fake.Faults = new FakeFaults { DownPath = "/analytics/202509/shop_lives/performance" };
        var third = await new LocalPipelineRunner(storage, new TikTokSource(api, new BuyerIdHasher(Encoding.UTF8.GetBytes("pipeline-run-salt-0123456")), new FixedTimeProvider(_world.AsOf)),
            new SyntheticFxSource(_world), new PipelineOptions { ResponseWindows = DemoStores.ResponseWindows, MaxAttempts = 1 }, TimeProvider.System).RunAsync(request);
        Assert.Equal(KpiFunctions.Pipeline.Runs.RunStatus.Completed, third.Header.Status);
        var withoutLive = Assert.Single(await new KpiDailyRepository(storage.Tables, KpiCatalog.Default).QueryAsync(request.From, request.To, store.Id));
        foreach (var id in new[] { "live_gmv", "live_gpm" })
        {
            Assert.Null(withoutLive.Kpis[id].Value);
            Assert.Contains("LIVE performance", withoutLive.Kpis[id].NullReason, StringComparison.Ordinal);
            Assert.Contains("could not be read", withoutLive.Kpis[id].NullReason, StringComparison.Ordinal);
        }

        // Without the product list, or with it refused as a version the app may not use, or with a product that cannot be
        // read, the day's clicks and add-to-cart users are unknown with the endpoint, the day and why; the rest of the
        // day's traffic stands.
        Assert.NotNull(row.Kpis["ctr"].Value);
        Assert.NotNull(row.Kpis["add_to_cart_rate"].Value);
        var productNotes = "";
        async Task<KpiFunctions.Pipeline.Kpis.KpiDailyRow> WithProductFaultAsync(FakeFaults faults, long quarantined)
        {
            _fake.Faults = faults;
            var run = await new LocalPipelineRunner(storage, new TikTokSource(api, new BuyerIdHasher(Encoding.UTF8.GetBytes("pipeline-run-salt-0123456")), new FixedTimeProvider(_world.AsOf)),
                new SyntheticFxSource(_world), new PipelineOptions { ResponseWindows = DemoStores.ResponseWindows, MaxAttempts = 1 }, TimeProvider.System).RunAsync(request);
            Assert.Equal(KpiFunctions.Pipeline.Runs.RunStatus.Completed, run.Header.Status);
            Assert.Equal(quarantined, Assert.Single(run.Tasks).Quarantined);
            productNotes = Assert.Single(run.Tasks).Notes ?? "";
            var faulty = Assert.Single(await new KpiDailyRepository(storage.Tables, KpiCatalog.Default).QueryAsync(request.From, request.To, store.Id));
            Assert.Equal(row.Kpis["conversion_rate"].Value, faulty.Kpis["conversion_rate"].Value);
            Assert.Equal(row.Measures["impressions"], faulty.Measures["impressions"]);
            foreach (var id in new[] { "ctr", "add_to_cart_rate" })
            {
                Assert.Null(faulty.Kpis[id].Value);
                Assert.Contains($"/analytics/202605/shop_products/performance) for {request.From:yyyy-MM-dd}", faulty.Kpis[id].NullReason, StringComparison.Ordinal);
            }

            return faulty;
        }

        var defects = Assert.Single(third.Tasks).Quarantined;
        var down = await WithProductFaultAsync(new FakeFaults { DownPath = "/analytics/202605/shop_products/performance" }, defects);
        Assert.Contains("could not be read", down.Kpis["ctr"].NullReason, StringComparison.Ordinal);

        // With the list down the day's products are not fetched, with the reason: no partition, not an empty day.
        Assert.Contains($"product_daily not fetched on {request.From:yyyy-MM-dd}: ", productNotes, StringComparison.Ordinal);
        Assert.Null(await new KpiFunctions.Pipeline.Curated.CuratedStore(storage.Blobs).ReadAsync(KpiFunctions.Pipeline.Curated.CuratedTables.ProductDaily, store.Id, request.From));
        var refused = await WithProductFaultAsync(new FakeFaults { ProductVersionRefused = true }, defects);
        Assert.Contains("version the app may not use", refused.Kpis["add_to_cart_rate"].NullReason, StringComparison.Ordinal);
        var unreadable = new FakeFaults();
        unreadable.UnreadableProductTraffic.Add((store.Id, request.From));
        var spoiled = await WithProductFaultAsync(unreadable, defects + 1);
        Assert.Contains("could not be read (quarantined)", spoiled.Kpis["ctr"].NullReason, StringComparison.Ordinal);

        // The spoiled product is quarantined with its id and why; the day's other products are kept.
        var spoiledProduct = _world.ProductTraffic(store.Id, request.From)[0].ProductId;
        var productDays = await new KpiFunctions.Pipeline.Curated.CuratedStore(storage.Blobs).ReadAsync(KpiFunctions.Pipeline.Curated.CuratedTables.ProductDaily, store.Id, request.From);
        Assert.Equal(_world.ProductTraffic(store.Id, request.From).Skip(1).Select(p => p.ProductId), productDays!.Select(p => p.ProductId));
        await using (var quarantined = await storage.Blobs.OpenReadAsync($"quarantine/date={request.From:yyyy-MM-dd}/store={store.Id}/part-00000.jsonl.gz"))
        {
            using var gzip = new GZipStream(quarantined!, CompressionMode.Decompress);
            using var reader = new StreamReader(gzip);
            var entry = Assert.Single((await reader.ReadToEndAsync()).Split('\n'), l => l.Contains("\"product_daily\"", StringComparison.Ordinal));
            Assert.Contains($"\"{spoiledProduct}\"", entry, StringComparison.Ordinal);
            Assert.Contains("total_performance.product_clicks", entry, StringComparison.Ordinal);
            Assert.Contains("is not a whole non-negative number", entry, StringComparison.Ordinal);
        }

        // Without the cancellation search who cancelled is unknown with the error, not zero; the other cancellation figures stand.
        Assert.NotNull(row.Kpis["seller_cancellation_rate"].Value);
        _fake.Faults = new FakeFaults { DownPath = "/return_refund/202309/cancellations/search" };
        var fourth = await new LocalPipelineRunner(storage, new TikTokSource(api, new BuyerIdHasher(Encoding.UTF8.GetBytes("pipeline-run-salt-0123456")), new FixedTimeProvider(_world.AsOf)),
            new SyntheticFxSource(_world), new PipelineOptions { ResponseWindows = DemoStores.ResponseWindows, MaxAttempts = 1 }, TimeProvider.System).RunAsync(request);
        Assert.Equal(KpiFunctions.Pipeline.Runs.RunStatus.Completed, fourth.Header.Status);
        var withoutCancellations = Assert.Single(await new KpiDailyRepository(storage.Tables, KpiCatalog.Default).QueryAsync(request.From, request.To, store.Id));
        Assert.Null(withoutCancellations.Kpis["seller_cancellation_rate"].Value);
        Assert.Contains("cancellation search", withoutCancellations.Kpis["seller_cancellation_rate"].NullReason, StringComparison.Ordinal);
        Assert.Contains("could not be read", withoutCancellations.Kpis["seller_cancellation_rate"].NullReason, StringComparison.Ordinal);
        Assert.Equal(row.Kpis["cancellation_rate"].Value, withoutCancellations.Kpis["cancellation_rate"].Value);
        Assert.Contains("cancellations not fetched on", Assert.Single(fourth.Tasks).Notes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sessions_that_disagree_with_tiktoks_service_performance_are_noted_in_the_run_status_with_both_figures()
    {
        var today = DateOnly.FromDateTime(_world.AsOf.UtcDateTime);
        var store = _world.Stores[0];
        // A recent day with sessions (the world leaves a few days' service out), and the day before it.
        var drifted = Enumerable.Range(2, 30).Select(i => today.AddDays(-i)).First(d => _world.Day(store.Id, d).ServiceSessions.Count > 0);
        var request = new RunRequest(drifted.AddDays(-1), drifted, [store.Id]);
        var sessions = _world.Day(store.Id, drifted).ServiceSessions;
        var faults = new FakeFaults();
        faults.ServiceSessionCountDrift[(store.Id, drifted)] = 5;
        _fake.Faults = faults;

        var (run, storage) = await RunThroughTheFakeAsync("service-drift", request);

        Assert.Equal(KpiFunctions.Pipeline.Runs.RunStatus.Completed, run.Header.Status);
        var notes = Assert.Single(run.Tasks).Notes ?? "";
        var within24 = sessions.Count(s => s.FirstResponseSeconds <= 24 * 3600);
        var line = Assert.Single(notes.Split('\n'), n => n.Contains("service performance", StringComparison.Ordinal));
        Assert.StartsWith($"customer service of {store.Id} on {drifted:yyyy-MM-dd} differs from TikTok's service performance by more than 0.5 %: sessions {sessions.Count} vs {sessions.Count + 5}, answered within 24 h ", line, StringComparison.Ordinal);
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{decimal.Round(within24 * 100m / sessions.Count, 2)} % vs {decimal.Round(within24 * 100m / (sessions.Count + 5), 4)} %"), line, StringComparison.Ordinal);

        // The KPIs still come from the sessions: the platform's figure is only checked against.
        var row = (await new KpiDailyRepository(storage.Tables, KpiCatalog.Default).QueryAsync(drifted, drifted, store.Id)).Single();
        Assert.Equal(sessions.Count, row.Measures["chats"]);

        // Only the performance call down: the day's service figures stand, and the note says they were not reconciled.
        _fake.Faults = new FakeFaults { DownPath = "/customer_service/202407/performance" };
        var (down, downStorage) = await RunThroughTheFakeAsync("service-performance-down", request with { From = drifted });
        var downRow = Assert.Single(await new KpiDailyRepository(downStorage.Tables, KpiCatalog.Default).QueryAsync(drifted, drifted, store.Id));
        Assert.Equal(sessions.Count, downRow.Measures["chats"]);
        Assert.Contains($"customer service of {store.Id} on {drifted:yyyy-MM-dd} not reconciled with TikTok's service performance: it could not be read", Assert.Single(down.Tasks).Notes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_figures_are_unknown_with_the_reason_when_the_session_search_fails_or_the_day_is_older_than_90_days()
    {
        var today = DateOnly.FromDateTime(_world.AsOf.UtcDateTime);
        var store = _world.Stores[0];
        _fake.Faults = new FakeFaults { DownPath = "/customer_service/202602/sessions/search" };
        var recent = new RunRequest(today.AddDays(-2), today.AddDays(-2), [store.Id]);
        var (down, downStorage) = await RunThroughTheFakeAsync("sessions-down", recent);
        _fake.Faults = new FakeFaults();
        var old = new RunRequest(today.AddDays(-95), today.AddDays(-95), [store.Id]);
        var (oldRun, oldStorage) = await RunThroughTheFakeAsync("sessions-old", old);

        Assert.Equal(KpiFunctions.Pipeline.Runs.RunStatus.Completed, down.Header.Status);
        var row = Assert.Single(await new KpiDailyRepository(downStorage.Tables, KpiCatalog.Default).QueryAsync(recent.From, recent.To, store.Id));
        Assert.NotNull(row.Kpis["gmv"].Value);
        Assert.Null(row.Kpis["response_rate"].Value);
        Assert.Contains("customer service sessions", row.Kpis["response_rate"].NullReason, StringComparison.Ordinal);
        Assert.Contains("could not be read", row.Kpis["response_rate"].NullReason, StringComparison.Ordinal);
        Assert.Contains($"service_daily not fetched on {recent.From:yyyy-MM-dd}: ", Assert.Single(down.Tasks).Notes, StringComparison.Ordinal);

        Assert.Equal(KpiFunctions.Pipeline.Runs.RunStatus.Completed, oldRun.Header.Status);
        var oldRow = Assert.Single(await new KpiDailyRepository(oldStorage.Tables, KpiCatalog.Default).QueryAsync(old.From, old.To, store.Id));
        Assert.NotNull(oldRow.Kpis["gmv"].Value);
        Assert.Null(oldRow.Kpis["avg_first_response_time"].Value);
        Assert.Contains("90 days only", oldRow.Kpis["avg_first_response_time"].NullReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reviews_are_unknown_with_the_reason_when_product_ratings_are_down_broken_or_not_ready_and_the_chats_stand()
    {
        var today = DateOnly.FromDateTime(_world.AsOf.UtcDateTime);
        var store = _world.Stores[0];
        var day = Enumerable.Range(2, 30).Select(i => today.AddDays(-i)).First(d => _world.Day(store.Id, d).Service is { Chats: > 0, Reviews: > 0 });
        var request = new RunRequest(day, day, [store.Id]);
        var chats = _world.Day(store.Id, day).Service!.Chats;
        const string endpoint = "/analytics/202509/shop_products/{product_id}/performance";

        // Down for every product: the day's reviews are unknown with the endpoint and the error; its chats stand.
        _fake.Faults = new FakeFaults { DownPath = endpoint };
        var (down, downStorage) = await RunThroughTheFakeAsync("ratings-down", request);
        _fake.Faults = new FakeFaults();
        Assert.Equal(KpiFunctions.Pipeline.Runs.RunStatus.Completed, down.Header.Status);
        var row = Assert.Single(await new KpiDailyRepository(downStorage.Tables, KpiCatalog.Default).QueryAsync(day, day, store.Id));
        Assert.Equal(chats, row.Measures["chats"]);
        Assert.NotNull(row.Kpis["response_rate"].Value);
        Assert.Null(row.Measures["reviews"]);
        Assert.Null(row.Kpis["negative_review_rate"].Value);
        Assert.Contains(endpoint, row.Kpis["negative_review_rate"].NullReason, StringComparison.Ordinal);
        Assert.Contains("could not be read", row.Kpis["negative_review_rate"].NullReason, StringComparison.Ordinal);
        Assert.Contains($"service_daily.reviews not fetched on {day:yyyy-MM-dd}: ", Assert.Single(down.Tasks).Notes, StringComparison.Ordinal);

        // One product's answer broken: it is quarantined, and the day's reviews are unknown rather than short.
        _fake.BrokenRatings.Add((store.Id, day));
        var (broken, brokenStorage) = await RunThroughTheFakeAsync("ratings-broken", request);
        _fake.BrokenRatings.Clear();
        var brokenRow = Assert.Single(await new KpiDailyRepository(brokenStorage.Tables, KpiCatalog.Default).QueryAsync(day, day, store.Id));
        Assert.Equal(chats, brokenRow.Measures["chats"]);
        Assert.Null(brokenRow.Measures["negative_reviews"]);
        Assert.Contains("quarantined: rating 1_STAR count 'many'", brokenRow.Kpis["negative_review_rate"].NullReason, StringComparison.Ordinal);
        var defects = _world.Truth(store.Id, day).DefectiveOrders;
        Assert.True(Assert.Single(broken.Tasks).Quarantined > defects, $"quarantined {broken.Tasks[0].Quarantined}, defective orders {defects}");

        // A day the analytics have not got ready yet (the fake's latest is the day before as-of): the chats are read, the reviews wait.
        var secrets = new FileSecretStore(Path.Combine(_dir.Path, "ratings-ready-secrets"));
        var options = new TikTokOptions { ApiBaseUri = _fake.BaseUri, AuthBaseUri = _fake.BaseUri, AppKey = "app", AppSecret = "pipeline-secret" };
        var api = new TikTokShopApi(new TikTokApiClient(new HttpClient(), options, secrets), options);
        var source = new TikTokSource(api, new BuyerIdHasher(Encoding.UTF8.GetBytes("pipeline-run-salt-0123456")), new FixedTimeProvider(_world.AsOf));
        var (open, asOfDay) = _world.Stores.Select(s => (Store: s, Day: KpiFunctions.Core.Calendar.StoreCalendar.LocalDate(_world.AsOf, KpiFunctions.Core.Calendar.StoreCalendar.ResolveZone(s.TimeZone))))
            .First(x => _world.Day(x.Store.Id, x.Day).ServiceSessions.Any(c => c.CreatedUtc < _world.AsOf));
        await secrets.SetAsync(TikTokToken.SecretName(open.Id), _fake.Authorize(open.Id).ToJson());
        var batch = await source.FetchDayAsync(open, asOfDay);
        Assert.NotNull(batch.Service);
        Assert.Null(batch.Service.Reviews);
        Assert.Contains("is not ready yet", batch.NotFetched[TikTokSource.ReviewsNotFetched], StringComparison.Ordinal);
        Assert.Contains(endpoint, batch.NotFetched[TikTokSource.ReviewsNotFetched], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_store_fails_at_once_with_what_to_do_and_the_other_stores_complete()
    {
        var today = DateOnly.FromDateTime(_world.AsOf.UtcDateTime);
        var request = new RunRequest(today.AddDays(-2), today.AddDays(-2), [.. _world.Stores.Select(s => s.Id)]);
        var secrets = new FileSecretStore(Path.Combine(_dir.Path, "secrets"));
        foreach (var store in _world.Stores)
        {
            await secrets.SetAsync(TikTokToken.SecretName(store.Id), _fake.Authorize(store.Id).ToJson());
        }

        var revoked = _world.Stores[1].Id;
        _fake.Revoke(revoked);
        var options = new TikTokOptions { ApiBaseUri = _fake.BaseUri, AuthBaseUri = _fake.BaseUri, AppKey = "app", AppSecret = "pipeline-secret", FinanceLookbackDays = 5 };
        var api = new TikTokShopApi(new TikTokApiClient(new HttpClient(), options, secrets), options);
        var storage = KpiStorage.Embedded(Path.Combine(_dir.Path, "revoked"));
        await DemoSetup.SeedAsync(storage, _world, request.From, request.To);

        var run = await new LocalPipelineRunner(storage, new TikTokSource(api, new BuyerIdHasher(Encoding.UTF8.GetBytes("pipeline-run-salt-0123456")), TimeProvider.System),
            new SyntheticFxSource(_world), new PipelineOptions { ResponseWindows = DemoStores.ResponseWindows }, TimeProvider.System).RunAsync(request);

        var failed = Assert.Single(run.Tasks, t => t.Status == KpiFunctions.Pipeline.Runs.StoreTaskStatus.Failed);
        Assert.Equal(revoked, failed.StoreId);
        Assert.Equal(1, failed.Attempts);
        Assert.Contains("authorise the app again", failed.LastError, StringComparison.Ordinal);
        Assert.Equal(KpiFunctions.Pipeline.Runs.RunStatus.CompletedWithErrors, run.Header.Status);
        Assert.Contains(revoked, run.Header.Output, StringComparison.Ordinal);
        Assert.Equal(2, run.Tasks.Count(t => t.Status == KpiFunctions.Pipeline.Runs.StoreTaskStatus.Succeeded));
    }

    [Fact]
    public async Task Pages_are_stored_as_they_arrive_so_a_fetch_that_fails_half_way_keeps_what_it_received()
    {
        var today = DateOnly.FromDateTime(_world.AsOf.UtcDateTime);
        var store = _world.Stores[0];
        var request = new RunRequest(today.AddDays(-2), today.AddDays(-2), [store.Id]);
        var secrets = new FileSecretStore(Path.Combine(_dir.Path, "secrets"));
        await secrets.SetAsync(TikTokToken.SecretName(store.Id), _fake.Authorize(store.Id).ToJson());
        _fake.Faults = new FakeFaults { DownPath = "/return_refund/202309/returns/search" };
        var options = new TikTokOptions { ApiBaseUri = _fake.BaseUri, AuthBaseUri = _fake.BaseUri, AppKey = "app", AppSecret = "pipeline-secret", MaxAttempts = 2, BaseRetryDelay = TimeSpan.FromMilliseconds(10), FinanceLookbackDays = 5 };
        var api = new TikTokShopApi(new TikTokApiClient(new HttpClient(), options, secrets), options);
        var storage = KpiStorage.Embedded(Path.Combine(_dir.Path, "half"));
        await DemoSetup.SeedAsync(storage, _world, request.From, request.To);

        var run = await new LocalPipelineRunner(storage, new TikTokSource(api, new BuyerIdHasher(Encoding.UTF8.GetBytes("pipeline-run-salt-0123456")), TimeProvider.System),
            new SyntheticFxSource(_world), new PipelineOptions { ResponseWindows = DemoStores.ResponseWindows, MaxAttempts = 1 }, TimeProvider.System).RunAsync(request);

        var task = Assert.Single(run.Tasks);
        Assert.Equal(KpiFunctions.Pipeline.Runs.StoreTaskStatus.Failed, task.Status);
        Assert.Contains("returns/search", task.LastError, StringComparison.Ordinal);
        var raw = new List<string>();
        await foreach (var item in storage.Blobs.ListAsync($"raw/tiktok/orders/store={store.Id}/date={request.From:yyyy-MM-dd}/"))
        {
            raw.Add(item.Path);
        }

        Assert.NotEmpty(raw);
        Assert.False(await storage.Blobs.ExistsAsync(KpiFunctions.Pipeline.Curated.CuratedStore.PartitionPath("orders", store.Id, request.From)));
    }

    /// <summary>The pipeline over the TikTok source through the shared fake (its faults as set), into storage of its own.</summary>
    private async Task<(RunSummary Run, KpiStorage Storage)> RunThroughTheFakeAsync(string name, RunRequest request)
    {
        var secrets = new FileSecretStore(Path.Combine(_dir.Path, name + "-secrets"));
        foreach (var id in request.StoreIds ?? [])
        {
            await secrets.SetAsync(TikTokToken.SecretName(id), _fake.Authorize(id).ToJson());
        }

        var options = new TikTokOptions { ApiBaseUri = _fake.BaseUri, AuthBaseUri = _fake.BaseUri, AppKey = "app", AppSecret = "pipeline-secret", MaxAttempts = 2, BaseRetryDelay = TimeSpan.FromMilliseconds(10), FinanceLookbackDays = 5 };
        var api = new TikTokShopApi(new TikTokApiClient(new HttpClient(), options, secrets), options);
        var storage = KpiStorage.Embedded(Path.Combine(_dir.Path, name));
        await DemoSetup.SeedAsync(storage, _world, request.From, request.To);
        var run = await new LocalPipelineRunner(storage, new TikTokSource(api, new BuyerIdHasher(Encoding.UTF8.GetBytes("pipeline-run-salt-0123456")), new FixedTimeProvider(_world.AsOf)),
            new SyntheticFxSource(_world), new PipelineOptions { ResponseWindows = DemoStores.ResponseWindows, MaxAttempts = 1 }, TimeProvider.System).RunAsync(request);
        return (run, storage);
    }

    /// <summary>A file's bytes as text, gunzipped when it is gzip (raw pages, quarantine), so plain strings can be searched.</summary>
    private static string Readable(string file)
    {
        var bytes = File.ReadAllBytes(file);
        if (bytes.Length > 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            gzip.CopyTo(plain);
            bytes = plain.ToArray();
        }

        return Encoding.UTF8.GetString(bytes);
    }
}
