namespace KpiFunctions.Orchestration;

/// <summary>The input of the DetectAlerts activity.</summary>
/// <param name="From">First day to look at (corrected earlier days included).</param>
/// <param name="To">Last day.</param>
/// <param name="StoreIds">Stores whose fetch succeeded.</param>
public sealed record AlertsWork(DateOnly From, DateOnly To, IReadOnlyList<string> StoreIds);
