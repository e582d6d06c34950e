using System.Globalization;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Scorecards;

namespace KpiFunctions.Core.Tests;

/// <summary>The creator and LIVE scorecards against hand-computed figures.</summary>
public sealed class ScorecardTests
{
    // The week of Monday 28 September 2026 runs into October: orders on Wednesday 30 September and Friday 2 October.
    private static readonly DateOnly Monday = new(2026, 9, 28);
    private static readonly DateOnly Sep30 = new(2026, 9, 30);
    private static readonly DateOnly Oct2 = new(2026, 10, 2);
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    [Fact]
    public void A_creator_week_counts_only_the_creators_gmv_orders_and_traces_refunds_to_them()
    {
        var orders = new Dictionary<DateOnly, IReadOnlyList<Order>>
        {
            [Sep30] =
            [
                Affiliate("a1", "alice", Sep30, 100m, 10m),
                Affiliate("b1", "bob", Sep30, 80m, 12m),
                // Not an affiliate order: neither it nor the creator it names is scored.
                Affiliate("v1", "carol", Sep30, 1000m, 0m) with { Channel = SalesChannel.Video },
            ],
            [Oct2] =
            [
                Affiliate("a2", "alice", Oct2, 60m, 6m),
                Affiliate("a3", "alice", Oct2, 40m, 4m),
                Affiliate("a4", "alice", Oct2, 500m, 50m) with { Status = OrderStatus.Cancelled },
                Affiliate("d1", "dave", Oct2, 30m, 3m) with { PaidUtc = null, Status = OrderStatus.Unpaid },
            ],
        };
        Refund[] refunds =
        [
            Refund("r1", "a2", 8m, new DateOnly(2026, 10, 5)), // completed the week after: still the week's orders' refund
            Refund("r2", "v1", 50m, Oct2), // not a creator's order
            Refund("r3", "a4", 500m, Oct2), // the cancelled order's money back: not GMV, so not in the rate
        ];
        var rates = new Dictionary<DateOnly, decimal> { [Sep30] = 1.25m, [Oct2] = 1.30m };

        var rows = Scorecard.CreatorWeek("uk-main", "GBP", "USD", Monday, orders, refunds, new DateOnly(2026, 10, 6),
            new Dictionary<string, string> { ["alice"] = "LIVE,VIDEO" }, d => rates.GetValueOrDefault(d));

        // alice: 100 + 60 + 40 = 200 over 3 orders, commission 20 (10 %), refunds 8 (4 %), USD 100 x 1.25 + 100 x 1.30 = 255;
        // she made 200 / 280 = 71.4286 % of the store's affiliate GMV and was first (nobody before her): A.
        // bob: 80, commission 12 (15 %), no refunds, USD 100; the creators before him made 71.43 % (< 80): B.
        // dave: only an unpaid order: no GMV, tier D.
        Assert.Equal(["alice", "bob", "dave"], rows.Select(r => r.CreatorId));
        var alice = rows[0];
        Assert.Equal((200m, (decimal?)255m, 3L, (decimal?)20m, (decimal?)10m, 8m, (decimal?)4m, (decimal?)71.4286m, 1, (ScoreTier?)ScoreTier.A),
            (alice.Gmv, alice.GmvReporting, alice.Orders, alice.Commission, alice.CommissionPct, alice.RefundAmount, alice.RefundRatePct, alice.GmvSharePct, alice.Rank, alice.Tier));
        Assert.Equal(("LIVE,VIDEO", 2, "GBP", "USD", new DateOnly(2026, 10, 6), (string?)null), (alice.ContentTypes, alice.DaysCovered, alice.Currency, alice.ReportingCurrency, alice.RefundsThrough, alice.Reasons));
        Assert.Equal("A · Star creator / 明星达人", alice.TierLabel);

        var bob = rows[1];
        Assert.Equal((80m, (decimal?)100m, 1L, (decimal?)15m, 0m, (decimal?)0m, (decimal?)28.5714m, 2, (ScoreTier?)ScoreTier.B, ""),
            (bob.Gmv, bob.GmvReporting, bob.Orders, bob.CommissionPct, bob.RefundAmount, bob.RefundRatePct, bob.GmvSharePct, bob.Rank, bob.Tier, bob.ContentTypes));

        var dave = rows[2];
        Assert.Equal((0m, 0L, (decimal?)null, (decimal?)null, (decimal?)0m, (ScoreTier?)ScoreTier.D), (dave.Gmv, dave.Orders, dave.CommissionPct, dave.RefundRatePct, dave.GmvSharePct, dave.Tier));
        Assert.Contains("no GMV orders this week", dave.Reasons, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_commission_or_fx_rate_leaves_that_figure_unknown_with_the_reason()
    {
        var orders = new Dictionary<DateOnly, IReadOnlyList<Order>>
        {
            [Sep30] = [Affiliate("a1", "alice", Sep30, 100m, 10m)],
            [Oct2] = [Affiliate("a2", "alice", Oct2, 50m, null)],
        };

        var alice = Assert.Single(Scorecard.CreatorWeek("uk-main", "GBP", "USD", Monday, orders, [], Oct2, new Dictionary<string, string>(), d => d == Sep30 ? 1.25m : null));

        Assert.Equal((150m, (decimal?)null, (decimal?)null, (decimal?)0m), (alice.Gmv, alice.GmvReporting, alice.Commission, alice.RefundRatePct));
        Assert.Equal("commission: the source gives none for order a2; gmv_rpt: no FX rate for 2026-10-02", alice.Reasons);
    }

    [Fact]
    public void A_creator_week_refuses_orders_of_another_week_or_currency()
    {
        var outside = new Dictionary<DateOnly, IReadOnlyList<Order>> { [Monday.AddDays(7)] = [Affiliate("a1", "alice", Monday.AddDays(7), 10m, 1m)] };
        var euro = new Dictionary<DateOnly, IReadOnlyList<Order>> { [Sep30] = [Affiliate("a1", "alice", Sep30, 10m, 1m) with { Currency = "EUR" }] };
        var empty = new Dictionary<string, string>();

        Assert.Contains("2026-10-05 are not in the week of 2026-09-28", Assert.Throws<ArgumentException>(() => Scorecard.CreatorWeek("uk-main", "GBP", "USD", Monday, outside, [], Oct2, empty, _ => 1m)).Message, StringComparison.Ordinal);
        Assert.Contains("order a1 of store uk-main is in EUR, not the store's GBP", Assert.Throws<InvalidDataException>(() => Scorecard.CreatorWeek("uk-main", "GBP", "USD", Monday, euro, [], Oct2, empty, _ => 1m)).Message, StringComparison.Ordinal);
        Assert.Contains("is a Tuesday", Assert.Throws<ArgumentException>(() => Scorecard.CreatorWeek("uk-main", "GBP", "USD", Monday.AddDays(1), euro, [], Oct2, empty, _ => 1m)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("5000", 3, "5", "0", "A")] // first, 3 orders, 5 % refunded: every bar met exactly
    [InlineData("5000", 2, "1", "0", "B")] // one order short of A
    [InlineData("5000", 9, "1", "50", "B")] // the creators above made half already
    [InlineData("5000", 9, "10", "79.99", "B")]
    [InlineData("5000", 9, "1", "80", "C")] // outside the top 80 %
    [InlineData("5000", 9, "20", "0", "C")]
    [InlineData("5000", 9, "20.01", "0", "D")] // too many refunds, whatever the GMV
    [InlineData("0", 0, null, "0", "D")] // no GMV
    public void Creator_tiers_follow_the_documented_thresholds(string gmv, long orders, string? refundPct, string shareBefore, string tier)
    {
        static decimal D(string text) => decimal.Parse(text, CultureInfo.InvariantCulture);
        var (actual, reason) = CreatorTierRules.Default.Classify(D(gmv), orders, refundPct is null ? null : D(refundPct), D(shareBefore));

        Assert.Equal(Enum.Parse<ScoreTier>(tier), actual);
        Assert.Null(reason);
    }

    [Fact]
    public void Tier_thresholds_that_do_not_make_sense_are_refused_with_every_problem()
    {
        var creator = Assert.Throws<ArgumentException>(() => new CreatorTierRules(60m, 50m, 0, 5m, 4m, 20m).Validated()).Message;
        var live = Assert.Throws<ArgumentException>(() => new LiveTierRules(4m, 60m, 8m, 0m).Validated()).Message;

        Assert.Contains("TopSharePctB 50 must be from TopSharePctA (60) to 100", creator, StringComparison.Ordinal);
        Assert.Contains("MinOrdersA 0 must be at least 1", creator, StringComparison.Ordinal);
        Assert.Contains("RefundMaxPctB 4 must be from RefundMaxPctA (5) to 100", creator, StringComparison.Ordinal);
        Assert.Contains("ClickRatePctB 8 must be above 0 and at most ClickRatePctA (4)", live, StringComparison.Ordinal);
        Assert.Contains("AvgWatchSecondsB 0 must be above 0", live, StringComparison.Ordinal);
        Assert.Empty(CreatorTierRules.Default.Problems());
        Assert.Empty(LiveTierRules.Default.Problems());
    }

    [Fact]
    public void A_live_session_scores_gpm_watch_time_and_click_rate_and_a_session_without_views_has_no_gpm()
    {
        var evening = new DateTimeOffset(2026, 10, 1, 18, 0, 0, TimeSpan.Zero); // 19:00 in London (summer time)
        LiveSession[] sessions =
        [
            Session("s2", evening.AddHours(1), views: 1000, viewers: 800, watch: 32_000, clicks: 50, gmv: 120m),
            Session("s1", evening, views: 2000, viewers: 1500, watch: 135_000, clicks: 200, gmv: 500m),
            Session("s3", evening.AddHours(2), views: 0, viewers: 0, watch: 0, clicks: 0, gmv: 0m),
            Session("s4", evening.AddHours(3), views: 400, viewers: 300, watch: 3000, clicks: null, gmv: 40m),
            Session("s5", evening.AddHours(4), views: 500, viewers: 400, watch: 12_000, clicks: 10, gmv: 25m),
        ];

        var rows = Scorecard.LiveSessions("uk-main", "GBP", "USD", London, new DateOnly(2026, 10, 1), sessions, 1.3m);

        // s1: GPM 500 / 2000 x 1000 = 250 (USD 325), 90 s watched per viewer, 200 / 2000 = 10 % clicked: A.
        // s2: GPM 120, 40 s, 5 %: B. s3: no views: GPM and click rate unknown, no GMV: D.
        // s4: GPM 100, 10 s, clicks unknown: no tier. s5: GPM 50, 30 s, 2 %: C.
        Assert.Equal(["s1", "s2", "s3", "s4", "s5"], rows.Select(r => r.SessionId));
        Assert.Equal(
            [
                ("2026-10-01 19:00", (decimal?)250m, (decimal?)325m, (decimal?)650m, (decimal?)90m, (decimal?)10m, (ScoreTier?)ScoreTier.A),
                ("2026-10-01 20:00", 120m, 156m, 156m, 40m, 5m, ScoreTier.B),
                ("2026-10-01 21:00", null, null, 0m, null, null, ScoreTier.D),
                ("2026-10-01 22:00", 100m, 130m, 52m, 10m, null, null),
                ("2026-10-01 23:00", 50m, 65m, 32.5m, 30m, 2m, ScoreTier.C),
            ],
            rows.Select(r => (r.StartLocal, r.Gpm, r.GpmReporting, r.GmvReporting, r.AvgWatchSeconds, r.ClickRatePct, r.Tier)));
        Assert.Equal("gpm and click rate: the session had no views; average watch time: the session had no viewers", rows[2].Reasons);
        Assert.StartsWith("click rate: the source gives no product clicks for the session", rows[3].Reasons, StringComparison.Ordinal);
        Assert.EndsWith("tier: the product click rate is unknown", rows[3].Reasons, StringComparison.Ordinal);
        Assert.Null(rows[0].Reasons);
        Assert.Equal("A · Excellent session / 优秀场次", rows[0].TierLabel);
    }

    [Fact]
    public void A_live_day_without_an_fx_rate_keeps_its_store_currency_figures_and_says_why_the_others_are_missing()
    {
        var row = Assert.Single(Scorecard.LiveSessions("uk-main", "GBP", "USD", London, new DateOnly(2026, 10, 1),
            [Session("s1", new DateTimeOffset(2026, 10, 1, 18, 0, 0, TimeSpan.Zero), 2000, 1500, 135_000, 200, 500m)], null));

        Assert.Equal(((decimal?)250m, (decimal?)null, (decimal?)null), (row.Gpm, row.GpmReporting, row.GmvReporting));
        Assert.Equal("gmv_rpt and gpm_rpt: no FX rate for 2026-10-01", row.Reasons);
    }

    private static Order Affiliate(string id, string creator, DateOnly day, decimal subtotal, decimal? commission)
    {
        var at = new DateTimeOffset(day.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero);
        return new Order("uk-main", id, at, at, at, OrderStatus.Completed, "GBP", subtotal, 0, 0, 0, 0, subtotal, false, SalesChannel.Affiliate, creator, "buyer-" + id, 0, commission, []);
    }

    private static Refund Refund(string id, string orderId, decimal amount, DateOnly completed)
    {
        var at = new DateTimeOffset(completed.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero);
        return new Refund("uk-main", id, orderId, amount, "GBP", RefundStatus.Completed, at.AddDays(-1), at, false, "damaged");
    }

    private static LiveSession Session(string id, DateTimeOffset start, long views, long viewers, long watch, long? clicks, decimal gmv) =>
        new("uk-main", id, start, 3600, views, viewers, watch, gmv, "GBP") { ProductClicks = clicks };
}
