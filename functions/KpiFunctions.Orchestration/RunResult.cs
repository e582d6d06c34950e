namespace KpiFunctions.Orchestration;

/// <summary>The orchestration's output.</summary>
/// <param name="RunId">Run.</param>
/// <param name="State">Completed or CompletedWithErrors.</param>
/// <param name="Output">What it did.</param>
/// <param name="Stores">Every store's outcome, in plan order.</param>
/// <param name="Compute">What the compute step wrote.</param>
public sealed record RunResult(string RunId, RunState State, string Output, IReadOnlyList<StoreOutcome> Stores, ComputeOutcome Compute)
{
    /// <summary>The weekly review pack the run wrote, or null (no Sunday in the window, or writing it failed: see the output).</summary>
    public ReportOutcome? Report { get; init; }
}
