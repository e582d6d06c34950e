namespace KpiFunctions.Pipeline.Semantic;

/// <summary>A KPI a role is judged on, as role_kpi shows it.</summary>
/// <param name="RoleId">Role (dim_role's key).</param>
/// <param name="KpiId">KPI (catalog id).</param>
/// <param name="KpiLabelEn">The KPI's English label (its measure's name).</param>
/// <param name="Weight">Its weight in the role's score, a fraction; a role's weights sum to 1.</param>
/// <param name="Position">Order within the role, from 1.</param>
public sealed record SemanticRoleKpi(string RoleId, string KpiId, string KpiLabelEn, decimal Weight, int Position);
