namespace KpiFunctions.Pipeline.Runs;

/// <summary>Where a run stands (named after Durable Functions' runtime statuses where they match).</summary>
public enum RunStatus
{
    /// <summary>Stores are being fetched.</summary>
    Running,
    /// <summary>Every store task is finished; KPIs are being computed.</summary>
    Computing,
    /// <summary>Done, every store succeeded.</summary>
    Completed,
    /// <summary>Done, but some stores failed; their names are in the output.</summary>
    CompletedWithErrors,
    /// <summary>The run itself failed (compute could not finish).</summary>
    Failed,
}
