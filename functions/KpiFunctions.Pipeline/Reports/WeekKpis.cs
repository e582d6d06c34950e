using System.Globalization;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Core.Domain;
using KpiFunctions.Pipeline.Kpis;

namespace KpiFunctions.Pipeline.Reports;

/// <summary>One KPI of a store over a week, beside the week before.</summary>
/// <param name="KpiId">KPI.</param>
/// <param name="Value">The week's value (store currency for money), or null.</param>
/// <param name="Previous">The week before's value, or null.</param>
/// <param name="Status">The week's RAG status, by the store's thresholds.</param>
/// <param name="NullReason">Why <paramref name="Value"/> is null.</param>
public sealed record WeekKpi(string KpiId, decimal? Value, decimal? Previous, RagStatus Status, string? NullReason)
{
    /// <summary>Change from the week before in percent of it; null when either is unknown or the week before is zero.</summary>
    public decimal? ChangePct => Value is { } v && Previous is { } p && p != 0 ? (v - p) / Math.Abs(p) * 100m : null;
}

/// <summary>
/// A store's KPIs over a set of its days, from the base measures KpiDaily holds: the same definitions as the daily
/// rows and the semantic model, summed over the days and divided once (never an average of daily ratios). Distinct
/// buyers come from kpi_store_week and the top-ten SKU GMV from kpi_product_day, because neither adds up over days.
/// Month-to-date KPIs are taken as of the period's last day, as the catalog defines them.
/// </summary>
public static class WeekKpis
{
    /// <summary>
    /// Evaluates every catalog KPI over <paramref name="days"/> (one store's rows). <paramref name="uniqueBuyers"/> and
    /// <paramref name="skuGmv"/> cover the same days; pass null where they are not known.
    /// </summary>
    public static IReadOnlyDictionary<string, MeasureValue> Evaluate(
        KpiCatalog catalog, IReadOnlyList<KpiDailyRow> days, long? uniqueBuyers, IReadOnlyDictionary<string, decimal>? skuGmv) =>
        Evaluate(catalog, days, Totals(catalog, days, uniqueBuyers, skuGmv));

    /// <summary>Evaluates every catalog KPI from the days' measure <paramref name="totals"/> (see <see cref="Totals"/>).</summary>
    public static IReadOnlyDictionary<string, MeasureValue> Evaluate(
        KpiCatalog catalog, IReadOnlyList<KpiDailyRow> days, IReadOnlyDictionary<string, MeasureValue> totals)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(days);
        ArgumentNullException.ThrowIfNull(totals);
        if (days.Count == 0)
        {
            throw new ArgumentException("A week's KPIs need at least one day.", nameof(days));
        }

        if (days.Select(d => d.StoreId).Distinct(StringComparer.Ordinal).Skip(1).Any())
        {
            throw new ArgumentException("A week's KPIs are one store's: the days belong to several stores.", nameof(days));
        }

        var last = days.MaxBy(d => d.Date)!;
        var resolver = new Resolver(totals);
        var values = new Dictionary<string, MeasureValue>(StringComparer.Ordinal);
        foreach (var kpi in catalog.Kpis)
        {
            if (kpi.Kind == KpiKind.Cumulative)
            {
                // Month to date as of the last day is exactly what that day's row holds.
                values[kpi.Id] = last.Kpis.TryGetValue(kpi.Id, out var cell)
                    ? new MeasureValue(cell.Value, cell.Value is null ? cell.NullReason : null)
                    : MeasureValue.Null($"{kpi.Id} is not in the row of {last.StoreId} on {last.Date:yyyy-MM-dd}");
                continue;
            }

            values[kpi.Id] = kpi.Formula.Evaluate(resolver);
        }

        return values;
    }

    /// <summary>The base measures over the days, each aggregated as the catalog says.</summary>
    public static IReadOnlyDictionary<string, MeasureValue> Totals(
        KpiCatalog catalog, IReadOnlyList<KpiDailyRow> days, long? uniqueBuyers, IReadOnlyDictionary<string, decimal>? skuGmv)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(days);
        var ordered = days.OrderBy(d => d.Date).ToArray();
        var totals = new Dictionary<string, MeasureValue>(StringComparer.Ordinal);
        foreach (var measure in catalog.Measures)
        {
            totals[measure.Id] = measure.Aggregation switch
            {
                MeasureAggregation.Sum => Sum(measure.Id, ordered),
                MeasureAggregation.LastValue => Sum(measure.Id, ordered[^1..]),
                MeasureAggregation.DistinctCount => uniqueBuyers is { } b
                    ? MeasureValue.Of(b)
                    : MeasureValue.Null("the week's unique buyers are not in kpi_store_week"),
                MeasureAggregation.TopTenSkus => skuGmv is null
                    ? MeasureValue.Null("the week's SKU sales are not in kpi_product_day")
                    : MeasureValue.Of(skuGmv.Values.OrderDescending().Take(10).Sum()),
                MeasureAggregation.DayCount => MeasureValue.Of(ordered.Select(d => d.Date).Distinct().Count()),
                _ => throw new NotSupportedException($"Aggregation {measure.Aggregation} of measure '{measure.Id}' is not supported."),
            };
        }

        return totals;
    }

    /// <summary>A measure summed over the days in the reporting currency (each day at its own rate), or null saying why.</summary>
    public static MeasureValue SumReporting(string measureId, IEnumerable<KpiDailyRow> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        var total = 0m;
        foreach (var day in days)
        {
            if (day.Measures.GetValueOrDefault(measureId) is not { } value)
            {
                return MeasureValue.Null(Unknown(measureId, day));
            }

            if (day.FxRate is not { } rate)
            {
                return MeasureValue.Null(string.Create(CultureInfo.InvariantCulture,
                    $"store {day.StoreId} on {day.Date:yyyy-MM-dd} has no rate into {day.ReportingCurrency}{(day.FxNote is null ? "" : ": " + day.FxNote)}"));
            }

            total += value * rate;
        }

        return MeasureValue.Of(total);
    }

    /// <summary>The RAG status of a week's value by the thresholds in force for the store: its own, else its stage's, else the KPI's.</summary>
    public static RagStatus Classify(KpiCatalog catalog, KpiDefinition kpi, Store store, decimal? value)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(kpi);
        ArgumentNullException.ThrowIfNull(store);
        return catalog.ThresholdsFor(store, kpi)?.Classify(value, kpi.Direction) ?? RagStatus.None;
    }

    private static MeasureValue Sum(string measureId, IEnumerable<KpiDailyRow> days)
    {
        var total = 0m;
        foreach (var day in days)
        {
            if (day.Measures.GetValueOrDefault(measureId) is not { } value)
            {
                return MeasureValue.Null(Unknown(measureId, day));
            }

            total += value;
        }

        return MeasureValue.Of(total);
    }

    private static string Unknown(string measureId, KpiDailyRow day) =>
        string.Create(CultureInfo.InvariantCulture, $"{measureId} unknown for store {day.StoreId} on {day.Date:yyyy-MM-dd}");

    private sealed class Resolver(IReadOnlyDictionary<string, MeasureValue> totals) : IMeasureResolver
    {
        public MeasureValue Resolve(string measureId, bool monthToDate) =>
            monthToDate
                ? throw new InvalidOperationException($"mtd({measureId}) is read from the last day's row, not summed over the week.")
                : totals.TryGetValue(measureId, out var v) ? v : MeasureValue.Null($"unknown measure '{measureId}'");
    }
}
