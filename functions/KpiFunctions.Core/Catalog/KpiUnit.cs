namespace KpiFunctions.Core.Catalog;

/// <summary>The unit a KPI value is expressed in.</summary>
public enum KpiUnit
{
    /// <summary>An amount in the local or reporting currency.</summary>
    Money,
    /// <summary>A count.</summary>
    Count,
    /// <summary>Percentage points (a ratio × 100).</summary>
    Percent,
    /// <summary>A plain multiple (ROAS 3.2 means 3.2 × spend).</summary>
    Multiple,
    /// <summary>Seconds.</summary>
    Seconds,
    /// <summary>Minutes.</summary>
    Minutes,
    /// <summary>Days.</summary>
    Days,
}
