using System.Globalization;
using System.Text;

namespace KpiFunctions.Core.Catalog;

/// <summary>The roles and stages reference in Markdown, generated from the catalog (the README embeds it; a test keeps it current).</summary>
public static class RoleReference
{
    /// <summary>Renders a table of each role's KPIs and weights, then one of each stage's targets and thresholds.</summary>
    public static string Markdown(KpiCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var sb = new StringBuilder();
        sb.Append("| Role | 中文 | KPI | Weight |\n");
        sb.Append("|---|---|---|---|\n");
        foreach (var role in catalog.Roles)
        {
            foreach (var rk in role.Kpis)
            {
                sb.Append(CultureInfo.InvariantCulture,
                    $"| `{role.Id}` {role.LabelEn} | {role.LabelZh} | `{rk.KpiId}` {catalog.Kpi(rk.KpiId).LabelEn} | {rk.Weight * 100:0.#} % |\n");
            }
        }

        sb.Append("\nStages (a KPI a stage does not list keeps the catalog's thresholds; ★ marks the KPIs the stage stresses):\n\n");
        sb.Append("| Stage | 中文 | KPI | Target | Green / amber | Focus |\n");
        sb.Append("|---|---|---|---|---|---|\n");
        foreach (var stage in catalog.Stages)
        {
            foreach (var sk in stage.Kpis)
            {
                var kpi = catalog.Kpi(sk.KpiId);
                var op = kpi.Direction == KpiDirection.HigherIsBetter ? "≥" : "≤";
                sb.Append(CultureInfo.InvariantCulture,
                    $"| `{stage.Id}` {stage.LabelEn} | {stage.LabelZh} | `{sk.KpiId}` {kpi.LabelEn} | {sk.Target} | {op} {sk.Thresholds.Green} / {sk.Thresholds.Amber} | {(sk.Focus ? "★" : "")} |\n");
            }
        }

        return sb.ToString();
    }
}
