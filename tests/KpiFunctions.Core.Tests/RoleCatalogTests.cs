using KpiFunctions.Core.Catalog;
using KpiFunctions.Core.Domain;
using static KpiFunctions.Core.Catalog.KpiExpr;

namespace KpiFunctions.Core.Tests;

public class RoleCatalogTests
{
    private static readonly BaseMeasure[] Measures =
    [
        new("gmv", "orders", "subtotal", "all", MeasureUnit.Money, MeasureAggregation.Sum, MissingData.Zero, "GMV"),
        new("refunds", "refunds", "amount", "all", MeasureUnit.Money, MeasureAggregation.Sum, MissingData.Zero, "Refunds"),
    ];

    private static readonly KpiDefinition[] Kpis =
    [
        new("gmv", "GMV", "成交总额", KpiKind.Simple, M("gmv"), KpiUnit.Money, "0.00", KpiDirection.HigherIsBetter, null, "x"),
        new("refund_rate", "Refund rate", "退款率", KpiKind.Ratio, M("refunds") / M("gmv") * C(100), KpiUnit.Percent, "0.00", KpiDirection.LowerIsBetter, new(3m, 6m), "x"),
    ];

    private static readonly StageDefinition Stable = new("stable", "Stable", "稳定期", "x", []);

    [Fact]
    public void The_default_catalog_has_the_four_roles_and_three_stages_and_is_valid()
    {
        var catalog = KpiCatalog.Default;

        Assert.Empty(KpiCatalog.Validate(catalog.Measures, catalog.Kpis, catalog.Roles, catalog.Stages));
        Assert.Equal(["live_host", "ad_buyer", "customer_service", "content"], catalog.Roles.Select(r => r.Id));
        Assert.Equal(["cold_start", "growth", "stable"], catalog.Stages.Select(s => s.Id));
        Assert.All(catalog.Roles, r => Assert.Equal(1m, r.Kpis.Sum(k => k.Weight)));
    }

    [Fact]
    public void Role_validation_reports_every_problem_naming_the_role()
    {
        RoleDefinition[] roles =
        [
            new("seller", "Seller", "销售", [new("gmv", 0.5m), new("visitors", 0.5m)]),
            new("too_many", "Too many", "太多", [new("gmv", 0.2m), new("refund_rate", 0.2m), new("gmv", 0.2m), new("refund_rate", 0.2m), new("gmv", 0.1m), new("refund_rate", 0.1m)]),
            new("short", "Short", "不足", [new("gmv", 0.6m), new("refund_rate", 0.3m)]),
            new("short", "", "重复", [new("gmv", 1m)]),
            new("empty", "Empty", "空", []),
        ];

        var problems = KpiCatalog.Validate(Measures, Kpis, roles, [Stable]);

        Assert.Equal(
        [
            "role 'seller': 'visitors' is not a KPI of the catalog",
            "role 'too_many': names 6 KPIs; at most 5",
            "role 'too_many': names 'gmv' more than once",
            "role 'too_many': names 'refund_rate' more than once",
            "role 'too_many': names 'gmv' more than once",
            "role 'too_many': names 'refund_rate' more than once",
            "role 'short': weights sum to 0.9; they must sum to exactly 1",
            "role 'short': defined more than once",
            "role 'short': needs both an English and a Chinese label",
            "role 'empty': names no KPI",
        ], problems);
    }

    [Fact]
    public void Stage_validation_reports_every_problem_naming_the_stage()
    {
        StageDefinition[] stages =
        [
            new("growth", "Growth", "成长期", "x",
            [
                new("refund_rate", 3m, new(6m, 3m), Focus: true),
                new("visitors", 100m, new(100m, 50m), Focus: false),
                new("gmv", 1000m, new(1000m, 800m), Focus: true),
                new("gmv", 1000m, new(800m, 1000m), Focus: true),
            ]),
            new("growth", "Growth", "", "x", []),
        ];

        var problems = KpiCatalog.Validate(Measures, Kpis, [], stages);

        Assert.Equal(
        [
            "stage 'growth': refund_rate green 6 and amber 3 are the wrong way round for LowerIsBetter",
            "stage 'growth': 'visitors' is not a KPI of the catalog",
            "stage 'growth': sets 'gmv' more than once",
            "stage 'growth': gmv green 800 and amber 1000 are the wrong way round for HigherIsBetter",
            "stage 'growth': defined more than once",
            "stage 'growth': needs both an English and a Chinese label",
            "stages: the default stage 'stable' (of stores that name none) is missing",
        ], problems);
        var ex = Assert.Throws<ArgumentException>(() => new KpiCatalog(Measures, Kpis, [], stages));
        Assert.Contains("7 problem(s)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stores_thresholds_come_from_itself_then_its_stage_then_the_catalog()
    {
        var growth = new StageDefinition("growth", "Growth", "成长期", "x", [new("refund_rate", 4m, new(4m, 7m), Focus: true)]);
        var catalog = new KpiCatalog(Measures, Kpis, [], [growth, Stable]);
        var refundRate = catalog.Kpi("refund_rate");
        var stable = new Store("a", "A", "GB", "GBP", "Europe/London");
        var growing = stable with { Stage = "growth" };
        var own = growing with { Thresholds = new Dictionary<string, RagThresholds> { ["refund_rate"] = new(2m, 2.5m) } };

        Assert.Equal("stable", stable.Stage);
        Assert.Equal((new RagThresholds(3m, 6m), "catalog"), (catalog.ThresholdsFor(stable, refundRate), catalog.ThresholdSource(stable, refundRate)));
        Assert.Equal((new RagThresholds(4m, 7m), "stage"), (catalog.ThresholdsFor(growing, refundRate), catalog.ThresholdSource(growing, refundRate)));
        Assert.Equal((new RagThresholds(2m, 2.5m), "store"), (catalog.ThresholdsFor(own, refundRate), catalog.ThresholdSource(own, refundRate)));
        // 6.5 % refunds: red by the catalog (amber up to 6), amber for a growing store (amber up to 7).
        Assert.Equal(RagStatus.Red, catalog.ThresholdsFor(stable, refundRate)!.Classify(6.5m, refundRate.Direction));
        Assert.Equal(RagStatus.Amber, catalog.ThresholdsFor(growing, refundRate)!.Classify(6.5m, refundRate.Direction));
        Assert.Null(catalog.ThresholdsFor(growing, catalog.Kpi("gmv")));
    }

    [Fact]
    public void A_store_with_an_unknown_stage_is_refused_naming_the_stages()
    {
        var problems = Validation.StoreValidator.Validate(new Store("a", "A", "GB", "GBP", "Europe/London", Stage: "launch"));

        Assert.Equal(["stage 'launch' must be one of cold_start, growth, stable (omit it for stable)"], problems);
    }
}
