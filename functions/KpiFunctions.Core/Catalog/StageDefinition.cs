namespace KpiFunctions.Core.Catalog;

/// <summary>A store's stage of life (cold start, growth, stable), with its own targets and thresholds per KPI.</summary>
/// <param name="Id">Id, snake_case.</param>
/// <param name="LabelEn">English label.</param>
/// <param name="LabelZh">Chinese label.</param>
/// <param name="Description">What the stage stresses, for the docs.</param>
/// <param name="Kpis">The KPIs the stage sets a target and thresholds for; the others keep the catalog's thresholds.</param>
public sealed record StageDefinition(string Id, string LabelEn, string LabelZh, string Description, IReadOnlyList<StageKpi> Kpis)
{
    /// <summary>The stage of a store that names none: an established store, judged by the catalog's own thresholds.</summary>
    public const string DefaultId = "stable";

    /// <summary>This stage's entry for a KPI, or null.</summary>
    public StageKpi? For(string kpiId) => Kpis.FirstOrDefault(k => k.KpiId == kpiId);
}
