using KpiFunctions.Core.Scorecards;
using KpiFunctions.Pipeline.Curated;

namespace KpiFunctions.Pipeline.Kpis;

/// <summary>
/// The scorecards the compute step writes next to kpi_store_week: each creator's week (partition store and week, dated
/// by its Monday) and each LIVE session (a file per store-month). Readers such as the weekly report call
/// <see cref="CreatorWeeks"/> with <see cref="CuratedStore.ReadAsync{T}"/> and <see cref="LiveSessionScores"/> with
/// <see cref="CuratedStore.ReadDaysAsync{T}"/>.
/// </summary>
public static class ScorecardFacts
{
    /// <summary>Curated dataset of <see cref="CreatorWeekScore"/>, one partition per store and week (dated by its Monday).</summary>
    public const string CreatorWeekDataset = "kpi_creator_week";

    /// <summary>Curated dataset of <see cref="LiveSessionScore"/>, one partition per store-day.</summary>
    public const string LiveSessionDataset = "kpi_live_session";

    private const string Money = "store currency";
    private const string Reporting = "reporting currency";

    /// <summary>kpi_creator_week.</summary>
    public static CuratedTable<CreatorWeekScore> CreatorWeeks { get; } = CreatorWeekColumns(new CuratedTable<CreatorWeekScore>(CreatorWeekDataset,
        "One row per store, ISO week and creator with an affiliate order placed that week: GMV, commission, refunds and a tier.", r => new CreatorWeekScore(
            r.String("store_id"), r.Value<DateOnly>("week_start"), r.String("creator_id"), r.String("content_types"), r.Value<int>("days_covered"),
            r.String("currency"), r.String("reporting_currency"), r.Value<decimal>("gmv"), r.Optional<decimal>("gmv_rpt"), r.Value<long>("orders"),
            r.Optional<decimal>("commission"), r.Optional<decimal>("commission_pct"), r.Value<decimal>("refund_amount"), r.Optional<decimal>("refund_rate_pct"),
            r.Value<DateOnly>("refunds_through"), r.Optional<decimal>("gmv_share_pct"), r.Value<int>("rank"),
            r.OptionalString("tier") is { } tier ? EnumText<ScoreTier>.Parse(tier, r.Source) : null, r.OptionalString("reasons"))));

    /// <summary>kpi_live_session.</summary>
    public static CuratedTable<LiveSessionScore> LiveSessionScores { get; } = LiveSessionColumns(new CuratedTable<LiveSessionScore>(LiveSessionDataset,
        "One row per LIVE session started on the store-local day: GMV, GPM, average watch time, product click rate and a tier.", r => new LiveSessionScore(
            r.String("store_id"), r.Value<DateOnly>("date"), r.String("session_id"), r.Value<DateTimeOffset>("start_utc"), r.String("start_local"),
            r.Value<int>("duration_seconds"), r.Value<long>("views"), r.Value<long>("viewers"), r.Value<long>("watch_seconds"), r.Optional<long>("product_clicks"),
            r.String("currency"), r.String("reporting_currency"), r.Value<decimal>("gmv"), r.Optional<decimal>("gmv_rpt"), r.Optional<decimal>("gpm"),
            r.Optional<decimal>("gpm_rpt"), r.Optional<decimal>("avg_watch_seconds"), r.Optional<decimal>("click_rate_pct"),
            r.OptionalString("tier") is { } tier ? EnumText<ScoreTier>.Parse(tier, r.Source) : null, r.OptionalString("reasons"))));

