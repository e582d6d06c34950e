namespace KpiFunctions.Orchestration;

/// <summary>What the DetectAlerts activity found.</summary>
/// <param name="Alerts">Alerts raised.</param>
/// <param name="Critical">Of which critical.</param>
public sealed record AlertsOutcome(int Alerts, int Critical);
