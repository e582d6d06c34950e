using KpiFunctions.Core.Catalog;

namespace KpiFunctions.Core.Scorecards;

/// <summary>One KPI of a role's scorecard for a store and period.</summary>
/// <param name="KpiId">Catalog KPI id.</param>
/// <param name="Weight">The KPI's weight in the role as the catalog gives it (before renormalising over known KPIs).</param>
/// <param name="Value">The period's value, or null.</param>
/// <param name="Target">The store stage's target, or null where the stage sets none.</param>
/// <param name="Attainment">
/// Percent of target reached (value ÷ target, or target ÷ value when lower is better), from 0 to
/// <see cref="RoleScorecard.AttainmentCap"/>; null when the value or the target is missing.
/// </param>
/// <param name="Status">Red / amber / green by the thresholds in force (the stage's, else the KPI's).</param>
/// <param name="Reason">Why the attainment is null; null when it is known.</param>
public sealed record RoleKpiScore(string KpiId, decimal Weight, decimal? Value, decimal? Target, decimal? Attainment, RagStatus Status, string? Reason);
