using KpiFunctions.Pipeline.Runs;

namespace KpiFunctions.Pipeline.Steps;

/// <summary>A started run and its fan-out messages.</summary>
/// <param name="Header">The run's header as written.</param>
/// <param name="Messages">One fetch message per store (for a run that existed: per store not finished yet).</param>
public sealed record RunStarted(RunHeader Header, IReadOnlyList<FetchStoreMessage> Messages)
{
    /// <summary>True when the request named a run that was started before (its header is as found).</summary>
    public bool Existing { get; init; }
}
