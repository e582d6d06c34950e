namespace KpiFunctions.Orchestration;

/// <summary>Where a run stands, as its summary records it.</summary>
public enum RunState
{
    /// <summary>Planned and under way.</summary>
    Running,

    /// <summary>Done; every store succeeded.</summary>
    Completed,

    /// <summary>Done, but some stores failed every attempt; they are named in the output.</summary>
    CompletedWithErrors,

    /// <summary>The run itself failed (its KPIs could not be computed).</summary>
    Failed,
}
