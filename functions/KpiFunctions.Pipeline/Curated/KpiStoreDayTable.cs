using KpiFunctions.Core.Catalog;
using KpiFunctions.Core.Fx;
using KpiFunctions.Pipeline.Kpis;

namespace KpiFunctions.Pipeline.Curated;

/// <summary>
/// kpi_store_day: one row per store-day with every KPI (value, reporting-currency value for money KPIs, RAG status,
/// why a value is null) and every base measure, generated from the catalog so it can never drift from it.
/// </summary>
public static class KpiStoreDayTable
{
    /// <summary>The table for a catalog.</summary>
    public static CuratedTable<KpiDailyRow> Create(KpiCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var table = new CuratedTable<KpiDailyRow>(Datasets.KpiStoreDay, "One row per store-day: every KPI and the base measures behind it.", r =>
            {
                var kpis = new Dictionary<string, KpiCell>(StringComparer.Ordinal);
                foreach (var k in catalog.Kpis)
                {
                    // A KPI added to the catalog after the row was written has no columns in the file: unknown, saying why.
                    if (!r.Has(k.Id + "_rag"))
                    {
                        kpis[k.Id] = new KpiCell(null, null, RagStatus.None, $"{k.Id} was not in the catalog when this row was written; compute the day again to fill it");
                        continue;
                    }

                    kpis[k.Id] = new KpiCell(
                        r.Optional<decimal>(k.Id),
                        k.IsMonetary ? r.Optional<decimal>(k.Id + "_rpt") : null,
                        EnumText<RagStatus>.Parse(r.String(k.Id + "_rag"), r.Source),
                        r.OptionalString(k.Id + "_why"));
                }

                var measures = catalog.Measures.ToDictionary(m => m.Id, m => r.Added<decimal>("m_" + m.Id), StringComparer.Ordinal);
                return new KpiDailyRow(
                    r.String("store_id"), r.Value<DateOnly>("date"), r.String("country"), r.String("currency"), r.String("reporting_currency"),
                    r.Optional<decimal>("fx_rate"), r.Optional<DateOnly>("fx_rate_date"), EnumText<FxStatus>.Parse(r.String("fx_status"), r.Source),
                    r.OptionalString("fx_note"), kpis, measures)
                {
                    Provisional = r.Value<bool>("provisional"),
                    Reconciliation = r.Optional<bool>("rec_flagged") is { } flagged
                        ? new Reconciliation(r.Value<decimal>("rec_platform_gmv"), r.Value<decimal>("rec_pipeline_gmv"), r.Value<long>("rec_platform_orders"), r.Value<long>("rec_pipeline_orders"), r.Optional<decimal>("rec_gmv_gap_pct"), flagged, r.OptionalString("rec_note"))
                        : null,
                };
            })
            .String("store_id", x => x.StoreId, "Store id")
            .Date("date", x => x.Date, "Store-local day")
            .String("country", x => x.Country, "Store's country", "ISO 3166-1 alpha-2")
            .String("currency", x => x.Currency, "Store's currency: KPI values and m_ measures are in it", "ISO 4217")
            .String("reporting_currency", x => x.ReportingCurrency, "Currency of the _rpt columns", "ISO 4217")
            .Decimal("fx_rate", x => x.FxRate, "Reporting-currency units per store-currency unit used for the day", "rate", 28, 12, required: false)
            .Date("fx_rate_date", x => x.FxRateDate, "Day the rate belongs to (earlier when carried forward)", required: false)
            .String("fx_status", x => EnumText<FxStatus>.Format(x.FxStatus), "How the rate was found", EnumText<FxStatus>.Allowed)
            .String("fx_note", x => x.FxNote, "Why the rate is flagged or missing", required: false)
            .Boolean("provisional", x => x.Provisional, "Still inside the lookback later runs fetch again: may change (an older row changes only when a late order change corrects it)")
            .Decimal("rec_platform_gmv", x => x.Reconciliation?.PlatformGmv, "The platform's own GMV for the day (orders paid that day, cancelled and refunded included); null when the source gives none", "store currency", required: false)
            .Decimal("rec_pipeline_gmv", x => x.Reconciliation?.PipelineGmv, "The pipeline's GMV by the platform's definition", "store currency", required: false)
            .OptionalInt64("rec_platform_orders", x => x.Reconciliation?.PlatformOrders, "The platform's count of orders paid that day")
            .OptionalInt64("rec_pipeline_orders", x => x.Reconciliation?.PipelineOrders, "The pipeline's count by the same definition")
            .Decimal("rec_gmv_gap_pct", x => x.Reconciliation?.GmvGapPct, "GMV gap against the platform", "percent", 18, 6, required: false)
            .OptionalBoolean("rec_flagged", x => x.Reconciliation?.Flagged, "A gap is over the tolerance (KPI_RECONCILE_TOLERANCE_PCT)")
            .String("rec_note", x => x.Reconciliation?.Note, "Why it is flagged, or why it was not compared", required: false);
        foreach (var k in catalog.Kpis)
        {
            var id = k.Id;
            table.Decimal(id, x => x.Kpis.GetValueOrDefault(id)?.Value, k.LabelEn, k.IsMonetary ? "store currency" : k.Unit.ToString().ToLowerInvariant(), 28, 6, required: false);
            if (k.IsMonetary)
            {
                table.Decimal(id + "_rpt", x => x.Kpis.GetValueOrDefault(id)?.ReportingValue, k.LabelEn + " in the reporting currency", "reporting currency", 28, 6, required: false);
            }

            table.String(id + "_rag", x => EnumText<RagStatus>.Format(x.Kpis.GetValueOrDefault(id)?.Status ?? RagStatus.None), k.LabelEn + ": red / amber / green", EnumText<RagStatus>.Allowed);
            table.String(id + "_why", x => x.Kpis.GetValueOrDefault(id)?.NullReason, "Why " + id + " is null", required: false);
        }

        foreach (var m in catalog.Measures)
        {
            var id = m.Id;
            table.Decimal("m_" + id, x => x.Measures.GetValueOrDefault(id), "Base measure " + id + ": " + m.Description, m.Unit == MeasureUnit.Money ? "store currency" : m.Unit.ToString().ToLowerInvariant(), 28, 6, required: false);
        }

        return table;
    }
}
