using KpiFunctions.Core.Catalog;
using KpiFunctions.Core.Fx;
using KpiFunctions.Pipeline.Kpis;
using KpiFunctions.Pipeline.Reports;
using KpiFunctions.Pipeline.Steps;

namespace KpiFunctions.Pipeline.Tests;

public sealed class WeeklyReportTests : IDisposable
{
    private static readonly DateOnly Monday = new(2026, 11, 9);
    private static readonly KpiCatalog Catalog = KpiCatalog.Default;
    private readonly Harness _h = new(2);

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Stores_rank_by_attainment_then_those_without_a_target_by_gmv_with_ties_by_gmv_then_id()
    {
        var ranks = WeeklyRanking.Rank([
            new("b", 95m, 500m),
            new("c", null, 900m),
            new("a", 120m, 10m),
            new("d", null, 5m),
            new("e", 95m, 600m),
            new("f", 95m, 600m),
            new("g", null, null),
        ]);

        Assert.Equal(["a", "e", "f", "b", "c", "d", "g"], ranks.OrderBy(r => r.Value).Select(r => r.Key));
        Assert.Throws<ArgumentException>(() => WeeklyRanking.Rank([new("a", 1m, 1m), new("a", 2m, 2m)]));
    }

    [Fact]
    public void A_weeks_kpis_are_its_days_measures_summed_then_divided_with_buyers_and_top_skus_from_their_own_facts()
    {
        // Three days: GMV 100, 200, 300 from 2, 4 and 4 orders; refunds 6, 0, 12; units 5, 10, 15; 40, 30, 20 units on hand.
        KpiDailyRow[] days =
        [
            Day(Monday, ("gmv", 100m), ("gmv_orders", 2m), ("refund_amount", 6m), ("units", 5m), ("units_on_hand", 40m), ("buyer_days", 2m), ("visitors", 50m)),
            Day(Monday.AddDays(1), ("gmv", 200m), ("gmv_orders", 4m), ("refund_amount", 0m), ("units", 10m), ("units_on_hand", 30m), ("buyer_days", 4m), ("visitors", 50m)),
            Day(Monday.AddDays(2), ("gmv", 300m), ("gmv_orders", 4m), ("refund_amount", 12m), ("units", 15m), ("units_on_hand", 20m), ("buyer_days", 3m), ("visitors", 100m)) with
            {
                Kpis = new Dictionary<string, KpiCell> { ["gmv_target_attainment"] = new(87.5m, null, RagStatus.Amber, null) },
            },
        ];

        var skus = new Dictionary<string, decimal> { ["s1"] = 240m, ["s2"] = 150m, ["s3"] = 100m, ["s4"] = 50m, ["s5"] = 20m, ["s6"] = 10m, ["s7"] = 8m, ["s8"] = 6m, ["s9"] = 4m, ["s10"] = 2m, ["s11"] = 1m };
        var kpis = WeekKpis.Evaluate(Catalog, days, uniqueBuyers: 7, skus);

        Assert.Equal(600m, kpis["gmv"].Value);
        Assert.Equal(10m, kpis["orders"].Value);
        Assert.Equal(60m, kpis["aov"].Value);                                   // 600 / 10
        Assert.Equal(3m, kpis["refund_rate"].Value);                            // 18 / 600 × 100
        Assert.Equal(7m, kpis["buyers"].Value);                                 // from kpi_store_week, not 2 + 4 + 3
        Assert.Equal(4.5m, kpis["conversion_rate"].Value);                      // 9 buyer-days / 200 visitors × 100
        Assert.Equal(2m, kpis["inventory_days_of_cover"].Value);                // 20 on hand / (30 units / 3 days)
        Assert.Equal(590m / 600m * 100m, kpis["top10_sku_gmv_share"].Value);    // the ten largest: 591 − 1
        Assert.Equal(87.5m, kpis["gmv_target_attainment"].Value);               // the last day's month to date

        var unknown = WeekKpis.Evaluate(Catalog, days, uniqueBuyers: null, skuGmv: null);
        Assert.Null(unknown["buyers"].Value);
        Assert.Contains("kpi_store_week", unknown["buyers"].Reason);
        Assert.Null(unknown["top10_sku_gmv_share"].Value);

        var gap = days.ToArray();
        gap[1] = Day(Monday.AddDays(1), ("gmv", 200m), ("gmv_orders", 4m), ("refund_amount", null));
        var withGap = WeekKpis.Evaluate(Catalog, gap, 7, skus);
        Assert.Null(withGap["refund_rate"].Value);
        Assert.Contains("refund_amount unknown for store uk-main on 2026-11-10", withGap["refund_rate"].Reason);
        Assert.Equal(600m, withGap["gmv"].Value);
    }

