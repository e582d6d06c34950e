namespace KpiFunctions.Core.Catalog;

/// <summary>One KPI a role is judged on, with its weight in the role's score.</summary>
/// <param name="KpiId">Catalog KPI id.</param>
/// <param name="Weight">Share of the role's score, a decimal fraction; a role's weights sum to exactly 1.</param>
public sealed record RoleKpi(string KpiId, decimal Weight);
