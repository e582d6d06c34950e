namespace KpiFunctions.Core.Catalog;

/// <summary>An additive (or semi-additive) figure per store-day that KPIs are computed from.</summary>
/// <param name="Id">Id, snake_case; also the column name in kpi_store_day.</param>
/// <param name="Dataset">Curated dataset it is read from.</param>
/// <param name="Source">The column or expression summed or counted.</param>
/// <param name="Filter">Which records count, in words.</param>
/// <param name="Unit">What it counts.</param>
/// <param name="Aggregation">How it rolls up.</param>
/// <param name="Missing">What a store-day without records means.</param>
/// <param name="Description">One sentence for the docs.</param>
public sealed record BaseMeasure(
    string Id,
    string Dataset,
    string Source,
    string Filter,
    MeasureUnit Unit,
    MeasureAggregation Aggregation,
    MissingData Missing,
    string Description);