    [Fact]
    public void Reporting_currency_sums_convert_each_day_at_its_own_rate_and_say_which_day_has_none()
    {
        KpiDailyRow[] days = [Day(Monday, ("gmv", 100m)) with { FxRate = 1.25m }, Day(Monday.AddDays(1), ("gmv", 200m)) with { FxRate = 1.5m }];
        Assert.Equal(425m, WeekKpis.SumReporting("gmv", days).Value);

        days[1] = days[1] with { FxRate = null, FxNote = "no rate published" };
        var none = WeekKpis.SumReporting("gmv", days);
        Assert.Null(none.Value);
        Assert.Contains("2026-11-10", none.Reason);
        Assert.Contains("no rate published", none.Reason);
    }

    [Fact]
    public async Task The_report_ranks_the_stores_by_attainment_shows_the_move_from_last_week_and_totals_the_group_in_the_reporting_currency()
    {
        var from = Monday.AddDays(-7);
        await _h.SeedAsync(from, Monday.AddDays(6));
        await _h.Runner().RunAsync(new RunRequest(from, Monday.AddDays(6), ["uk-main", "us-west"]));
        var repository = new KpiDailyRepository(_h.Storage.Tables, Catalog);
        var rows = await repository.QueryAsync(from, Monday.AddDays(6));

        // Last week uk-main made 100 % of target and us-west 80 %; this week uk-main 90 %, us-west 110 %.
        decimal Gmv(string store, DateOnly date) => (store, date < Monday) switch
        {
            ("uk-main", true) => 1000m,
            ("uk-main", false) => 900m,
            (_, true) => 800m,
            _ => 1100m,
        };
        var set = rows.Select(r => r with
        {
            Measures = new Dictionary<string, decimal?>(r.Measures) { ["gmv"] = Gmv(r.StoreId, r.Date), ["gmv_target"] = 1000m, ["gmv_orders"] = 10m },
            FxRate = 2m,
        }).ToArray();
        await repository.SaveAsync(set);

        var report = await new WeeklyReportBuilder(_h.Storage, Catalog, _h.Time).BuildAsync(Monday);

        Assert.Equal("2026-W46", report.Week);
        Assert.Equal(["us-west", "uk-main"], report.Stores.Select(s => s.Store.Id));
        var usWest = report.Stores[0];
        var ukMain = report.Stores[1];
        Assert.Equal((1, 2, 1), (usWest.Rank, usWest.PreviousRank, usWest.RankChange));
        Assert.Equal((2, 1, -1), (ukMain.Rank, ukMain.PreviousRank, ukMain.RankChange));
        Assert.Equal(110m, usWest.Attainment);
        Assert.Equal(80m, usWest.PreviousAttainment);
        Assert.Equal(90m, ukMain.Attainment);
        Assert.Equal(7 * 900m, ukMain.Kpi("gmv").Value);
        Assert.Equal(7 * 1000m, ukMain.Kpi("gmv").Previous);
        Assert.Equal(-10m, ukMain.Kpi("gmv").ChangePct);
        Assert.Equal(7 * 900m * 2m, ukMain.GmvReporting);
        Assert.Equal(7, ukMain.DaysCovered);

        // The group: (7 × 900 + 7 × 1100) × 2 against 14 × 1000 × 2; 140 orders, as the week before.
        Assert.Equal(28000m, report.Group.Gmv);
        Assert.Equal(28000m, report.Group.Target);
        Assert.Equal(100m, report.Group.Attainment);
        Assert.Equal(25200m, report.Group.PreviousGmv);
        Assert.Equal((140m, 140m), (report.Group.Orders, report.Group.PreviousOrders));
        Assert.Equal(7, report.Group.Days.Count);
        Assert.Equal(4000m, report.Group.Days[0].Gmv);

        // Every day of the week is past the 3-day lookback on 2026-11-20 except none: nothing provisional.
        Assert.False(report.HasProvisionalDays);

        // A status is the week's value judged by the store's thresholds in force; a week's GMV has none.
        foreach (var k in ukMain.Kpis)
        {
            var kpi = Catalog.Kpi(k.KpiId);
            Assert.Equal(Catalog.ThresholdsFor(ukMain.Store, kpi)?.Classify(k.Value, kpi.Direction) ?? RagStatus.None, k.Status);
        }

        Assert.Equal(RagStatus.None, ukMain.Kpi("gmv").Status);

        // Roles are scored on the week's values: a role whose KPIs all have a value and a target scores the weighted
        // mean of their attainments (capped at 150 %), as RoleScorecard defines it.
        Assert.Equal(Catalog.Roles.Select(r => r.Id), ukMain.Roles.Select(r => r.Role.Id));
        foreach (var role in ukMain.Roles)
        {
            foreach (var k in role.Kpis)
            {
                Assert.Equal(ukMain.Kpi(k.KpiId).Value, k.Value);
            }

            var known = role.Kpis.Where(k => k.Attainment is not null).ToArray();
            Assert.Equal(known.Length == 0 ? null : known.Sum(k => k.Weight * k.Attainment!.Value) / known.Sum(k => k.Weight), role.Score);
            Assert.Equal(known.Length == 0, role.Reason is not null);
        }

        Assert.Contains(ukMain.Roles, r => r.Score is not null);
        Assert.Contains(ukMain.Kpis, k => k.Status != RagStatus.None);
    }

