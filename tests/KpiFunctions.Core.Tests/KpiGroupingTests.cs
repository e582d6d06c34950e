using KpiFunctions.Core.Catalog;
using KpiFunctions.Core.Engine;

namespace KpiFunctions.Core.Tests;

public class KpiGroupingTests
{
    private static readonly KpiEngine Engine = new(KpiCatalog.Default, "USD");
    private static readonly DateOnly Mon = new(2026, 3, 9);
    private static readonly DateOnly Tue = new(2026, 3, 10);

    [Fact]
    public void A_week_recomputes_ratios_from_summed_measures_instead_of_averaging_daily_ratios()
    {
        // Day 1: 1 buyer of 100 visitors (1 %); day 2: 9 of 300 (3 %). Average of rates 2 %, true rate 10 / 400 = 2.5 %.
        var rows = new[]
        {
            Measures.Day("s1", "GB", "GBP", Mon, values: new Dictionary<string, decimal?> { ["buyer_days"] = 1, ["visitors"] = 100 }),
            Measures.Day("s1", "GB", "GBP", Tue, values: new Dictionary<string, decimal?> { ["buyer_days"] = 9, ["visitors"] = 300 }),
        };

        var week = Assert.Single(Engine.Evaluate(rows, KpiGrouping.StoreWeek, CurrencyBasis.Local));

        Assert.Equal("s1|2026-W11", week.Key);
        Assert.Equal(2.5m, week.Kpi("conversion_rate").Value);
        Assert.Equal(Mon, week.From);
        Assert.Equal(Tue, week.To);
    }

    [Fact]
    public void Distinct_buyers_over_a_week_count_a_returning_buyer_once()
    {
        var rows = new[]
        {
            Measures.Day("s1", "GB", "GBP", Mon, values: new Dictionary<string, decimal?> { ["buyer_days"] = 2 }, buyers: ["a", "b"]),
            Measures.Day("s1", "GB", "GBP", Tue, values: new Dictionary<string, decimal?> { ["buyer_days"] = 2 }, buyers: ["b", "c"]),
        };

        var week = Assert.Single(Engine.Evaluate(rows, KpiGrouping.StoreWeek, CurrencyBasis.Local));

        Assert.Equal(3m, week.Kpi("buyers").Value);
        Assert.Equal(4m, week.Measures["buyer_days"].Value);
    }

    [Fact]
    public void A_country_month_in_the_reporting_currency_converts_each_store_day_at_its_own_rate()
    {
        var rows = new[]
        {
            Measures.Day("us1", "US", "USD", Mon, 1m, new Dictionary<string, decimal?> { ["gmv"] = 100, ["gmv_orders"] = 2, ["refund_amount"] = 10 }),
            Measures.Day("us2", "US", "USD", Tue, 1m, new Dictionary<string, decimal?> { ["gmv"] = 300, ["gmv_orders"] = 3, ["refund_amount"] = 0 }),
            Measures.Day("gb1", "GB", "GBP", Mon, 1.2m, new Dictionary<string, decimal?> { ["gmv"] = 100, ["gmv_orders"] = 1 }),
            Measures.Day("gb1", "GB", "GBP", Tue, 1.3m, new Dictionary<string, decimal?> { ["gmv"] = 100, ["gmv_orders"] = 1 }),
        };

        var byCountry = Engine.Evaluate(rows, KpiGrouping.CountryMonth, CurrencyBasis.Reporting).ToDictionary(g => g.Key);
        var all = Assert.Single(Engine.Evaluate(rows, KpiGrouping.All, CurrencyBasis.Reporting));

        Assert.Equal(400m, byCountry["US|2026-03"].Kpi("gmv").Value);
        Assert.Equal(80m, byCountry["US|2026-03"].Kpi("aov").Value);               // 400 / 5, not the mean of 50 and 100
        Assert.Equal(2.5m, byCountry["US|2026-03"].Kpi("refund_rate").Value);     // 10 / 400 × 100
        Assert.Equal(250m, byCountry["GB|2026-03"].Kpi("gmv").Value);             // 100 × 1.2 + 100 × 1.3
        Assert.Equal(650m, all.Kpi("gmv").Value);
        Assert.Equal(650m / 7m, all.Kpi("aov").Value);
        Assert.Equal(["gb1", "us1", "us2"], all.StoreIds);
    }

