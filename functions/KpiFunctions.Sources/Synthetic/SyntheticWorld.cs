using System.Collections.Concurrent;
using System.Globalization;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Fx;
using KpiFunctions.Core.Privacy;

namespace KpiFunctions.Sources.Synthetic;

/// <summary>
/// A deterministic world of stores as seen at <see cref="AsOf"/>: every store-day is generated from the seed, the
/// store id and the date alone, so any day can be fetched in any order and comes out the same. While it generates,
/// the world keeps its own totals per store-day (<see cref="StoreDayTruth"/>).
/// </summary>
public sealed partial class SyntheticWorld
{
    /// <summary>Most days between an order and the completion of a refund on it.</summary>
    public const int MaxRefundLagDays = 15;

    private readonly int _seed;
    private readonly BuyerIdHasher _hasher;
    private readonly Dictionary<string, StoreProfile> _profiles;
    private readonly ConcurrentDictionary<(string Store, DateOnly Date), Lazy<SyntheticDay>> _days = new();
    private readonly ConcurrentDictionary<(string Store, DateOnly Date), StoreDayTruth> _truth = new();
    private readonly ConcurrentDictionary<(string Store, DateOnly Date), ConcurrentBag<Refund>> _refunds = new();

    /// <summary>Creates a world of the given stores as of an instant.</summary>
    public SyntheticWorld(int seed, IReadOnlyList<Store> stores, DateTimeOffset asOf, BuyerIdHasher hasher)
    {
        ArgumentNullException.ThrowIfNull(stores);
        ArgumentNullException.ThrowIfNull(hasher);
        _seed = seed;
        _hasher = hasher;
        AsOf = asOf.ToUniversalTime();
        _profiles = new Dictionary<string, StoreProfile>(StringComparer.Ordinal);
        foreach (var store in stores)
        {
            _profiles[store.Id] = new StoreProfile(seed, store, StoreCalendar.ResolveZone(store.TimeZone));
        }

        Stores = stores;
    }

    /// <summary>The instant the world is seen at: nothing after it has happened.</summary>
    public DateTimeOffset AsOf { get; }

    /// <summary>The world's stores.</summary>
    public IReadOnlyList<Store> Stores { get; }

    /// <summary>The records of a store-day (generated once, then cached).</summary>
    public SyntheticDay Day(string storeId, DateOnly date) =>
        _days.GetOrAdd((storeId, date), key => new Lazy<SyntheticDay>(() => Generate(Profile(key.Store), key.Date))).Value;

    /// <summary>
    /// Drops everything the world keeps of a store (its generated days, the refunds they scheduled and its totals), so
    /// a run's memory does not grow with every store it has fetched. Asked again, the world generates them anew, the
    /// same (every day comes from the seed, the store and the date), totals included. Not while the store is being
    /// read: the synthetic source calls it once a store's fetch is done.
    /// </summary>
    public void Forget(string storeId)
    {
        foreach (var key in _days.Keys.Where(k => k.Store == storeId).ToList())
        {
            _days.TryRemove(key, out _);
        }

        foreach (var key in _refunds.Keys.Where(k => k.Store == storeId).ToList())
        {
            _refunds.TryRemove(key, out _);
        }

        foreach (var key in _truth.Keys.Where(k => k.Store == storeId).ToList())
        {
            _truth.TryRemove(key, out _);
        }
    }

    /// <summary>Refunds completed on a store-local day; they come from orders of up to <see cref="MaxRefundLagDays"/> days before.</summary>
    public IReadOnlyList<Refund> RefundsCompletedOn(string storeId, DateOnly date)
    {
        EnsureRefundSources(storeId, date);
        return _refunds.TryGetValue((storeId, date), out var bag)
            ? [.. bag.OrderBy(r => r.RefundId, StringComparer.Ordinal)]
            : [];
    }

    /// <summary>The generator's own totals for a store-day.</summary>
    public StoreDayTruth Truth(string storeId, DateOnly date)
    {
        _ = Day(storeId, date);
        EnsureRefundSources(storeId, date);
        return TruthSlot(storeId, date);
    }

