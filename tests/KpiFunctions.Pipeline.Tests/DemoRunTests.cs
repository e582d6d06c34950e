using System.Globalization;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Fx;
using KpiFunctions.Pipeline.Kpis;
using KpiFunctions.Pipeline.Runs;
using KpiFunctions.Sources.Synthetic;

namespace KpiFunctions.Pipeline.Tests;

/// <summary>The demo run end to end: every store-day KPI equals the figure made from the generator's own totals.</summary>
public partial class DemoRunTests(DemoRunFixture run) : IClassFixture<DemoRunFixture>
{
    [Fact]
    public void The_run_completes_with_every_store_succeeded_and_one_row_per_store_day()
    {
        Assert.Equal(RunStatus.Completed, run.First.Header.Status);
        Assert.All(run.First.Tasks, t => Assert.Equal(StoreTaskStatus.Succeeded, t.Status));
        Assert.Equal(12 * 12, run.FirstRows.Count);
        Assert.Empty(run.First.Compute!.NotFetched);
    }

    [Fact]
    public void Every_store_day_kpi_equals_the_generators_own_totals()
    {
        var mismatches = new List<string>();
        foreach (var row in run.FirstRows)
        {
            var store = run.World.Stores.Single(s => s.Id == row.StoreId);
            var expected = ExpectedKpis(store, row.Date);
            foreach (var (id, value) in expected)
            {
                var actual = row.Kpis[id].Value;
                if (actual != Round(value))
                {
                    mismatches.Add(string.Create(CultureInfo.InvariantCulture, $"{row.StoreId} {row.Date:yyyy-MM-dd} {id}: pipeline {actual}, truth {Round(value)}"));
                }
            }

            Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), row.Kpis.Keys.Order(StringComparer.Ordinal));
        }

        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches.Take(20)));
    }

    [Fact]
    public void The_test_covers_real_variety_not_only_easy_days()
    {
        var truths = run.FirstRows.Select(r => run.World.Truth(r.StoreId, r.Date)).ToArray();

        Assert.Contains(truths, t => t.CancelledOrders > 0);
        Assert.Contains(truths, t => t.RefundAmount > 0);
        Assert.Contains(truths, t => t.DefectiveOrders > 0);
        Assert.Contains(run.FirstRows, r => r.Kpis["roas"].Value is null);   // stores without ads
    }

    [Fact]
    public void Reporting_money_uses_the_days_rate_or_the_last_weekday_rate_flagged_as_carried_forward()
    {
        foreach (var row in run.FirstRows)
        {
            var store = run.World.Stores.Single(s => s.Id == row.StoreId);
            var truth = run.World.Truth(row.StoreId, row.Date);
            decimal rate;
            if (store.Currency == "USD")
            {
                rate = 1m;
                Assert.Equal(FxStatus.Same, row.FxStatus);
            }
            else
            {
                var rates = run.World.FxRates("USD", row.Date.AddDays(-7), row.Date).Where(r => r.Currency == store.Currency).ToArray();
                var last = rates.MaxBy(r => r.Date)!;
                rate = last.RateToReporting;
                Assert.Equal(last.Date == row.Date ? FxStatus.Exact : FxStatus.CarriedForward, row.FxStatus);
                Assert.Equal(last.Date, row.FxRateDate);
            }

            Assert.Equal(Round(truth.Gmv * rate), row.Kpis["gmv"].ReportingValue);
            Assert.Equal(Round(truth.AdSpend * rate), row.Kpis["ad_spend"].ReportingValue);
        }

        Assert.Contains(run.FirstRows, r => r.FxStatus == FxStatus.CarriedForward);
    }

    [Fact]
    public void Quarantined_records_are_exactly_the_generators_defects_and_are_counted_in_the_ledger()
    {
        var defects = 0;
        foreach (var store in run.World.Stores)
        {
            for (var d = run.FetchFrom; d <= run.To; d = d.AddDays(1))
            {
                defects += run.World.Truth(store.Id, d).DefectiveOrders;
            }
        }

        Assert.Equal(defects, run.First.Tasks.Sum(t => t.Quarantined));
        Assert.Contains(defects.ToString(CultureInfo.InvariantCulture) + " records quarantined", run.First.Header.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rerun_of_the_window_writes_identical_kpi_rows_and_files()
    {
        Assert.NotEqual(run.First.Header.RunId, run.Second.Header.RunId);
        Assert.Equal(run.FirstRows.Count, run.SecondRows.Count);
        for (var i = 0; i < run.FirstRows.Count; i++)
        {
            var a = run.FirstRows[i];
            var b = run.SecondRows[i];
            Assert.Equal((a.StoreId, a.Date, a.FxRate), (b.StoreId, b.Date, b.FxRate));
            Assert.Equal(a.Kpis, b.Kpis);
            Assert.Equal(a.Measures, b.Measures);
        }

        Assert.Equal(run.FirstKpiFiles.Keys, run.SecondKpiFiles.Keys);
        Assert.All(run.FirstKpiFiles, f => Assert.Equal(f.Value, run.SecondKpiFiles[f.Key]));
    }

    [Fact]
    public void Curated_partitions_use_hive_style_store_day_paths()
    {
        var row = run.FirstRows[0];
        var path = $"curated/orders/date={row.Date:yyyy-MM-dd}/store={row.StoreId}/part-00000.parquet";

        Assert.True(File.Exists(Path.Combine(run.DataDirectory, "blobs", path)), path);
    }

    [Fact]
    public async Task The_salt_and_clear_buyer_ids_never_reach_stored_files_or_tables()
    {
        var salt = Convert.ToBase64String(DemoRunFixture.Salt);
        var saltText = System.Text.Encoding.UTF8.GetString(DemoRunFixture.Salt);
        var saltHex = Convert.ToHexStringLower(DemoRunFixture.Salt);
        var checkedFiles = 0;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(run.DataDirectory, "blobs"), "*", SearchOption.AllDirectories))
        {
            AssertClean(await ContentAsync(file), file);
            checkedFiles++;
        }

        // The table file, read as bytes (run outputs, errors, every KPI row).
        AssertClean(System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(run.DataDirectory, "tables.db"))), "tables.db");
        Assert.True(checkedFiles > 1000, $"only {checkedFiles} files checked");

        void AssertClean(string text, string where)
        {
            Assert.False(text.Contains(salt, StringComparison.Ordinal) || text.Contains(saltText, StringComparison.Ordinal) || text.Contains(saltHex, StringComparison.Ordinal), $"salt in {where}");
            // Clear buyer ids look like "uk-main-u123" (store pool) or "g123" (shared pool).
            Assert.DoesNotMatch("\"([a-z]{2}-[a-z]+-u[0-9]+|g[0-9]+)\"", text);
        }
    }

    /// <summary>A file's text: gzip JSON decompressed, Parquet through DuckDB (every value; Snappy would hide a leak from a text search).</summary>
    private static async Task<string> ContentAsync(string file)
    {
        if (file.EndsWith(".parquet", StringComparison.Ordinal))
        {
            var text = new System.Text.StringBuilder();
            foreach (var row in await DuckDb.QueryAsync($"SELECT * FROM read_parquet({DuckDb.Literal(file)}, hive_partitioning = false)"))
            {
                foreach (var value in row.Values)
                {
                    text.Append('"').Append(value).Append("\"\n");
                }
            }

            return text.ToString();
        }

        using var raw = File.OpenRead(file);
        using Stream content = file.EndsWith(".gz", StringComparison.Ordinal) ? new System.IO.Compression.GZipStream(raw, System.IO.Compression.CompressionMode.Decompress) : raw;
        using var textReader = new StreamReader(content);
        return await textReader.ReadToEndAsync();
    }

    private static decimal? Round(decimal? value) => value is { } v ? decimal.Round(v, 6, MidpointRounding.ToEven) : null;

    private static decimal? Div(decimal? n, decimal? d) => n is null || d is null || d == 0 ? null : n / d;

    /// <summary>Each KPI written out again from the generator's totals, in the catalog's words.</summary>
    private Dictionary<string, decimal?> ExpectedKpis(Store store, DateOnly date)
    {
        var t = run.World.Truth(store.Id, date);
        var monthStart = new DateOnly(date.Year, date.Month, 1);
        decimal mtdGmv = 0;
        for (var d = monthStart; d <= date; d = d.AddDays(1))
        {
            mtdGmv += run.World.Truth(store.Id, d).Gmv;
        }

        var target = run.World.Target(store.Id, monthStart);
        decimal mtdTarget = 0;
        for (var d = monthStart; d <= date; d = d.AddDays(1))
        {
            mtdTarget += target.DailyShare;
        }

        var traffic = t.HasTraffic;
        var service = t.HasService;
        decimal? visitors = traffic ? t.Visitors : null;
        var inWindow = run.Options.ResponseWindowFor(store.Country) == 12 ? t.AnsweredWithin12h : t.AnsweredWithin24h;
        var top10 = t.SkuGmv.Values.OrderDescending().Take(10).Sum();
        var net = t.Gmv - t.RefundAmount;
        return new Dictionary<string, decimal?>(StringComparer.Ordinal)
        {
            ["gmv"] = t.Gmv,
            ["net_gmv"] = net,
            ["orders"] = t.GmvOrders,
            ["buyers"] = t.Buyers.Count,
            ["units"] = t.Units,
            ["aov"] = Div(t.Gmv, t.GmvOrders),
            ["visitors"] = visitors,
            ["ctr"] = traffic ? Div(t.ProductClicks, t.Impressions) * 100 : null,
            ["add_to_cart_rate"] = Div(traffic ? t.AddToCartUsers : null, visitors) * 100,
            ["conversion_rate"] = Div(t.Buyers.Count, visitors) * 100,
            ["gpm"] = Div(t.Gmv, t.LiveViews + t.VideoViews) * 1000,
            ["live_gmv"] = t.LiveGmv,
            ["live_gpm"] = Div(t.LiveGmv, t.LiveViews) * 1000,
            ["avg_live_watch_time"] = Div(t.LiveWatchSeconds, t.LiveViewers),
            ["video_completion_rate"] = Div(t.VideoCompletedViews, t.VideoViews) * 100,
            ["creator_gmv_share"] = Div(t.AffiliateGmv, t.Gmv) * 100,
            ["top10_sku_gmv_share"] = Div(top10, t.Gmv) * 100,
            ["refund_rate"] = Div(t.RefundAmount, t.Gmv) * 100,
            ["return_rate"] = Div(t.Returns, t.GmvOrders) * 100,
            ["cancellation_rate"] = Div(t.CancelledOrders, t.PaidOrders) * 100,
            ["seller_cancellation_rate"] = Div(t.SellerCancelledOrders, t.PaidOrders) * 100,
            ["ad_spend"] = t.AdSpend,
            ["ads_attributed_gmv"] = t.AdsGmv,
            ["roas"] = Div(t.AdsGmv, t.AdSpend),
            ["tacos"] = Div(t.AdSpend, t.Gmv) * 100,
            ["ad_cost_per_order"] = Div(t.AdSpend, t.GmvOrders),
            ["gross_margin"] = Div(t.Gmv - t.RefundAmount - t.Cogs - t.PlatformFees - t.Commission - t.AdSpend, net) * 100,
            ["response_rate"] = service ? Div(inWindow, t.Chats) * 100 : null,
            ["avg_first_response_time"] = service ? Div(Div(t.FirstResponseSeconds, t.ChatsAnswered), 60) : null,
            ["negative_review_rate"] = service ? Div(t.NegativeReviews, t.Reviews) * 100 : null,
            ["inventory_days_of_cover"] = Div(t.UnitsOnHand, Div(t.Units, 1)),
            ["gmv_target_attainment"] = Div(mtdGmv, mtdTarget) * 100,
        };
    }
}
