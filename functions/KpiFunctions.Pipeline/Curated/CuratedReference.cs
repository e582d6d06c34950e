using System.Text;
using KpiFunctions.Core.Catalog;

namespace KpiFunctions.Pipeline.Curated;

/// <summary>The curated datasets' schemas in Markdown, generated from their table definitions (the README embeds it).</summary>
public static class CuratedReference
{
    /// <summary>One table per dataset: column, type, meaning, unit.</summary>
    public static string Markdown(KpiCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var sb = new StringBuilder();
        Add(sb, CuratedTables.Orders.Name, CuratedTables.Orders.Description, CuratedTables.Orders.Columns);
        Add(sb, CuratedTables.OrderLines.Name, CuratedTables.OrderLines.Description, CuratedTables.OrderLines.Columns);
        Add(sb, CuratedTables.Refunds.Name, CuratedTables.Refunds.Description, CuratedTables.Refunds.Columns);
        Add(sb, CuratedTables.Cancellations.Name, CuratedTables.Cancellations.Description, CuratedTables.Cancellations.Columns);
        Add(sb, CuratedTables.TrafficDaily.Name, CuratedTables.TrafficDaily.Description, CuratedTables.TrafficDaily.Columns);
        Add(sb, CuratedTables.ProductDaily.Name, CuratedTables.ProductDaily.Description, CuratedTables.ProductDaily.Columns);
        Add(sb, CuratedTables.LiveSessions.Name, CuratedTables.LiveSessions.Description, CuratedTables.LiveSessions.Columns);
        Add(sb, CuratedTables.Videos.Name, CuratedTables.Videos.Description, CuratedTables.Videos.Columns);
        Add(sb, CuratedTables.AdsDaily.Name, CuratedTables.AdsDaily.Description, CuratedTables.AdsDaily.Columns);
        Add(sb, CuratedTables.ServiceDaily.Name, CuratedTables.ServiceDaily.Description, CuratedTables.ServiceDaily.Columns);
        Add(sb, CuratedTables.InventoryDaily.Name, CuratedTables.InventoryDaily.Description, CuratedTables.InventoryDaily.Columns);
        Add(sb, CuratedTables.PlatformDaily.Name, CuratedTables.PlatformDaily.Description, CuratedTables.PlatformDaily.Columns);
        Add(sb, CuratedTables.ProductCosts.Name, CuratedTables.ProductCosts.Description + " Path: `curated/product_costs/store=<id>/part-00000.parquet`.", CuratedTables.ProductCosts.Columns);
        Add(sb, CuratedTables.Products.Name, CuratedTables.Products.Description + " Path: `curated/products/store=<id>/part-00000.parquet`.", CuratedTables.Products.Columns);
        Add(sb, CuratedTables.Creators.Name, CuratedTables.Creators.Description + " Path: `curated/creators/store=<id>/part-00000.parquet`.", CuratedTables.Creators.Columns);
        var kpi = KpiStoreDayTable.Create(catalog);
        sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"#### `{kpi.Name}`\n\n{kpi.Description} Path: `curated/kpi_store_day/month=<yyyy-MM>/store=<id>/part-00000.parquet`, a file per store and month with a row per day. Per KPI `<id>` there are `<id>` (value), `<id>_rpt` (money KPIs in the reporting currency), `<id>_rag` and `<id>_why`; per base measure `m_<id>`. KPI ids and meanings are in the KPI reference above.\n\n");
        sb.Append("| column | type | meaning | unit |\n|---|---|---|---|\n");
        foreach (var c in kpi.Columns.Take(9))
        {
            Row(sb, c);
        }

        sb.Append('\n');
        Add(sb, Kpis.ScorecardFacts.CreatorWeeks.Name, Kpis.ScorecardFacts.CreatorWeeks.Description + " Path: `curated/kpi_creator_week/date=<Monday>/store=<id>/part-00000.parquet`; written by the compute step.", Kpis.ScorecardFacts.CreatorWeeks.Columns);
        Add(sb, Kpis.ScorecardFacts.LiveSessionScores.Name, Kpis.ScorecardFacts.LiveSessionScores.Description + " Path: `curated/kpi_live_session/month=<yyyy-MM>/store=<id>/part-00000.parquet`, a file per store and month holding the days `kpi_store_day` holds; written by the compute step.", Kpis.ScorecardFacts.LiveSessionScores.Columns);
        return sb.ToString();
    }

    private static void Add(StringBuilder sb, string name, string description, IReadOnlyList<CuratedColumn> columns)
    {
        sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"#### `{name}`\n\n{description}\n\n| column | type | meaning | unit |\n|---|---|---|---|\n");
        foreach (var c in columns)
        {
            Row(sb, c);
        }

        sb.Append('\n');
    }

    private static void Row(StringBuilder sb, CuratedColumn c)
    {
        var type = c.Type switch
        {
            CuratedType.Decimal => $"DECIMAL({c.Precision},{c.Scale})",
            CuratedType.String => "VARCHAR",
            CuratedType.Int32 => "INTEGER",
            CuratedType.Int64 => "BIGINT",
            CuratedType.Timestamp => "TIMESTAMPTZ",
            _ => c.Type.ToString().ToUpperInvariant(),
        };
        sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"| `{c.Name}` | {type}{(c.Required ? "" : ", nullable")} | {c.Meaning} | {c.Unit} |\n");
    }
}
