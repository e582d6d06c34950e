using KpiFunctions.Core.Fx;

namespace KpiFunctions.Pipeline.Kpis;

/// <summary>A store's KPIs for one store-local day: a row of KpiDaily and of curated kpi_store_day.</summary>
/// <param name="StoreId">Store.</param>
/// <param name="Date">Store-local day.</param>
/// <param name="Country">Store's country.</param>
/// <param name="Currency">Store's currency.</param>
/// <param name="ReportingCurrency">Reporting currency.</param>
/// <param name="FxRate">Rate used into the reporting currency.</param>
/// <param name="FxRateDate">Day the rate belongs to (earlier than the row's day when carried forward).</param>
/// <param name="FxStatus">How the rate was found.</param>
/// <param name="FxNote">Why the rate is flagged or missing.</param>
/// <param name="Kpis">KPIs by id, in catalog order.</param>
/// <param name="Measures">Base measures by id (store currency), the additive facts behind the KPIs.</param>
public sealed record KpiDailyRow(
    string StoreId,
    DateOnly Date,
    string Country,
    string Currency,
    string ReportingCurrency,
    decimal? FxRate,
    DateOnly? FxRateDate,
    FxStatus FxStatus,
    string? FxNote,
    IReadOnlyDictionary<string, KpiCell> Kpis,
    IReadOnlyDictionary<string, decimal?> Measures)
{
    /// <summary>
    /// The day is still inside the lookback that later nightly runs fetch again (late updates may still change it):
    /// true from the last complete day back over <c>KPI_LOOKBACK_DAYS</c> more days, at the time of computing.
    /// </summary>
    public bool Provisional { get; init; }
}
