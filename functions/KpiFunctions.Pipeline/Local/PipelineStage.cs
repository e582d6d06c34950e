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
    /// <summary>A store's KPIs were computed (Done 0: the compute step began).</summary>
    Computing,
    /// <summary>The alert step began.</summary>
    Alerting,
    /// <summary>The semantic dataset's publish began.</summary>
    Publishing,

    /// <summary>The weekly review pack's writing began.</summary>
    Reporting,
    /// <summary>Run finished.</summary>
    Finished,
}
