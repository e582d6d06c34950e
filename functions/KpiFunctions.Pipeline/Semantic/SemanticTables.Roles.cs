using KpiFunctions.Pipeline.Curated;

namespace KpiFunctions.Pipeline.Semantic;

public static partial class SemanticTables
{
    /// <summary>dim_role: the catalog's roles.</summary>
    public static CuratedTable<SemanticRole> Roles { get; } = new CuratedTable<SemanticRole>("dim_role", "One row per role of the weekly review (LIVE host, ad buyer, customer service, content).", _ => throw new NotSupportedException("dim_role is written, not read back."))
        .String("role_id", r => r.RoleId, "Role id")
        .String("role_en", r => r.LabelEn, "English label")
        .String("role_zh", r => r.LabelZh, "Chinese label")
        .Int32("position", r => r.Position, "Order the catalog lists it in, from 1", "rank");

    /// <summary>role_kpi: the KPIs each role is judged on, with weights.</summary>
    public static CuratedTable<SemanticRoleKpi> RoleKpis { get; } = new CuratedTable<SemanticRoleKpi>("role_kpi", "One row per role and KPI it is judged on, with the KPI's weight in the role's score.", _ => throw new NotSupportedException("role_kpi is written, not read back."))
        .String("role_id", r => r.RoleId, "Role id (dim_role's key)")
        .String("kpi_id", r => r.KpiId, "The KPI (catalog id)")
        .String("kpi_en", r => r.KpiLabelEn, "The KPI's English label (its measure's name)")
        .Decimal("weight", r => r.Weight, "Weight in the role's score; a role's weights sum to 1", "fraction", 9, 4)
        .Int32("position", r => r.Position, "Order within the role, from 1", "rank");

    /// <summary>dim_stage: the catalog's store stages.</summary>
    public static CuratedTable<SemanticStage> Stages { get; } = new CuratedTable<SemanticStage>("dim_stage", "One row per store stage (cold start, growth, stable).", _ => throw new NotSupportedException("dim_stage is written, not read back."))
        .String("stage_id", s => s.StageId, "Stage id")
        .String("stage_en", s => s.LabelEn, "English label")
        .String("stage_zh", s => s.LabelZh, "Chinese label")
        .String("description", s => s.Description, "What the stage stresses")
        .Int32("position", s => s.Position, "Order the catalog lists it in, from 1", "rank");

    /// <summary>stage_kpi: each stage's target and thresholds per KPI.</summary>
    public static CuratedTable<SemanticStageKpi> StageKpis { get; } = new CuratedTable<SemanticStageKpi>("stage_kpi", "One row per stage and KPI it sets a target and thresholds for (other KPIs keep the catalog's thresholds).", _ => throw new NotSupportedException("stage_kpi is written, not read back."))
        .String("stage_id", s => s.StageId, "Stage id (dim_stage's key)")
        .String("kpi_id", s => s.KpiId, "The KPI (catalog id)")
        .String("kpi_en", s => s.KpiLabelEn, "The KPI's English label (its measure's name)")
        .String("direction", s => s.Direction, "HigherIsBetter or LowerIsBetter")
        .Decimal("target", s => s.Target, "The value a store in the stage aims for", "the KPI's unit", 28, 6)
        .Decimal("green", s => s.Green, "Green at or beyond this value", "the KPI's unit", 28, 6)
        .Decimal("amber", s => s.Amber, "Amber at or beyond this value, short of green; red beyond it", "the KPI's unit", 28, 6)
        .Boolean("focus", s => s.Focus, "The stage stresses this KPI");
}
