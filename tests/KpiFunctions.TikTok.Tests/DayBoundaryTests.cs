using System.Text;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Core.Privacy;
using KpiFunctions.Local;
using KpiFunctions.Pipeline;
using KpiFunctions.Pipeline.Demo;
using KpiFunctions.Pipeline.Kpis;
using KpiFunctions.Pipeline.Registry;
using KpiFunctions.Pipeline.Steps;
using KpiFunctions.Secrets;
using KpiFunctions.Sources.Synthetic;
using KpiFunctions.Tests.Shared;
using KpiFunctions.TikTok.Fake;

namespace KpiFunctions.TikTok.Tests;

/// <summary>
/// Whose day a daily figure is on, across the end of US daylight saving (1 November 2026, 02:00 in Los Angeles).
/// The fake reports shop performance on a fixed UTC−8 day, as TikTok documents for its Compass export. A US store kept
/// on America/Los_Angeles disagrees with it on the summer days (its day starts an hour earlier); the same store set
/// to the platform's day (Etc/GMT+8, which is UTC−8) reconciles with it on every day, on both sides of the change.
/// </summary>
public sealed class DayBoundaryTests : IAsyncLifetime
{
    private static readonly DateOnly LastSummerDay = new(2026, 10, 31);
    private readonly TempDirectory _dir = new();
    private SyntheticWorld _world = null!;
    private FakeTikTokServer _fake = null!;

    public async Task InitializeAsync()
    {
        var stores = DemoStores.Create(2).Where(s => s.TimeZone == "America/Los_Angeles").ToList();
        _world = new SyntheticWorld(13, stores, new DateTimeOffset(2026, 11, 4, 12, 0, 0, TimeSpan.Zero), new BuyerIdHasher(Encoding.UTF8.GetBytes("day-boundary-world-salt")));
        _fake = await FakeTikTokServer.StartAsync(new FakeTikTokSetup(_world, "app", "day-secret")
        {
            PlatformDayOffsets = new Dictionary<string, TimeSpan> { ["US"] = TimeSpan.FromHours(-8) },
        });
    }

