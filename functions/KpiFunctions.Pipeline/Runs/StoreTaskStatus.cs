namespace KpiFunctions.Pipeline.Runs;

/// <summary>Where one store's fetch stands within a run.</summary>
public enum StoreTaskStatus
{
    /// <summary>Not started.</summary>
    Pending,
    /// <summary>Being fetched (attempt count in the row).</summary>
    Running,
    /// <summary>Fetched and curated.</summary>
    Succeeded,
    /// <summary>Gave up after its attempts.</summary>
    Failed,
}
