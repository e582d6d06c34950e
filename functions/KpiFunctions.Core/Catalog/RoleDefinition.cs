namespace KpiFunctions.Core.Catalog;

/// <summary>A team role the weekly review judges (LIVE host, ad buyer, ...), with the KPIs it answers for.</summary>
/// <param name="Id">Id, snake_case.</param>
/// <param name="LabelEn">English label.</param>
/// <param name="LabelZh">Chinese label.</param>
/// <param name="Kpis">At most <see cref="MaxKpis"/> KPIs with weights summing to 1, in the order they are shown.</param>
public sealed record RoleDefinition(string Id, string LabelEn, string LabelZh, IReadOnlyList<RoleKpi> Kpis)
{
    /// <summary>Most KPIs a role may name: a scorecard people read at a glance.</summary>
    public const int MaxKpis = 5;
}
