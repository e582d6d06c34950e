using KpiFunctions.Core.Catalog;

namespace KpiFunctions.Core.Engine;

/// <summary>One KPI's value for a group, with its status; a null value says why.</summary>
/// <param name="KpiId">KPI id.</param>
/// <param name="Value">Value, unrounded, or null.</param>
/// <param name="Status">Red / amber / green against the thresholds.</param>
/// <param name="NullReason">Why the value is null.</param>
public sealed record KpiResult(string KpiId, decimal? Value, RagStatus Status, string? NullReason);
