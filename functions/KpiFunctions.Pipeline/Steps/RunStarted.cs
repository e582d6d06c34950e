using KpiFunctions.Pipeline.Runs;

namespace KpiFunctions.Pipeline.Steps;

/// <summary>A started run and its fan-out messages.</summary>
/// <param name="Header">The run's header as written.</param>
/// <param name="Messages">One fetch message per store.</param>
public sealed record RunStarted(RunHeader Header, IReadOnlyList<FetchStoreMessage> Messages);
