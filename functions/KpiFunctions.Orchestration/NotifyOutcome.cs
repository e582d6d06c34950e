namespace KpiFunctions.Orchestration;

/// <summary>How the NotifyAlerts activity's messages went.</summary>
/// <param name="Delivered">Channels that took the message.</param>
/// <param name="Failed">Channels that did not (recorded with why).</param>
/// <param name="Lines">A line per channel, for the run's output.</param>
public sealed record NotifyOutcome(int Delivered, int Failed, IReadOnlyList<string> Lines);
