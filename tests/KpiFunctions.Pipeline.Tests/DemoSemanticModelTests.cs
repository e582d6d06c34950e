using System.Globalization;
using System.Text.RegularExpressions;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Pipeline.Semantic;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.Pipeline.Tests;

/// <summary>
/// The semantic dataset the demo run published, read by DuckDB as Power BI would join it: every relationship of the
/// model in powerbi/ holds, and the week facts cover the days the day facts hold. The demo fetches from the 1st of its
/// first month but computes KPIs from a later day, which is where both used to go wrong.
/// </summary>
public partial class DemoRunTests
{
    [Fact]
    public async Task Every_relationship_of_the_power_bi_model_finds_its_dimension_row_for_every_fact_key()
    {
        var manifest = (await new SemanticPublisher(run.Storage, KpiCatalog.Default, TimeSpan.FromDays(7), TimeProvider.System).CurrentAsync())!;
        var relationships = Relationships();
        Assert.True(relationships.Count >= 12, $"{relationships.Count} relationships read from relationships.tmdl");

        var orphans = new List<string>();
        foreach (var (fromTable, fromColumn, toTable, toColumn) in relationships)
        {
            var result = (await DuckDb.QueryAsync(
                $"SELECT CAST(count(*) AS VARCHAR) AS n, CAST(min(f.{fromColumn}) AS VARCHAR) AS example FROM read_parquet({Files(manifest, fromTable)}) f " +
                $"WHERE f.{fromColumn} IS NOT NULL AND f.{fromColumn} NOT IN (SELECT {toColumn} FROM read_parquet({Files(manifest, toTable)}))")).Single();
            if (result["n"] != "0")
            {
                orphans.Add($"{fromTable}.{fromColumn} -> {toTable}.{toColumn}: {result["n"]} row(s) without a dimension row, e.g. {result["example"]}");
            }
        }

        Assert.True(orphans.Count == 0, string.Join(Environment.NewLine, orphans));

        // The dimension is a whole calendar: contiguous days, first of a month to last of a month.
        var calendar = (await DuckDb.QueryAsync($"SELECT CAST(min(date) AS VARCHAR) AS first, CAST(max(date) AS VARCHAR) AS last, CAST(count(*) AS VARCHAR) AS n, CAST(count(DISTINCT date) AS VARCHAR) AS d FROM read_parquet({Files(manifest, "dim_date")})")).Single();
        var first = DateOnly.Parse(calendar["first"], CultureInfo.InvariantCulture);
        var last = DateOnly.Parse(calendar["last"], CultureInfo.InvariantCulture);
        Assert.Equal((1, 1), (first.Day, last.AddDays(1).Day));
        Assert.Equal((last.DayNumber - first.DayNumber + 1).ToString(CultureInfo.InvariantCulture), calendar["n"]);
        Assert.Equal(calendar["n"], calendar["d"]);
    }

    [Fact]
    public async Task A_published_week_covers_exactly_the_days_fact_store_day_holds_for_it_with_the_same_buyer_days()
    {
        var manifest = (await new SemanticPublisher(run.Storage, KpiCatalog.Default, TimeSpan.FromDays(7), TimeProvider.System).CurrentAsync())!;
        var weeks = await DuckDb.QueryAsync(
            $"SELECT w.store_id, CAST(w.week_start AS VARCHAR) AS week, CAST(w.days_covered AS VARCHAR) AS covered, CAST(w.buyer_days AS VARCHAR) AS buyer_days, " +
            $"CAST(count(d.date) AS VARCHAR) AS days, CAST(CAST(coalesce(sum(d.buyer_days), 0) AS BIGINT) AS VARCHAR) AS day_buyer_days " +
            $"FROM read_parquet({Files(manifest, "fact_store_week")}) w LEFT JOIN read_parquet({Files(manifest, "fact_store_day")}) d " +
            $"ON d.store_id = w.store_id AND d.date >= w.week_start AND d.date < w.week_start + INTERVAL 7 DAY " +
            $"GROUP BY w.store_id, w.week_start, w.days_covered, w.buyer_days ORDER BY w.week_start, w.store_id");

        // 12 days from a Saturday: the first week holds 2 days, so does a week with fewer than 7 exist to check.
        Assert.Contains(weeks, w => w["covered"] != "7");
        var wrong = weeks.Where(w => w["covered"] != w["days"] || w["buyer_days"] != w["day_buyer_days"])
            .Select(w => $"{w["store_id"]} {w["week"]}: the week says {w["covered"]} days and {w["buyer_days"]} buyer-days, fact_store_day holds {w["days"]} days and {w["day_buyer_days"]}")
            .ToList();
        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));

        // And every store-day belongs to a published week.
        var days = (await DuckDb.QueryAsync($"SELECT CAST(count(*) AS VARCHAR) AS n FROM read_parquet({Files(manifest, "fact_store_day")})")).Single()["n"];
        Assert.Equal(days, weeks.Sum(w => int.Parse(w["days"], CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The model's relationships as TMDL declares them: (from table, from column, to table, to column).</summary>
    private static List<(string FromTable, string FromColumn, string ToTable, string ToColumn)> Relationships()
    {
        var text = File.ReadAllText(Path.Combine(RepoRoot.Find(), "powerbi", "ShopKpi.SemanticModel", "definition", "relationships.tmdl"));
        return [.. Regex.Matches(text, @"fromColumn:\s*(\w+)\.(\w+)\s+toColumn:\s*(\w+)\.(\w+)")
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value))];
    }

    private string Files(SemanticManifest manifest, string table) =>
        DuckDb.List(manifest.Tables.Single(t => t.Name == table).Files.Select(f => Path.Combine(run.DataDirectory, "blobs", f.Path)));
}
