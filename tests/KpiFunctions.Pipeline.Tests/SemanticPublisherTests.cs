using System.Globalization;
using System.Text.Json;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Pipeline.Kpis;
using KpiFunctions.Pipeline.Semantic;
using KpiFunctions.Pipeline.Steps;
using KpiFunctions.Storage.Blobs;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.Pipeline.Tests;

/// <summary>The publish step's semantic dataset: the star schema, its manifest, shared files and retention.</summary>
public sealed class SemanticPublisherTests : IDisposable
{
    // Two months in the window, so fact_store_day has two month files.
    private static readonly DateOnly From = new(2026, 10, 30);
    private static readonly DateOnly To = new(2026, 11, 2);
    private static readonly TimeSpan Retention = TimeSpan.FromDays(7);
    private readonly Harness _h = new(3);

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task A_run_publishes_a_star_schema_whose_manifest_lists_every_file_and_duckdb_reads_the_kpi_tables_sums()
    {
        await RunAsync();
        var manifest = (await Publisher().CurrentAsync())!;
        var rows = await new KpiDailyRepository(_h.Storage.Tables, KpiCatalog.Default).QueryAsync(From, To);

        Assert.Equal(["dim_store", "dim_date", "dim_product", "fact_store_day", "fact_product_day", "fact_store_week", "fact_targets", "kpi_thresholds", "fact_alerts", "dim_role", "role_kpi", "dim_stage", "stage_kpi", "dim_creator", "fact_creator_week", "fact_live_session"], manifest.Tables.Select(t => t.Name));
        // dim_date: the whole of October and November, the months of the four days (and of their weeks and targets).
        Assert.Equal((3, 31 + 30, 12), (Table(manifest, "dim_store").Rows, Table(manifest, "dim_date").Rows, Table(manifest, "fact_store_day").Rows));
        Assert.Equal(["month=2026-10", "month=2026-11"], Table(manifest, "fact_store_day").Files.Select(f => f.Part));
        Assert.Equal((To, 12), (manifest.Watermark.LastDate, manifest.Watermark.StoreDays));
        foreach (var file in manifest.Tables.SelectMany(t => t.Files))
        {
            Assert.True(await _h.Storage.Blobs.ExistsAsync(file.Path), file.Path);
        }

        // An independent reader of the files the manifest lists sees the KPI table's figures, local and reporting.
        var facts = await DuckDbAsync($"SELECT store_id, CAST(sum(gmv) AS VARCHAR) AS gmv, CAST(sum(gmv_rpt) AS VARCHAR) AS gmv_rpt, CAST(sum(buyer_days) AS VARCHAR) AS buyer_days FROM read_parquet({Files(manifest, "fact_store_day")}) GROUP BY store_id");
        foreach (var byStore in rows.GroupBy(r => r.StoreId))
        {
            var fact = facts.Single(f => f["store_id"] == byStore.Key);
            Assert.Equal(byStore.Sum(r => r.Measures["gmv"]!.Value), decimal.Parse(fact["gmv"], CultureInfo.InvariantCulture));
            Assert.Equal(byStore.Sum(r => r.Kpis["gmv"].ReportingValue!.Value), decimal.Parse(fact["gmv_rpt"], CultureInfo.InvariantCulture)); // as the KPI table stores it
            Assert.Equal(byStore.Sum(r => r.Measures["buyer_days"]!.Value), decimal.Parse(fact["buyer_days"], CultureInfo.InvariantCulture));
        }

        // The date dimension by hand: 2026-11-01 is a Sunday of ISO week 44, whose Monday is 2026-10-26.
        var day = (await DuckDbAsync($"SELECT CAST(iso_week AS VARCHAR) AS w, CAST(week_start AS VARCHAR) AS ws, CAST(day_of_week AS VARCHAR) AS dow, CAST(quarter AS VARCHAR) AS q, CAST(is_weekend AS VARCHAR) AS we FROM read_parquet({Files(manifest, "dim_date")}) WHERE date = DATE '2026-11-01'")).Single();
        Assert.Equal(("44", "2026-10-26", "7", "4", "true"), (day["w"], day["ws"], day["dow"], day["q"], day["we"]));

        var store = (await DuckDbAsync($"SELECT region, currency FROM read_parquet({Files(manifest, "dim_store")}) WHERE store_id = 'uk-main'")).Single();
        Assert.Equal(("Europe", "GBP"), (store["region"], store["currency"]));
        // Distinct counts do not add up over days: the fact holds buyer_days (summed over a week: buyer-days), never buyers.
        Assert.DoesNotContain(Table(manifest, "fact_store_day").Schema, c => c.Name is "buyers" or "top10_sku_gmv");
        Assert.Contains(Table(manifest, "fact_store_day").Schema, c => c.Name == "buyer_days");
        Assert.Contains(Table(manifest, "fact_store_day").Schema, c => c.Name == "units_on_hand");
    }

    [Fact]
    public async Task Sku_days_add_up_to_the_store_days_units_and_weekly_unique_buyers_lie_between_the_busiest_day_and_the_buyer_days()
    {
        await RunAsync();
        var manifest = (await Publisher().CurrentAsync())!;
        var rows = await new KpiDailyRepository(_h.Storage.Tables, KpiCatalog.Default).QueryAsync(From, To);

        var skuUnits = (await DuckDbAsync($"SELECT store_id, CAST(date AS VARCHAR) AS d, CAST(sum(units) AS VARCHAR) AS units, CAST(count(*) AS VARCHAR) AS n FROM read_parquet({Files(manifest, "fact_product_day")}) GROUP BY ALL"))
            .ToDictionary(r => (r["store_id"], r["d"]), r => decimal.Parse(r["units"], CultureInfo.InvariantCulture));
        Assert.Equal(["month=2026-10", "month=2026-11"], Table(manifest, "fact_product_day").Files.Select(f => f.Part));
        foreach (var row in rows)
        {
            Assert.Equal(row.Measures["units"]!.Value, skuUnits.GetValueOrDefault((row.StoreId, row.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))));
        }

        // The window (Friday 30 October to Monday 2 November) touches two ISO weeks: 3 fetched days of the first, 1 of the second.
        var weeks = await DuckDbAsync($"SELECT store_id, CAST(week_start AS VARCHAR) AS ws, CAST(days_covered AS VARCHAR) AS days, CAST(unique_buyers AS VARCHAR) AS u, CAST(buyer_days AS VARCHAR) AS bd FROM read_parquet({Files(manifest, "fact_store_week")})");
        Assert.Equal(_h.Stores.Count * 2, weeks.Count);
        foreach (var week in weeks)
        {
            var monday = DateOnly.ParseExact(week["ws"], "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var days = rows.Where(r => r.StoreId == week["store_id"] && r.Date >= monday && r.Date < monday.AddDays(7)).ToList();
            var unique = long.Parse(week["u"], CultureInfo.InvariantCulture);
            Assert.Equal(days.Count.ToString(CultureInfo.InvariantCulture), week["days"]);
            Assert.Equal(days.Sum(r => r.Measures["buyer_days"]!.Value), decimal.Parse(week["bd"], CultureInfo.InvariantCulture));
            Assert.InRange(unique, (long)days.Max(r => r.Measures["buyer_days"]!.Value), (long)days.Sum(r => r.Measures["buyer_days"]!.Value));
        }
    }

