namespace KpiFunctions.Pipeline.Notify;

/// <summary>Which run's alerts to send: those raised on <paramref name="From"/>..<paramref name="To"/> for its stores.</summary>
/// <param name="RunId">The run.</param>
/// <param name="From">First day its alerts were raised on (earlier than the window when late changes were corrected).</param>
/// <param name="To">Last day.</param>
/// <param name="StoreIds">The stores it computed.</param>
/// <param name="ReportPath">The weekly report's path relative to the reports' base, e.g. reports/weekly/2026-W48/group.en.html; null: the message has no report line.</param>
public sealed record NotifyRequest(string RunId, DateOnly From, DateOnly To, IReadOnlyCollection<string> StoreIds, string? ReportPath = null);
