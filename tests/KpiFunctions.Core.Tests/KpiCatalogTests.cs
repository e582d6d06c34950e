using KpiFunctions.Core.Catalog;
using static KpiFunctions.Core.Catalog.KpiExpr;

namespace KpiFunctions.Core.Tests;

public class KpiCatalogTests
{
    [Fact]
    public void The_default_catalog_is_valid_and_has_every_required_kpi()
    {
        string[] required =
        [
            "gmv", "net_gmv", "orders", "buyers", "units", "aov", "visitors", "ctr", "add_to_cart_rate", "conversion_rate", "gpm",
            "live_gmv", "live_gpm", "avg_live_watch_time", "video_completion_rate", "creator_gmv_share", "top10_sku_gmv_share",
            "refund_rate", "return_rate", "cancellation_rate", "seller_cancellation_rate", "ad_spend", "ads_attributed_gmv", "roas", "tacos", "ad_cost_per_order", "gross_margin", "response_rate",
            "avg_first_response_time", "negative_review_rate", "inventory_days_of_cover", "gmv_target_attainment",
        ];

        Assert.Empty(KpiCatalog.Validate(KpiCatalog.Default.Measures, KpiCatalog.Default.Kpis));
        Assert.All(required, id => Assert.True(KpiCatalog.Default.ContainsKpi(id), id));
    }

    [Fact]
    public void Validation_reports_every_problem_at_once_with_where_and_why()
    {
        BaseMeasure[] measures =
        [
            new("gmv", "orders", "subtotal", "all", MeasureUnit.Money, MeasureAggregation.Sum, MissingData.Zero, "GMV"),
            new("gmv", "orders", "subtotal", "all", MeasureUnit.Money, MeasureAggregation.Sum, MissingData.Zero, "again"),
        ];
        KpiDefinition[] kpis =
        [
            new("aov", "AOV", "客单价", KpiKind.Ratio, M("gmv") / M("orders"), KpiUnit.Money, "0.00", KpiDirection.HigherIsBetter, null, "x"),
            new("Bad Id", "B", "", KpiKind.Simple, M("gmv") + M("gmv"), KpiUnit.Money, "0", KpiDirection.HigherIsBetter, null, "x"),
            new("rate", "R", "率", KpiKind.Ratio, M("gmv") / M("gmv") * C(100), KpiUnit.Percent, "0", KpiDirection.LowerIsBetter, new(10, 5), "x"),
            new("mtd", "M", "月", KpiKind.Ratio, Mtd("gmv") / M("gmv"), KpiUnit.Percent, "0", KpiDirection.HigherIsBetter, null, "x"),
        ];

        var problems = KpiCatalog.Validate(measures, kpis);

        Assert.Contains("measure 'gmv': defined more than once", problems);
        Assert.Contains("kpi 'aov': formula reads unknown measure 'orders'", problems);
        Assert.Contains("kpi 'Bad Id': id must be snake_case letters and digits", problems);
        Assert.Contains("kpi 'Bad Id': needs both an English and a Chinese label", problems);
        Assert.Contains("kpi 'Bad Id': a Simple KPI is exactly one base measure", problems);
        Assert.Contains("kpi 'rate': green 10 and amber 5 are the wrong way round for LowerIsBetter", problems);
        Assert.Contains("kpi 'mtd': reads mtd(gmv) but is not marked Cumulative", problems);
        Assert.Equal(7, problems.Count);
        var ex = Assert.Throws<ArgumentException>(() => new KpiCatalog(measures, kpis));
        Assert.Contains("7 problem(s)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Formulas_print_with_the_brackets_they_need()
    {
        Assert.Equal("(gmv - refund_amount - cogs) / (gmv - refund_amount) * 100",
            ((M("gmv") - M("refund_amount") - M("cogs")) / (M("gmv") - M("refund_amount")) * C(100)).ToFormula());
        Assert.Equal("units_on_hand / (units / days)", (M("units_on_hand") / (M("units") / M("days"))).ToFormula());
        Assert.Equal("mtd(gmv) / mtd(gmv_target) * 100", KpiCatalog.Default.Kpi("gmv_target_attainment").Formula.ToFormula());
    }

    [Theory]
    [InlineData(KpiDirection.HigherIsBetter, 3.0, RagStatus.Green)]
    [InlineData(KpiDirection.HigherIsBetter, 2.9, RagStatus.Amber)]
    [InlineData(KpiDirection.HigherIsBetter, 1.5, RagStatus.Amber)]
    [InlineData(KpiDirection.HigherIsBetter, 1.4, RagStatus.Red)]
    [InlineData(KpiDirection.LowerIsBetter, 1.5, RagStatus.Green)]
    [InlineData(KpiDirection.LowerIsBetter, 3.0, RagStatus.Amber)]
    [InlineData(KpiDirection.LowerIsBetter, 3.1, RagStatus.Red)]
    public void Thresholds_classify_by_direction(KpiDirection direction, double value, RagStatus expected)
    {
        var thresholds = direction == KpiDirection.HigherIsBetter ? new RagThresholds(3m, 1.5m) : new RagThresholds(1.5m, 3m);

        Assert.Equal(expected, thresholds.Classify((decimal)value, direction));
        Assert.Equal(RagStatus.None, thresholds.Classify(null, direction));
    }
}
