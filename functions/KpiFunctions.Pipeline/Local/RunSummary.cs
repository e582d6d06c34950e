using KpiFunctions.Pipeline.Notify;
using KpiFunctions.Pipeline.Runs;
using KpiFunctions.Pipeline.Steps;

namespace KpiFunctions.Pipeline.Local;

/// <summary>How a run ended.</summary>
/// <param name="Header">The run's final header.</param>
/// <param name="Tasks">Store tasks.</param>
/// <param name="Compute">What compute wrote, when it ran.</param>
public sealed record RunSummary(RunHeader Header, IReadOnlyList<StoreTask> Tasks, ComputeResult? Compute)
{
    /// <summary>The weekly review pack the run wrote, or null.</summary>
    public Orchestration.ReportOutcome? Report { get; init; }
    /// <summary>What became of the run's alert messages, a row per configured webhook (none when none is configured).</summary>
    public IReadOnlyList<WebhookDelivery> Deliveries { get; init; } = [];
}
