namespace KpiFunctions.Core.Catalog;

/// <summary>The shape of a KPI's formula (MetricFlow's vocabulary).</summary>
public enum KpiKind
{
    /// <summary>One base measure as it is.</summary>
    Simple,
    /// <summary>Numerator over denominator, times a multiplier; null when the denominator is zero.</summary>
    Ratio,
    /// <summary>Arithmetic over base measures.</summary>
    Derived,
    /// <summary>Over a window ending at the group's last day (month to date).</summary>
    Cumulative,
}
