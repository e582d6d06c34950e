using KpiFunctions.Core.Catalog;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Fx;
using KpiFunctions.Local;
using KpiFunctions.Pipeline.Kpis;
using KpiFunctions.Pipeline.Runs;
using KpiFunctions.Pipeline.Steps;
using KpiFunctions.Sources;

namespace KpiFunctions.Pipeline.Tests;

public class LocalPipelineRunnerTests
{
    private static readonly DateOnly From = new(2026, 11, 16);
    private static readonly DateOnly To = new(2026, 11, 18);

    [Fact]
    public async Task A_store_that_keeps_failing_is_retried_then_marked_failed_and_the_run_completes_with_errors()
    {
        using var h = new Harness(3);
        await h.SeedAsync(From, To);
        var source = new FailingSource(new Sources.Synthetic.SyntheticSource(h.World), "us-west");

        var summary = await h.Runner(source).RunAsync(new RunRequest(From, To));

        Assert.Equal(RunStatus.CompletedWithErrors, summary.Header.Status);
        Assert.Contains("failed stores: us-west", summary.Header.Output, StringComparison.Ordinal);
        var failed = summary.Tasks.Single(t => t.StoreId == "us-west");
        Assert.Equal((StoreTaskStatus.Failed, 3), (failed.Status, failed.Attempts));
        Assert.Contains("source unavailable for us-west", failed.LastError, StringComparison.Ordinal);
        Assert.Equal(3, source.Calls);
        var rows = await new KpiDailyRepository(h.Storage.Tables, KpiCatalog.Default).QueryAsync(From, To);
        Assert.Equal(["uk-main", "us-east"], rows.Select(r => r.StoreId).Distinct().Order());
    }

    [Fact]
    public async Task Rows_inside_the_lookback_later_runs_fetch_again_are_provisional_and_older_ones_final()
    {
        using var h = new Harness(2);
        var from = new DateOnly(2026, 11, 12);
        var to = new DateOnly(2026, 11, 19); // Harness.Now is 2026-11-20 12:00 UTC: the 19th is yesterday in both stores
        await h.SeedAsync(from, to);

        await h.Runner().RunAsync(new RunRequest(from, to));
        var rows = await new KpiDailyRepository(h.Storage.Tables, KpiCatalog.Default).QueryAsync(from, to, null);
        var files = new Curated.CuratedStore(h.Storage.Blobs);
        var parquet = await files.ReadMonthAsync(Curated.KpiStoreDayTable.Create(KpiCatalog.Default), rows[0].StoreId, to);

        // Lookback 3: tomorrow's run fetches the 17th to the 20th, so the 17th, 18th and 19th may still change; the 16th
        // was fetched for the last time by this run and is final.
        Assert.Equal(16, rows.Count);
        Assert.All(rows, r => Assert.Equal(r.Date >= new DateOnly(2026, 11, 17), r.Provisional));
        Assert.Equal(rows.Where(r => r.StoreId == rows[0].StoreId).Select(r => (r.Date, r.Provisional)), parquet!.Select(r => (r.Date, r.Provisional)));
    }

    [Fact]
    public async Task Kpi_store_day_keeps_a_file_per_store_month_equal_to_the_kpi_table_and_removes_the_day_files_of_the_months_it_writes()
    {
        using var h = new Harness(1);
        var store = h.Stores[0].Id;
        var table = Curated.KpiStoreDayTable.Create(KpiCatalog.Default);
        var files = new Curated.CuratedStore(h.Storage.Blobs);
        await h.SeedAsync(new DateOnly(2026, 10, 28), new DateOnly(2026, 11, 19));
        await h.Runner().RunAsync(new RunRequest(new DateOnly(2026, 11, 12), new DateOnly(2026, 11, 19)));
        var october = new DateOnly(2026, 10, 31);
        var november = new DateOnly(2026, 11, 1);
        var all = await new KpiDailyRepository(h.Storage.Tables, KpiCatalog.Default).QueryAsync(november, new DateOnly(2026, 11, 30), store);

        // Files of the earlier layout, a store-day each: one in the month the next run writes, one in a month it does not.
        await files.WriteAsync(table, store, new DateOnly(2026, 11, 12), [all[0]]);
        await files.WriteAsync(table, store, october, [all[0] with { Date = october }]);

        // A nightly-sized run: two days of the month are computed, the month's file still holds every day of it.
        await h.Runner().RunAsync(new RunRequest(new DateOnly(2026, 11, 18), new DateOnly(2026, 11, 19)));

        var rows = await new KpiDailyRepository(h.Storage.Tables, KpiCatalog.Default).QueryAsync(november, new DateOnly(2026, 11, 30), store);
        var month = await files.ReadMonthAsync(table, store, november);
        Assert.Equal(Enumerable.Range(12, 8).Select(d => new DateOnly(2026, 11, d)), month!.Select(r => r.Date).ToArray());
        Assert.Equal(rows.Select(r => (r.Date, r.Provisional, r.Measures["gmv"], r.Kpis["aov"].Value)), month!.Select(r => (r.Date, r.Provisional, r.Measures["gmv"], r.Kpis["aov"].Value)));
        Assert.Null(await files.ReadAsync(table, store, new DateOnly(2026, 11, 12)));
        Assert.NotNull(await files.ReadAsync(table, store, october));
        Assert.Null(await files.ReadMonthAsync(table, store, october));
    }

