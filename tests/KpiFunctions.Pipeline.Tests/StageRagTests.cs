using KpiFunctions.Core.Catalog;
using KpiFunctions.Pipeline.Kpis;
using KpiFunctions.Pipeline.Registry;
using KpiFunctions.Pipeline.Steps;

namespace KpiFunctions.Pipeline.Tests;

public class StageRagTests
{
    [Fact]
    public async Task A_stores_stage_thresholds_decide_its_rag_where_the_stage_sets_them_and_the_values_do_not_move()
    {
        using var h = new Harness(3);
        var from = new DateOnly(2026, 11, 10);
        var to = new DateOnly(2026, 11, 16);
        await h.SeedAsync(from, to);
        var usEast = h.Stores.Single(s => s.Id == "us-east");
        Assert.Equal("growth", usEast.Stage);
        var repository = new KpiDailyRepository(h.Storage.Tables, KpiCatalog.Default);

        await h.Runner().RunAsync(new RunRequest(from, to, ["us-east"]));
        var growing = await repository.QueryAsync(from, to, "us-east");
        await new StoreRegistry(h.Storage.Tables).ImportAsync([usEast with { Stage = "cold_start" }]);
        await h.Runner().RunAsync(new RunRequest(from, to, ["us-east"]));
        var coldStart = await repository.QueryAsync(from, to, "us-east");

        var growth = KpiCatalog.Default.Stage("growth")!;
        var cold = KpiCatalog.Default.Stage("cold_start")!;
        var changed = 0;
        foreach (var (g, c) in growing.Zip(coldStart))
        {
            foreach (var kpi in KpiCatalog.Default.Kpis)
            {
                var (gc, cc) = (g.Kpis[kpi.Id], c.Kpis[kpi.Id]);
                Assert.Equal(gc.Value, cc.Value);
                // Each run judges by its stage's thresholds where the stage sets some, else by the catalog's.
                Assert.Equal((growth.For(kpi.Id)?.Thresholds ?? kpi.Thresholds)?.Classify(gc.Value, kpi.Direction) ?? RagStatus.None, gc.Status);
                Assert.Equal((cold.For(kpi.Id)?.Thresholds ?? kpi.Thresholds)?.Classify(cc.Value, kpi.Direction) ?? RagStatus.None, cc.Status);
                changed += gc.Status != cc.Status ? 1 : 0;
            }

            // TACoS: growth is green to 12 %, amber to 18 %; cold start green to 20 %, amber to 30 %.
            var tacos = g.Kpis["tacos"].Value;
            Assert.Equal(tacos is null ? RagStatus.None : tacos <= 12m ? RagStatus.Green : tacos <= 18m ? RagStatus.Amber : RagStatus.Red, g.Kpis["tacos"].Status);
            Assert.Equal(tacos is null ? RagStatus.None : tacos <= 20m ? RagStatus.Green : tacos <= 30m ? RagStatus.Amber : RagStatus.Red, c.Kpis["tacos"].Status);
        }

        Assert.Equal(7, growing.Count);
        Assert.True(changed > 0, "the week's statuses should differ somewhere between the growth and the cold-start thresholds");
    }
}
