namespace KpiFunctions.Orchestration;

/// <summary>The input of the NotifyAlerts activity.</summary>
/// <param name="RunId">The run.</param>
/// <param name="From">First day its alerts were raised on.</param>
/// <param name="To">Last day.</param>
/// <param name="StoreIds">Stores whose fetch succeeded.</param>
/// <param name="ReportPath">The weekly report's relative path for the message's link; null when the run has none.</param>
public sealed record NotifyWork(string RunId, DateOnly From, DateOnly To, IReadOnlyList<string> StoreIds, string? ReportPath);
