namespace KpiFunctions.Orchestration;

/// <summary>The orchestration's custom status while it runs.</summary>
/// <param name="Stage">planning, fetching, computing, alerts, publishing, refreshing or done.</param>
/// <param name="Stores">Stores in the run.</param>
/// <param name="Done">Stores fetched (in the chunk under way).</param>
/// <param name="Failed">Stores that failed every attempt.</param>
/// <param name="Running">Stores still fetching.</param>
/// <param name="FailedStores">The failed stores' ids.</param>
public sealed record RunProgress(string Stage, int Stores, int Done, int Failed, int Running, IReadOnlyList<string> FailedStores)
{
    /// <summary>The chunk of the window under way (1 for a window in one chunk).</summary>
    public int Chunk { get; init; } = 1;

    /// <summary>Chunks in the window.</summary>
    public int Chunks { get; init; } = 1;
}
