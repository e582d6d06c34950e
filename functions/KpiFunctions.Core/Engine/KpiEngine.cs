using System.Globalization;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Catalog;

namespace KpiFunctions.Core.Engine;

/// <summary>
/// Computes catalog KPIs for any grouping of store-days. Base measures are aggregated first (summed,
/// last value, distinct, top ten), then every KPI is recomputed from the aggregates: a ratio is never averaged.
/// </summary>
public sealed class KpiEngine
{
    private const int TopSkuCount = 10;

    /// <summary>Creates an engine over a catalog.</summary>
    public KpiEngine(KpiCatalog catalog, string reportingCurrency)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrWhiteSpace(reportingCurrency);
        Catalog = catalog;
        ReportingCurrency = reportingCurrency;
        _monthToDateMeasures = catalog.Kpis.SelectMany(k => k.Formula.References()).Where(r => r.MonthToDate).Select(r => r.MeasureId).ToHashSet(StringComparer.Ordinal);
    }

    // Only these are asked for month to date (gmv and its target, today): summing the rest over the month for every
    // day, distinct buyers and top SKUs included, would cost time that grows with the square of the days.
    private readonly HashSet<string> _monthToDateMeasures;

    /// <summary>The catalog KPIs come from.</summary>
    public KpiCatalog Catalog { get; }

    /// <summary>The currency of <see cref="CurrencyBasis.Reporting"/> results.</summary>
    public string ReportingCurrency { get; }

    /// <summary>
    /// Evaluates every KPI for each group. <paramref name="history"/> holds the store-days month-to-date KPIs may
    /// reach back to (the rows themselves when null).
    /// </summary>
    public IReadOnlyList<KpiGroupResult> Evaluate(
        IReadOnlyList<StoreDayMeasures> rows,
        KpiGrouping grouping,
        CurrencyBasis basis,
        IReadOnlyList<StoreDayMeasures>? history = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(grouping);
        history ??= rows;
        var results = new List<KpiGroupResult>();
        foreach (var group in rows.GroupBy(grouping.KeyOf, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            results.Add(EvaluateGroup(group.Key, [.. group], basis, history));
        }

        return results;
    }

    /// <summary>Evaluates every KPI over one set of store-days.</summary>
    public KpiGroupResult EvaluateGroup(string key, IReadOnlyList<StoreDayMeasures> members, CurrencyBasis basis, IReadOnlyList<StoreDayMeasures> history)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(history);
        if (members.Count == 0)
        {
            throw new ArgumentException($"Group '{key}' has no store-days.", nameof(members));
        }

        var currency = GroupCurrency(key, members, basis);
        var stores = members.Select(m => m.StoreId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var from = members.Min(m => m.Date);
        var to = members.Max(m => m.Date);
        var totals = Aggregate(members, basis);
        var resolver = new GroupResolver(totals, () => MonthToDate(stores, to, basis, history));

        var kpis = new List<KpiResult>(Catalog.Kpis.Count);
        foreach (var kpi in Catalog.Kpis)
        {
            var value = kpi.Formula.Evaluate(resolver);
            var status = kpi.Thresholds?.Classify(value.Value, kpi.Direction) ?? RagStatus.None;
            kpis.Add(new KpiResult(kpi.Id, value.Value, status, value.Value is null ? value.Reason : null));
        }

        return new KpiGroupResult(key, stores, from, to, currency, kpis, totals);
    }

    /// <summary>Aggregates the catalog's base measures over store-days; a member without data makes every measure null.</summary>
    public IReadOnlyDictionary<string, MeasureValue> Aggregate(IReadOnlyList<StoreDayMeasures> members, CurrencyBasis basis) =>
        Aggregate(members, basis, null);

    private Dictionary<string, MeasureValue> Aggregate(IReadOnlyList<StoreDayMeasures> members, CurrencyBasis basis, HashSet<string>? only)
    {
        ArgumentNullException.ThrowIfNull(members);
        var totals = new Dictionary<string, MeasureValue>(StringComparer.Ordinal);
        if (members.FirstOrDefault(m => m.MissingReason is not null) is { } missing)
        {
            return AllNull(missing.MissingReason!);
        }

        foreach (var measure in Catalog.Measures)
        {
            if (only is not null && !only.Contains(measure.Id))
            {
                continue;
            }

            totals[measure.Id] = measure.Aggregation switch
            {
                MeasureAggregation.Sum => SumOf(measure, members, basis),
                MeasureAggregation.LastValue => SumOf(measure, LastPerStore(members), basis),
                MeasureAggregation.DistinctCount => DistinctBuyers(members),
                MeasureAggregation.TopTenSkus => TopSkus(measure, members, basis),
                MeasureAggregation.DayCount => MeasureValue.Of(members.Select(m => m.Date).Distinct().Count()),
                _ => throw new NotSupportedException($"Aggregation {measure.Aggregation} of measure '{measure.Id}' is not supported."),
            };
        }

        return totals;
    }

    /// <summary>
    /// The measures from the 1st of the month to <paramref name="to"/> for the group's stores. Every store-day of that
    /// stretch must be in the history: a partial month would give a silently wrong attainment.
    /// </summary>
    private IReadOnlyDictionary<string, MeasureValue> MonthToDate(IReadOnlyList<string> stores, DateOnly to, CurrencyBasis basis, IReadOnlyList<StoreDayMeasures> history)
    {
        var monthStart = StoreCalendar.MonthStart(to);
        var storeSet = stores.ToHashSet(StringComparer.Ordinal);
        var rows = history.Where(h => storeSet.Contains(h.StoreId) && h.Date >= monthStart && h.Date <= to).ToArray();
        foreach (var store in stores)
        {
            var days = rows.Where(r => r.StoreId == store).Select(r => r.Date).ToHashSet();
            for (var day = monthStart; day <= to; day = day.AddDays(1))
            {
                if (!days.Contains(day))
                {
                    return AllNull(string.Create(CultureInfo.InvariantCulture,
                        $"month to date needs store {store} on {day:yyyy-MM-dd}, which is not in the data; backfill from {monthStart:yyyy-MM-dd}"));
                }
            }
        }

        return Aggregate(rows, basis, _monthToDateMeasures);
    }

    private Dictionary<string, MeasureValue> AllNull(string reason) =>
        Catalog.Measures.ToDictionary(m => m.Id, _ => MeasureValue.Null(reason), StringComparer.Ordinal);

    private string GroupCurrency(string key, IReadOnlyList<StoreDayMeasures> members, CurrencyBasis basis)
    {
        if (basis == CurrencyBasis.Reporting)
        {
            return ReportingCurrency;
        }

        var currencies = members.Select(m => m.Currency).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (currencies.Length > 1)
        {
            throw new ArgumentException(
                $"Group '{key}' mixes currencies ({string.Join(", ", currencies)}); evaluate it in the reporting currency.",
                nameof(basis));
        }

        return currencies[0];
    }

    private static MeasureValue SumOf(BaseMeasure measure, IEnumerable<StoreDayMeasures> members, CurrencyBasis basis)
    {
        var total = 0m;
        foreach (var row in members)
        {
            if (!row.Values.TryGetValue(measure.Id, out var raw) || raw is not { } value)
            {
                return MeasureValue.Null(row.NullReasons.TryGetValue(measure.Id, out var why)
                    ? why
                    : string.Create(CultureInfo.InvariantCulture, $"{measure.Id} unknown for store {row.StoreId} on {row.Date:yyyy-MM-dd}"));
            }

            if (measure.Unit == MeasureUnit.Money && basis == CurrencyBasis.Reporting)
            {
                if (row.Fx.Convert(value) is not { } converted)
                {
                    return MeasureValue.Null(string.Create(CultureInfo.InvariantCulture,
                        $"store {row.StoreId} on {row.Date:yyyy-MM-dd}: {row.Fx.Reason}"));
                }

                value = converted;
            }

            total += value;
        }

        return MeasureValue.Of(total);
    }

    private static IEnumerable<StoreDayMeasures> LastPerStore(IReadOnlyList<StoreDayMeasures> members) =>
        members.GroupBy(m => m.StoreId, StringComparer.Ordinal).Select(g => g.MaxBy(m => m.Date)!);

    private static MeasureValue DistinctBuyers(IReadOnlyList<StoreDayMeasures> members)
    {
        if (members.Count == 1)
        {
            return MeasureValue.Of(members[0].BuyerHashes.Count);
        }

        // One salt serves every store, so a buyer who buys in two stores counts once.
        var all = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in members)
        {
            all.UnionWith(row.BuyerHashes);
        }

        return MeasureValue.Of(all.Count);
    }

    private static MeasureValue TopSkus(BaseMeasure measure, IReadOnlyList<StoreDayMeasures> members, CurrencyBasis basis)
    {
        var merged = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var row in members)
        {
            var rate = 1m;
            if (basis == CurrencyBasis.Reporting && measure.Unit == MeasureUnit.Money)
            {
                if (row.Fx.Rate is not { } r)
                {
                    return MeasureValue.Null(string.Create(CultureInfo.InvariantCulture,
                        $"store {row.StoreId} on {row.Date:yyyy-MM-dd}: {row.Fx.Reason}"));
                }

                rate = r;
            }

            foreach (var (sku, gmv) in row.SkuGmv)
            {
                // SKU ids are only unique within a store.
                var key = row.StoreId + "/" + sku;
                merged[key] = merged.GetValueOrDefault(key) + (gmv * rate);
            }
        }

        var top = merged.Values.OrderDescending().Take(TopSkuCount).Sum();
        return MeasureValue.Of(top);
    }

    private sealed class GroupResolver(IReadOnlyDictionary<string, MeasureValue> totals, Func<IReadOnlyDictionary<string, MeasureValue>> loadMonthToDate)
        : IMeasureResolver
    {
        private IReadOnlyDictionary<string, MeasureValue>? _mtd;

        public MeasureValue Resolve(string measureId, bool monthToDate)
        {
            var source = monthToDate ? _mtd ??= loadMonthToDate() : totals;
            return source.TryGetValue(measureId, out var value)
                ? value
                : throw new ArgumentException($"Measure '{measureId}' is not in the catalog.", nameof(measureId));
        }
    }
}
