namespace KpiFunctions.Core.Catalog;

/// <summary>How a base measure rolls up from store-days to any group.</summary>
public enum MeasureAggregation
{
    /// <summary>Additive: sum over stores and days.</summary>
    Sum,
    /// <summary>Semi-additive snapshot: each store's value on its last day in the group, summed over stores.</summary>
    LastValue,
    /// <summary>Distinct count over the group (buyers): the union of the members' sets.</summary>
    DistinctCount,
    /// <summary>Sum of the ten largest SKU values over the group (SKU GMV merged across the group first).</summary>
    TopTenSkus,
    /// <summary>Number of distinct calendar days in the group.</summary>
    DayCount,
}
