using System.Globalization;
using System.Text;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Pipeline.Curated;
using KpiFunctions.Pipeline.Kpis;
using KpiFunctions.Pipeline.Semantic;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.Pipeline.Tests;

/// <summary>Finance's view: the curated folder queried with DuckDB, and the README's schema reference.</summary>
public class CuratedParquetTests(DemoRunFixture run) : IClassFixture<DemoRunFixture>
{
    private const string Start = "<!-- curated-reference:start (generated from the curated table definitions; a test fails when it is stale) -->";
    private const string End = "<!-- curated-reference:end -->";
    private const string SchemasFile = "duckdb-schemas.txt";

    [Fact]
    public async Task The_readmes_duckdb_query_over_the_curated_folder_gives_the_kpi_tables_gmv()
    {
        var blobs = Path.Combine(run.DataDirectory, "blobs");
        // The README's one-liner, with the folder filled in.
        var sql = $"""
            SELECT store, date, sum(subtotal) AS gmv
            FROM read_parquet('{blobs}/curated/orders/*/*/*.parquet', hive_partitioning = true)
            WHERE paid_utc IS NOT NULL AND status <> 'CANCELLED' AND NOT is_sample_or_test
            GROUP BY ALL ORDER BY ALL
            """;

        var rows = (await DuckDb.QueryAsync(sql)).ToDictionary(r => (r["store"], r["date"]), r => decimal.Parse(r["gmv"], CultureInfo.InvariantCulture));

        foreach (var kpi in run.FirstRows)
        {
            Assert.Equal(kpi.Kpis["gmv"].Value, rows[(kpi.StoreId, kpi.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))]);
        }
    }

    [Fact]
    public async Task DuckDb_reads_kpi_store_day_with_decimal_kpis_and_the_catalogs_columns()
    {
        var blobs = Path.Combine(run.DataDirectory, "blobs");
        var types = (await DuckDb.QueryAsync($"DESCRIBE SELECT * FROM read_parquet('{blobs}/curated/kpi_store_day/*/*/*.parquet', hive_partitioning = true)"))
            .ToDictionary(r => r["column_name"], r => r["column_type"]);

        Assert.Equal("DECIMAL(28,6)", types["gmv"]);
        Assert.Equal("DECIMAL(28,6)", types["gmv_rpt"]);
        Assert.Equal("VARCHAR", types["conversion_rate_rag"]);
        Assert.Equal("DATE", types["date"]);
        Assert.All(KpiCatalog.Default.Kpis, k => Assert.True(types.ContainsKey(k.Id), k.Id));
        Assert.All(KpiCatalog.Default.Measures, m => Assert.True(types.ContainsKey("m_" + m.Id), m.Id));
    }

    [Fact]
    public async Task Kpi_store_day_reads_back_equal_to_the_kpi_table()
    {
        var row = run.FirstRows[^1];
        var back = await new CuratedStore(run.Storage.Blobs).ReadMonthAsync(KpiStoreDayTable.Create(KpiCatalog.Default), row.StoreId, row.Date);

        // The store's month in one file, a row per day in date order, as the table holds them.
        Assert.Equal(run.FirstRows.Where(r => r.StoreId == row.StoreId && r.Date.Month == row.Date.Month).Select(r => r.Date).Order(), back!.Select(r => r.Date));
        var single = Assert.Single(back!, r => r.Date == row.Date);
        Assert.Equal(row.Kpis, single.Kpis);
        Assert.Equal(row.Measures, single.Measures);
        Assert.Equal((row.FxRate, row.FxStatus, row.Currency), (single.FxRate, single.FxStatus, single.Currency));
    }

    [Fact]
    public async Task DuckDb_sees_every_curated_dataset_and_semantic_table_as_the_checked_in_list()
    {
        // Finance's contract as DuckDB reads it: column names, types, nullability and our key-value metadata. The list
        // was made from a demo run with the hand-written writer, before the move to Parquet.Net. A difference is a
        // schema change: copy this run's list over the file only for a deliberate one (a new catalog KPI or column; a
        // changed type or nullability also needs a new schema version).
        var actual = await DescribeAsync();
        var written = Path.Combine(AppContext.BaseDirectory, SchemasFile + ".actual");
        await File.WriteAllTextAsync(written, actual);

        var expected = File.ReadAllText(Path.Combine(RepoRoot.Find(), "tests", "KpiFunctions.Pipeline.Tests", SchemasFile)).ReplaceLineEndings("\n");
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        var missing = expectedLines.Except(actualLines).Take(10);
        var extra = actualLines.Except(expectedLines).Take(10);
        Assert.True(expected == actual, $"DuckDB sees other schemas than {SchemasFile} (this run's list: {written}).\nexpected, not seen:\n  {string.Join("\n  ", missing)}\nseen, not expected:\n  {string.Join("\n  ", extra)}");
    }

    [Fact]
    public void The_readme_schema_reference_is_the_generated_one()
    {
        var embedded = ReadmeSection.Extract(Start, End);

        Assert.True(embedded == CuratedReference.Markdown(KpiCatalog.Default).Trim('\n'), "The curated schema reference in README.md is stale: regenerate it (kpi catalog --datasets).");
    }

    /// <summary>
    /// Every curated dataset (all its files) and every table of the current semantic version: DuckDB's DESCRIBE, each
    /// column's repetition and the kpifunctions.* key-value metadata, one line each, in a stable order.
    /// </summary>
    private async Task<string> DescribeAsync()
    {
        var blobs = Path.Combine(run.DataDirectory, "blobs");
        var sets = Directory.GetDirectories(Path.Combine(blobs, "curated"))
            .Select(Path.GetFileName)
            .Where(d => !d!.StartsWith('_'))
            .Order(StringComparer.Ordinal)
            .Select(d => ("curated/" + d, Directory.GetFiles(Path.Combine(blobs, "curated", d!), "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray()))
            .ToList();
        var manifest = await new SemanticPublisher(run.Storage, KpiCatalog.Default, TimeSpan.FromDays(7), TimeProvider.System).CurrentAsync();
        sets.AddRange(manifest!.Tables.Select(t => ("semantic/" + t.Name, t.Files.Select(f => Path.Combine(blobs, f.Path)).ToArray())));

        var text = new StringBuilder();
        foreach (var (name, files) in sets)
        {
            Assert.NotEmpty(files);
            var list = DuckDb.List(files);
            var metadata = await DuckDb.QueryAsync($"SELECT DISTINCT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata({list}) WHERE decode(key) LIKE 'kpifunctions.%' ORDER BY ALL");
            var repetition = (await DuckDb.QueryAsync($"SELECT name, string_agg(DISTINCT repetition_type, '/' ORDER BY repetition_type) AS r FROM parquet_schema({list}) WHERE num_children IS NULL OR num_children = 0 GROUP BY name"))
                .ToDictionary(r => r["name"], r => r["r"], StringComparer.Ordinal);
            text.Append(CultureInfo.InvariantCulture, $"{name} {string.Join(' ', metadata.Select(m => m["k"] + "=" + m["v"]))}\n");
            foreach (var column in await DuckDb.QueryAsync($"DESCRIBE SELECT * FROM read_parquet({list}, hive_partitioning = false)"))
            {
                text.Append(CultureInfo.InvariantCulture, $"  {column["column_name"]} {column["column_type"]} {repetition.GetValueOrDefault(column["column_name"], "?")}\n");
            }
        }

        return text.ToString();
    }
}