    [Fact]
    public void A_group_of_two_currencies_cannot_be_summed_in_local_currency()
    {
        var rows = new[]
        {
            Measures.Day("us1", "US", "USD", Mon),
            Measures.Day("gb1", "GB", "GBP", Mon),
        };

        var ex = Assert.Throws<ArgumentException>(() => Engine.Evaluate(rows, KpiGrouping.All, CurrencyBasis.Local));

        Assert.Contains("GBP, USD", ex.Message, StringComparison.Ordinal);
        Assert.Contains("reporting currency", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inventory_takes_each_stores_last_day_and_sums_across_stores()
    {
        var rows = new[]
        {
            Measures.Day("s1", "GB", "GBP", Mon, values: new Dictionary<string, decimal?> { ["units_on_hand"] = 500, ["units"] = 10 }),
            Measures.Day("s1", "GB", "GBP", Tue, values: new Dictionary<string, decimal?> { ["units_on_hand"] = 300, ["units"] = 30 }),
            Measures.Day("s2", "GB", "GBP", Mon, values: new Dictionary<string, decimal?> { ["units_on_hand"] = 100, ["units"] = 0 }),
            Measures.Day("s2", "GB", "GBP", Tue, values: new Dictionary<string, decimal?> { ["units_on_hand"] = 100, ["units"] = 0 }),
        };

        var all = Assert.Single(Engine.Evaluate(rows, KpiGrouping.All, CurrencyBasis.Local));

        Assert.Equal(400m, all.Measures["units_on_hand"].Value);       // 300 + 100, not 1000
        Assert.Equal(2m, all.Measures["days"].Value);
        Assert.Equal(20m, all.Kpi("inventory_days_of_cover").Value);   // 400 / (40 / 2)
    }

    [Fact]
    public void Top_ten_skus_are_chosen_over_the_whole_period()
    {
        // Eleven SKUs; SKU k sells k on Monday, and "s1" sells 100 on Tuesday: the top ten over both days drop SKU 1.
        var monday = Enumerable.Range(1, 11).ToDictionary(k => "s" + k, k => (decimal)k);
        var rows = new[]
        {
            Measures.Day("st", "GB", "GBP", Mon, values: new Dictionary<string, decimal?> { ["gmv"] = 66 }, skus: monday),
            Measures.Day("st", "GB", "GBP", Tue, values: new Dictionary<string, decimal?> { ["gmv"] = 100 }, skus: new Dictionary<string, decimal> { ["s1"] = 100 }),
        };

        var week = Assert.Single(Engine.Evaluate(rows, KpiGrouping.StoreWeek, CurrencyBasis.Local));

        // s1 = 101, then s11..s3 = 11+10+…+3 = 63: 164 of 166.
        Assert.Equal(164m, week.Measures["top10_sku_gmv"].Value);
        Assert.Equal(164m / 166m * 100m, week.Kpi("top10_sku_gmv_share").Value);
    }

    [Fact]
    public void An_unknown_measure_in_any_member_makes_the_group_value_null_with_its_reason()
    {
        var rows = new[]
        {
            Measures.Day("s1", "GB", "GBP", Mon, values: new Dictionary<string, decimal?> { ["visitors"] = 100, ["buyer_days"] = 1 }),
            Measures.Day("s1", "GB", "GBP", Tue, values: new Dictionary<string, decimal?> { ["visitors"] = null, ["buyer_days"] = 1 }),
        };

        var week = Assert.Single(Engine.Evaluate(rows, KpiGrouping.StoreWeek, CurrencyBasis.Local));

        Assert.Null(week.Kpi("conversion_rate").Value);
        Assert.Contains("2026-03-10", week.Kpi("conversion_rate").NullReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_store_day_that_was_never_fetched_nulls_every_measure_of_its_group_even_distinct_ones()
    {
        var rows = new[]
        {
            Measures.Day("s1", "GB", "GBP", Mon, values: new Dictionary<string, decimal?> { ["buyer_days"] = 1, ["gmv"] = 10 }, buyers: ["a"]),
            StoreDayMeasures.Missing("s1", "GB", "GBP", Tue, "store s1 on 2026-03-10 has not been fetched"),
        };

        var week = Assert.Single(Engine.Evaluate(rows, KpiGrouping.StoreWeek, CurrencyBasis.Local));

        Assert.All(week.Kpis, k => Assert.Null(k.Value));
        Assert.Equal("store s1 on 2026-03-10 has not been fetched", week.Kpi("buyers").NullReason);
        Assert.Null(week.Measures["days"].Value);
    }

    [Fact]
    public void A_missing_fx_rate_nulls_reporting_money_but_not_local_values()
    {
        var rows = new[] { Measures.Day("vn", "VN", "VND", Mon, rate: null, values: new Dictionary<string, decimal?> { ["gmv"] = 1000, ["gmv_orders"] = 1 }) };

        var local = Assert.Single(Engine.Evaluate(rows, KpiGrouping.StoreDay, CurrencyBasis.Local));
        var reporting = Assert.Single(Engine.Evaluate(rows, KpiGrouping.StoreDay, CurrencyBasis.Reporting));

        Assert.Equal(1000m, local.Kpi("gmv").Value);
        Assert.Null(reporting.Kpi("gmv").Value);
        Assert.Contains("VND rate missing", reporting.Kpi("gmv").NullReason, StringComparison.Ordinal);
        Assert.Equal(1m, reporting.Kpi("orders").Value);
    }
}
