using KpiFunctions.Core.Catalog;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Engine;
using KpiFunctions.Core.Fx;
using KpiFunctions.Core.Measures;

namespace KpiFunctions.Core.Tests;

/// <summary>Every catalog KPI on the sample store-day, against values worked out by hand.</summary>
public class KpiMathTests
{
    private static readonly KpiEngine Engine = new(KpiCatalog.Default, "USD");

    public static TheoryData<string, string, string> Expected => new()
    {
        // id, value ("n", "n/d" or "n/d*m", evaluated left to right in decimal like the formula), status
        { "gmv", "100", "None" },
        { "net_gmv", "85", "None" },                           // 100 - 15 refunded
        { "orders", "3", "None" },
        { "buyers", "2", "None" },
        { "units", "5", "None" },
        { "aov", "100/3", "None" },                            // 100 / 3
        { "visitors", "200", "None" },
        { "ctr", "2.5", "Amber" },                             // 50 / 2000 × 100
        { "add_to_cart_rate", "8", "Green" },                  // 16 / 200 × 100
        { "conversion_rate", "1", "Red" },                     // 2 / 200 × 100
        { "gpm", "25", "None" },                               // 100 / (1500 + 2500) × 1000
        { "live_gmv", "30", "None" },                          // sessions s1 20 + s2 10
        { "live_gpm", "20", "None" },                          // 30 / 1500 × 1000
        { "avg_live_watch_time", "50", "Amber" },              // 60000 / 1200
        { "video_completion_rate", "24", "Amber" },            // 600 / 2500 × 100
        { "creator_gmv_share", "50", "Green" },                // 50 / 100 × 100
        { "top10_sku_gmv_share", "100", "Red" },               // three SKUs: all of GMV
        { "refund_rate", "15", "Red" },                        // 15 / 100 × 100
        { "return_rate", "1/3*100", "Red" },                     // 1 / 3 × 100
        { "cancellation_rate", "25", "Red" },                  // 1 / 4 × 100
        { "seller_cancellation_rate", "25", "Red" },           // o4, cancelled by the seller: 1 / 4 × 100
        { "ad_spend", "20", "None" },
        { "ads_attributed_gmv", "50", "None" },
        { "roas", "2.5", "Amber" },                            // 50 / 20
        { "tacos", "20", "Red" },                              // 20 / 100 × 100: above the 15 % amber line
        { "ad_cost_per_order", "20/3", "None" },               // 20 / 3 GMV orders
        { "gross_margin", "11/85*100", "Amber" },               // (100 - 15 - 42 - 6 - 6 - 20) / 85 × 100
        { "response_rate", "75", "Red" },                      // 30 / 40 × 100 (12 h window)
        { "avg_first_response_time", "10", "Green" },          // 22800 s / 38 / 60
        { "negative_review_rate", "4", "Amber" },              // 1 / 25 × 100
        { "inventory_days_of_cover", "30", "Green" },          // 150 / (5 / 1)
        { "gmv_target_attainment", "null", "None" },           // month to date needs March 1-9 too; see the test below
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public void Each_kpi_matches_the_hand_computed_value_and_status(string kpiId, string expected, string status)
    {
        var row = StoreDayMeasureBuilder.Build(SampleStoreDay.Build()).WithFx(new FxLookup(1.25m, SampleStoreDay.Date, FxStatus.Exact, null));

        var result = Engine.EvaluateGroup("t1", [row], CurrencyBasis.Local, [row]).Kpi(kpiId);

        Assert.Equal(Parse(expected), result.Value);
        Assert.Equal(status, result.Status.ToString());
    }

    [Fact]
    public void The_expected_table_covers_every_catalog_kpi()
    {
        var covered = Expected.Select(row => (string)row[0]).Order(StringComparer.Ordinal);

        Assert.Equal(KpiCatalog.Default.Kpis.Select(k => k.Id).Order(StringComparer.Ordinal), covered);
    }

    [Fact]
    public void Money_kpis_convert_at_the_days_rate_and_ratios_do_not_change()
    {
        var row = StoreDayMeasureBuilder.Build(SampleStoreDay.Build()).WithFx(new FxLookup(1.25m, SampleStoreDay.Date, FxStatus.Exact, null));

        var local = Engine.EvaluateGroup("t1", [row], CurrencyBasis.Local, [row]);
        var usd = Engine.EvaluateGroup("t1", [row], CurrencyBasis.Reporting, [row]);

        Assert.Equal("GBP", local.Currency);
        Assert.Equal("USD", usd.Currency);
        Assert.Equal(125m, usd.Kpi("gmv").Value);
        Assert.Equal(25m, usd.Kpi("ad_spend").Value);
        Assert.Equal(62.5m, usd.Kpi("ads_attributed_gmv").Value);
        Assert.Equal(25m / 3, usd.Kpi("ad_cost_per_order").Value);
        Assert.Equal(local.Kpi("tacos").Value, usd.Kpi("tacos").Value);
        Assert.Equal(31.25m, usd.Kpi("gpm").Value);
        Assert.Equal(local.Kpi("refund_rate").Value, usd.Kpi("refund_rate").Value);
        // Both sides convert at the same rate; only the 28th digit of the division may differ.
        Assert.Equal(Math.Round(local.Kpi("gross_margin").Value!.Value, 20), Math.Round(usd.Kpi("gross_margin").Value!.Value, 20));
    }

    [Fact]
    public void Live_gpm_over_days_divides_the_sessions_summed_gmv_by_their_summed_views()
    {
        // The sample day: sessions of 20 and 10 GBP over 1,500 views; the day before: one session of 40 GBP, 900 views.
        var sample = StoreDayMeasureBuilder.Build(SampleStoreDay.Build());
        var before = StoreDayMeasureBuilder.Build(SampleStoreDay.Build() with
        {
            Date = SampleStoreDay.Date.AddDays(-1),
            LiveSessions = [new LiveSession("t1", "s0", new DateTimeOffset(2026, 3, 9, 21, 0, 0, TimeSpan.Zero), 7200, 900, 700, 30_000, 40m, "GBP")],
        });

        var result = Engine.EvaluateGroup("t1", [before, sample], CurrencyBasis.Local, [before, sample]);

        Assert.Equal(70m, result.Kpi("live_gmv").Value);                 // 40 + 20 + 10
        Assert.Equal(70m / 2400m * 1000m, result.Kpi("live_gpm").Value);  // not the mean of the days' 44.44 and 20
    }

    [Fact]
    public void A_zero_denominator_gives_null_with_the_reason_never_zero()
    {
        var data = SampleStoreDay.Build() with { Ads = [], LiveSessions = [] };
        var row = StoreDayMeasureBuilder.Build(data);

        var result = Engine.EvaluateGroup("t1", [row], CurrencyBasis.Local, [row]);

        Assert.Null(result.Kpi("roas").Value);
        Assert.Equal("ad_spend is zero", result.Kpi("roas").NullReason);
        Assert.Equal(RagStatus.None, result.Kpi("roas").Status);
        Assert.Null(result.Kpi("live_gpm").Value);
        Assert.Equal(0m, result.Kpi("ad_spend").Value);
    }

    [Fact]
    public void Month_to_date_attainment_without_the_whole_month_says_which_day_is_missing()
    {
        var row = StoreDayMeasureBuilder.Build(SampleStoreDay.Build());

        var result = Engine.EvaluateGroup("t1", [row], CurrencyBasis.Local, [row]).Kpi("gmv_target_attainment");

        Assert.Null(result.Value);
        Assert.Contains("needs store t1 on 2026-03-01", result.NullReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Month_to_date_attainment_sums_the_month_so_far_from_history()
    {
        // Days 1..10 of March, GMV 100 on the sample day and 50 on each earlier day; target 3100 → 100 a day.
        var sample = StoreDayMeasureBuilder.Build(SampleStoreDay.Build());
        var history = new List<StoreDayMeasures> { sample };
        for (var day = 1; day < 10; day++)
        {
            var data = SampleStoreDay.Build() with
            {
                Date = new DateOnly(2026, 3, day),
                Orders = [SampleStoreDay.Order("x" + day, 50)],
            };
            history.Add(StoreDayMeasureBuilder.Build(data));
        }

        // Last day of February must not count.
        history.Add(StoreDayMeasureBuilder.Build(SampleStoreDay.Build(target: new MonthlyTarget("t1", new DateOnly(2026, 2, 1), 2800)) with { Date = new DateOnly(2026, 2, 28) }));

        var result = Engine.EvaluateGroup("t1", [sample], CurrencyBasis.Local, history).Kpi("gmv_target_attainment");

        // (9 × 50 + 100) / (10 × 100) × 100 = 55
        Assert.Equal(55m, result.Value);
        Assert.Equal(RagStatus.Red, result.Status);
    }

    private static decimal? Parse(string text)
    {
        if (text == "null")
        {
            return null;
        }

        static decimal D(string s) => decimal.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
        var product = text.Split('*');
        var quotient = product[0].Split('/');
        var value = quotient.Length == 2 ? D(quotient[0]) / D(quotient[1]) : D(quotient[0]);
        return product.Length == 2 ? value * D(product[1]) : value;
    }
}
