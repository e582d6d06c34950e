using System.Globalization;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Pipeline.Curated;
using KpiFunctions.Pipeline.Kpis;

namespace KpiFunctions.Pipeline.Semantic;

/// <summary>A store as the semantic model shows it.</summary>
/// <param name="StoreId">Store id (the key).</param>
/// <param name="Name">Display name.</param>
/// <param name="Country">ISO 3166-1 alpha-2.</param>
/// <param name="Region">The IANA area of the store's time zone (Europe, America, Asia, ...).</param>
/// <param name="Currency">ISO 4217 code of the store's own currency.</param>
/// <param name="Team">The store's team tags, comma-separated, or null.</param>
/// <param name="TimeZone">IANA time zone of the store's days.</param>
/// <param name="Enabled">Fetched by the nightly run.</param>
/// <param name="Stage">The store's stage (dim_stage's key: cold_start, growth or stable).</param>
public sealed record SemanticStore(string StoreId, string Name, string Country, string Region, string Currency, string? Team, string TimeZone, bool Enabled, string Stage);

/// <summary>A calendar day of the date dimension.</summary>
/// <param name="Date">The day (the key).</param>
/// <param name="Provisional">Some store's figures for the day may still change (inside the lookback later runs fetch again).</param>
public sealed record SemanticDate(DateOnly Date, bool Provisional)
{
    /// <summary>Monday of the day's ISO week.</summary>
    public DateOnly WeekStart => Date.AddDays(-(((int)Date.DayOfWeek + 6) % 7));
}

/// <summary>The RAG thresholds in force for a KPI at a store.</summary>
/// <param name="StoreId">Store.</param>
/// <param name="KpiId">KPI (catalog id).</param>
/// <param name="Direction">HigherIsBetter or LowerIsBetter.</param>
/// <param name="Green">Green at or beyond.</param>
/// <param name="Amber">Amber at or beyond (short of green); red otherwise.</param>
/// <param name="Source">"store" (the store's own), "stage" (its stage's) or "catalog".</param>
public sealed record SemanticThreshold(string StoreId, string KpiId, string Direction, decimal Green, decimal Amber, string Source);

/// <summary>A store's GMV target for a month.</summary>
/// <param name="StoreId">Store.</param>
/// <param name="Month">First day of the month.</param>
/// <param name="Currency">The store's currency, which the target is in.</param>
/// <param name="Gmv">Target GMV.</param>
public sealed record SemanticTarget(string StoreId, DateOnly Month, string Currency, decimal Gmv);

/// <summary>
/// The star schema's tables, declared once like the curated ones (column, type, meaning, unit) so the manifest's
/// schemas, the Parquet files and the docs agree. fact_store_day's measure columns come from the catalog.
/// </summary>
public static partial class SemanticTables
{
    /// <summary>dim_store.</summary>
    public static CuratedTable<SemanticStore> Stores { get; } = new CuratedTable<SemanticStore>("dim_store", "One row per registered store.", _ => throw new NotSupportedException("dim_store is written, not read back."))
        .String("store_id", s => s.StoreId, "Store id")
        .String("store_name", s => s.Name, "Display name")
        .String("country", s => s.Country, "Store's country", "ISO 3166-1 alpha-2")
        .String("region", s => s.Region, "The IANA area of the store's time zone (Europe, America, Asia, ...)")
        .String("currency", s => s.Currency, "Store's own currency", "ISO 4217")
        .String("team", s => s.Team, "The store's team tags, comma-separated", required: false)
        .String("time_zone", s => s.TimeZone, "IANA time zone of the store's days")
        .Boolean("enabled", s => s.Enabled, "Fetched by the nightly run")
        .String("stage", s => s.Stage, "The store's stage: cold_start, growth or stable (dim_stage's key)");

    /// <summary>dim_date.</summary>
    public static CuratedTable<SemanticDate> Dates { get; } = new CuratedTable<SemanticDate>("dim_date", "One row per calendar day of every month a fact refers to (store-days, their weeks, targets, alerts).", _ => throw new NotSupportedException("dim_date is written, not read back."))
        .Date("date", d => d.Date, "Calendar day (store-local for every fact)")
        .Int32("year", d => d.Date.Year, "Calendar year", "year")
        .Int32("quarter", d => (d.Date.Month + 2) / 3, "Calendar quarter (1-4)", "quarter")
        .Int32("month", d => d.Date.Month, "Calendar month (1-12)", "month")
        .Date("month_start", d => new DateOnly(d.Date.Year, d.Date.Month, 1), "First day of the month")
        .Int32("iso_year", d => ISOWeek.GetYear(d.Date.ToDateTime(TimeOnly.MinValue)), "ISO 8601 week-numbering year", "year")
        .Int32("iso_week", d => ISOWeek.GetWeekOfYear(d.Date.ToDateTime(TimeOnly.MinValue)), "ISO 8601 week (1-53)", "week")
        .Date("week_start", d => d.WeekStart, "Monday of the ISO week")
        .Int32("day_of_week", d => ((int)d.Date.DayOfWeek + 6) % 7 + 1, "ISO day of week: 1 = Monday ... 7 = Sunday", "day")
        .Boolean("is_weekend", d => d.Date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday, "Saturday or Sunday")
        .Boolean("is_provisional", d => d.Provisional, "Some store's figures for the day may still change (inside the lookback later runs fetch again)");

