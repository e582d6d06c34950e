namespace KpiFunctions.Core.Domain;

/// <summary>A TikTok Shop store, with the currency and IANA time zone its figures are kept in.</summary>
/// <param name="Id">Stable id used in blob paths, table keys and Key Vault secret names (lower-case letters, digits and '-').</param>
/// <param name="Name">Display name.</param>
/// <param name="Country">ISO 3166-1 alpha-2 country code of the store's market.</param>
/// <param name="Currency">ISO 4217 code of the store's settlement currency.</param>
/// <param name="TimeZone">IANA time zone that defines the store's calendar days.</param>
/// <param name="Enabled">Disabled stores stay registered but are not fetched.</param>
/// <param name="Tags">Team tags, for grouping in reports.</param>
/// <param name="Thresholds">
/// The store's own green and amber thresholds for some KPIs (by catalog id), in place of the catalog's: they decide the
/// store's RAG status, its red alerts and the template's colours for it. A KPI with no catalog thresholds (GMV) can get
/// some here.
/// </param>
/// <param name="Stage">
/// The store's stage (a catalog stage id: cold_start, growth or stable; stable when not said). Where the stage sets
/// thresholds for a KPI they judge the store, unless the store has its own.
/// </param>
public sealed record Store(
    string Id,
    string Name,
    string Country,
    string Currency,
    string TimeZone,
    bool Enabled = true,
    IReadOnlyList<string>? Tags = null,
    IReadOnlyDictionary<string, Catalog.RagThresholds>? Thresholds = null,
    string Stage = Catalog.StageDefinition.DefaultId)
{
    /// <summary>
    /// The thresholds in force for a KPI at this store: its own, else its stage's (when given), else the catalog's
    /// (null: no RAG). <see cref="Catalog.KpiCatalog.ThresholdsFor"/> finds the stage.
    /// </summary>
    public Catalog.RagThresholds? ThresholdsFor(Catalog.KpiDefinition kpi, Catalog.StageDefinition? stage = null)
    {
        ArgumentNullException.ThrowIfNull(kpi);
        return Thresholds?.GetValueOrDefault(kpi.Id) ?? stage?.For(kpi.Id)?.Thresholds ?? kpi.Thresholds;
    }
}
