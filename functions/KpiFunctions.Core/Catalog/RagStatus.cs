namespace KpiFunctions.Core.Catalog;

/// <summary>Red / amber / green status of a KPI value against its thresholds.</summary>
public enum RagStatus
{
    /// <summary>No thresholds for this KPI, or no value.</summary>
    None,
    /// <summary>At or past the green threshold.</summary>
    Green,
    /// <summary>Between the amber and green thresholds.</summary>
    Amber,
    /// <summary>Short of the amber threshold.</summary>
    Red,
}
