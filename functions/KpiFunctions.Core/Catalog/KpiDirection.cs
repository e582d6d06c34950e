namespace KpiFunctions.Core.Catalog;

/// <summary>Which way is good.</summary>
public enum KpiDirection
{
    /// <summary>More is better.</summary>
    HigherIsBetter,
    /// <summary>Less is better.</summary>
    LowerIsBetter,
}
