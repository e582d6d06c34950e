namespace KpiFunctions.Core.Catalog;

/// <summary>What a store stage expects of one KPI.</summary>
/// <param name="KpiId">Catalog KPI id.</param>
/// <param name="Target">The value a store in this stage aims for, in the KPI's unit.</param>
/// <param name="Thresholds">Green and amber for stores in this stage, in place of the KPI's defaults.</param>
/// <param name="Focus">True where the stage stresses this KPI (the review leads with it).</param>
public sealed record StageKpi(string KpiId, decimal Target, RagThresholds Thresholds, bool Focus);
