using KpiFunctions.Core.Catalog;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Measures;

namespace KpiFunctions.Core.Tests;

public class StoreDayMeasureBuilderTests
{
    [Fact]
    public void Builds_every_sum_and_last_value_measure_of_the_catalog_and_nothing_else()
    {
        var measures = StoreDayMeasureBuilder.Build(SampleStoreDay.Build());

        var expected = KpiCatalog.Default.Measures
            .Where(m => m.Aggregation is MeasureAggregation.Sum or MeasureAggregation.LastValue)
            .Select(m => m.Id).Order(StringComparer.Ordinal);
        Assert.Equal(expected, measures.Values.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Order_measures_count_only_paid_uncancelled_non_test_orders_towards_gmv()
    {
        var m = StoreDayMeasureBuilder.Build(SampleStoreDay.Build()).Values;

        Assert.Equal(100m, m["gmv"]);               // o1 20 + o2 30 + o3 50
        Assert.Equal(3m, m["gmv_orders"]);
        Assert.Equal(4m, m["paid_orders"]);         // o1..o4; o5 unpaid, o6 test
        Assert.Equal(1m, m["cancelled_orders"]);    // o4
        Assert.Equal(2m, m["buyer_days"]);          // b1 (twice), b2
        Assert.Equal(5m, m["units"]);               // 2 + 1 + 1 + 1
        Assert.Equal(50m, m["affiliate_gmv"]);      // o3
        Assert.Equal(6m, m["platform_fees"]);       // 1.2 + 1.8 + 3
        Assert.Equal(6m, m["affiliate_commission"]);
    }

    [Fact]
    public void Fees_commission_and_channel_a_source_does_not_give_are_unknown_with_the_order_named_never_a_partial_sum()
    {
        var day = SampleStoreDay.Build();
        var gmvOrder = day.Orders.First(o => o.CountsAsGmv);
        var orders = day.Orders.Select(o => o.OrderId == gmvOrder.OrderId ? o with { PlatformFee = null, AffiliateCommission = null, Channel = null } : o).ToList();

        var measures = StoreDayMeasureBuilder.Build(day with { Orders = orders });

        foreach (var id in new[] { "platform_fees", "affiliate_commission", "affiliate_gmv" })
        {
            Assert.Null(measures.Values[id]);
            Assert.Contains(gmvOrder.OrderId, measures.NullReasons[id], StringComparison.Ordinal);
        }

        Assert.Equal(100m, measures.Values["gmv"]);
        Assert.Equal(30m, measures.Values["live_gmv"]); // the sessions' figure: orders without a channel do not matter
        Assert.Contains("does not give fees per order", measures.NullReasons["platform_fees"], StringComparison.Ordinal);
    }

    [Fact]
    public void Orders_known_only_as_the_stores_own_give_affiliate_gmv_and_live_gmv_from_the_sessions()
    {
        // The TikTok source's reading: o3 is the affiliate's; the other orders are the store's own, channel not told.
        var day = SampleStoreDay.Build();
        var orders = day.Orders.Select(o => o.Channel == SalesChannel.Affiliate ? o : o with { Channel = SalesChannel.Own }).ToList();

        var measures = StoreDayMeasureBuilder.Build(day with { Orders = orders });

        Assert.Equal(50m, measures.Values["affiliate_gmv"]);   // o3, as when every channel is known
        Assert.Equal(6m, measures.Values["affiliate_commission"]);
        Assert.Equal(30m, measures.Values["live_gmv"]);        // s1 20 + s2 10
        Assert.False(measures.NullReasons.ContainsKey("live_gmv"));
    }

    [Fact]
    public void Live_gmv_sums_the_sessions_started_that_day_is_zero_without_one_and_unknown_when_the_live_list_was_not_fetched()
    {
        // Two sessions of the day (12.50 and 7.25 GBP); one of the day before was curated on its own day, not this one.
        var day = SampleStoreDay.Build() with
        {
            LiveSessions =
            [
                new LiveSession("t1", "s1", new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero), 3600, 400, 300, 9_000, 12.50m, "GBP"),
                new LiveSession("t1", "s2", new DateTimeOffset(2026, 3, 10, 20, 0, 0, TimeSpan.Zero), 1800, 100, 80, 2_400, 7.25m, "GBP"),
            ],
        };
        var dayBefore = SampleStoreDay.Build() with
        {
            Date = SampleStoreDay.Date.AddDays(-1),
            LiveSessions = [new LiveSession("t1", "s0", new DateTimeOffset(2026, 3, 9, 21, 0, 0, TimeSpan.Zero), 7200, 900, 700, 30_000, 40m, "GBP")],
        };

        var both = StoreDayMeasureBuilder.Build(day);
        var before = StoreDayMeasureBuilder.Build(dayBefore);
        var none = StoreDayMeasureBuilder.Build(day with { LiveSessions = [] });
        var notFetched = StoreDayMeasureBuilder.Build(day with { LiveSessions = [], NotFetched = new Dictionary<string, string> { ["live_sessions"] = "the LIVE list could not be read" } });

        Assert.Equal(19.75m, both.Values["live_gmv"]);        // 12.50 + 7.25
        Assert.Equal(500m, both.Values["live_views"]);        // 400 + 100: live_gpm = 19.75 / 500 × 1000 = 39.5
        Assert.Equal(40m, before.Values["live_gmv"]);         // s0 counts on 2026-03-09 only
        Assert.Equal(0m, none.Values["live_gmv"]);
        Assert.False(none.NullReasons.ContainsKey("live_gmv"));
        Assert.Null(notFetched.Values["live_gmv"]);
        Assert.Equal("live_sessions was not fetched for store t1 on 2026-03-10: the LIVE list could not be read", notFetched.NullReasons["live_gmv"]);
    }

    [Fact]
    public void Seller_cancelled_orders_count_paid_cancelled_orders_whose_latest_cancellation_in_effect_names_the_seller()
    {
        var at = new DateTimeOffset(2026, 3, 10, 13, 0, 0, TimeSpan.Zero);
        var day = SampleStoreDay.Build() with
        {
            Orders =
            [
                SampleStoreDay.Order("a1", 10, OrderStatus.Cancelled),                    // buyer asked, withdrew; then the seller cancelled
                SampleStoreDay.Order("a2", 10, OrderStatus.Cancelled),                    // the platform cancelled
                SampleStoreDay.Order("a3", 10, OrderStatus.Cancelled),                    // the buyer's request was agreed
                SampleStoreDay.Order("a4", 10, OrderStatus.Cancelled, test: true),        // the seller, but a test order
                SampleStoreDay.Order("a5", 10, OrderStatus.Cancelled, paid: false),       // never paid
                SampleStoreDay.Order("a6", 10),                                           // a seller cancellation still pending: not cancelled
            ],
            Cancellations =
            [
                SampleStoreDay.Cancellation("k1a", "a1", CancellationRole.Buyer, CancellationStatus.Withdrawn, at),
                SampleStoreDay.Cancellation("k1b", "a1", CancellationRole.Seller, CancellationStatus.Complete, at.AddHours(1)),
                SampleStoreDay.Cancellation("k2", "a2", CancellationRole.System, CancellationStatus.Complete, at),
                SampleStoreDay.Cancellation("k3", "a3", CancellationRole.Buyer, CancellationStatus.Success, at),
                SampleStoreDay.Cancellation("k4", "a4", CancellationRole.Seller, CancellationStatus.Complete, at),
                SampleStoreDay.Cancellation("k5", "a5", CancellationRole.System, CancellationStatus.Complete, at),
                SampleStoreDay.Cancellation("k6", "a6", CancellationRole.Seller, CancellationStatus.Pending, at),
                SampleStoreDay.Cancellation("k9", "z9", CancellationRole.Seller, CancellationStatus.Complete, at), // another day's order
            ],
        };

        var counted = StoreDayMeasureBuilder.Build(day).Values;
        var sellerLast = StoreDayMeasureBuilder.Build(day with { Cancellations = [.. day.Cancellations.Where(c => c.CancelId != "k1b")] });
        var notFetched = StoreDayMeasureBuilder.Build(day with { NotFetched = new Dictionary<string, string> { ["cancellations"] = "the search failed" } });
        var noneCancelled = StoreDayMeasureBuilder.Build(day with { Orders = [SampleStoreDay.Order("a6", 10)] }).Values;

        Assert.Equal(4m, counted["paid_orders"]);                // a1, a2, a3, a6
        Assert.Equal(3m, counted["cancelled_orders"]);           // a1, a2, a3
        Assert.Equal(1m, counted["seller_cancelled_orders"]);    // a1: seller_cancellation_rate 1 / 4 × 100 = 25
        Assert.Null(sellerLast.Values["seller_cancelled_orders"]); // a1 left with its withdrawn request only: who cancelled it is unknown
        Assert.Contains("order a1 of store t1 on 2026-03-10 is cancelled but no cancellation of it", sellerLast.NullReasons["seller_cancelled_orders"], StringComparison.Ordinal);
        Assert.Equal(3m, sellerLast.Values["cancelled_orders"]);
        Assert.Null(notFetched.Values["seller_cancelled_orders"]);
        Assert.Equal("cancellations was not fetched for store t1 on 2026-03-10: the search failed", notFetched.NullReasons["seller_cancelled_orders"]);
        Assert.Equal(0m, noneCancelled["seller_cancelled_orders"]);   // fetched, no order cancelled: a real zero
    }

    [Fact]
    public void A_dataset_the_source_did_not_fetch_makes_its_measures_unknown_even_event_data_that_would_sum_to_zero()
    {
        var day = SampleStoreDay.Build() with { Ads = [], LiveSessions = [] };
        var fetchedEmpty = StoreDayMeasureBuilder.Build(day);

        var notFetched = StoreDayMeasureBuilder.Build(day with { NotFetched = new Dictionary<string, string> { ["ads_daily"] = "no ads reader", ["live_sessions"] = "no LIVE reader" } });

        Assert.Equal(0m, fetchedEmpty.Values["ad_spend"]);     // fetched and none: a real zero
        Assert.Null(notFetched.Values["ad_spend"]);             // not fetched: unknown
        Assert.Null(notFetched.Values["ads_attributed_gmv"]);
        Assert.Null(notFetched.Values["live_views"]);
        Assert.Contains("ads_daily was not fetched", notFetched.NullReasons["ad_spend"], StringComparison.Ordinal);
        Assert.Contains("no LIVE reader", notFetched.NullReasons["live_viewers"], StringComparison.Ordinal);
        Assert.Equal(fetchedEmpty.Values["video_views"], notFetched.Values["video_views"]);
        Assert.Throws<ArgumentException>(() => StoreDayMeasureBuilder.Build(day with { NotFetched = new Dictionary<string, string> { ["orders"] = "x" } }));
    }

    [Fact]
    public void One_measure_the_source_could_not_fetch_is_unknown_with_its_reason_and_the_rest_of_its_dataset_stands()
    {
        var day = SampleStoreDay.Build();

        var measures = StoreDayMeasureBuilder.Build(day with { NotFetched = new Dictionary<string, string> { ["traffic_daily.product_clicks"] = "the product list could not be read" } });

        Assert.Null(measures.Values["product_clicks"]);
        Assert.Equal($"product_clicks of traffic_daily was not fetched for store t1 on {SampleStoreDay.Date:yyyy-MM-dd}: the product list could not be read", measures.NullReasons["product_clicks"]);
        Assert.Equal(2000m, measures.Values["impressions"]);
        Assert.Equal(16m, measures.Values["add_to_cart_users"]);
        Assert.False(measures.NullReasons.ContainsKey("add_to_cart_users"));
        var bad = Assert.Throws<ArgumentException>(() => StoreDayMeasureBuilder.Build(day with { NotFetched = new Dictionary<string, string> { ["traffic_daily.live_gmv"] = "x" } }));
        Assert.Contains("traffic_daily has no measure 'live_gmv'", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reviews_not_read_for_a_day_whose_chats_were_are_unknown_with_the_sources_reason_and_the_chats_stay_known()
    {
        var day = SampleStoreDay.Build() with
        {
            Service = new ServiceDaily("t1", SampleStoreDay.Date, 40, 36, 30, 36, 36 * 600, null, null),
            NotFetched = new Dictionary<string, string>
            {
                ["service_daily.reviews"] = "the product ratings could not be read",
                ["service_daily.negative_reviews"] = "the product ratings could not be read",
            },
        };

        var measures = StoreDayMeasureBuilder.Build(day);

        Assert.Equal(40m, measures.Values["chats"]);
        Assert.Equal(36m, measures.Values["chats_answered"]);
        Assert.Null(measures.Values["reviews"]);
        Assert.Null(measures.Values["negative_reviews"]);
        Assert.Equal("negative_reviews of service_daily was not fetched for store t1 on 2026-03-10: the product ratings could not be read", measures.NullReasons["negative_reviews"]);
        Assert.False(measures.NullReasons.ContainsKey("chats"));
    }

    [Fact]
    public void Service_and_video_figures_the_source_does_not_give_are_unknown_with_a_reason_and_the_rest_stay_known()
    {
        // As a source may give them: no 12-hour share, no reviews, no completed views on the second video.
        var day = SampleStoreDay.Build(responseWindowHours: 12) with
        {
            Service = new ServiceDaily("t1", SampleStoreDay.Date, 40, 36, null, 36, 36 * 600, null, null),
            Videos = [new VideoDaily("t1", "v1", SampleStoreDay.Date, 2000, 500, 12, "GBP"), new VideoDaily("t1", "v2", SampleStoreDay.Date, 500, null, 3, "GBP")],
        };

        var twelve = StoreDayMeasureBuilder.Build(day);
        var twentyFour = StoreDayMeasureBuilder.Build(day with { ResponseWindowHours = 24 });

        Assert.Null(twelve.Values["chats_answered_in_window"]);
        Assert.Contains("within the store's 12 h window", twelve.NullReasons["chats_answered_in_window"], StringComparison.Ordinal);
        Assert.Equal(36m, twentyFour.Values["chats_answered_in_window"]);
        Assert.Equal(36m * 600, twelve.Values["first_response_seconds"]);
        Assert.Null(twelve.Values["reviews"]);
        Assert.Contains("no reviews for store t1 on 2026-03-10", twelve.NullReasons["reviews"], StringComparison.Ordinal);
        Assert.Equal(2500m, twelve.Values["video_views"]);
        Assert.Null(twelve.Values["video_completed_views"]);
        Assert.Contains("video v2", twelve.NullReasons["video_completed_views"], StringComparison.Ordinal);
    }

    [Fact]
    public void Cogs_uses_the_unit_cost_in_force_on_the_day()
    {
        var m = StoreDayMeasureBuilder.Build(SampleStoreDay.Build()).Values;

        // A: 3 units at 5 (the cost from 2026-03-10; 4 is older, 6 starts the next day), B: 1 at 12, C: 1 at 15.
        Assert.Equal(42m, m["cogs"]);
    }

    [Fact]
    public void Cogs_is_null_with_the_sku_named_when_a_sold_sku_has_no_cost()
    {
        var data = SampleStoreDay.Build();
        data = data with { Costs = [.. data.Costs.Where(c => c.SkuId != "C")] };

        var measures = StoreDayMeasureBuilder.Build(data);

        Assert.Null(measures.Values["cogs"]);
        Assert.Contains("SKU C", measures.NullReasons["cogs"], StringComparison.Ordinal);
    }

    [Fact]
    public void Refunds_count_only_completed_ones_and_returns_count_orders_once()
    {
        var m = StoreDayMeasureBuilder.Build(SampleStoreDay.Build()).Values;

        Assert.Equal(15m, m["refund_amount"]);      // r1 10 + r3 5; r2 only approved
        Assert.Equal(1m, m["returned_orders"]);     // r1 is a return
    }

    [Fact]
    public void Sku_gmv_and_buyers_are_kept_for_period_level_measures()
    {
        var measures = StoreDayMeasureBuilder.Build(SampleStoreDay.Build());

        Assert.Equal(new Dictionary<string, decimal> { ["A"] = 30, ["B"] = 30, ["C"] = 40 }, measures.SkuGmv);
        Assert.Equal(["b1", "b2"], measures.BuyerHashes.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(12, 30)]
    [InlineData(24, 36)]
    public void Chats_answered_in_window_follow_the_region_setting(int windowHours, int expected)
    {
        var m = StoreDayMeasureBuilder.Build(SampleStoreDay.Build(windowHours)).Values;

        Assert.Equal(expected, m["chats_answered_in_window"]);
    }

    [Fact]
    public void An_unsupported_response_window_is_refused_with_the_store_named()
    {
        var ex = Assert.Throws<ArgumentException>(() => StoreDayMeasureBuilder.Build(SampleStoreDay.Build(48)));

        Assert.Contains("t1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("12 or 24", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_daily_snapshots_make_their_measures_unknown_not_zero()
    {
        var data = SampleStoreDay.Build() with { Traffic = null, Service = null, Inventory = [], Target = null };

        var measures = StoreDayMeasureBuilder.Build(data);

        foreach (var id in new[] { "visitors", "impressions", "chats", "reviews", "units_on_hand", "gmv_target" })
        {
            Assert.Null(measures.Values[id]);
            Assert.False(string.IsNullOrEmpty(measures.NullReasons[id]));
        }

        Assert.Contains("traffic_daily", measures.NullReasons["visitors"], StringComparison.Ordinal);
        Assert.Equal(100m, measures.Values["gmv"]);
    }

    [Fact]
    public void Days_without_events_give_zero_for_event_measures()
    {
        var data = SampleStoreDay.Build() with { Orders = [], Refunds = [], LiveSessions = [], Videos = [], Ads = [] };

        var m = StoreDayMeasureBuilder.Build(data).Values;

        Assert.Equal(0m, m["gmv"]);
        Assert.Equal(0m, m["refund_amount"]);
        Assert.Equal(0m, m["live_views"]);
        Assert.Equal(0m, m["ad_spend"]);
    }
}
