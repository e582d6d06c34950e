namespace KpiFunctions.Pipeline.Semantic;

/// <summary>A stage's target and thresholds for a KPI, as stage_kpi shows them.</summary>
/// <param name="StageId">Stage (dim_stage's key).</param>
/// <param name="KpiId">KPI (catalog id).</param>
/// <param name="KpiLabelEn">The KPI's English label (its measure's name).</param>
/// <param name="Direction">HigherIsBetter or LowerIsBetter.</param>
/// <param name="Target">The value a store in the stage aims for.</param>
/// <param name="Green">Green at or beyond.</param>
/// <param name="Amber">Amber at or beyond (short of green); red otherwise.</param>
/// <param name="Focus">The stage stresses this KPI.</param>
public sealed record SemanticStageKpi(string StageId, string KpiId, string KpiLabelEn, string Direction, decimal Target, decimal Green, decimal Amber, bool Focus);
