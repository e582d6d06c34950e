namespace KpiFunctions.Core.Catalog;

/// <summary>One KPI: what it means, how it is computed, how it is shown and judged.</summary>
/// <param name="Id">Id, snake_case.</param>
/// <param name="LabelEn">English label.</param>
/// <param name="LabelZh">Chinese label.</param>
/// <param name="Kind">Formula shape.</param>
/// <param name="Formula">Formula over base measures.</param>
/// <param name="Unit">Unit of the value.</param>
/// <param name="Format">Number format (.NET and DAX compatible).</param>
/// <param name="Direction">Which way is good.</param>
/// <param name="Thresholds">Default red/amber/green thresholds, or null where a store's size decides (GMV).</param>
/// <param name="Description">One or two sentences for the docs: what counts and what does not.</param>
public sealed record KpiDefinition(
    string Id,
    string LabelEn,
    string LabelZh,
    KpiKind Kind,
    KpiExpr Formula,
    KpiUnit Unit,
    string Format,
    KpiDirection Direction,
    RagThresholds? Thresholds,
    string Description)
{
    /// <summary>The value is an amount of money, so it exists in local and reporting currency.</summary>
    public bool IsMonetary => Unit == KpiUnit.Money;
}
