using KpiFunctions.Core.Catalog;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Engine;
using KpiFunctions.Core.Scorecards;
using static KpiFunctions.Core.Catalog.KpiExpr;

namespace KpiFunctions.Core.Tests;

public class RoleScorecardTests
{
    private static readonly KpiCatalog Catalog = new(
        [
            new("a", "d", "a", "all", MeasureUnit.Count, MeasureAggregation.Sum, MissingData.Zero, "A"),
            new("b", "d", "b", "all", MeasureUnit.Count, MeasureAggregation.Sum, MissingData.Zero, "B"),
        ],
        [
            new("reach", "Reach", "触达", KpiKind.Simple, M("a"), KpiUnit.Count, "0", KpiDirection.HigherIsBetter, new(100m, 50m), "x"),
            new("wait", "Wait", "等待", KpiKind.Simple, M("b"), KpiUnit.Minutes, "0", KpiDirection.LowerIsBetter, new(10m, 20m), "x"),
            new("spend", "Spend", "花费", KpiKind.Simple, M("a"), KpiUnit.Money, "0", KpiDirection.LowerIsBetter, null, "x"),
        ],
        [
            new("host", "Host", "主播", [new("reach", 0.5m), new("wait", 0.3m), new("spend", 0.2m)]),
            new("buyer", "Buyer", "投手", [new("spend", 1m)]),
        ],
        [
            new("growth", "Growth", "成长期", "x", [new("reach", 100m, new(120m, 80m), Focus: true), new("wait", 10m, new(10m, 15m), Focus: false)]),
            new("stable", "Stable", "稳定期", "x", []),
        ]);

    private static readonly StageDefinition Growth = Catalog.Stage("growth")!;

    private static KpiGroupResult Period(decimal? reach, decimal? wait, decimal? spend) => new(
        "s|2026-11-30", ["s"], new DateOnly(2026, 11, 30), new DateOnly(2026, 12, 6), "GBP",
        [
            new KpiResult("reach", reach, RagStatus.None, reach is null ? "no traffic figures" : null),
            new KpiResult("wait", wait, RagStatus.None, wait is null ? "no chats" : null),
            new KpiResult("spend", spend, RagStatus.None, spend is null ? "no ad report" : null),
        ],
        new Dictionary<string, MeasureValue>());

    [Fact]
    public void A_role_scores_the_weighted_attainment_of_its_kpis_against_the_stage_targets()
    {
        var scores = RoleScorecard.Score(Catalog, Growth, Period(reach: 110m, wait: 20m, spend: 7m));

        var host = scores.Single(s => s.Role.Id == "host");
        // reach: 110 / 100 = 110 %; wait (lower is better): 10 / 20 = 50 %; spend has no stage target.
        Assert.Equal(new RoleKpiScore("reach", 0.5m, 110m, 100m, 110m, RagStatus.Amber, null), host.Kpis[0]);
        Assert.Equal(new RoleKpiScore("wait", 0.3m, 20m, 10m, 50m, RagStatus.Red, null), host.Kpis[1]);
        Assert.Equal(new RoleKpiScore("spend", 0.2m, 7m, null, null, RagStatus.None, "stage 'growth' sets no target for spend"), host.Kpis[2]);
        // Weights renormalised over the two known: (0.5 × 110 + 0.3 × 50) / 0.8 = 70 / 0.8 = 87.5.
        Assert.Equal(87.5m, host.Score);
        Assert.Null(host.Reason);
    }

    [Fact]
    public void The_stage_thresholds_decide_the_rag_where_the_catalog_would_say_otherwise()
    {
        var scores = RoleScorecard.Score(Catalog, Catalog.Stage("stable")!, Period(reach: 110m, wait: 20m, spend: 7m));

        var host = scores.Single(s => s.Role.Id == "host");
        // Stable sets nothing: the catalog's 100 / 50 make 110 green and its 10 / 20 make 20 amber; and no targets.
        Assert.Equal([RagStatus.Green, RagStatus.Amber, RagStatus.None], host.Kpis.Select(k => k.Status));
        Assert.Null(host.Score);
        Assert.StartsWith("no KPI of role 'host' has both a value and a target for stage 'stable'", host.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_kpi_without_a_value_drops_out_and_the_other_weights_are_renormalised()
    {
        var host = RoleScorecard.Score(Catalog, Growth, Period(reach: null, wait: 8m, spend: 7m)).Single(s => s.Role.Id == "host");

        Assert.Equal((null, "no value: no traffic figures"), (host.Kpis[0].Attainment, host.Kpis[0].Reason));
        // wait alone: 10 / 8 = 125 %, weight 0.3 renormalised to 1.
        Assert.Equal(125m, host.Kpis[1].Attainment);
        Assert.Equal(RagStatus.Green, host.Kpis[1].Status);
        Assert.Equal(125m, host.Score);
    }

    [Fact]
    public void Attainment_is_capped_at_150_percent_and_floored_at_zero()
    {
        var host = RoleScorecard.Score(Catalog, Growth, Period(reach: 400m, wait: 2m, spend: null)).Single(s => s.Role.Id == "host");

        // 400 / 100 = 400 % and 10 / 2 = 500 % are both held at the cap; the score is the cap.
        Assert.Equal([150m, 150m], host.Kpis.Take(2).Select(k => k.Attainment!.Value));
        Assert.Equal(150m, host.Score);
        Assert.Equal((150m, (string?)null), RoleScorecard.Attainment(0m, 10m, KpiDirection.LowerIsBetter));
        Assert.Equal((0m, (string?)null), RoleScorecard.Attainment(-5m, 10m, KpiDirection.HigherIsBetter));
        Assert.Equal(40m, RoleScorecard.Attainment(25m, 10m, KpiDirection.LowerIsBetter).Attainment);
        Assert.Null(RoleScorecard.Attainment(5m, 0m, KpiDirection.HigherIsBetter).Attainment);
    }

    [Fact]
    public void A_role_whose_kpis_have_no_value_or_target_has_no_score_and_says_why()
    {
        var buyer = RoleScorecard.Score(Catalog, Growth, Period(reach: 1m, wait: 1m, spend: null)).Single(s => s.Role.Id == "buyer");

        Assert.Null(buyer.Score);
        Assert.Equal("no KPI of role 'buyer' has both a value and a target for stage 'growth' (spend: no value: no ad report)", buyer.Reason);
    }

    [Fact]
    public void For_a_store_its_own_thresholds_come_before_its_stages()
    {
        var store = new Store("s", "S", "GB", "GBP", "Europe/London", Thresholds: new Dictionary<string, RagThresholds> { ["reach"] = new(105m, 90m) }, Stage: "growth");

        var host = RoleScorecard.Score(Catalog, store, Period(reach: 110m, wait: 20m, spend: 7m)).Single(s => s.Role.Id == "host");

        // 110 is green on the store's 105 (amber on the stage's 120); wait keeps the stage's 10 / 15: red.
        Assert.Equal([RagStatus.Green, RagStatus.Red], host.Kpis.Take(2).Select(k => k.Status));
        Assert.Equal(87.5m, host.Score);
        Assert.Throws<ArgumentException>(() => RoleScorecard.Score(Catalog, store with { Stage = "launch" }, Period(1m, 1m, 1m)));
    }
}
