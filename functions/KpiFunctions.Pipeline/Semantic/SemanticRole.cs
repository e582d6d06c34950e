namespace KpiFunctions.Pipeline.Semantic;

/// <summary>A role of the weekly review, as dim_role shows it.</summary>
/// <param name="RoleId">Role id (the key).</param>
/// <param name="LabelEn">English label.</param>
/// <param name="LabelZh">Chinese label.</param>
/// <param name="Position">Order the catalog lists it in, from 1.</param>
public sealed record SemanticRole(string RoleId, string LabelEn, string LabelZh, int Position);