    /// <summary>dim_product: every store's SKUs as the source last listed them (from curated/products).</summary>
    public static CuratedTable<Core.Domain.ProductSku> Products { get; } = new CuratedTable<Core.Domain.ProductSku>("dim_product", "One row per store and SKU, as the source last listed them.", _ => throw new NotSupportedException("dim_product is written, not read back."))
        .String("product_key", x => x.StoreId + "|" + x.SkuId, "Store id and SKU id joined by '|': the key fact_product_day relates on")
        .String("store_id", x => x.StoreId, "Store id")
        .String("sku_id", x => x.SkuId, "SKU id (as on order lines)")
        .String("product_id", x => x.ProductId, "Product id")
        .String("product_name", x => x.ProductName, "Product title")
        .String("seller_sku", x => x.SellerSku, "The seller's own SKU code", required: false)
        .String("status", x => x.Status, "Listing status as the platform gives it")
        .Decimal("price", x => x.Price, "Current sale price; null when the source gives none", "store currency", 18, 4, required: false)
        .String("currency", x => x.Currency, "Currency of the price", "ISO 4217");

    /// <summary>fact_alerts.</summary>
    public static CuratedTable<Core.Alerts.KpiAlert> Alerts { get; } = new CuratedTable<Core.Alerts.KpiAlert>("fact_alerts", "One row per store-day KPI that looks wrong: unusual against the store's own history, or red.", _ => throw new NotSupportedException("fact_alerts is written, not read back."))
        .String("store_id", a => a.StoreId, "Store id")
        .Date("date", a => a.Date, "Store-local day")
        .String("kpi_id", a => a.KpiId, "The KPI (catalog id)")
        .Decimal("value", a => a.Value, "Its value that day", "the KPI's unit", 28, 6)
        .Decimal("baseline", a => a.Baseline, "Median of the same weekday over the last weeks", "the KPI's unit", 28, 6, required: false)
        .Decimal("mad", a => a.Mad, "Median absolute deviation of that history", "the KPI's unit", 28, 6, required: false)
        .Decimal("deviation", a => a.Deviation, "Robust z: (value - baseline) / (1.4826 x MAD)", "z", 18, 4, required: false)
        .String("severity", a => a.Severity.ToString(), "Warning or Critical")
        .String("reason", a => a.Reason, "Why it is an alert");

    /// <summary>fact_product_day: what each SKU sold per store-day (from the compute step's kpi_product_day), with dim_product's key.</summary>
    public static CuratedTable<ProductDayRow> ProductDays { get; } = DetailFacts.ProductDayColumns(
        new CuratedTable<ProductDayRow>("fact_product_day", "One row per store, day and SKU sold that day (lines of GMV orders).", _ => throw new NotSupportedException("fact_product_day is written, not read back."))
            .String("product_key", x => x.StoreId + "|" + x.SkuId, "Store id and SKU id joined by '|' (dim_product's key)"));

    /// <summary>fact_store_week: unique buyers per store and ISO week, which daily counts cannot give.</summary>
    public static CuratedTable<StoreWeekRow> StoreWeeks { get; } = DetailFacts.StoreWeekColumns(
        new CuratedTable<StoreWeekRow>("fact_store_week", "One row per store and ISO week: unique GMV buyers over the week's days with a KPI row.", _ => throw new NotSupportedException("fact_store_week is written, not read back.")));

    /// <summary>dim_creator: every store's affiliate creators (from curated/creators), the creator scorecard's dimension.</summary>
    public static CuratedTable<Core.Domain.Creator> Creators { get; } = new CuratedTable<Core.Domain.Creator>("dim_creator", "One row per store and affiliate creator with a curated order.", _ => throw new NotSupportedException("dim_creator is written, not read back."))
        .String("creator_key", x => CreatorKey(x.StoreId, x.CreatorId), "Store id and creator id joined by '|': the key fact_creator_week relates on")
        .String("store_id", x => x.StoreId, "Store id")
        .String("creator_id", x => x.CreatorId, "The creator as orders name it (TikTok: the public username)")
        .String("content_types", x => x.ContentTypes, "Content the creator's orders came through (LIVE, VIDEO, SHOWCASE), sorted, comma-separated; empty when unknown", "list")
        .Date("first_order_date", x => x.FirstOrderDate, "First store-local day with a curated order of the creator")
        .Date("last_order_date", x => x.LastOrderDate, "Last store-local day with a curated order of the creator");

    /// <summary>fact_creator_week: the creator scorecard per store and ISO week (from the compute step's kpi_creator_week), with dim_creator's key.</summary>
    public static CuratedTable<Core.Scorecards.CreatorWeekScore> CreatorWeeks { get; } = ScorecardFacts.CreatorWeekColumns(
        new CuratedTable<Core.Scorecards.CreatorWeekScore>("fact_creator_week", "One row per store, ISO week and creator with an affiliate order placed that week: GMV, commission, refunds and a tier.", _ => throw new NotSupportedException("fact_creator_week is written, not read back."))
            .String("creator_key", x => CreatorKey(x.StoreId, x.CreatorId), "Store id and creator id joined by '|' (dim_creator's key)"));

