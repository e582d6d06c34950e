namespace KpiFunctions.Pipeline.Local;

/// <summary>A progress report from the in-process runner.</summary>
/// <param name="Stage">Stage.</param>
/// <param name="StoreId">Store concerned, if any.</param>
/// <param name="Done">Units done in this stage for the store (days fetched, stores computed).</param>
/// <param name="Total">Units in all.</param>
/// <param name="Message">What happened, for people.</param>
public sealed record PipelineProgress(PipelineStage Stage, string? StoreId, int Done, int Total, string? Message = null);