    public async Task DisposeAsync()
    {
        await _fake.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_store_on_the_platforms_fixed_day_reconciles_its_gmv_on_both_sides_of_a_daylight_saving_change()
    {
        var store = Assert.Single(_world.Stores);
        // The 29th is fetched only so the 30th can be compared (its orders may be paid on the 30th).
        var request = new RunRequest(new DateOnly(2026, 10, 29), new DateOnly(2026, 11, 3), [store.Id]);

        var civil = await RunAsync("civil", store.TimeZone, request);
        var platform = await RunAsync("platform", "Etc/GMT+8", request);

        foreach (var date in Days(request.From.AddDays(1), request.To))
        {
            var onPlatformDay = platform[date].Reconciliation;
            Assert.NotNull(onPlatformDay);
            Assert.True(onPlatformDay.PipelineGmv == onPlatformDay.PlatformGmv && onPlatformDay.PipelineOrders == onPlatformDay.PlatformOrders,
                $"{date} on the platform's day: pipeline GMV {onPlatformDay.PipelineGmv} ({onPlatformDay.PipelineOrders} orders), platform {onPlatformDay.PlatformGmv} ({onPlatformDay.PlatformOrders})");
            Assert.False(onPlatformDay.Flagged, onPlatformDay.Note);

            // On Los Angeles days the winter ones (after the 1st, a 25-hour day) agree too: PST is UTC−8.
            var onCivilDay = civil[date].Reconciliation;
            Assert.NotNull(onCivilDay);
            if (date > LastSummerDay.AddDays(1))
            {
                Assert.Equal(onCivilDay.PlatformGmv, onCivilDay.PipelineGmv);
            }
        }

        // On the summer days the store's day begins an hour before the platform's: GMV paid in that hour lands a day
        // apart, so at least one day does not reconcile, and the run says it differs from the platform.
        var summer = Days(request.From.AddDays(1), LastSummerDay.AddDays(1)).Select(d => civil[d].Reconciliation!).ToList();
        Assert.Contains(summer, r => r.PipelineGmv != r.PlatformGmv);

        // The platform's GMV for a day does not depend on the store's setting; only the pipeline's day moves.
        Assert.All(Days(request.From.AddDays(1), request.To), d => Assert.Equal(platform[d].Reconciliation!.PlatformGmv, civil[d].Reconciliation!.PlatformGmv));

        // Across the change no order is lost or counted twice: the platform-day run holds exactly the orders placed
        // in its window, the civil run those of its own, which begins an hour earlier (29 October, 07:00 UTC, in PDT).
        var civilIds = await OrderIdsAsync("civil", request);
        var platformIds = await OrderIdsAsync("platform", request);
        var civilStart = new DateTimeOffset(2026, 10, 29, 7, 0, 0, TimeSpan.Zero);
        var firstHour = _world.Day(store.Id, request.From).Orders.Where(o => o.CreatedUtc < civilStart.AddHours(1)).Select(o => o.OrderId).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(firstHour);
        Assert.Equal(civilIds.Order(StringComparer.Ordinal), platformIds.Concat(firstHour.Where(civilIds.Contains)).Order(StringComparer.Ordinal));
        Assert.Equal(civilIds.Count, civilIds.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(platformIds.Count, platformIds.Distinct(StringComparer.Ordinal).Count());
    }

    private async Task<List<string>> OrderIdsAsync(string name, RunRequest request)
    {
        var curated = new KpiFunctions.Pipeline.Curated.CuratedStore(KpiStorage.Embedded(Path.Combine(_dir.Path, name)).Blobs);
        var ids = new List<string>();
        foreach (var date in Days(request.From, request.To))
        {
            ids.AddRange((await curated.ReadAsync(KpiFunctions.Pipeline.Curated.CuratedTables.Orders, request.StoreIds![0], date) ?? []).Select(o => o.OrderId));
        }

        return ids;
    }

    private async Task<Dictionary<DateOnly, KpiDailyRow>> RunAsync(string name, string timeZone, RunRequest request)
    {
        var storage = KpiStorage.Embedded(Path.Combine(_dir.Path, name));
        await DemoSetup.SeedAsync(storage, _world, request.From, request.To);
        await new StoreRegistry(storage.Tables).ImportAsync([_world.Stores[0] with { TimeZone = timeZone }]);

        var secrets = new FileSecretStore(Path.Combine(_dir.Path, name + "-secrets"));
        await secrets.SetAsync(TikTokToken.SecretName(_world.Stores[0].Id), _fake.Authorize(_world.Stores[0].Id).ToJson());
        var options = new TikTokOptions
        {
            ApiBaseUri = _fake.BaseUri,
            AuthBaseUri = _fake.BaseUri,
            AppKey = "app",
            AppSecret = "day-secret",
            BaseRetryDelay = TimeSpan.FromMilliseconds(20),
            MaxRetryDelay = TimeSpan.FromMilliseconds(200),
            AppRequestsPerSecond = 500,
            ShopRequestsPerSecond = 200,
            FinanceLookbackDays = 5,
        };
        var api = new TikTokShopApi(new TikTokApiClient(new HttpClient(), options, secrets), options);
        var hasher = new BuyerIdHasher(Encoding.UTF8.GetBytes("day-boundary-run-salt-01"));
        var run = await new LocalPipelineRunner(storage, new TikTokSource(api, hasher, new FixedTimeProvider(_world.AsOf)), new SyntheticFxSource(_world), new PipelineOptions { MaxAttempts = 1 }, TimeProvider.System).RunAsync(request);
        Assert.True(run.Header.Status == KpiFunctions.Pipeline.Runs.RunStatus.Completed,
            $"{name}: {run.Header.Status} {string.Join("; ", run.Tasks.Select(t => $"{t.StoreId}: {t.Status} {t.LastError}"))}");
        var rows = await new KpiDailyRepository(storage.Tables, KpiCatalog.Default).QueryAsync(request.From, request.To, _world.Stores[0].Id);
        return rows.ToDictionary(r => r.Date);
    }

    private static IEnumerable<DateOnly> Days(DateOnly from, DateOnly to)
    {
        for (var d = from; d <= to; d = d.AddDays(1))
        {
            yield return d;
        }
    }
}