    [Fact]
    public async Task The_power_bi_models_columns_are_the_parquet_columns_published_with_matching_types_and_the_manifest_has_what_its_query_reads()
    {
        await RunAsync();
        var manifest = (await Publisher().CurrentAsync())!;
        var model = PowerBi.TemplateModel.Load();

        var tables = model.Tables.Where(t => t.Name != Pipeline.PowerBi.PowerBiModelBuilder.MeasureTable).ToList();
        Assert.Equal(manifest.Tables.Select(t => t.Name).Order(StringComparer.Ordinal), tables.Select(t => t.Name!).Order(StringComparer.Ordinal));
        foreach (var table in tables)
        {
            // What an independent reader finds in the files (the manifest's own schema when a table has no file yet).
            var parquet = Table(manifest, table.Name!).Files.Count == 0
                ? Table(manifest, table.Name!).Schema.ToDictionary(c => c.Name, c => c.Type.ToUpperInvariant(), StringComparer.Ordinal)
                : (await DuckDbAsync($"DESCRIBE SELECT * FROM read_parquet({Files(manifest, table.Name!)}, hive_partitioning = false)")).ToDictionary(r => r["column_name"], r => r["column_type"], StringComparer.Ordinal);
            var columns = table.Of("column").ToDictionary(c => c["sourceColumn"]!, c => c["dataType"]!, StringComparer.Ordinal);
            Assert.Equal(parquet.Keys.Order(StringComparer.Ordinal), columns.Keys.Order(StringComparer.Ordinal));
            foreach (var (name, type) in columns)
            {
                var loads = parquet[name] switch
                {
                    "VARCHAR" or "STRING" => ["string"],
                    "DATE" => ["dateTime"],
                    "INTEGER" or "BIGINT" or "INT32" or "INT64" => ["int64"],
                    "BOOLEAN" => ["boolean"],
                    "DOUBLE" => ["double"],
                    var d when d.StartsWith("DECIMAL", StringComparison.Ordinal) => new[] { "decimal", "double" },
                    var other => throw new Xunit.Sdk.XunitException($"{table.Name}.{name}: Parquet type {other} has no Power BI type in the test"),
                };
                Assert.True(loads.Contains(type), $"{table.Name}.{name}: Parquet {parquet[name]} is loaded as {type}");
            }
        }

        // ReadSemanticTable reads tables[].name, .files[].path (container-relative after the first '/') and .schema[].name.
        using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(_h.DataDirectory, "blobs", "semantic", "manifest.json")));
        foreach (var t in json.RootElement.GetProperty("tables").EnumerateArray())
        {
            Assert.NotNull(t.GetProperty("name").GetString());
            Assert.NotEmpty(t.GetProperty("schema").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
            Assert.All(t.GetProperty("files").EnumerateArray(), f => Assert.StartsWith("semantic/v=", f.GetProperty("path").GetString(), StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_stores_own_thresholds_decide_its_rag_status_and_are_published_with_the_catalogs_for_the_others()
    {
        await _h.SeedAsync(From, To);
        // uk-main judges GMV (no catalog thresholds) by its own, and never calls its conversion red.
        var uk = _h.Stores.Single(s => s.Id == "uk-main") with
        {
            Thresholds = new Dictionary<string, RagThresholds> { ["gmv"] = new(1_000_000m, 0m), ["conversion_rate"] = new(0m, 0m) },
        };
        await new Registry.StoreRegistry(_h.Storage.Tables).ImportAsync([uk]);
        await _h.Runner().RunAsync(new RunRequest(From, To));
        var manifest = (await Publisher().CurrentAsync())!;
        var rows = await new KpiDailyRepository(_h.Storage.Tables, KpiCatalog.Default).QueryAsync(From, To);

        // GMV below a million but at least 0 is amber for uk-main, and unjudged elsewhere; conversion is green there.
        Assert.All(rows.Where(r => r.StoreId == "uk-main"), r => Assert.Equal((RagStatus.Amber, RagStatus.Green), (r.Kpis["gmv"].Status, r.Kpis["conversion_rate"].Status)));
        Assert.All(rows.Where(r => r.StoreId != "uk-main"), r => Assert.Equal(RagStatus.None, r.Kpis["gmv"].Status));
        Assert.Contains(rows.Where(r => r.StoreId != "uk-main"), r => r.Kpis["conversion_rate"].Status != RagStatus.Green);

        var thresholds = await DuckDbAsync($"SELECT store_id, kpi_id, CAST(green AS VARCHAR) AS g, source FROM read_parquet({Files(manifest, "kpi_thresholds")})");
        Assert.Equal(("1000000.000000", "store"), thresholds.Where(t => t["store_id"] == "uk-main" && t["kpi_id"] == "gmv").Select(t => (t["g"], t["source"])).Single());
        Assert.Equal(("3.000000", "catalog"), thresholds.Where(t => t["store_id"] == "us-west" && t["kpi_id"] == "conversion_rate").Select(t => (t["g"], t["source"])).Single());
        Assert.Equal(("1.500000", "catalog"), thresholds.Where(t => t["store_id"] == "us-west" && t["kpi_id"] == "seller_cancellation_rate").Select(t => (t["g"], t["source"])).Single());
        Assert.DoesNotContain(thresholds, t => t["store_id"] != "uk-main" && t["kpi_id"] == "gmv");
        Assert.Equal(_h.Stores.Count * KpiCatalog.Default.Kpis.Count(k => k.Thresholds is not null) + 1, thresholds.Count);
    }

    [Fact]
    public async Task Roles_and_stages_are_published_with_each_stores_stage_and_the_thresholds_its_stage_sets()
    {
        await RunAsync();
        var manifest = (await Publisher().CurrentAsync())!;

        var roles = await DuckDbAsync($"SELECT role_id, role_zh FROM read_parquet({Files(manifest, "dim_role")}) ORDER BY position");
        Assert.Equal([("live_host", "直播主播"), ("ad_buyer", "广告投手"), ("customer_service", "客服"), ("content", "内容团队")], roles.Select(r => (r["role_id"], r["role_zh"])));
        var adBuyer = await DuckDbAsync($"SELECT kpi_id, CAST(weight AS VARCHAR) AS w FROM read_parquet({Files(manifest, "role_kpi")}) WHERE role_id = 'ad_buyer' ORDER BY position");
        Assert.Equal([("roas", "0.4000"), ("tacos", "0.3500"), ("ad_cost_per_order", "0.2500")], adBuyer.Select(r => (r["kpi_id"], r["w"])));
        Assert.Equal((4L, 13L), (Table(manifest, "dim_role").Rows, Table(manifest, "role_kpi").Rows));

        var stages = await DuckDbAsync($"SELECT stage_id, stage_zh FROM read_parquet({Files(manifest, "dim_stage")}) ORDER BY position");
        Assert.Equal([("cold_start", "冷启动期"), ("growth", "成长期"), ("stable", "稳定期")], stages.Select(r => (r["stage_id"], r["stage_zh"])));
        var roas = (await DuckDbAsync($"SELECT CAST(target AS VARCHAR) AS t, CAST(green AS VARCHAR) AS g, CAST(amber AS VARCHAR) AS a, CAST(focus AS VARCHAR) AS f, direction FROM read_parquet({Files(manifest, "stage_kpi")}) WHERE stage_id = 'growth' AND kpi_id = 'roas'")).Single();
        Assert.Equal(("4.000000", "4.000000", "2.500000", "true", "HigherIsBetter"), (roas["t"], roas["g"], roas["a"], roas["f"], roas["direction"]));
        Assert.Equal(13 + 12 + 13, Table(manifest, "stage_kpi").Rows);

        // The demo's us-east is growing, the other two stable; us-east's ROAS is judged on growth's 4 / 2.5, not the catalog's 4 / 2.
        var stores = await DuckDbAsync($"SELECT store_id, stage FROM read_parquet({Files(manifest, "dim_store")}) ORDER BY store_id");
        Assert.Equal([("uk-main", "stable"), ("us-east", "growth"), ("us-west", "stable")], stores.Select(r => (r["store_id"], r["stage"])));
        var thresholds = await DuckDbAsync($"SELECT store_id, CAST(amber AS VARCHAR) AS a, source FROM read_parquet({Files(manifest, "kpi_thresholds")}) WHERE kpi_id = 'roas' ORDER BY store_id");
        Assert.Equal([("uk-main", "2.000000", "stage"), ("us-east", "2.500000", "stage"), ("us-west", "2.000000", "stage")], thresholds.Select(r => (r["store_id"], r["a"], r["source"])));
    }

    [Fact]
    public async Task A_run_that_touched_one_month_makes_the_next_publish_list_and_read_only_that_month_of_each_detail_fact()
    {
        await RunAsync();
        var first = (await Publisher().CurrentAsync())!;
        // Monday 2 November computed again for every store: its SKU-days, LIVE sessions and week all fall in November.
        var day = new DateOnly(2026, 11, 2);
        await new ComputeKpisStep(_h.Storage, _h.Options, KpiCatalog.Default, _h.Time).ComputeAsync(new ComputeRequest(day, day, [.. _h.Stores.Select(s => s.Id)]));

        var watched = new WatchedBlobs(_h.Storage.Blobs);
        _h.Time.Now += TimeSpan.FromMinutes(1);
        var second = await new SemanticPublisher(_h.Storage with { Blobs = watched }, KpiCatalog.Default, Retention, _h.Time).PublishAsync("one month touched");

        // Each fact lists and reads November's partitions alone; October keeps its file and mark, November takes the new mark.
        Assert.Equal(DetailFactTables.SelectMany(d => MonthListings(d.Dataset, "2026-11")).Order(StringComparer.Ordinal),
            watched.Listings.Where(p => p.StartsWith("curated/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        foreach (var (table, dataset) in DetailFactTables)
        {
            var marks = await new MonthChanges(_h.Storage.Tables, dataset).ReadAsync();
            var before = Table(first, table).Files;
            var after = Table(second, table).Files;
            Assert.Equal(["month=2026-10", "month=2026-11"], after.Select(f => f.Part));
            Assert.Equal(before[0], after[0]);
            Assert.Equal(marks["2026-10"], after[0].Marker);
            Assert.Equal(marks["2026-11"], after[1].Marker);
            Assert.NotEqual(before[1].Marker, after[1].Marker);
            var read = watched.Reads.Where(p => p.StartsWith($"curated/{dataset}/", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(read);
            Assert.All(read, p => Assert.StartsWith(MonthFiles(dataset, "2026-11"), p, StringComparison.Ordinal));
        }

        // What it published is what a publish that reads everything publishes.
        await _h.Storage.Blobs.DeleteIfExistsAsync(SemanticPublisher.ManifestPath);
        _h.Time.Now += TimeSpan.FromMinutes(1);
        var full = await Publisher().PublishAsync("full");
        Assert.Equal(Describe(second), Describe(full));
    }

    [Fact]
    public async Task A_previous_version_whose_detail_facts_carry_no_marks_makes_the_next_publish_read_them_all_and_mark_them()
    {
        await RunAsync();
        var first = (await Publisher().CurrentAsync())!;
        // As if the version were published before the detail facts carried marks, and kpi_product_day written before marks existed.
        var detail = DetailFactTables.Select(d => d.Table).ToHashSet(StringComparer.Ordinal);
        var unmarked = first with { Tables = [.. first.Tables.Select(t => detail.Contains(t.Name) ? t with { Files = [.. t.Files.Select(f => f with { Marker = null })] } : t)] };
        await _h.Storage.Blobs.UploadAsync(SemanticPublisher.ManifestPath, new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(unmarked, JsonSerializerOptions.Web)));
        await foreach (var mark in _h.Storage.Tables.QueryAsync(TableNames.Changes, Storage.Tables.TableQuery.Partition(DetailFacts.ProductDayDataset)))
        {
            await _h.Storage.Tables.DeleteEntityAsync(TableNames.Changes, mark.PartitionKey, mark.RowKey);
        }

        var watched = new WatchedBlobs(_h.Storage.Blobs);
        _h.Time.Now += TimeSpan.FromMinutes(1);
        var marked = await new SemanticPublisher(_h.Storage with { Blobs = watched }, KpiCatalog.Default, Retention, _h.Time).PublishAsync("marks");

        foreach (var (table, dataset) in DetailFactTables)
        {
            var marks = await new MonthChanges(_h.Storage.Tables, dataset).ReadAsync();
            Assert.Contains($"curated/{dataset}/", watched.Listings);
            Assert.Equal(["2026-10", "2026-11"], marks.Keys.Order(StringComparer.Ordinal));
            Assert.Equal([marks["2026-10"], marks["2026-11"]], Table(marked, table).Files.Select(f => f.Marker));
            Assert.Contains(watched.Reads, p => p.StartsWith(MonthFiles(dataset, "2026-10"), StringComparison.Ordinal));
            Assert.Contains(watched.Reads, p => p.StartsWith(MonthFiles(dataset, "2026-11"), StringComparison.Ordinal));
            Assert.Equal(Table(first, table).Files.Select(f => f.Sha256), Table(marked, table).Files.Select(f => f.Sha256));
        }

        // Marked now: a publish with nothing changed lists and reads none of them.
        var after = new WatchedBlobs(_h.Storage.Blobs);
        _h.Time.Now += TimeSpan.FromMinutes(1);
        var again = await new SemanticPublisher(_h.Storage with { Blobs = after }, KpiCatalog.Default, Retention, _h.Time).PublishAsync("again");
        Assert.DoesNotContain(after.Listings, p => p.StartsWith("curated/", StringComparison.Ordinal));
        Assert.DoesNotContain(after.Reads, p => DetailFactTables.Any(d => p.StartsWith($"curated/{d.Dataset}/", StringComparison.Ordinal)));
        Assert.Equal(Paths(marked), Paths(again));
    }

    [Fact]
    public async Task A_week_left_with_no_day_loses_its_partitions_moves_its_months_mark_and_drops_out_of_the_next_publish()
    {
        await RunAsync();
        var day = new DateOnly(2026, 11, 2);
        var before = await new MonthChanges(_h.Storage.Tables, DetailFacts.StoreWeekDataset).ReadAsync();
        // uk-main's Monday 2 November turns out not fetched (no orders, no KPI row): the week of 2 November has no day.
        await _h.Storage.Blobs.DeleteIfExistsAsync(Curated.CuratedStore.PartitionPath(Curated.Datasets.Orders, "uk-main", day));
        await _h.Storage.Tables.DeleteEntityAsync(TableNames.Daily, "2026-11-02", "uk-main");

        await new ComputeKpisStep(_h.Storage, _h.Options, KpiCatalog.Default, _h.Time).ComputeAsync(new ComputeRequest(day, day, ["uk-main"]));
        _h.Time.Now += TimeSpan.FromMinutes(1);
        var manifest = await Publisher().PublishAsync("week gone");

        Assert.False(await _h.Storage.Blobs.ExistsAsync(Curated.CuratedStore.PartitionPath(DetailFacts.StoreWeekDataset, "uk-main", day)));
        Assert.False(await _h.Storage.Blobs.ExistsAsync(Curated.CuratedStore.PartitionPath(ScorecardFacts.CreatorWeekDataset, "uk-main", day)));
        var after = await new MonthChanges(_h.Storage.Tables, DetailFacts.StoreWeekDataset).ReadAsync();
        Assert.NotEqual(before["2026-11"], after["2026-11"]);
        Assert.Equal(before["2026-10"], after["2026-10"]);
        var weeks = await DuckDbAsync($"SELECT store_id FROM read_parquet({Files(manifest, "fact_store_week")}) WHERE week_start = DATE '2026-11-02' ORDER BY store_id");
        Assert.Equal(_h.Stores.Select(s => s.Id).Where(id => id != "uk-main").Order(StringComparer.Ordinal), weeks.Select(r => r["store_id"]));
        var creatorWeeks = await DuckDbAsync($"SELECT count(*) AS n FROM read_parquet({Files(manifest, "fact_creator_week")}) WHERE week_start = DATE '2026-11-02' AND store_id = 'uk-main'");
        Assert.Equal("0", creatorWeeks.Single()["n"]);
        Assert.Equal(after["2026-11"], Table(manifest, "fact_store_week").Files.Single(f => f.Part == "month=2026-11").Marker);
    }

    [Fact]
    public async Task Alerts_are_published_by_month_and_a_publish_rereads_only_the_months_whose_alerts_changed_or_the_retention_emptied()
    {
        await RunAsync();
        var first = (await Publisher().CurrentAsync())!;
        var marks = await Alerts.AlertsStep.Changes(_h.Storage.Tables).ReadAsync();
        var alerts = Table(first, "fact_alerts");
        Assert.Equal(["month=2026-10", "month=2026-11"], alerts.Files.Select(f => f.Part));
        Assert.Equal((await Alerts.AlertsStep.ListAsync(_h.Storage.Tables)).Count, alerts.Rows);
        Assert.Equal([marks["2026-10"], marks["2026-11"]], alerts.Files.Select(f => f.Marker));
        Assert.All(alerts.Files, f => Assert.Equal(f.Rows, f.Span!.Rows));

        // November's alerts detected again: October's file is kept unread, November's alone is queried.
        var stores = _h.Stores.Select(s => s.Id).ToArray();
        await new Alerts.AlertsStep(_h.Storage, KpiCatalog.Default).DetectAsync(new DateOnly(2026, 11, 1), To, stores);
        var tables = new WatchedTables(_h.Storage.Tables);
        _h.Time.Now += TimeSpan.FromMinutes(1);
        var second = await new SemanticPublisher(_h.Storage with { Tables = tables }, KpiCatalog.Default, Retention, _h.Time).PublishAsync("november");
        Assert.Equal((alerts.Files[0].Path, alerts.Files[0].Marker, alerts.Files[0].Span!.Last), (Table(second, "fact_alerts").Files[0].Path, Table(second, "fact_alerts").Files[0].Marker, Table(second, "fact_alerts").Files[0].Span!.Last));
        Assert.NotEqual(alerts.Files[1].Marker, Table(second, "fact_alerts").Files[1].Marker);
        Assert.Equal(["2026-11-01"], tables.Queries.Where(q => q.Table == TableNames.Alerts).Select(q => q.Query.PartitionKeyFrom));

        // The retention empties October: its mark moves, and the next publish has no October file.
        await new Alerts.AlertsStep(_h.Storage, KpiCatalog.Default, keepFrom: new DateOnly(2026, 11, 1)).DetectAsync(new DateOnly(2026, 11, 1), To, stores);
        _h.Time.Now += TimeSpan.FromMinutes(1);
        var third = await Publisher().PublishAsync("retention");
        Assert.Equal(["month=2026-11"], Table(third, "fact_alerts").Files.Select(f => f.Part));
        Assert.Equal((await Alerts.AlertsStep.ListAsync(_h.Storage.Tables)).Count, Table(third, "fact_alerts").Rows);

        // What it published is what a publish that reads everything publishes.
        await _h.Storage.Blobs.DeleteIfExistsAsync(SemanticPublisher.ManifestPath);
        _h.Time.Now += TimeSpan.FromMinutes(1);
        Assert.Equal(Describe(third), Describe(await Publisher().PublishAsync("full")));
    }

    [Fact]
    public async Task The_readmes_duckdb_query_over_the_manifest_gives_the_kpi_tables_reporting_gmv_per_country()
    {
        await RunAsync();
        var readme = File.ReadAllText(Path.Combine(RepoRoot.Find(), "README.md"));
        var start = readme.IndexOf("```sql\nSET VARIABLE dir", StringComparison.Ordinal) + "```sql\n".Length;
        var sql = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)]
            .Replace("'.kpi-data/blobs/'", "'" + Path.Combine(_h.DataDirectory, "blobs") + "/'", StringComparison.Ordinal)
            .Replace("sum(f.gmv_rpt) AS gmv_rpt", "CAST(sum(f.gmv_rpt) AS VARCHAR) AS gmv_rpt", StringComparison.Ordinal);
        var rows = await new KpiDailyRepository(_h.Storage.Tables, KpiCatalog.Default).QueryAsync(From, To);

        var byCountry = (await DuckDbAsync(sql)).ToDictionary(r => r["country"], r => decimal.Parse(r["gmv_rpt"], CultureInfo.InvariantCulture));

        Assert.Equal(rows.Select(r => r.Country).Distinct().Order(StringComparer.Ordinal), byCountry.Keys.Order(StringComparer.Ordinal));
        foreach (var country in rows.GroupBy(r => r.Country))
        {
            Assert.Equal(country.Sum(r => r.Kpis["gmv"].ReportingValue!.Value), byCountry[country.Key]);
        }
    }

    [Fact]
    public async Task Dim_product_holds_every_stores_curated_skus()
    {
        await RunAsync();
        var curated = new Curated.CuratedStore(_h.Storage.Blobs);
        await curated.WriteReferenceAsync(Curated.CuratedTables.Products, "uk-main",
        [
            new Core.Domain.ProductSku("uk-main", "p1", "sku-b", "Tea cup", "TC-1", "ACTIVATE", 12.5m, "GBP"),
            new Core.Domain.ProductSku("uk-main", "p1", "sku-a", "Tea cup, blue", null, "ACTIVATE", null, "GBP"),
        ]);

        var manifest = await Publisher().PublishAsync("with products");

        var rows = await DuckDbAsync($"SELECT store_id, sku_id, product_name, CAST(price AS VARCHAR) AS price FROM read_parquet({Files(manifest, "dim_product")}) WHERE store_id = 'uk-main' ORDER BY sku_id");
        Assert.Equal([("uk-main", "sku-a", "Tea cup, blue", ""), ("uk-main", "sku-b", "Tea cup", "12.5000")], rows.Select(r => (r["store_id"], r["sku_id"], r["product_name"], r["price"])));
        long curatedRows = 0;
        foreach (var store in _h.Stores)
        {
            curatedRows += (await curated.ReadReferenceAsync(Curated.CuratedTables.Products, store.Id))?.Count ?? 0;
        }

        Assert.Equal(curatedRows, Table(manifest, "dim_product").Rows);
    }

    [Fact]
    public async Task Publishing_again_shares_every_unchanged_file_and_a_changed_day_rewrites_only_its_month()
    {
        await RunAsync();
        var first = (await Publisher().CurrentAsync())!;
        _h.Time.Now += TimeSpan.FromMinutes(1);
        var same = await Publisher().PublishAsync("again");

        Assert.NotEqual(first.Version, same.Version);
        Assert.Equal(Paths(first), Paths(same));

        await ChangeGmvAsync(new DateOnly(2026, 11, 1), "uk-main", 1000m);
        _h.Time.Now += TimeSpan.FromMinutes(1);
        var changed = await Publisher().PublishAsync("changed");

        var november = Table(changed, "fact_store_day").Files.Single(f => f.Part == "month=2026-11");
        Assert.StartsWith($"semantic/v={changed.Version}/fact_store_day/month=2026-11/", november.Path, StringComparison.Ordinal);
        Assert.Equal(Paths(first).Where(p => !p.Contains("month=2026-11", StringComparison.Ordinal)), Paths(changed).Where(p => !p.Contains("month=2026-11", StringComparison.Ordinal)));
        Assert.Equal(changed.Version, (await Publisher().CurrentAsync())!.Version);
    }

    [Fact]
    public async Task A_first_publish_reads_every_month_and_records_each_months_change_mark_and_span()
    {
        await RunAsync();
        var manifest = (await Publisher().CurrentAsync())!;
        var marks = await KpiDailyRepository.Changes(_h.Storage.Tables).ReadAsync();

        // Three stores: 30 and 31 October (6 rows), 1 and 2 November (6 rows).
        var files = Table(manifest, "fact_store_day").Files;
        Assert.Equal(["month=2026-10", "month=2026-11"], files.Select(f => f.Part));
        Assert.Equal([marks["2026-10"], marks["2026-11"]], files.Select(f => f.Marker));
        Assert.Equal([(new DateOnly(2026, 10, 30), new DateOnly(2026, 10, 31), 6L), (new DateOnly(2026, 11, 1), To, 6L)], files.Select(f => (f.Span!.First, f.Span.Last, f.Span.Rows)));
        var detail = DetailFactTables.Select(d => d.Table).Append("fact_store_day").Append("fact_alerts").ToHashSet(StringComparer.Ordinal);
        Assert.All(manifest.Tables.Where(t => !detail.Contains(t.Name)).SelectMany(t => t.Files), f => Assert.Null(f.Marker));
        Assert.All(manifest.Tables.Where(t => detail.Contains(t.Name)).SelectMany(t => t.Files), f => Assert.NotNull(f.Marker));
    }

    [Fact]
    public async Task A_publish_with_no_kpi_row_changed_reads_no_kpi_row_and_keeps_every_file()
    {
        await RunAsync();
        var first = (await Publisher().CurrentAsync())!;
        var tables = new WatchedTables(_h.Storage.Tables);
        _h.Time.Now += TimeSpan.FromMinutes(1);

        var again = await new SemanticPublisher(_h.Storage with { Tables = tables }, KpiCatalog.Default, Retention, _h.Time).PublishAsync("nothing changed");

        Assert.DoesNotContain(tables.Queries, q => q.Table == TableNames.Daily);
        Assert.Equal(Paths(first), Paths(again));
        Assert.Equal(first.Watermark, again.Watermark);
    }

    [Fact]
    public async Task A_publish_after_one_changed_day_reads_only_its_month_and_equals_a_full_publish_of_the_same_data_byte_for_byte()
    {
        await RunAsync();
        var first = (await Publisher().CurrentAsync())!;
        Assert.Null(first.Watermark.ProvisionalFrom);
        var repository = new KpiDailyRepository(_h.Storage.Tables, KpiCatalog.Default);
        var day = new DateOnly(2026, 11, 1);
        var row = (await repository.QueryAsync(day, day, "uk-main")).Single();
        var measures = row.Measures.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        measures["gmv"] += 1000m;
        await repository.SaveAsync([row with { Measures = measures, Provisional = true }]);

        var tables = new WatchedTables(_h.Storage.Tables);
        _h.Time.Now += TimeSpan.FromMinutes(1);
        var incremental = await new SemanticPublisher(_h.Storage with { Tables = tables }, KpiCatalog.Default, Retention, _h.Time).PublishAsync("one day changed");

        // KpiDaily is read for November alone (partitions are dates); October keeps its file, November is new.
        Assert.Equal([("2026-11-01", "2026-11-30")], tables.Queries.Where(q => q.Table == TableNames.Daily).Select(q => (q.Query.PartitionKeyFrom, q.Query.PartitionKeyTo)));
        var days = Table(incremental, "fact_store_day").Files;
        Assert.Equal((Table(first, "fact_store_day").Files[0].Path, Table(first, "fact_store_day").Files[0].Marker), (days[0].Path, days[0].Marker));
        Assert.StartsWith($"semantic/v={incremental.Version}/", days[1].Path, StringComparison.Ordinal);
        Assert.Equal((day, To, 12), (incremental.Watermark.ProvisionalFrom, incremental.Watermark.LastDate, incremental.Watermark.StoreDays));

        // A publish with no previous version (the current manifest gone) reads everything: every file's bytes, every
        // mark and span, and the watermark are the incremental publish's.
        await _h.Storage.Blobs.DeleteIfExistsAsync(SemanticPublisher.ManifestPath);
        _h.Time.Now += TimeSpan.FromMinutes(1);
        var full = await Publisher().PublishAsync("full");

        Assert.Equal(Describe(incremental), Describe(full));
        Assert.Equal(incremental.Watermark, full.Watermark);
        Assert.All(full.Tables.SelectMany(t => t.Files), f => Assert.StartsWith($"semantic/v={full.Version}/", f.Path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_previous_version_without_change_marks_makes_the_next_publish_read_every_month_and_mark_the_unmarked()
    {
        await RunAsync();
        // As if the rows and the version were written before marks existed.
        await foreach (var mark in _h.Storage.Tables.QueryAsync(TableNames.Changes, Storage.Tables.TableQuery.All))
        {
            await _h.Storage.Tables.DeleteEntityAsync(TableNames.Changes, mark.PartitionKey, mark.RowKey);
        }

        _h.Time.Now += TimeSpan.FromMinutes(1);
        var unmarked = await Publisher().PublishAsync("no marks");
        var marks = await KpiDailyRepository.Changes(_h.Storage.Tables).ReadAsync();
        Assert.Equal(["2026-10", "2026-11"], marks.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([marks["2026-10"], marks["2026-11"]], Table(unmarked, "fact_store_day").Files.Select(f => f.Marker));

        var tables = new WatchedTables(_h.Storage.Tables);
        _h.Time.Now += TimeSpan.FromMinutes(1);
        await new SemanticPublisher(_h.Storage with { Tables = tables }, KpiCatalog.Default, Retention, _h.Time).PublishAsync("marked");
        Assert.DoesNotContain(tables.Queries, q => q.Table == TableNames.Daily);
    }

    [Fact]
    public async Task Versions_replaced_longer_ago_than_the_retention_go_but_every_file_a_kept_version_lists_stays()
    {
        await RunAsync();
        var first = (await Publisher().CurrentAsync())!;
        await ChangeGmvAsync(new DateOnly(2026, 11, 1), "uk-main", 1000m);
        _h.Time.Now += TimeSpan.FromMinutes(1);
        var second = await Publisher().PublishAsync("replaces the first");
        _h.Time.Now += Retention + TimeSpan.FromDays(1);
        var current = await Publisher().PublishAsync("a week later");

        // The first was replaced over a week ago: its November file, listed by nobody kept, is gone.
        var oldNovember = Table(first, "fact_store_day").Files.Single(f => f.Part == "month=2026-11").Path;
        Assert.False(await _h.Storage.Blobs.ExistsAsync(oldNovember));
        Assert.False(await _h.Storage.Blobs.ExistsAsync($"semantic/v={first.Version}/manifest.json"));

        // The second was replaced just now: it stays whole for readers that started on it, and so does the current.
        foreach (var path in Paths(second).Concat(Paths(current)))
        {
            Assert.True(await _h.Storage.Blobs.ExistsAsync(path), path);
        }

        Assert.Contains(Paths(current), p => p.StartsWith($"semantic/v={first.Version}/", StringComparison.Ordinal)); // October, shared from the first
    }

    [Fact]
    public async Task After_a_week_without_publishes_the_version_just_replaced_keeps_its_whole_retention()
    {
        await RunAsync();
        var first = (await Publisher().CurrentAsync())!;
        await ChangeGmvAsync(new DateOnly(2026, 11, 1), "uk-main", 1000m);
        _h.Time.Now += Retention + TimeSpan.FromDays(1); // made long ago, but current until now

        await Publisher().PublishAsync("after a quiet week");

        foreach (var path in Paths(first))
        {
            Assert.True(await _h.Storage.Blobs.ExistsAsync(path), path);
        }
    }

    [Theory]
    [InlineData(false)] // its version's own manifest written, killed before the switch
    [InlineData(true)] // killed before its version's own manifest: files only
    public async Task A_publish_killed_before_the_switch_leaves_readers_on_the_previous_whole_version_and_the_next_publish_removes_what_it_wrote(bool beforeItsOwnManifest)
    {
        await RunAsync();
        var before = (await Publisher().CurrentAsync())!;
        await ChangeGmvAsync(new DateOnly(2026, 10, 30), "us-west", 5m);
        var killedAt = beforeItsOwnManifest ? "/manifest.json" : SemanticPublisher.ManifestPath;
        var dying = _h.Storage with { Blobs = new WatchedBlobs(_h.Storage.Blobs, path => path.EndsWith(killedAt, StringComparison.Ordinal) ? throw new IOException("killed") : Task.CompletedTask) };
        _h.Time.Now += TimeSpan.FromMinutes(1);

        await Assert.ThrowsAsync<IOException>(() => new SemanticPublisher(dying, KpiCatalog.Default, Retention, _h.Time).PublishAsync("dies"));

        var seen = (await Publisher().CurrentAsync())!;
        Assert.Equal(before.Version, seen.Version);
        foreach (var path in Paths(seen))
        {
            Assert.True(await _h.Storage.Blobs.ExistsAsync(path), path);
        }

        // What only the dead publish wrote: its Parquet, and its own manifest unless it died before that.
        var orphans = new List<string>();
        await foreach (var blob in _h.Storage.Blobs.ListAsync("semantic/v="))
        {
            if (!blob.Path.StartsWith($"semantic/v={before.Version}/", StringComparison.Ordinal))
            {
                orphans.Add(blob.Path);
            }
        }

        Assert.Contains(orphans, p => p.EndsWith(".parquet", StringComparison.Ordinal));
        Assert.Equal(!beforeItsOwnManifest, orphans.Any(p => p.EndsWith("/manifest.json", StringComparison.Ordinal)));

        // The next publish, well within the retention, removes them and leaves the version it replaced whole.
        _h.Time.Now += TimeSpan.FromMinutes(1);
        var next = await Publisher().PublishAsync("next");

        foreach (var path in orphans)
        {
            Assert.False(await _h.Storage.Blobs.ExistsAsync(path), path);
        }

        foreach (var path in Paths(before).Concat(Paths(next)))
        {
            Assert.True(await _h.Storage.Blobs.ExistsAsync(path), path);
        }
    }

    [Fact]
    public async Task Two_publishes_at_once_take_turns_so_each_version_stays_whole_and_the_later_one_is_current()
    {
        await RunAsync();
        await ChangeGmvAsync(new DateOnly(2026, 11, 1), "uk-main", 1000m);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The first (a backfill, say) stops at its first Parquet file until the test lets it go on.
        var backfill = new WatchedBlobs(_h.Storage.Blobs, StopAtFirstParquet(held, gate.Task));
        var nightly = new WatchedBlobs(_h.Storage.Blobs);
        _h.Time.Now += TimeSpan.FromMinutes(1);
        var first = new SemanticPublisher(_h.Storage with { Blobs = backfill }, KpiCatalog.Default, Retention, _h.Time).PublishAsync("backfill");
        await Task.WhenAny(held.Task, first);
        Assert.True(held.Task.IsCompleted, "the first publish never reached its first Parquet file");

        // The second starts while the first is held mid-way, and is either turned away or gets on with its publish.
        _h.Time.Now += TimeSpan.FromMinutes(1);
        var second = new SemanticPublisher(_h.Storage with { Blobs = nightly }, KpiCatalog.Default, Retention, _h.Time).PublishAsync("nightly");
        await Task.WhenAny(nightly.LeaseRefused.Task, nightly.Touched.Task, second);
        var readWhileHeld = nightly.Reads.ToList();
        var changedWhileHeld = nightly.Changes.ToList();
        gate.SetResult();
        await Task.WhenAll(first, second);

        Assert.DoesNotContain(SemanticPublisher.ManifestPath, readWhileHeld);
        Assert.Empty(changedWhileHeld);
        var current = (await Publisher().CurrentAsync())!;
        Assert.Equal((await second).Version, current.Version);
        Assert.True(string.CompareOrdinal(current.Version, (await first).Version) > 0, $"{current.Version} is current, not after {(await first).Version}");
        var versions = await VersionManifestsAsync();
        Assert.Equal(3, versions.Count); // the run's, the backfill's and the nightly's
        foreach (var path in versions.SelectMany(Paths))
        {
            Assert.True(await _h.Storage.Blobs.ExistsAsync(path), path);
        }
    }

    [Fact]
    public async Task A_publish_renews_its_lease_every_third_of_the_leases_minute_while_it_works()
    {
        await RunAsync();
        await ChangeGmvAsync(new DateOnly(2026, 11, 1), "uk-main", 1000m);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watched = new WatchedBlobs(_h.Storage.Blobs, StopAtFirstParquet(held, gate.Task));
        var time = new SteppedTime(_h.Time.Now + TimeSpan.FromMinutes(1));
        var publish = new SemanticPublisher(_h.Storage with { Blobs = watched }, KpiCatalog.Default, Retention, time).PublishAsync("slow");
        await Task.WhenAny(held.Task, publish);

        time.Advance(TimeSpan.FromSeconds(20)); // a third of the 60 s lease

        // The renewal follows at once on the timer's tick; the real-time bound only keeps a publish that never renews from hanging the test.
        await Task.WhenAny(watched.Renewed.Task, publish, Task.Delay(TimeSpan.FromMinutes(1)));
        var renewedWhileHeld = watched.Renewals;
        gate.SetResult();
        await publish;

        Assert.Equal(1, renewedWhileHeld);
        Assert.Equal(2, watched.Renewals); // and once more right before the switch
    }

    [Fact]
    public async Task A_publish_that_finds_the_lease_held_past_its_wait_fails_naming_the_lease_blob_and_writes_nothing()
    {
        await RunAsync();
        var before = (await Publisher().CurrentAsync())!;
        await using var other = await _h.Storage.Blobs.TryAcquireLeaseAsync(SemanticPublisher.LockPath, TimeSpan.FromSeconds(60));
        var watched = new WatchedBlobs(_h.Storage.Blobs);

        var error = await Assert.ThrowsAsync<TimeoutException>(() => new SemanticPublisher(_h.Storage with { Blobs = watched }, KpiCatalog.Default, Retention, _h.Time, lockWait: TimeSpan.Zero).PublishAsync("late"));

        Assert.Contains(_h.Storage.Blobs.Describe(SemanticPublisher.LockPath), error.Message, StringComparison.Ordinal);
        Assert.Contains("Another publish holds the lease", error.Message, StringComparison.Ordinal);
        Assert.Empty(watched.Changes);
        Assert.Equal(before.Version, (await Publisher().CurrentAsync())!.Version);
    }

    [Fact]
    public async Task A_publish_that_lost_its_lease_does_not_switch_and_a_failed_publish_lets_the_lease_go()
    {
        await RunAsync();
        var before = (await Publisher().CurrentAsync())!;
        await ChangeGmvAsync(new DateOnly(2026, 11, 1), "uk-main", 1000m);
        var losing = new WatchedBlobs(_h.Storage.Blobs, leaseLost: true);
        _h.Time.Now += TimeSpan.FromMinutes(1);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new SemanticPublisher(_h.Storage with { Blobs = losing }, KpiCatalog.Default, Retention, _h.Time).PublishAsync("overtaken"));

        Assert.Contains("lost its lease on " + _h.Storage.Blobs.Describe(SemanticPublisher.LockPath), error.Message, StringComparison.Ordinal);
        Assert.Contains($"readers stay on {before.Version}", error.Message, StringComparison.Ordinal);
        Assert.Equal(before.Version, (await Publisher().CurrentAsync())!.Version);
        await using var free = await _h.Storage.Blobs.TryAcquireLeaseAsync(SemanticPublisher.LockPath, TimeSpan.FromSeconds(60));
        Assert.NotNull(free);
    }

    [Fact]
    public async Task The_lease_blob_lies_outside_the_versions_and_a_glob_of_the_semantic_parquet()
    {
        await RunAsync();
        _h.Time.Now += Retention + TimeSpan.FromDays(1);
        await ChangeGmvAsync(new DateOnly(2026, 11, 1), "uk-main", 1000m);
        var current = await Publisher().PublishAsync("a week later"); // lists semantic/v= for leftovers and for retention

        var blobs = Path.Combine(_h.DataDirectory, "blobs");
        var globbed = await DuckDbAsync($"SELECT DISTINCT filename AS f FROM read_parquet({DuckDb.Literal(blobs + "/semantic/**/*.parquet")}, filename = true, union_by_name = true, hive_partitioning = false)");

        Assert.True(await _h.Storage.Blobs.ExistsAsync(SemanticPublisher.LockPath));
        Assert.DoesNotContain(globbed, r => r["f"].EndsWith(".lock", StringComparison.Ordinal));
        Assert.Superset(Paths(current).Select(p => Path.Combine(blobs, p)).ToHashSet(), globbed.Select(r => r["f"]).ToHashSet());
    }

    /// <summary>The month-part facts read from the compute step's curated datasets, by change mark.</summary>
    private static readonly (string Table, string Dataset)[] DetailFactTables =
    [
        ("fact_product_day", DetailFacts.ProductDayDataset),
        ("fact_store_week", DetailFacts.StoreWeekDataset),
        ("fact_creator_week", ScorecardFacts.CreatorWeekDataset),
        ("fact_live_session", ScorecardFacts.LiveSessionDataset),
    ];

    /// <summary>Whether the compute step keeps the dataset a file per store-month (else a file per store-day or week).</summary>
    private static bool ByMonth(string dataset) => dataset is DetailFacts.ProductDayDataset or ScorecardFacts.LiveSessionDataset;

    /// <summary>Where a month's files of a dataset start (yyyy-MM).</summary>
    private static string MonthFiles(string dataset, string month) => ByMonth(dataset) ? $"curated/{dataset}/month={month}/" : $"curated/{dataset}/date={month}-";

    /// <summary>What a publish lists to read a changed month of a dataset: its month files and any day files of before.</summary>
    private static string[] MonthListings(string dataset, string month) =>
        ByMonth(dataset) ? [$"curated/{dataset}/month={month}/", $"curated/{dataset}/date={month}-"] : [$"curated/{dataset}/date={month}-"];

    private SemanticPublisher Publisher() => new(_h.Storage, KpiCatalog.Default, Retention, _h.Time);

    private async Task RunAsync()
    {
        await _h.SeedAsync(From, To);
        await _h.Runner().RunAsync(new RunRequest(From, To));
    }

    private async Task ChangeGmvAsync(DateOnly date, string store, decimal add)
    {
        var repository = new KpiDailyRepository(_h.Storage.Tables, KpiCatalog.Default);
        var row = (await repository.QueryAsync(date, date, store)).Single();
        var measures = row.Measures.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        measures["gmv"] = measures["gmv"] + add;
        await repository.SaveAsync([row with { Measures = measures }]);
    }

    /// <summary>An upload hook that holds the first Parquet file of a version until <paramref name="gate"/> opens, saying so through <paramref name="held"/>.</summary>
    private static Func<string, Task> StopAtFirstParquet(TaskCompletionSource held, Task gate) => async path =>
    {
        if (path.StartsWith("semantic/v=", StringComparison.Ordinal) && path.EndsWith(".parquet", StringComparison.Ordinal) && held.TrySetResult())
        {
            await gate;
        }
    };

    /// <summary>Every version's own manifest in storage.</summary>
    private async Task<List<SemanticManifest>> VersionManifestsAsync()
    {
        var manifests = new List<SemanticManifest>();
        await foreach (var blob in _h.Storage.Blobs.ListAsync("semantic/v="))
        {
            if (blob.Path.EndsWith("/manifest.json", StringComparison.Ordinal))
            {
                await using var stream = (await _h.Storage.Blobs.OpenReadAsync(blob.Path))!;
                manifests.Add((await JsonSerializer.DeserializeAsync<SemanticManifest>(stream, JsonSerializerOptions.Web))!);
            }
        }

        return manifests;
    }

    private static SemanticTableEntry Table(SemanticManifest manifest, string name) => manifest.Tables.Single(t => t.Name == name);

    private static List<string> Paths(SemanticManifest manifest) => [.. manifest.Tables.SelectMany(t => t.Files).Select(f => f.Path)];

    private string Files(SemanticManifest manifest, string table) =>
        "[" + string.Join(", ", Table(manifest, table).Files.Select(f => "'" + Path.Combine(_h.DataDirectory, "blobs", f.Path) + "'")) + "]";

    private static Task<List<Dictionary<string, string>>> DuckDbAsync(string sql) => DuckDb.QueryAsync(sql);

    /// <summary>Each file of a version as what it holds (table, part, rows, bytes, hash, mark, span), not where it lies.</summary>
    private static List<string> Describe(SemanticManifest manifest) => [.. manifest.Tables.SelectMany(t => t.Files.Select(f => string.Create(CultureInfo.InvariantCulture,
        $"{t.Name} {f.Part} {f.Rows} {f.Bytes} {f.Sha256} {f.Marker} {f.Span?.First} {f.Span?.Last} {f.Span?.Rows} {string.Join(',', f.Span?.Provisional ?? [])}")))];

    /// <summary>A table store that records every query asked of it.</summary>
    private sealed class WatchedTables(Storage.Tables.ITableStore inner) : Storage.Tables.ITableStore
    {
        public System.Collections.Concurrent.ConcurrentQueue<(string Table, Storage.Tables.TableQuery Query)> Queries { get; } = new();

        public Task CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken = default) => inner.CreateTableIfNotExistsAsync(table, cancellationToken);

        public Task<Storage.Tables.TableEntity?> GetEntityAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default) =>
            inner.GetEntityAsync(table, partitionKey, rowKey, cancellationToken);

        public Task<Storage.Tables.TableWriteResult> AddEntityAsync(string table, Storage.Tables.TableEntity entity, CancellationToken cancellationToken = default) =>
            inner.AddEntityAsync(table, entity, cancellationToken);

        public Task<Storage.Tables.TableWriteResult> UpsertEntityAsync(string table, Storage.Tables.TableEntity entity, Storage.Tables.TableUpdateMode mode = Storage.Tables.TableUpdateMode.Replace, CancellationToken cancellationToken = default) =>
            inner.UpsertEntityAsync(table, entity, mode, cancellationToken);

        public Task<Storage.Tables.TableWriteResult> UpdateEntityAsync(string table, Storage.Tables.TableEntity entity, string ifMatch, Storage.Tables.TableUpdateMode mode = Storage.Tables.TableUpdateMode.Replace, CancellationToken cancellationToken = default) =>
            inner.UpdateEntityAsync(table, entity, ifMatch, mode, cancellationToken);

        public Task<bool> DeleteEntityAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default) =>
            inner.DeleteEntityAsync(table, partitionKey, rowKey, cancellationToken);

        public IAsyncEnumerable<Storage.Tables.TableEntity> QueryAsync(string table, Storage.Tables.TableQuery query, CancellationToken cancellationToken = default)
        {
            Queries.Enqueue((table, query));
            return inner.QueryAsync(table, query, cancellationToken);
        }

        public Task SubmitTransactionAsync(string table, IReadOnlyList<Storage.Tables.TableTransactionAction> actions, CancellationToken cancellationToken = default) =>
            inner.SubmitTransactionAsync(table, actions, cancellationToken);
    }

    /// <summary>
    /// A blob store that records what is read and changed, and runs <paramref name="onUpload"/> before each upload (to
    /// hold a publish there, or kill it). With <paramref name="leaseLost"/> its leases say they were lost when renewed.
    /// </summary>
    private sealed class WatchedBlobs(IBlobStore inner, Func<string, Task>? onUpload = null, bool leaseLost = false) : IBlobStore
    {
        private readonly bool _leaseLost = leaseLost;
        private int _renewals;

        public System.Collections.Concurrent.ConcurrentQueue<string> Reads { get; } = new();

        /// <summary>Uploads and deletes, as they are asked for.</summary>
        public System.Collections.Concurrent.ConcurrentQueue<string> Changes { get; } = new();

        /// <summary>Completes when a lease is refused (another holds it).</summary>
        public TaskCompletionSource LeaseRefused { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes at the first read of the current manifest or the first change.</summary>
        public TaskCompletionSource Touched { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes at the first renewal of a lease.</summary>
        public TaskCompletionSource Renewed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Renewals of its leases.</summary>
        public int Renewals => Volatile.Read(ref _renewals);

        public async Task<BlobWriteResult> UploadAsync(string path, Stream content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
        {
            Changes.Enqueue(path);
            Touched.TrySetResult();
            if (onUpload is not null)
            {
                await onUpload(path);
            }

            return await inner.UploadAsync(path, content, options, cancellationToken);
        }

        public Task<Stream?> OpenReadAsync(string path, CancellationToken cancellationToken = default)
        {
            Reads.Enqueue(path);
            if (path == SemanticPublisher.ManifestPath)
            {
                Touched.TrySetResult();
            }

            return inner.OpenReadAsync(path, cancellationToken);
        }

        public Task<Stream?> OpenReadRangeAsync(string path, long offset, long? length = null, CancellationToken cancellationToken = default)
        {
            Reads.Enqueue(path);
            return inner.OpenReadRangeAsync(path, offset, length, cancellationToken);
        }

        public Task<bool> ExistsAsync(string path, CancellationToken cancellationToken = default) => inner.ExistsAsync(path, cancellationToken);

        /// <summary>The prefixes listed, as they are asked for.</summary>
        public System.Collections.Concurrent.ConcurrentQueue<string> Listings { get; } = new();

        public IAsyncEnumerable<BlobItem> ListAsync(string prefix, CancellationToken cancellationToken = default)
        {
            Listings.Enqueue(prefix);
            return inner.ListAsync(prefix, cancellationToken);
        }

        public Task<bool> DeleteIfExistsAsync(string path, CancellationToken cancellationToken = default)
        {
            Changes.Enqueue(path);
            Touched.TrySetResult();
            return inner.DeleteIfExistsAsync(path, cancellationToken);
        }

        public async Task<IBlobLease?> TryAcquireLeaseAsync(string path, TimeSpan duration, CancellationToken cancellationToken = default)
        {
            var lease = await inner.TryAcquireLeaseAsync(path, duration, cancellationToken);
            if (lease is null)
            {
                LeaseRefused.TrySetResult();
            }

            return lease is null ? null : new WatchedLease(lease, this);
        }

        public string Describe(string path) => inner.Describe(path);

        /// <summary>Counts renewals; says the lease was lost (not renewed in time and taken by another) when the store was told to.</summary>
        private sealed class WatchedLease(IBlobLease inner, WatchedBlobs owner) : IBlobLease
        {
            public async Task<bool> RenewAsync(CancellationToken cancellationToken = default)
            {
                Interlocked.Increment(ref owner._renewals);
                owner.Renewed.TrySetResult();
                return !owner._leaseLost && await inner.RenewAsync(cancellationToken);
            }

            public Task ReleaseAsync(CancellationToken cancellationToken = default) => inner.ReleaseAsync(cancellationToken);

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }

    /// <summary>A clock that stands still, and fires the timers made on it only when the test moves it on.</summary>
    private sealed class SteppedTime(DateTimeOffset now) : TimeProvider
    {
        private readonly List<SteppedTimer> _timers = [];
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow()
        {
            lock (_timers)
            {
                return _now;
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new SteppedTimer(this, () => callback(state));
            timer.Change(dueTime, period);
            return timer;
        }

        /// <summary>Moves the clock on and fires every timer that fell due, as often as it fell due.</summary>
        public void Advance(TimeSpan by)
        {
            var due = new List<SteppedTimer>();
            lock (_timers)
            {
                _now += by;
                foreach (var timer in _timers)
                {
                    while (timer.Due is { } at && at <= _now)
                    {
                        due.Add(timer);
                        timer.Due = timer.Period > TimeSpan.Zero ? at + timer.Period : null;
                    }
                }
            }

            foreach (var timer in due)
            {
                timer.Fire();
            }
        }

        private sealed class SteppedTimer(SteppedTime time, Action fire) : ITimer
        {
            public DateTimeOffset? Due { get; set; }

            public TimeSpan Period { get; private set; }

            public void Fire() => fire();

            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                lock (time._timers)
                {
                    Due = dueTime == Timeout.InfiniteTimeSpan ? null : time._now + dueTime;
                    Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
                    if (!time._timers.Contains(this))
                    {
                        time._timers.Add(this);
                    }
                }

                return true;
            }

            public void Dispose()
            {
                lock (time._timers)
                {
                    time._timers.Remove(this);
                }
            }

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }
}
