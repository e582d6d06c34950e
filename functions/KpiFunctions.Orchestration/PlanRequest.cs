namespace KpiFunctions.Orchestration;

/// <summary>The input of the PlanRun activity: the run's id (the orchestration's instance id) and what it was asked to cover.</summary>
/// <param name="RunId">The run's id.</param>
/// <param name="Input">What the run covers.</param>
public sealed record PlanRequest(string RunId, RunInput Input);
