using KpiFunctions.Core.Catalog;

namespace KpiFunctions.Core.Scorecards;

/// <summary>A role's scorecard for one store and period.</summary>
/// <param name="Role">The role, from the catalog.</param>
/// <param name="Kpis">Its KPIs, in the role's order.</param>
/// <param name="Score">
/// Weighted mean of the KPIs' attainments, in percent, with the weights renormalised over the KPIs whose attainment
/// is known; null when none is.
/// </param>
/// <param name="Reason">Why the score is null; null when it is known.</param>
public sealed record RoleScore(RoleDefinition Role, IReadOnlyList<RoleKpiScore> Kpis, decimal? Score, string? Reason);
