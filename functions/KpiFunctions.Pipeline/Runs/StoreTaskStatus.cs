namespace KpiFunctions.Pipeline.Runs;

/// <summary>How one store's fetch ended within a run.</summary>
public enum StoreTaskStatus
{
    /// <summary>Fetched and curated.</summary>
    Succeeded,
    /// <summary>Failed every attempt (or failed for good at once).</summary>
    Failed,
}
