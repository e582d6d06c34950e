using System.Globalization;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Engine;
using KpiFunctions.Core.Scorecards;
using KpiFunctions.Pipeline.Curated;
using KpiFunctions.Pipeline.Kpis;
using KpiFunctions.Pipeline.Registry;

namespace KpiFunctions.Pipeline.Reports;

/// <summary>
/// Gathers a week's figures for the review pack from what the runs stored: KpiDaily rows of the week and the week
/// before, kpi_store_week for unique buyers and kpi_product_day for SKU sales. Reads nothing else and computes every
/// KPI by the catalog's definitions (<see cref="WeekKpis"/>).
/// </summary>
public sealed class WeeklyReportBuilder
{
    private readonly KpiStorage _storage;
    private readonly KpiCatalog _catalog;
    private readonly TimeProvider _time;
    private readonly CuratedStore _curated;

    /// <summary>Creates a builder over a store.</summary>
    public WeeklyReportBuilder(KpiStorage storage, KpiCatalog? catalog = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _storage = storage;
        _catalog = catalog ?? KpiCatalog.Default;
        _time = time ?? TimeProvider.System;
        _curated = new CuratedStore(storage.Blobs);
    }

    /// <summary>Builds the report of the week starting <paramref name="monday"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="monday"/> is not a Monday.</exception>
    /// <exception cref="InvalidOperationException">No store has a KPI row in the week.</exception>
    public async Task<WeeklyReport> BuildAsync(DateOnly monday, CancellationToken cancellationToken = default)
    {
        if (monday.DayOfWeek != DayOfWeek.Monday)
        {
            throw new ArgumentException($"{monday:yyyy-MM-dd} is a {monday.DayOfWeek}; a week starts on a Monday.", nameof(monday));
        }

        var sunday = monday.AddDays(6);
        var previousMonday = monday.AddDays(-7);
        var week = StoreCalendar.IsoWeekLabel(monday);
        var rows = await new KpiDailyRepository(_storage.Tables, _catalog).QueryAsync(previousMonday, sunday, null, cancellationToken).ConfigureAwait(false);
        var thisWeek = rows.Where(r => r.Date >= monday).ToArray();
        if (thisWeek.Length == 0)
        {
            throw new InvalidOperationException(
                $"No store has KPI rows in {week} ({monday:yyyy-MM-dd} to {sunday:yyyy-MM-dd}); run the pipeline for those days first.");
        }

        var registry = new StoreRegistry(_storage.Tables);
        var stores = new List<(Store Store, KpiDailyRow[] Days, KpiDailyRow[] Previous)>();
        foreach (var group in thisWeek.GroupBy(r => r.StoreId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var store = await registry.GetAsync(group.Key, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Store '{group.Key}' has KPI rows in {week} but is not in the registry; add it with 'kpi stores import <file>'.");
            var previous = rows.Where(r => r.StoreId == store.Id && r.Date < monday).OrderBy(r => r.Date).ToArray();
            stores.Add((store, [.. group.OrderBy(r => r.Date)], previous));
        }

        var built = new List<(Store Store, KpiDailyRow[] Days, IReadOnlyList<WeekKpi> Kpis, decimal? Gmv, decimal? Attainment, decimal? PreviousAttainment, decimal? PreviousGmv, IReadOnlyList<RoleScore> Roles)>();
        foreach (var (store, days, previous) in stores)
        {
            var now = await EvaluateAsync(store, monday, days, cancellationToken).ConfigureAwait(false);
            (IReadOnlyDictionary<string, MeasureValue> Kpis, IReadOnlyDictionary<string, MeasureValue> Totals)? before =
                previous.Length > 0 ? await EvaluateAsync(store, previousMonday, previous, cancellationToken).ConfigureAwait(false) : null;
            var kpis = _catalog.Kpis.Select(k =>
            {
                var value = now.Kpis[k.Id];
                return new WeekKpi(k.Id, value.Value, before?.Kpis[k.Id].Value, WeekKpis.Classify(_catalog, k, store, value.Value), value.Value is null ? value.Reason : null);
            }).ToArray();
            var period = new KpiGroupResult(store.Id + "|" + week, [store.Id], monday, sunday, store.Currency,
                [.. kpis.Select(k => new KpiResult(k.KpiId, k.Value, k.Status, k.NullReason))], now.Totals);
            built.Add((store, days, kpis, WeekKpis.SumReporting("gmv", days).Value, Attainment(now.Totals), before is null ? null : Attainment(before.Value.Totals),
                previous.Length > 0 ? WeekKpis.SumReporting("gmv", previous).Value : null, RoleScorecard.Score(_catalog, store, period)));
        }

        var ranks = WeeklyRanking.Rank(built.Select(b => new RankEntry(b.Store.Id, b.Attainment, b.Gmv)));
        var hadPrevious = stores.Where(s => s.Previous.Length > 0).Select(s => s.Store.Id).ToHashSet(StringComparer.Ordinal);
        var previousRanks = WeeklyRanking.Rank(built.Where(b => hadPrevious.Contains(b.Store.Id))
            .Select(b => new RankEntry(b.Store.Id, b.PreviousAttainment, b.PreviousGmv)));

        var storeWeeks = new List<StoreWeek>();
        foreach (var b in built)
        {
            var creators = await _curated.ReadAsync(ScorecardFacts.CreatorWeeks, b.Store.Id, monday, cancellationToken).ConfigureAwait(false) ?? [];
            var lives = (await _curated.ReadDaysAsync(ScorecardFacts.LiveSessionScores, b.Store.Id, [.. Week(monday)], l => l.Date, cancellationToken).ConfigureAwait(false))
                .Values.SelectMany(l => l ?? []).ToList();

            storeWeeks.Add(new StoreWeek(
                b.Store,
                b.Days.Length,
                [.. b.Days.Where(d => d.Provisional).Select(d => d.Date)],
                b.Kpis,
                b.Gmv,
                b.Attainment,
                b.PreviousAttainment,
                ranks[b.Store.Id],
                previousRanks.TryGetValue(b.Store.Id, out var p) ? p : null,
                [.. Week(monday).Select(d => b.Days.FirstOrDefault(r => r.Date == d) is { } r ? new DayFigures(d, r.Measures.GetValueOrDefault("gmv"), r.Measures.GetValueOrDefault("gmv_target")) : new DayFigures(d, null, null))],
                Notes(b.Store, b.Days, monday),
                b.Roles,
                [.. creators.OrderBy(c => c.Rank)],
                [.. lives.OrderBy(l => l.StartUtc)]));
        }

        return new WeeklyReport(week, monday, sunday, thisWeek[0].ReportingCurrency, _time.GetUtcNow(), Group(monday, thisWeek, rows.Where(r => r.Date < monday).ToArray()), [.. storeWeeks.OrderBy(s => s.Rank)]);
    }

    private async Task<(IReadOnlyDictionary<string, MeasureValue> Kpis, IReadOnlyDictionary<string, MeasureValue> Totals)> EvaluateAsync(Store store, DateOnly monday, KpiDailyRow[] days, CancellationToken ct)
    {
        long? buyers = null;
        var weeks = await _curated.ReadAsync(DetailFacts.StoreWeeks, store.Id, monday, ct).ConfigureAwait(false);
        if (weeks is [var w] && w.DaysCovered == days.Length)
        {
            buyers = w.UniqueBuyers;
        }

        var skuGmv = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var skuDays = await _curated.ReadDaysAsync(DetailFacts.ProductDays, store.Id, [.. days.Select(d => d.Date)], r => r.Date, ct).ConfigureAwait(false);
        foreach (var day in days)
        {
            var skus = skuDays[day.Date];
            if (skus is null)
            {
                skuGmv = null;
                break;
            }

            foreach (var sku in skus)
            {
                skuGmv[sku.SkuId] = skuGmv.GetValueOrDefault(sku.SkuId) + sku.Gmv;
            }
        }

        var totals = WeekKpis.Totals(_catalog, days, buyers, skuGmv);
        return (WeekKpis.Evaluate(_catalog, days, totals), totals);
    }

    private static decimal? Attainment(IReadOnlyDictionary<string, MeasureValue> totals) =>
        totals["gmv"].Value is { } gmv && totals["gmv_target"].Value is { } target && target != 0 ? gmv / target * 100m : null;

    private static GroupWeek Group(DateOnly monday, KpiDailyRow[] thisWeek, KpiDailyRow[] previous)
    {
        var gmv = WeekKpis.SumReporting("gmv", thisWeek);
        var target = WeekKpis.SumReporting("gmv_target", thisWeek);
        var days = Week(monday).Select(d =>
        {
            var onDay = thisWeek.Where(r => r.Date == d).ToArray();
            return onDay.Length == 0
                ? new DayFigures(d, null, null)
                : new DayFigures(d, WeekKpis.SumReporting("gmv", onDay).Value, WeekKpis.SumReporting("gmv_target", onDay).Value);
        }).ToArray();
        return new GroupWeek(
            gmv.Value,
            previous.Length > 0 ? WeekKpis.SumReporting("gmv", previous).Value : null,
            target.Value,
            SumOrNull(thisWeek, "gmv_orders"),
            previous.Length > 0 ? SumOrNull(previous, "gmv_orders") : null,
            days,
            gmv.Reason ?? target.Reason);
    }

    private static decimal? SumOrNull(IEnumerable<KpiDailyRow> rows, string measure)
    {
        var total = 0m;
        foreach (var row in rows)
        {
            if (row.Measures.GetValueOrDefault(measure) is not { } v)
            {
                return null;
            }

            total += v;
        }

        return total;
    }

    private static IEnumerable<DateOnly> Week(DateOnly monday) => Enumerable.Range(0, 7).Select(monday.AddDays);

    private static string[] Notes(Store store, KpiDailyRow[] days, DateOnly monday)
    {
        var notes = new List<string>();
        var missing = Week(monday).Where(d => days.All(r => r.Date != d)).ToArray();
        if (missing.Length > 0)
        {
            notes.Add($"no KPI row for {string.Join(", ", missing.Select(StoreCalendar.Format))}");
        }

        foreach (var day in days.Where(d => d.Reconciliation is { Flagged: true }))
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"{day.Date:yyyy-MM-dd}: GMV differs from TikTok's own figure ({day.Reconciliation!.Note ?? "over the tolerance"})"));
        }

        foreach (var day in days.Where(d => d.FxRate is null))
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"{day.Date:yyyy-MM-dd}: no rate into {day.ReportingCurrency}; {store.Id} is left out of group totals"));
        }

        return [.. notes];
    }
}