    /// <summary>The columns of a creator's week, added to <paramref name="table"/> (the curated dataset, or the semantic fact after its key).</summary>
    public static CuratedTable<CreatorWeekScore> CreatorWeekColumns(CuratedTable<CreatorWeekScore> table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var rules = CreatorTierRules.Default;
        return table
            .String("store_id", x => x.StoreId, "Store id")
            .Date("week_start", x => x.WeekStart, "Monday of the ISO week (store-local days, Monday to Sunday)")
            .String("creator_id", x => x.CreatorId, "The creator as orders.creator_id names it (TikTok: the public username)")
            .String("content_types", x => x.ContentTypes, "Content the creator's orders came through (LIVE, VIDEO, SHOWCASE), from the creators dataset (every fetch so far, not only this week); empty when unknown", "list")
            .Int32("days_covered", x => x.DaysCovered, "Days of the week whose orders were scored (those with a store-day KPI row): 7 for a whole week", "days")
            .String("currency", x => x.Currency, "Store's currency: gmv, commission and refund_amount are in it", "ISO 4217")
            .String("reporting_currency", x => x.ReportingCurrency, "Currency of gmv_rpt", "ISO 4217")
            .Decimal("gmv", x => x.Gmv, "Subtotal of the creator's GMV orders placed in the week (paid, not cancelled, not samples; channel AFFILIATE): summed over creators, the week's affiliate_gmv", Money, 28, 6)
            .Decimal("gmv_rpt", x => x.GmvReporting, "The same in the reporting currency, each order at the rate of its day; null when a day has no rate", Reporting, 28, 6, required: false)
            .Int64("orders", x => x.Orders, "The creator's GMV orders placed in the week")
            .Decimal("commission", x => x.Commission, "Affiliate commission owed on those orders; null when the source gives none for one of them", Money, 28, 6, required: false)
            .Decimal("commission_pct", x => x.CommissionPct, "commission / gmv x 100; null without GMV or commission", "percent", 18, 4, required: false)
            .Decimal("refund_amount", x => x.RefundAmount, "Refunds completed so far (through refunds_through) on the creator's GMV orders placed in the week, whenever completed", Money, 28, 6)
            .Decimal("refund_rate_pct", x => x.RefundRatePct, "Order-cohort refund rate: refund_amount / gmv x 100 over the same orders, so each refund is traced to the creator's own orders; it can still rise as later refunds complete (a week is scored again whenever a run computes one of its days); null without GMV", "percent", 18, 4, required: false)
            .Date("refunds_through", x => x.RefundsThrough, "The last store-local day whose completed refunds were counted")
            .Decimal("gmv_share_pct", x => x.GmvSharePct, "The creator's share of the store's affiliate GMV that week; null when the store had none", "percent", 18, 4, required: false)
            .Int32("rank", x => x.Rank, "Place among the store's creators that week by GMV (1 = most; ties by creator id)", "rank")
            .String("tier", x => x.Tier is { } t ? EnumText<ScoreTier>.Format(t) : null, FormattableString.Invariant(
                $"Grade, the first that fits: A = in the store's top {rules.TopSharePctA} % of affiliate GMV (the creators ranked above made less than that), {rules.MinOrdersA}+ orders, refund rate <= {rules.RefundMaxPctA} %; B = top {rules.TopSharePctB} %, refund rate <= {rules.RefundMaxPctB} %; C = some GMV, refund rate <= {rules.RefundMaxPctC} %; D = no GMV or more refunds; null when the refund rate is unknown"),
                EnumText<ScoreTier>.Allowed, required: false)
            .String("tier_label", x => x.TierLabel, "The tier for people, English / Chinese", required: false)
            .String("reasons", x => x.Reasons, "Why figures are unknown, one clause each (\"commission: ...\"); null when all are known", required: false);
    }

    /// <summary>
    /// The columns of a LIVE session's scorecard, added to <paramref name="table"/>; the semantic fact leaves out the
    /// UTC start (<paramref name="withUtcStart"/> false), as the Power BI template loads no timestamps and start_local says when.
    /// </summary>
    public static CuratedTable<LiveSessionScore> LiveSessionColumns(CuratedTable<LiveSessionScore> table, bool withUtcStart = true)
    {
        ArgumentNullException.ThrowIfNull(table);
        var rules = LiveTierRules.Default;
        table
            .String("store_id", x => x.StoreId, "Store id")
            .Date("date", x => x.Date, "Store-local day the session started")
            .String("session_id", x => x.SessionId, "Session id (joins live_sessions)");
        if (withUtcStart)
        {
            table.Timestamp("start_utc", x => x.StartUtc, "Start");
        }

        return table
            .String("start_local", x => x.StartLocal, "Start in the store's time zone", "yyyy-MM-dd HH:mm")
            .Int32("duration_seconds", x => x.DurationSeconds, "Length of the stream", "seconds")
            .Int64("views", x => x.Views, "Room entries")
            .Int64("viewers", x => x.Viewers, "Unique viewers")
            .Int64("watch_seconds", x => x.WatchSeconds, "Seconds watched by all viewers", "seconds")
            .OptionalInt64("product_clicks", x => x.ProductClicks, "Clicks on the products shown; null when the source does not give them")
            .String("currency", x => x.Currency, "Store's currency: gmv and gpm are in it", "ISO 4217")
            .String("reporting_currency", x => x.ReportingCurrency, "Currency of gmv_rpt and gpm_rpt", "ISO 4217")
            .Decimal("gmv", x => x.Gmv, "GMV the platform attributes to the session (live_sessions.gmv)", Money, 28, 6)
            .Decimal("gmv_rpt", x => x.GmvReporting, "The same at the day's rate; null without one", Reporting, 28, 6, required: false)
            .Decimal("gpm", x => x.Gpm, "GMV per 1,000 views: gmv / views x 1000; null without views", Money, 28, 6, required: false)
            .Decimal("gpm_rpt", x => x.GpmReporting, "The same in the reporting currency; null without views or a rate", Reporting, 28, 6, required: false)
            .Decimal("avg_watch_seconds", x => x.AvgWatchSeconds, "watch_seconds / viewers; null without viewers", "seconds", 18, 4, required: false)
            .Decimal("click_rate_pct", x => x.ClickRatePct, "product_clicks / views x 100; null without views or clicks", "percent", 18, 4, required: false)
            .String("tier", x => x.Tier is { } t ? EnumText<ScoreTier>.Format(t) : null, FormattableString.Invariant(
                $"Grade, the first that fits: A = some GMV, click rate >= {rules.ClickRatePctA} % and average watch >= {rules.AvgWatchSecondsA} s; B = some GMV, >= {rules.ClickRatePctB} % and >= {rules.AvgWatchSecondsB} s; C = some GMV; D = no GMV; null when the click rate or watch time is unknown"),
                EnumText<ScoreTier>.Allowed, required: false)
            .String("tier_label", x => x.TierLabel, "The tier for people, English / Chinese", required: false)
            .String("reasons", x => x.Reasons, "Why figures are unknown, one clause each (\"gpm: ...\"); null when all are known", required: false);
    }
}