    private void EnsureRefundSources(string storeId, DateOnly date)
    {
        for (var d = date.AddDays(-MaxRefundLagDays); d <= date; d = d.AddDays(1))
        {
            _ = Day(storeId, d);
        }
    }

    private StoreProfile Profile(string storeId) =>
        _profiles.TryGetValue(storeId, out var p) ? p : throw new ArgumentException($"Store '{storeId}' is not in this synthetic world.", nameof(storeId));

    private StoreDayTruth TruthSlot(string storeId, DateOnly date) => _truth.GetOrAdd((storeId, date), _ => new StoreDayTruth());

    private SyntheticDay Generate(StoreProfile profile, DateOnly date)
    {
        var rng = StableRandom.For(_seed, profile.Key, date.DayNumber, 2);
        var (startUtc, endUtc) = StoreCalendar.DayBounds(date, profile.Zone);
        var truth = TruthSlot(profile.Store.Id, date);
        lock (truth)
        {
            var sessions = GenerateLive(profile, date, rng, startUtc, endUtc);
            // Cancellations draw from a stream of their own, so adding them moved no other draw of the day.
            var cancellations = new List<Cancellation>();
            var orders = GenerateOrders(profile, date, rng, startUtc, endUtc, sessions.Count > 0, truth, StableRandom.For(_seed, profile.Key, date.DayNumber, 7), cancellations);
            var live = WithProductClicks(FinishLive(profile, sessions, truth), StableRandom.For(_seed, profile.Key, date.DayNumber, 10));
            var traffic = GenerateTraffic(profile, date, rng, truth);
            var videos = GenerateVideos(profile, date, rng, truth);
            var ads = GenerateAds(profile, date, rng, truth);
            var (service, serviceSessions) = GenerateService(profile, date, rng, orders.Count, startUtc, endUtc, truth);
            var inventory = GenerateInventory(profile, date, rng, truth);
            return new SyntheticDay(orders, traffic, live, videos, ads, service, inventory, serviceSessions, cancellations);
        }
    }

    /// <summary>Daily volume factor: weekly rhythm and promotion days (double dates, payday, month end).</summary>
    internal static double DemandFactor(DateOnly date)
    {
        var weekday = date.DayOfWeek switch
        {
            DayOfWeek.Saturday => 1.2,
            DayOfWeek.Sunday => 1.25,
            DayOfWeek.Monday => 0.9,
            _ => 1.0,
        };
        var promo = date.Day == date.Month ? 3.0 : date.Day == 25 ? 1.5 : 1.0;
        return weekday * promo;
    }

    private static string Id(string prefix, long key, DateOnly date, int n) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}{(ulong)key % 100000:D5}{date.DayNumber:D7}{n:D5}");

    /// <summary>A whole-second instant in [start, end): the sources report Unix seconds.</summary>
    private static DateTimeOffset Between(Random rng, DateTimeOffset start, DateTimeOffset end) =>
        start.AddSeconds(Math.Floor(rng.NextDouble() * (end - start).TotalSeconds));

    private static decimal Noise(Random rng, double spread) => (decimal)(1 - spread + (rng.NextDouble() * 2 * spread));

    internal static FxRate RateOn(int seed, string currency, string reporting, DateOnly date)
    {
        var c = UsdPerUnitOn(seed, currency, date);
        var r = UsdPerUnitOn(seed, reporting, date);
        return new FxRate(currency, date, decimal.Round(c / r, 12, MidpointRounding.ToEven));
    }

    private static decimal UsdPerUnitOn(int seed, string currency, DateOnly date)
    {
        if (currency == "USD")
        {
            return 1m;
        }

        var rng = StableRandom.For(seed, StableRandom.Fnv(currency), date.DayNumber, 3);
        var wave = Math.Sin((date.DayNumber / 9.0) + (StableRandom.Fnv(currency) % 7));
        return Currencies.UsdPerUnit(currency) * (decimal)(1 + (0.02 * wave) + (0.004 * (rng.NextDouble() - 0.5)));
    }
}
