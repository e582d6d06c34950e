namespace KpiFunctions.Core.Catalog;

/// <summary>What a base measure counts.</summary>
public enum MeasureUnit
{
    /// <summary>An amount in the store's currency (converted for the reporting currency).</summary>
    Money,
    /// <summary>A count of things.</summary>
    Count,
    /// <summary>A duration in seconds.</summary>
    Seconds,
    /// <summary>Calendar days.</summary>
    Days,
}
