namespace KpiFunctions.Orchestration;

/// <summary>The input of the RecordRun activity: how a run ended, for the run summary people read.</summary>
/// <param name="RunId">Run.</param>
/// <param name="State">How it ended.</param>
/// <param name="Output">What it did, in a sentence or a few.</param>
/// <param name="Stores">Every store's outcome, in plan order.</param>
public sealed record RunRecord(string RunId, RunState State, string Output, IReadOnlyList<StoreOutcome> Stores);