    [Fact]
    public async Task Sku_days_and_live_scorecards_keep_a_file_per_store_month_holding_every_day_the_kpi_table_holds()
    {
        using var h = new Harness(1);
        var store = h.Stores[0].Id;
        var files = new Curated.CuratedStore(h.Storage.Blobs);
        await h.SeedAsync(new DateOnly(2026, 10, 28), new DateOnly(2026, 11, 19));
        await h.Runner().RunAsync(new RunRequest(new DateOnly(2026, 11, 12), new DateOnly(2026, 11, 19)));
        var october = new DateOnly(2026, 10, 31);
        var november = new DateOnly(2026, 11, 1);
        var sku = (await files.ReadMonthAsync(Kpis.DetailFacts.ProductDays, store, november))![0];

        // Files of the earlier layout, a store-day each: one in the month the next run writes, one in a month it does not.
        await files.WriteAsync(Kpis.DetailFacts.ProductDays, store, new DateOnly(2026, 11, 12), [sku]);
        await files.WriteAsync(Kpis.DetailFacts.ProductDays, store, october, [sku with { Date = october }]);
        await files.WriteAsync(Kpis.ScorecardFacts.LiveSessionScores, store, new DateOnly(2026, 11, 12), []);
        await new MonthChanges(h.Storage.Tables, Kpis.DetailFacts.ProductDayDataset).MarkAsync([october]);

        // A nightly-sized run computes two days; the month's files still hold every KPI day of it (the 12th to the 19th),
        // not the days fetched for month to date only (the 1st to the 11th).
        await h.Runner().RunAsync(new RunRequest(new DateOnly(2026, 11, 18), new DateOnly(2026, 11, 19)));

        var rows = await new KpiDailyRepository(h.Storage.Tables, KpiCatalog.Default).QueryAsync(november, new DateOnly(2026, 11, 30), store);
        var skus = await files.ReadMonthAsync(Kpis.DetailFacts.ProductDays, store, november);
        var lives = await files.ReadMonthAsync(Kpis.ScorecardFacts.LiveSessionScores, store, november);
        Assert.Equal(Enumerable.Range(12, 8).Select(d => new DateOnly(2026, 11, d)), rows.Select(r => r.Date));
        Assert.Equal(rows.Select(r => (r.Date, r.Measures["units"])), skus!.GroupBy(s => s.Date).OrderBy(g => g.Key).Select(g => (g.Key, (decimal?)g.Sum(s => s.Units))));
        Assert.NotEmpty(lives!);
        Assert.All(lives!, l => Assert.Contains(l.Date, rows.Select(r => r.Date)));
        Assert.All(rows, r => Assert.Equal(r.Measures["live_gmv"] ?? 0m, lives!.Where(l => l.Date == r.Date).Sum(l => l.Gmv)));
        Assert.Null(await files.ReadAsync(Kpis.DetailFacts.ProductDays, store, new DateOnly(2026, 11, 12)));
        Assert.Null(await files.ReadAsync(Kpis.ScorecardFacts.LiveSessionScores, store, new DateOnly(2026, 11, 12)));
        Assert.NotNull(await files.ReadAsync(Kpis.DetailFacts.ProductDays, store, october));
        Assert.Null(await files.ReadMonthAsync(Kpis.DetailFacts.ProductDays, store, october));

        // A publish takes the month files, and the day file of a month no run has rewritten.
        var manifest = await new Semantic.SemanticPublisher(h.Storage, KpiCatalog.Default, TimeSpan.FromDays(7), h.Time).PublishAsync("month files");
        var parts = manifest.Tables.Single(t => t.Name == "fact_product_day").Files.Select(f => Path.Combine(h.DataDirectory, "blobs", f.Path));
        var published = await DuckDb.QueryAsync($"SELECT CAST(\"date\" AS VARCHAR) AS d FROM read_parquet({DuckDb.List(parts)}) GROUP BY 1 ORDER BY 1");
        Assert.Equal(["2026-10-31", .. rows.Select(r => r.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))], published.Select(p => p["d"]));
    }

    [Fact]
    public async Task Month_to_date_attainment_says_which_days_are_missing_when_the_month_was_not_fetched()
    {
        using var h = new Harness(1);
        await h.SeedAsync(From, To);

        await h.Runner().RunAsync(new RunRequest(From, To));
        var row = (await new KpiDailyRepository(h.Storage.Tables, KpiCatalog.Default).QueryAsync(To, To)).Single();

        Assert.Null(row.Kpis["gmv_target_attainment"].Value);
        Assert.Contains("2026-11-01 has not been fetched", row.Kpis["gmv_target_attainment"].NullReason, StringComparison.Ordinal);
        Assert.NotNull(row.Kpis["gmv"].Value);
    }

    [Fact]
    public async Task Without_fx_rates_local_values_stand_and_reporting_values_are_null_with_the_reason()
    {
        using var h = new Harness(1);
        await h.SeedAsync(From, To);

        await h.Runner(fx: new NoRates()).RunAsync(new RunRequest(From, To, FetchFrom: new DateOnly(2026, 11, 1)));
        var row = (await new KpiDailyRepository(h.Storage.Tables, KpiCatalog.Default).QueryAsync(To, To)).Single();

        Assert.Equal("GBP", row.Currency);
        Assert.Equal(FxStatus.Missing, row.FxStatus);
        Assert.Contains("no GBP->USD rate", row.FxNote, StringComparison.Ordinal);
        Assert.NotNull(row.Kpis["gmv"].Value);
        Assert.Null(row.Kpis["gmv"].ReportingValue);
        Assert.Equal(h.World.Truth("uk-main", To).Gmv, row.Kpis["gmv"].Value);
    }

    [Fact]
    public async Task Records_on_the_wrong_day_are_quarantined_with_the_reason_and_counted()
    {
        using var h = new Harness(1);
        await h.SeedAsync(From, To);
        var source = new ShiftingSource(new Sources.Synthetic.SyntheticSource(h.World));

        var summary = await h.Runner(source).RunAsync(new RunRequest(To, To));

        var task = summary.Tasks.Single();
        var defects = h.World.Truth("uk-main", To).DefectiveOrders;
        Assert.Equal(defects + 1, task.Quarantined);
        await using var stream = await h.Storage.Blobs.OpenReadAsync($"quarantine/date={To:yyyy-MM-dd}/store=uk-main/part-00000.jsonl.gz"); // quarantine stays gzip JSON lines, for people to read
        using var reader = new StreamReader(new System.IO.Compression.GZipStream(stream!, System.IO.Compression.CompressionMode.Decompress));
        var text = await reader.ReadToEndAsync();
        Assert.Contains("is 2026-11-19 in Europe/London, not 2026-11-18", text, StringComparison.Ordinal);
        Assert.Contains(source.ShiftedOrderId, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backfill_of_early_days_refreshes_the_month_to_date_figures_of_later_days()
    {
        using var h = new Harness(1);
        await h.SeedAsync(new DateOnly(2026, 11, 1), To);
        var repository = new KpiDailyRepository(h.Storage.Tables, KpiCatalog.Default);

        await h.Runner().RunAsync(new RunRequest(From, To));
        var before = (await repository.QueryAsync(To, To)).Single().Kpis["gmv_target_attainment"];
        await h.Runner().RunAsync(new RunRequest(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 15)));
        var after = (await repository.QueryAsync(To, To)).Single().Kpis["gmv_target_attainment"];

        Assert.Null(before.Value);
        decimal gmv = 0, target = 0;
        for (var d = new DateOnly(2026, 11, 1); d <= To; d = d.AddDays(1))
        {
            gmv += h.World.Truth("uk-main", d).Gmv;
            target += h.World.Target("uk-main", d).DailyShare;
        }

        Assert.Equal(decimal.Round(gmv / target * 100, 6), after.Value);
    }

    [Fact]
    public async Task A_one_day_nightly_run_counts_refunds_completed_that_day_on_orders_from_weeks_before()
    {
        using var h = new Harness(2);
        await h.SeedAsync(To, To);

        await h.Runner().RunAsync(new RunRequest(To, To));
        var row = (await new KpiDailyRepository(h.Storage.Tables, KpiCatalog.Default).QueryAsync(To, To, "us-west")).Single();

        var truth = h.World.Truth("us-west", To);
        Assert.True(truth.RefundAmount > 0);
        Assert.Equal(truth.RefundAmount, row.Measures["refund_amount"]);
        // Some of those refunds are on orders placed before a 3-day nightly lookback would reach.
        var oldOrders = Enumerable.Range(4, 12).SelectMany(k => h.World.Day("us-west", To.AddDays(-k)).Orders).Select(o => o.OrderId).ToHashSet();
        Assert.Contains(h.World.RefundsCompletedOn("us-west", To), r => oldOrders.Contains(r.OrderId));
    }

    [Fact]
    public async Task A_record_sent_twice_is_quarantined_once_and_counted_once()
    {
        using var h = new Harness(1);
        await h.SeedAsync(To, To);
        var source = new DuplicatingSource(new Sources.Synthetic.SyntheticSource(h.World));

        var summary = await h.Runner(source).RunAsync(new RunRequest(To, To));
        var row = (await new KpiDailyRepository(h.Storage.Tables, KpiCatalog.Default).QueryAsync(To, To)).Single();

        Assert.Equal(h.World.Truth("uk-main", To).DefectiveOrders + 1, summary.Tasks.Single().Quarantined);
        Assert.Equal(h.World.Truth("uk-main", To).Gmv, row.Kpis["gmv"].Value);
    }

    [Theory]
    [InlineData("2026-11-18", "2026-11-16", "after it ends")]
    [InlineData("2026-11-19", "2026-11-20", "has not ended in every store's time zone")]
    [InlineData("2025-01-01", "2026-11-18", "at most 400 are allowed")]
    public async Task Bad_windows_are_refused_with_what_to_fix(string from, string to, string message)
    {
        using var h = new Harness(1);
        await h.SeedAsync(From, To);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            h.Runner().RunAsync(new RunRequest(DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture))));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_store_ids_are_named_with_the_registered_ones()
    {
        using var h = new Harness(1);
        await h.SeedAsync(From, To);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => h.Runner().RunAsync(new RunRequest(From, To, ["nope"])));

        Assert.Contains("Unknown store id(s): nope. Registered: uk-main.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_registry_says_how_to_add_stores()
    {
        using var h = new Harness(1);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => h.Runner().RunAsync(new RunRequest(From, To)));

        Assert.Contains("kpi stores import", ex.Message, StringComparison.Ordinal);
    }

    private sealed class ShiftingSource(IStoreSource inner) : IStoreSource
    {
        public string ShiftedOrderId { get; private set; } = "";

        public string Name => inner.Name;

        public async Task<SourceBatch> FetchDayAsync(Store store, DateOnly date, CancellationToken cancellationToken = default)
        {
            var batch = await inner.FetchDayAsync(store, date, cancellationToken);
            var good = batch.Orders.First(o => Core.Validation.RecordValidator.Validate(o, store).Count == 0);
            ShiftedOrderId = good.OrderId;
            var shifted = good with { CreatedUtc = good.CreatedUtc.AddDays(1), PaidUtc = good.PaidUtc?.AddDays(1) };
            return batch with { Orders = [.. batch.Orders.Select(o => o.OrderId == good.OrderId ? shifted : o)] };
        }

    }

    private sealed class DuplicatingSource(IStoreSource inner) : IStoreSource
    {
        public string Name => inner.Name;

        public async Task<SourceBatch> FetchDayAsync(Store store, DateOnly date, CancellationToken cancellationToken = default)
        {
            var batch = await inner.FetchDayAsync(store, date, cancellationToken);
            var good = batch.Orders.First(o => Core.Validation.RecordValidator.Validate(o, store).Count == 0 && o.CountsAsGmv);
            return batch with { Orders = [.. batch.Orders, good] };
        }

    }

    private sealed class NoRates : IFxRateSource
    {
        public Task<IReadOnlyList<FxRate>> GetRatesAsync(string reportingCurrency, IReadOnlyCollection<string> currencies, DateOnly from, DateOnly to, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<FxRate>>([]);
    }
}
