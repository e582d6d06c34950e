using KpiFunctions.Core.Catalog;

namespace KpiFunctions.Pipeline.Semantic;

/// <summary>The rows of dim_role, role_kpi, dim_stage and stage_kpi, from the catalog.</summary>
public static class SemanticRoles
{
    /// <summary>dim_role's rows, in catalog order.</summary>
    public static SemanticRole[] Roles(KpiCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return [.. catalog.Roles.Select((r, i) => new SemanticRole(r.Id, r.LabelEn, r.LabelZh, i + 1))];
    }

    /// <summary>role_kpi's rows, by role then position.</summary>
    public static SemanticRoleKpi[] RoleKpis(KpiCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return [.. catalog.Roles.SelectMany(r => r.Kpis.Select((k, i) => new SemanticRoleKpi(r.Id, k.KpiId, catalog.Kpi(k.KpiId).LabelEn, k.Weight, i + 1)))];
    }

    /// <summary>dim_stage's rows, in catalog order.</summary>
    public static SemanticStage[] Stages(KpiCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return [.. catalog.Stages.Select((s, i) => new SemanticStage(s.Id, s.LabelEn, s.LabelZh, s.Description, i + 1))];
    }

    /// <summary>stage_kpi's rows, by stage in the stage's order.</summary>
    public static SemanticStageKpi[] StageKpis(KpiCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return [.. catalog.Stages.SelectMany(s => s.Kpis.Select(k => new SemanticStageKpi(
            s.Id, k.KpiId, catalog.Kpi(k.KpiId).LabelEn, catalog.Kpi(k.KpiId).Direction.ToString(), k.Target, k.Thresholds.Green, k.Thresholds.Amber, k.Focus)))];
    }
}
