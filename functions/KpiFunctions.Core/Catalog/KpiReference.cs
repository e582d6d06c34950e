using System.Globalization;
using System.Text;

namespace KpiFunctions.Core.Catalog;

/// <summary>The KPI reference in Markdown, generated from the catalog (the README embeds it; a test keeps it current).</summary>
public static class KpiReference
{
    /// <summary>Renders the KPI and base-measure tables.</summary>
    public static string Markdown(KpiCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var sb = new StringBuilder();
        sb.Append("| KPI | 中文 | Formula | Unit | Better | Green / amber | Definition |\n");
        sb.Append("|---|---|---|---|---|---|---|\n");
        foreach (var k in catalog.Kpis)
        {
            var thresholds = k.Thresholds is { } t
                ? string.Create(CultureInfo.InvariantCulture, $"{(k.Direction == KpiDirection.HigherIsBetter ? "≥" : "≤")} {t.Green} / {t.Amber}")
                : "–";
            sb.Append(CultureInfo.InvariantCulture,
                $"| `{k.Id}` {k.LabelEn} | {k.LabelZh} | `{k.Formula.ToFormula()}` | {k.Unit} | {(k.Direction == KpiDirection.HigherIsBetter ? "higher" : "lower")} | {thresholds} | {k.Description} |\n");
        }

        sb.Append("\nBase measures (per store-day; every KPI at every level is recomputed from their sums):\n\n");
        sb.Append("| Measure | Dataset | Source | Filter | Rolls up | No data means |\n");
        sb.Append("|---|---|---|---|---|---|\n");
        foreach (var m in catalog.Measures)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"| `{m.Id}` | {m.Dataset} | {m.Source} | {m.Filter} | {m.Aggregation} | {(m.Missing == MissingData.Zero ? "zero" : "unknown (null)")} |\n");
        }

        return sb.ToString();
    }
}
