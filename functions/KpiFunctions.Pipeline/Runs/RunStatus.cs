namespace KpiFunctions.Pipeline.Runs;

/// <summary>Where a run stands in the run summary (named after Durable Functions' runtime statuses where they match).</summary>
public enum RunStatus
{
    /// <summary>Planned and under way.</summary>
    Running,
    /// <summary>Done, every store succeeded.</summary>
    Completed,
    /// <summary>Done, but some stores failed every attempt; their names are in the output.</summary>
    CompletedWithErrors,
    /// <summary>The run itself failed (its KPIs could not be computed).</summary>
    Failed,
}