    /// <summary>fact_live_session: the LIVE session scorecard (from the compute step's kpi_live_session).</summary>
    public static CuratedTable<Core.Scorecards.LiveSessionScore> LiveSessions { get; } = ScorecardFacts.LiveSessionColumns(
        new CuratedTable<Core.Scorecards.LiveSessionScore>("fact_live_session", "One row per LIVE session: GMV, GPM, average watch time, product click rate and a tier.", _ => throw new NotSupportedException("fact_live_session is written, not read back.")), withUtcStart: false);

    /// <summary>kpi_thresholds: the RAG thresholds each store is judged by (its own where it has some, else its stage's, else the catalog's).</summary>
    public static CuratedTable<SemanticThreshold> Thresholds { get; } = new CuratedTable<SemanticThreshold>("kpi_thresholds", "One row per store and KPI with RAG thresholds: those in force there, the store's own, its stage's or the catalog's.", _ => throw new NotSupportedException("kpi_thresholds is written, not read back."))
        .String("store_id", t => t.StoreId, "Store id")
        .String("kpi_id", t => t.KpiId, "The KPI (catalog id)")
        .String("direction", t => t.Direction, "HigherIsBetter or LowerIsBetter")
        .Decimal("green", t => t.Green, "Green at or beyond this value", "the KPI's unit", 28, 6)
        .Decimal("amber", t => t.Amber, "Amber at or beyond this value, short of green; red beyond it", "the KPI's unit", 28, 6)
        .String("source", t => t.Source, "store (the store's own thresholds), stage (its stage's) or catalog");

    /// <summary>fact_targets.</summary>
    public static CuratedTable<SemanticTarget> Targets { get; } = new CuratedTable<SemanticTarget>("fact_targets", "One row per store and month with a GMV target.", _ => throw new NotSupportedException("fact_targets is written, not read back."))
        .String("store_id", t => t.StoreId, "Store id")
        .Date("month_start", t => t.Month, "First day of the target's month")
        .String("currency", t => t.Currency, "Currency of the target (the store's)", "ISO 4217")
        .Decimal("target_gmv", t => KpiDailyRepository.Round(t.Gmv), "GMV target for the month", "store currency", 28, 6);

    /// <summary>The name of fact_store_day, whose parts the publisher reads by month's change mark.</summary>
    public const string StoreDaysName = "fact_store_day";

    /// <summary>
    /// fact_store_day for a catalog: one row per store-day with the FX rate used, every additive base measure (money in
    /// the store's currency and, as _rpt, in the reporting currency) and the end-of-day snapshots (units on hand, which
    /// add up over stores but not days). Distinct counts and top-ten measures do not add up and are left out: the catalog's additive stand-in for daily buyers
    /// is buyer_days, which summed over a week counts buyer-days, not unique buyers.
    /// </summary>
    public static CuratedTable<KpiDailyRow> StoreDays(KpiCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var table = new CuratedTable<KpiDailyRow>(StoreDaysName, "One row per store-day: the additive base measures, in the store's and the reporting currency.", _ => throw new NotSupportedException("fact_store_day is written, not read back."))
            .String("store_id", r => r.StoreId, "Store id")
            .Date("date", r => r.Date, "Store-local day")
            .String("currency", r => r.Currency, "Store's currency: the local measures are in it", "ISO 4217")
            .String("reporting_currency", r => r.ReportingCurrency, "Currency of the _rpt columns", "ISO 4217")
            .Decimal("fx_rate", r => r.FxRate, "Reporting-currency units per store-currency unit used for the day", "rate", 28, 12, required: false)
            .Date("fx_rate_date", r => r.FxRateDate, "Day the rate belongs to (earlier when carried forward)", required: false)
            .Boolean("is_provisional", r => r.Provisional, "The figures may still change (inside the lookback later runs fetch again)");
        foreach (var m in catalog.Measures)
        {
            var id = m.Id;
            if (m.Aggregation is not (MeasureAggregation.Sum or MeasureAggregation.LastValue))
            {
                continue;
            }

            table.Decimal(id, r => r.Measures.GetValueOrDefault(id), m.Description, m.Unit == MeasureUnit.Money ? "store currency" : m.Unit.ToString().ToLowerInvariant(), 28, 6, required: false);
            if (m.Unit == MeasureUnit.Money)
            {
                table.Decimal(id + "_rpt", r => Reporting(r, id), m.Description + ", in the reporting currency at the day's rate", "reporting currency", 28, 6, required: false);
            }
        }

        return table;
    }

    /// <summary>dim_creator's key: store id and creator id joined by '|'.</summary>
    public static string CreatorKey(string storeId, string creatorId) => storeId + "|" + creatorId;

    private static decimal? Reporting(KpiDailyRow row, string measure) =>
        row.Measures.GetValueOrDefault(measure) is { } value && row.FxRate is { } rate ? KpiDailyRepository.Round(value * rate) : null;
}
