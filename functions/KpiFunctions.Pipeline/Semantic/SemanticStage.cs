namespace KpiFunctions.Pipeline.Semantic;

/// <summary>A store stage, as dim_stage shows it.</summary>
/// <param name="StageId">Stage id (the key).</param>
/// <param name="LabelEn">English label.</param>
/// <param name="LabelZh">Chinese label.</param>
/// <param name="Description">What the stage stresses.</param>
/// <param name="Position">Order the catalog lists it in, from 1.</param>
public sealed record SemanticStage(string StageId, string LabelEn, string LabelZh, string Description, int Position);
