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
    /// The day may still change: the next nightly run fetches it again (it is on or after today − <c>KPI_LOOKBACK_DAYS</c>
    /// in the store's time zone, at the time of computing). Earlier days are final.
    /// </summary>
    public bool Provisional { get; init; }

    /// <summary>The day's GMV and orders against the platform's own figures, when the source gives them.</summary>
    public Reconciliation? Reconciliation { get; init; }
}

/// <summary>
/// The pipeline's figures against the platform's, like for like: orders paid on the day (by payment time), cancelled
/// and refunded ones included, samples not. <see cref="Flagged"/> when either gap exceeds the tolerance.
/// </summary>
/// <param name="PlatformGmv">The platform's GMV.</param>
/// <param name="PipelineGmv">The pipeline's GMV by the platform's definition, from curated orders.</param>
/// <param name="PlatformOrders">The platform's order count.</param>
/// <param name="PipelineOrders">The pipeline's count by the same definition.</param>
/// <param name="GmvGapPct">|pipeline − platform| / platform × 100 (null when the platform says 0).</param>
/// <param name="Flagged">A gap is over the tolerance.</param>
/// <param name="Note">Why it is flagged, or why the comparison is incomplete.</param>
public sealed record Reconciliation(decimal PlatformGmv, decimal PipelineGmv, long PlatformOrders, long PipelineOrders, decimal? GmvGapPct, bool Flagged, string? Note);
