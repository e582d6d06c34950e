namespace KpiFunctions.Pipeline.Local;

/// <summary>Stages of an in-process run, for progress reports.</summary>
public enum PipelineStage
{
    /// <summary>Run started: ledger written, stores known.</summary>
    Started,
    /// <summary>A store-day was fetched.</summary>
    Fetching,
    /// <summary>A store finished fetching (or failed).</summary>
    StoreFinished,
    /// <summary>A store's KPIs were computed.</summary>
    Computing,
    /// <summary>Run finished.</summary>
    Finished,
}
