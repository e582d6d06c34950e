using System.Globalization;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Pipeline.Curated;
using KpiFunctions.Pipeline.Kpis;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.Pipeline.Tests;

/// <summary>Finance's view: the curated folder queried with DuckDB, and the README's schema reference.</summary>
public class CuratedParquetTests(DemoRunFixture run) : IClassFixture<DemoRunFixture>
{
    private const string Start = "<!-- curated-reference:start (generated from the curated table definitions; a test fails when it is stale) -->";
    private const string End = "<!-- curated-reference:end -->";

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

        var rows = (await Node.RunAsync("duckdb-sql", sql)).GetProperty("rows").EnumerateArray()
            .ToDictionary(r => (r.GetProperty("store").GetString()!, r.GetProperty("date").GetString()!), r => decimal.Parse(r.GetProperty("gmv").GetString()!, CultureInfo.InvariantCulture));

        foreach (var kpi in run.FirstRows)
        {
            Assert.Equal(kpi.Kpis["gmv"].Value, rows[(kpi.StoreId, kpi.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))]);
        }
    }

    [Fact]
    public async Task DuckDb_reads_kpi_store_day_with_decimal_kpis_and_the_catalogs_columns()
    {
        var blobs = Path.Combine(run.DataDirectory, "blobs");
        var result = await Node.RunAsync("duckdb-sql", $"DESCRIBE SELECT * FROM read_parquet('{blobs}/curated/kpi_store_day/*/*/*.parquet', hive_partitioning = true)");
        var types = result.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("column_name").GetString()!, r => r.GetProperty("column_type").GetString()!);

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
        var back = await new CuratedStore(run.Storage.Blobs).ReadAsync(KpiStoreDayTable.Create(KpiCatalog.Default), row.StoreId, row.Date);

        var single = Assert.Single(back!);
        Assert.Equal(row.Kpis, single.Kpis);
        Assert.Equal(row.Measures, single.Measures);
        Assert.Equal((row.FxRate, row.FxStatus, row.Currency), (single.FxRate, single.FxStatus, single.Currency));
    }

    [Fact]
    public void The_readme_schema_reference_is_the_generated_one()
    {
        var embedded = ReadmeSection.Extract(Start, End);

        Assert.True(embedded == CuratedReference.Markdown(KpiCatalog.Default).Trim('\n'), "The curated schema reference in README.md is stale: regenerate it (kpi catalog --datasets).");
    }
}
