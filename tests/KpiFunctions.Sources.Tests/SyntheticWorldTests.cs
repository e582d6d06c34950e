using System.Text;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Privacy;
using KpiFunctions.Core.Validation;
using KpiFunctions.Sources.Synthetic;

namespace KpiFunctions.Sources.Tests;

public class SyntheticWorldTests
{
    private static readonly DateTimeOffset AsOf = new(2026, 11, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly BuyerIdHasher Hasher = new(Encoding.UTF8.GetBytes("test-salt-0123456789"));

    private static SyntheticWorld World(int seed = 7, int stores = 12, DateTimeOffset? asOf = null) =>
        new(seed, DemoStores.Create(stores), asOf ?? AsOf, Hasher);

    [Fact]
    public void A_forgotten_store_is_dropped_and_comes_back_the_same_totals_and_refunds_included_while_other_stores_stay()
    {
        var world = World(stores: 2);
        var (forgotten, kept) = (world.Stores[0].Id, world.Stores[1].Id);
        var date = new DateOnly(2026, 10, 20);
        var before = world.Day(forgotten, date);
        var truth = world.Truth(forgotten, date);
        var (gmv, refunds, returns, buyers) = (truth.Gmv, truth.RefundAmount, truth.Returns, truth.Buyers.Count);
        var refundIds = world.RefundsCompletedOn(forgotten, date).Select(r => r.RefundId).ToList();
        var other = world.Day(kept, date);
        Assert.True(refunds > 0 && refundIds.Count > 0, "the day has refunds from earlier days' orders");

        world.Forget(forgotten);

        var after = world.Day(forgotten, date);
        Assert.NotSame(before, after); // the store's days were dropped, not kept
        Assert.Same(other, world.Day(kept, date)); // the other store's were kept
        Assert.Equal(before.Orders.Select(o => o.OrderId), after.Orders.Select(o => o.OrderId));
        Assert.Equal(refundIds, world.RefundsCompletedOn(forgotten, date).Select(r => r.RefundId));
        var again = world.Truth(forgotten, date);
        Assert.Equal((gmv, refunds, returns, buyers), (again.Gmv, again.RefundAmount, again.Returns, again.Buyers.Count)); // counted once, not twice
    }

    [Fact]
    public void Every_cancelled_order_has_one_cancellation_saying_who_and_why_and_the_sellers_count_matches_the_truth()
    {
        var world = World(stores: 4);
        var sellerCancelled = 0;
        var withdrawn = 0;
        foreach (var store in world.Stores)
        {
            for (var date = new DateOnly(2026, 10, 1); date <= new DateOnly(2026, 10, 31); date = date.AddDays(1))
            {
                var day = world.Day(store.Id, date);
                var byOrder = day.Cancellations.ToLookup(c => c.OrderId, StringComparer.Ordinal);
                Assert.All(day.Orders.Where(o => o.Status == OrderStatus.Cancelled), o => Assert.Single(byOrder[o.OrderId], c => c.InEffect));
                Assert.All(day.Cancellations, c => Assert.Empty(RecordValidator.Validate(c, store)));
                Assert.All(day.Orders.Where(o => o.PaidUtc is null && o.Status == OrderStatus.Cancelled), o => Assert.Equal(CancellationRole.System, byOrder[o.OrderId].Single().Role));
                var good = day.Orders.Where(o => o.Status == OrderStatus.Cancelled && o.PaidUtc is not null && !o.IsSampleOrTest && RecordValidator.Validate(o, store).Count == 0);
                Assert.Equal(world.Truth(store.Id, date).SellerCancelledOrders, good.Count(o => byOrder[o.OrderId].Single().Role == CancellationRole.Seller));
                sellerCancelled += world.Truth(store.Id, date).SellerCancelledOrders;
                withdrawn += day.Cancellations.Count(c => c.Status == CancellationStatus.Withdrawn);
            }
        }

        Assert.True(sellerCancelled > 0 && withdrawn > 0, $"{sellerCancelled} seller cancellations, {withdrawn} withdrawn requests");
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_bytes_whatever_order_days_are_fetched_in()
    {
        var a = new SyntheticSource(World());
        var b = new SyntheticSource(World());
        var store = a.World.Stores[0];
        var days = Enumerable.Range(0, 6).Select(i => new DateOnly(2026, 10, 20).AddDays(i)).ToArray();

        var forward = new List<byte[]>();
        foreach (var day in days)
        {
            forward.AddRange((await a.FetchDayAsync(store, day)).RawPages.Select(p => p.Json.ToArray()));
        }

        var backward = new Dictionary<DateOnly, byte[][]>();
        foreach (var day in days.Reverse())
        {
            backward[day] = [.. (await b.FetchDayAsync(store, day)).RawPages.Select(p => p.Json.ToArray())];
        }

        Assert.Equal(forward, days.SelectMany(d => backward[d]));
    }

    [Fact]
    public void Another_seed_gives_another_world()
    {
        var day = new DateOnly(2026, 10, 20);

        Assert.NotEqual(World(1).Truth("uk-main", day).Gmv, World(2).Truth("uk-main", day).Gmv);
    }

    [Fact]
    public void Twelve_demo_stores_span_eleven_countries_and_tens_to_thousands_of_orders_a_day()
    {
        var world = World();
        var day = new DateOnly(2026, 10, 21);
        var orders = world.Stores.ToDictionary(s => s.Id, s => world.Day(s.Id, day).Orders.Count);

        Assert.Equal(11, world.Stores.Select(s => s.Country).Distinct().Count());
        Assert.Equal(11, world.Stores.Select(s => s.Currency).Distinct().Count());
        Assert.InRange(orders.Values.Min(), 10, 99);
        Assert.InRange(orders.Values.Max(), 1000, 5000);
    }

    [Fact]
    public void Promotion_days_and_weekends_sell_more_than_ordinary_weekdays()
    {
        var world = World();
        int Orders(DateOnly d) => world.Day("us-west", d).Orders.Count;

        Assert.True(Orders(new DateOnly(2026, 10, 10)) > 2 * Orders(new DateOnly(2026, 10, 14)), "10.10 is a promotion day");
        Assert.True(Orders(new DateOnly(2026, 10, 18)) > Orders(new DateOnly(2026, 10, 14)), "Sunday beats Wednesday");
    }

    [Fact]
    public void The_days_live_sessions_report_exactly_the_live_gmv_of_the_truth_and_live_orders_need_a_session()
    {
        var world = World();
        var days = Enumerable.Range(0, 14).Select(i => new DateOnly(2026, 10, 19).AddDays(i)).ToArray();
        var withSessions = 0;
        var withoutSessions = 0;

        foreach (var store in world.Stores)
        {
            foreach (var day in days)
            {
                var records = world.Day(store.Id, day);
                var truth = world.Truth(store.Id, day);
                Assert.Equal(truth.LiveGmv, records.LiveSessions.Sum(s => s.Gmv));
                Assert.All(records.LiveSessions, s => Assert.True(s.Gmv >= 0, $"session {s.SessionId} reports {s.Gmv}"));
                if (records.LiveSessions.Count == 0)
                {
                    withoutSessions++;
                    Assert.DoesNotContain(records.Orders, o => o.Channel == SalesChannel.Live);
                }
                else
                {
                    withSessions += truth.LiveGmv > 0 ? 1 : 0;
                }
            }
        }

        Assert.True(withSessions > 0 && withoutSessions > 0, $"{withSessions} days with LIVE GMV, {withoutSessions} without a session");
    }

    [Fact]
    public async Task The_source_gives_each_products_day_and_the_content_of_every_affiliate_order_from_a_stream_that_moves_nothing_else()
    {
        var world = World(stores: 3);
        var untouched = World(stores: 3);
        var source = new SyntheticSource(world);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var store in world.Stores)
        {
            for (var date = new DateOnly(2026, 10, 20); date <= new DateOnly(2026, 10, 26); date = date.AddDays(1))
            {
                var batch = await source.FetchDayAsync(store, date);

                Assert.Equal(world.ProductTraffic(store.Id, date).Select(t => (t.ProductId, (long?)t.Impressions, t.Clicks, t.AddToCartUsers, (decimal?)t.Gmv, (long?)t.Orders, (long?)t.UnitsSold)),
                    batch.ProductDays.Select(d => (d.ProductId, d.Impressions, d.Clicks, d.AddToCartUsers, d.Gmv, d.Orders, d.UnitsSold)));
                Assert.All(batch.ProductDays, d => Assert.Empty(RecordValidator.Validate(d, store)));
                Assert.Equal(batch.Orders.Where(o => o.Channel == SalesChannel.Affiliate).Select(o => o.OrderId).Order(StringComparer.Ordinal), batch.AffiliateContent.Keys.Order(StringComparer.Ordinal));
                seen.UnionWith(batch.AffiliateContent.Values);
                Assert.Equal(System.Text.Json.JsonSerializer.Serialize(untouched.Day(store.Id, date).Orders), System.Text.Json.JsonSerializer.Serialize(batch.Orders));
            }
        }

        Assert.Equal(["LIVE", "SHOWCASE", "VIDEO"], seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_days_products_split_the_shops_traffic_exactly_and_leave_every_other_figure_as_it_was()
    {
        var world = World();
        var untouched = World();
        var days = Enumerable.Range(0, 14).Select(i => new DateOnly(2026, 10, 19).AddDays(i)).ToArray();
        var withoutTraffic = 0;

        foreach (var store in world.Stores)
        {
            foreach (var day in days)
            {
                var products = world.ProductTraffic(store.Id, day);
                if (world.Day(store.Id, day).Traffic is not { } shop)
                {
                    Assert.Empty(products);
                    withoutTraffic++;
                    continue;
                }

                Assert.Equal(world.Products(store.Id).Select(p => p.ProductId).Distinct().Order(StringComparer.Ordinal), products.Select(p => p.ProductId));
                Assert.Equal(shop.Impressions, products.Sum(p => p.Impressions));
                Assert.Equal(shop.ProductClicks, products.Sum(p => p.Clicks));
                Assert.Equal(shop.AddToCartUsers, products.Sum(p => p.AddToCartUsers));
                Assert.All(products, p => Assert.True(p.Clicks <= p.Impressions && p.AddToCartUsers <= p.AddToCartCount, $"{p.ProductId} on {day}: {p}"));
                Assert.Equal(world.Truth(store.Id, day).SkuGmv.Values.Sum(), products.Sum(p => p.Gmv));
                Assert.Equal(world.Truth(store.Id, day).Units, products.Sum(p => p.UnitsSold));
                Assert.All(products, p => Assert.True(p.Orders <= p.UnitsSold && (p.Orders > 0) == (p.Gmv > 0), $"{p.ProductId} on {day}: {p}"));

                // A stream of its own: the world whose products were never asked for has the same day, draw for draw.
                Assert.Equal(untouched.Day(store.Id, day).Traffic, shop);
                Assert.Equal(untouched.Day(store.Id, day).Inventory, world.Day(store.Id, day).Inventory);
            }
        }

        Assert.Equal(World().ProductTraffic(world.Stores[0].Id, days[0]), world.ProductTraffic(world.Stores[0].Id, days[0])); // the same seed, the same split
        Assert.True(withoutTraffic < world.Stores.Count * days.Length);
    }

    [Fact]
    public void The_days_product_ratings_split_its_reviews_exactly_negative_ones_to_1_or_2_stars_over_every_product()
    {
        var world = World();
        var days = Enumerable.Range(0, 14).Select(i => new DateOnly(2026, 10, 19).AddDays(i)).ToArray();
        var rated = 0;

        foreach (var store in world.Stores)
        {
            var products = world.Products(store.Id).Select(p => p.ProductId).Distinct().Order(StringComparer.Ordinal);
            foreach (var day in days)
            {
                var ratings = world.Ratings(store.Id, day);
                var truth = world.Truth(store.Id, day);
                if (!truth.HasService)
                {
                    Assert.Empty(ratings);
                    continue;
                }

                Assert.Equal(products, ratings.Select(r => r.ProductId));
                Assert.Equal(truth.Reviews, ratings.Sum(r => r.Total));
                Assert.Equal(truth.NegativeReviews, ratings.Sum(r => r.Negative));
                Assert.Equal(world.Day(store.Id, day).Service!.Reviews, ratings.Sum(r => r.Total));
                rated += ratings.Sum(r => r.Stars[2] + r.Stars[3] + r.Stars[4]) > 0 && ratings.Sum(r => r.Negative) > 0 ? 1 : 0;
            }
        }

        Assert.True(rated > 0, "no day has both good and negative ratings");
        static IEnumerable<string> Text(IReadOnlyList<ProductRatings> ratings) => ratings.Select(r => $"{r.ProductId}:{string.Join(",", r.Stars)}");
        Assert.Equal(Text(world.Ratings(world.Stores[0].Id, days[0])), Text(World().Ratings(world.Stores[0].Id, days[0]))); // the same seed, the same split
    }

    [Fact]
    public void Refunds_complete_days_after_their_orders_and_never_after_the_as_of_time()
    {
        var world = World();
        var zone = StoreCalendar.ResolveZone("America/Los_Angeles");
        var days = Enumerable.Range(0, 24).Select(i => new DateOnly(2026, 10, 10).AddDays(i)).ToArray();
        var refunds = days.SelectMany(d => world.RefundsCompletedOn("us-west", d).Select(r => (Day: d, Refund: r))).ToArray();
        var orders = Enumerable.Range(-15, 40).SelectMany(i => world.Day("us-west", new DateOnly(2026, 10, 10).AddDays(i)).Orders).ToDictionary(o => o.OrderId);

        Assert.NotEmpty(refunds);
        Assert.All(refunds, x => Assert.Equal(RefundStatus.Completed, x.Refund.Status));
        Assert.All(refunds, x => Assert.Equal(x.Day, StoreCalendar.LocalDate(x.Refund.CompletedUtc!.Value, zone)));
        Assert.All(refunds, x => Assert.True(x.Refund.RequestedUtc >= orders[x.Refund.OrderId].CreatedUtc.AddDays(1)));
        Assert.All(refunds, x => Assert.True(x.Refund.CompletedUtc > x.Refund.RequestedUtc && x.Refund.CompletedUtc <= AsOf));
        // Late refunds: some complete more than a nightly lookback after their order; they still count, on their own day.
        Assert.Contains(refunds, x => x.Refund.CompletedUtc - orders[x.Refund.OrderId].CreatedUtc > TimeSpan.FromDays(7));
    }

    [Fact]
    public void Late_events_are_invisible_until_they_happen()
    {
        var day = new DateOnly(2026, 11, 1);
        var early = World(asOf: new DateTimeOffset(2026, 11, 2, 12, 0, 0, TimeSpan.Zero)).Day("us-west", day).Orders.ToDictionary(o => o.OrderId);
        var late = World(asOf: new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero)).Day("us-west", day).Orders.ToDictionary(o => o.OrderId);

        // The same history seen later: same orders, some cancelled since.
        Assert.Equal(early.Keys.Order(), late.Keys.Order());
        Assert.Contains(late.Values, o => o.Status == OrderStatus.Cancelled && early[o.OrderId].Status != OrderStatus.Cancelled);
    }

    [Fact]
    public void The_defects_the_truth_counts_are_exactly_the_orders_validation_refuses()
    {
        var world = World();
        var defective = 0;
        var refused = 0;
        foreach (var store in world.Stores)
        {
            for (var d = new DateOnly(2026, 10, 1); d <= new DateOnly(2026, 10, 31); d = d.AddDays(1))
            {
                defective += world.Truth(store.Id, d).DefectiveOrders;
                refused += world.Day(store.Id, d).Orders.Count(o => RecordValidator.Validate(o, store).Count > 0);
            }
        }

        Assert.True(defective > 100, $"only {defective} defects");
        Assert.Equal(defective, refused);
    }

    [Fact]
    public void Every_generated_record_falls_on_its_store_local_day_including_the_25_hour_day()
    {
        var world = World();
        var fallBack = new DateOnly(2026, 10, 25);
        var zone = StoreCalendar.ResolveZone("Europe/London");
        var (start, end) = StoreCalendar.DayBounds(fallBack, zone);

        var orders = world.Day("uk-main", fallBack).Orders;

        Assert.All(orders, o => Assert.Equal(fallBack, StoreCalendar.LocalDate(o.CreatedUtc, zone)));
        Assert.Contains(orders, o => o.CreatedUtc >= end.AddHours(-1));   // the extra hour has orders too
        Assert.Equal(TimeSpan.FromHours(25), end - start);
    }

    [Fact]
    public async Task Raw_pages_carry_hashed_buyer_ids_only()
    {
        var source = new SyntheticSource(World());
        var batch = await source.FetchDayAsync(source.World.Stores[0], new DateOnly(2026, 10, 20));
        var json = Encoding.UTF8.GetString(batch.RawPages.Single(p => p.Stream == "orders").Json.Span);

        Assert.DoesNotContain("uk-main-u", json, StringComparison.Ordinal);
        Assert.All(batch.Orders, o => Assert.Matches("^[0-9a-f]{64}$", o.BuyerIdHash));
    }

    [Fact]
    public void Fx_rates_are_published_on_weekdays_only()
    {
        var rates = World().FxRates("USD", new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 31));

        Assert.DoesNotContain(rates, r => r.Date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday);
        Assert.DoesNotContain(rates, r => r.Currency == "USD");
        Assert.Equal(22 * 10, rates.Count);   // 22 weekdays × 10 non-USD currencies
    }

    [Fact]
    public void A_reporting_currency_the_generator_cannot_price_is_refused_by_name()
    {
        var ex = Assert.Throws<NotSupportedException>(() => World().FxRates("XAU", new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 2)));

        Assert.Contains("XAU", ex.Message, StringComparison.Ordinal);
    }
}