    [Fact]
    public async Task The_step_writes_self_contained_pages_for_the_group_and_each_store_in_both_languages()
    {
        await _h.SeedAsync(Monday, Monday.AddDays(6));
        await _h.Runner().RunAsync(new RunRequest(Monday, Monday.AddDays(6), ["uk-main", "us-west"]));

        var written = await new WeeklyReportStep(_h.Storage, Catalog, _h.Time).WriteAsync(Monday);

        Assert.Equal("reports/weekly/2026-W46/group.en.html", written.GroupPath);
        Assert.Equal(6, written.Files);
        Assert.Equal(Path.Combine(_h.DataDirectory, "blobs", "reports", "weekly", "2026-W46", "group.en.html"), written.Location);
        foreach (var file in new[] { "group.en.html", "group.zh.html", "store-uk-main.en.html", "store-uk-main.zh.html", "store-us-west.en.html", "store-us-west.zh.html" })
        {
            var html = await File.ReadAllTextAsync(Path.Combine(_h.DataDirectory, "blobs", "reports", "weekly", "2026-W46", file));
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(" src=", html, StringComparison.OrdinalIgnoreCase);
        }

        var zh = await File.ReadAllTextAsync(Path.Combine(_h.DataDirectory, "blobs", "reports", "weekly", "2026-W46", "store-uk-main.zh.html"));
        Assert.Contains("<html lang=\"zh\">", zh);
        Assert.Contains("成交总额", zh);

        await Assert.ThrowsAsync<ArgumentException>(() => new WeeklyReportStep(_h.Storage, Catalog, _h.Time).WriteAsync(Monday.AddDays(1)));
        var none = await Assert.ThrowsAsync<InvalidOperationException>(() => new WeeklyReportStep(_h.Storage, Catalog, _h.Time).WriteAsync(Monday.AddDays(-14)));
        Assert.Contains("No store has KPI rows in 2026-W44", none.Message);
    }

    [Theory]
    [InlineData("2026-11-15", "2026-11-21", "2026-11-09")] // a window ending on a Saturday reports the week of the Sunday before
    [InlineData("2026-11-20", "2026-11-22", "2026-11-16")] // ending on a Sunday: that week
    [InlineData("2026-11-17", "2026-11-21", null)]         // no Sunday inside: nothing
    public void The_run_reports_the_week_of_the_last_sunday_in_its_window(string from, string to, string? monday) =>
        Assert.Equal(monday is null ? null : DateOnly.Parse(monday, System.Globalization.CultureInfo.InvariantCulture),
            Orchestration.RunPlan.WeekToReport(DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture)));

    private static KpiDailyRow Day(DateOnly date, params (string Measure, decimal? Value)[] measures)
    {
        var values = Catalog.Measures.ToDictionary(m => m.Id, _ => (decimal?)1m, StringComparer.Ordinal);
        foreach (var (measure, value) in measures)
        {
            values[measure] = value;
        }

        return new KpiDailyRow("uk-main", date, "GB", "GBP", "USD", 1.25m, date, FxStatus.Exact, null, new Dictionary<string, KpiCell>(), values);
    }
}
