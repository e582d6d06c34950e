using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Engine;
using KpiFunctions.Core.Fx;
using KpiFunctions.Core.Measures;
using KpiFunctions.Core.Scorecards;
using KpiFunctions.Pipeline.Curated;
using KpiFunctions.Pipeline.Kpis;
using KpiFunctions.Pipeline.Reference;
using KpiFunctions.Pipeline.Registry;

namespace KpiFunctions.Pipeline.Steps;

/// <summary>
/// Reads curated data back (never data held in memory from the fetch), builds each store-day's base measures,
/// attaches the FX rate, evaluates every catalog KPI in local and reporting currency and writes KpiDaily and
/// curated kpi_store_day. Month-to-date KPIs read the store-days from the 1st of the month, and the days after the
/// window that were fetched before (same month) are recomputed too, because their month-to-date figures include the
/// window's days.
/// </summary>
public sealed class ComputeKpisStep
{
    /// <summary>How many of a store's days are read at once (the one taken in and the next).</summary>
    private const int ReadAhead = 2;

    private readonly KpiStorage _storage;
    private readonly PipelineOptions _options;
    private readonly KpiCatalog _catalog;
    private readonly CuratedStore _curated;
    private readonly CuratedTable<KpiDailyRow> _kpiTable;
    private readonly TimeProvider _time;

    /// <summary>Creates the step; <paramref name="time"/> decides which rows are still provisional.</summary>
    public ComputeKpisStep(KpiStorage storage, PipelineOptions options, KpiCatalog? catalog = null, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(options);
        _storage = storage;
        _options = options;
        _catalog = catalog ?? KpiCatalog.Default;
        _curated = new CuratedStore(storage.Blobs);
        _kpiTable = KpiStoreDayTable.Create(_catalog);
    }

    /// <summary>Computes and writes the KPI rows; reports each store finished.</summary>
    public async Task<ComputeResult> ComputeAsync(ComputeRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var registry = new StoreRegistry(_storage.Tables);
        var stores = new List<Store>();
        foreach (var id in request.StoreIds)
        {
            stores.Add(await registry.GetAsync(id, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Store '{id}' is not in the registry; add it with 'kpi stores import <file>'."));
        }

        DateOnly FromFor(Store store) => request.EarlierFrom.TryGetValue(store.Id, out var earlier) && earlier < request.From ? earlier : request.From;
        var earliest = stores.Select(FromFor).Append(request.From).Min();
        // FX rates from the Monday of the first week too: creator weeks convert each order at its day's rate.
        var historyFrom = StoreCalendar.MonthStart(earliest) < DetailFacts.WeekStart(earliest) ? StoreCalendar.MonthStart(earliest) : DetailFacts.WeekStart(earliest);
        var monthEnd = StoreCalendar.MonthStart(request.To).AddMonths(1).AddDays(-1);
        var fx = await new FxRateRepository(_storage.Tables).LoadAsync(
            _options.ReportingCurrency, stores.Select(s => s.Currency), historyFrom, monthEnd, _options.FxMaxCarryForwardDays, cancellationToken).ConfigureAwait(false);
        var engine = new KpiEngine(_catalog, _options.ReportingCurrency);
        var rows = new ConcurrentBag<KpiDailyRow>();
        var notFetched = new ConcurrentBag<string>();
        var detailMonths = new ConcurrentBag<(string StoreId, DateOnly Month)>();
        var kpiMonths = new ConcurrentBag<(string StoreId, DateOnly Month)>();
        var laterMonths = new ConcurrentBag<(string StoreId, DateOnly Month)>();

        await Parallel.ForEachAsync(stores, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelStores, CancellationToken = cancellationToken }, async (store, ct) =>
        {
            var last = await LastFetchedDayAsync(store, request.To, monthEnd, ct).ConfigureAwait(false);
            var ordersByDay = new Dictionary<DateOnly, IReadOnlyList<Order>>();
            var scoring = new ScoringInputs();
            var storeRows = new List<KpiDailyRow>();
            var history = await LoadStoreDaysAsync(store, StoreCalendar.MonthStart(FromFor(store)), last, fx, ordersByDay, scoring, ct).ConfigureAwait(false);
            await MarkDetailMonthsAsync(FromFor(store), last, ct).ConfigureAwait(false);

            foreach (var day in history.Where(h => h.Date >= FromFor(store)))
            {
                if (day.MissingReason is not null)
                {
                    if (day.Date >= request.From && day.Date <= request.To)
                    {
                        notFetched.Add(string.Create(CultureInfo.InvariantCulture, $"{store.Id} {day.Date:yyyy-MM-dd}"));
                    }

                    continue;
                }

                storeRows.Add(ToRow(engine, store, day, history) with { Reconciliation = await ReconcileAsync(store, day.Date, ordersByDay, ct).ConfigureAwait(false) });
            }

            foreach (var row in storeRows)
            {
                rows.Add(row);
            }

            // The KPI, SKU-day and LIVE month files beside the weeks (each write waits on a flush to disk, a wait that
            // would otherwise leave a core idle); all are done before the store is.
            await Task.WhenAll(
                Task.Run(() => WriteKpiMonthsAsync(store.Id, storeRows, kpiMonths, laterMonths, ct), ct),
                Task.Run(() => WriteDetailMonthsAsync(store, FromFor(store), last, history, ordersByDay, scoring, detailMonths, ct), ct),
                WriteWeeksAsync(store, FromFor(store), last, history, ordersByDay, scoring, fx, ct)).ConfigureAwait(false);
            await MarkDetailMonthsAsync(FromFor(store), last, ct).ConfigureAwait(false);

            progress?.Report(store.Id);
        }).ConfigureAwait(false);

        var ordered = rows.OrderBy(r => r.Date).ThenBy(r => r.StoreId, StringComparer.Ordinal).ToArray();
        var mismatches = ordered.Where(r => r.Reconciliation is { Flagged: true } && r.Date >= request.From && r.Date <= request.To)
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.StoreId} {r.Date:yyyy-MM-dd}: {r.Reconciliation!.Note}")).ToArray();
        await new KpiDailyRepository(_storage.Tables, _catalog).SaveAsync(ordered, cancellationToken).ConfigureAwait(false);
        await WriteStoredKpiMonthsAsync(laterMonths, cancellationToken).ConfigureAwait(false);
        await _curated.DeleteDayFilesAsync(Datasets.KpiStoreDay, [.. kpiMonths, .. laterMonths], cancellationToken).ConfigureAwait(false);
        await _curated.DeleteDayFilesAsync(DetailFacts.ProductDayDataset, detailMonths, cancellationToken).ConfigureAwait(false);
        await _curated.DeleteDayFilesAsync(ScorecardFacts.LiveSessionDataset, detailMonths, cancellationToken).ConfigureAwait(false);

        return new ComputeResult(ordered.Length, [.. notFetched.Order(StringComparer.Ordinal)]) { Mismatches = mismatches };
    }

    /// <summary>
    /// kpi_store_day, a file per store and month holding every day of the month that has a KpiDaily row (a file per
    /// store-day was 30 KB of footer and statistics around one row of 159 columns, and most of the step's writing). A
    /// month whose stored days (before this run's save) were all computed now is written from the store's rows at hand,
    /// beside its other files; the others go to <paramref name="later"/>, to be read back from KpiDaily once the rows are
    /// saved (<see cref="WriteStoredKpiMonthsAsync"/>), so the file always equals the table.
    /// </summary>
    private async Task WriteKpiMonthsAsync(
        string storeId, IReadOnlyList<KpiDailyRow> rows, ConcurrentBag<(string StoreId, DateOnly Month)> written, ConcurrentBag<(string StoreId, DateOnly Month)> later, CancellationToken ct)
    {
        var repository = new KpiDailyRepository(_storage.Tables, _catalog);
        foreach (var month in rows.GroupBy(r => StoreCalendar.MonthStart(r.Date)))
        {
            var computed = month.Select(r => r.Date).ToHashSet();
            var stored = await repository.DatesAsync(month.Key, month.Key.AddMonths(1).AddDays(-1), storeId, ct).ConfigureAwait(false);
            if (stored.All(computed.Contains))
            {
                await _curated.WriteMonthAsync(_kpiTable, storeId, month.Key, [.. month.OrderBy(r => r.Date)], ct).ConfigureAwait(false);
                written.Add((storeId, month.Key));
            }
            else
            {
                later.Add((storeId, month.Key));
            }
        }
    }

    /// <summary>
    /// The kpi_store_day months that also hold days of earlier runs, written from KpiDaily after this run's rows are
    /// saved. (The step then removes the files of the earlier layout, a file per store-day, of every month written, so no
    /// row is there twice.)
    /// </summary>
    private async Task WriteStoredKpiMonthsAsync(IEnumerable<(string StoreId, DateOnly Month)> months, CancellationToken cancellationToken)
    {
        var repository = new KpiDailyRepository(_storage.Tables, _catalog);
        await Parallel.ForEachAsync(months, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelStores, CancellationToken = cancellationToken }, async (month, ct) =>
        {
            var all = await repository.QueryAsync(month.Month, month.Month.AddMonths(1).AddDays(-1), month.StoreId, ct).ConfigureAwait(false);
            await _curated.WriteMonthAsync(_kpiTable, month.StoreId, month.Month, all, ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Moves the change marks (<see cref="MonthChanges"/>) of the months a store's detail facts are written or deleted
    /// in from <paramref name="from"/> to <paramref name="to"/>: the days' months for kpi_product_day and
    /// kpi_live_session, the weeks' Mondays' months for kpi_store_week and kpi_creator_week. Called before the first write
    /// and after the last, so the publisher rereads a month written while it read it, or by a run that died half way.
    /// </summary>
    private async Task MarkDetailMonthsAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        var days = new List<DateOnly>();
        for (var month = StoreCalendar.MonthStart(from); month <= to; month = month.AddMonths(1))
        {
            days.Add(month < from ? from : month);
        }

        var mondays = new List<DateOnly>();
        for (var week = DetailFacts.WeekStart(from); week <= to; week = week.AddDays(7))
        {
            mondays.Add(week);
        }

        await new MonthChanges(_storage.Tables, DetailFacts.ProductDayDataset).MarkAsync(days, ct).ConfigureAwait(false);
        await new MonthChanges(_storage.Tables, ScorecardFacts.LiveSessionDataset).MarkAsync(days, ct).ConfigureAwait(false);
        await new MonthChanges(_storage.Tables, DetailFacts.StoreWeekDataset).MarkAsync(mondays, ct).ConfigureAwait(false);
        await new MonthChanges(_storage.Tables, ScorecardFacts.CreatorWeekDataset).MarkAsync(mondays, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Unique buyers of every ISO week the computed days touch, over the week's days that have a KPI row: the days
    /// computed now, and the week's other days where an earlier run stored one (read from the loaded history or the
    /// curated orders). Days fetched but never computed (the month-to-date history before a first window) do not count,
    /// so a week row covers exactly the days fact_store_day holds for it. A week left with no such day loses its row.
    /// </summary>
    private async Task WriteWeeksAsync(
        Store store, DateOnly from, DateOnly to, IReadOnlyList<StoreDayMeasures> history, Dictionary<DateOnly, IReadOnlyList<Order>> ordersByDay, ScoringInputs scoring, FxRateBook fx, CancellationToken ct)
    {
        var loaded = history.Where(h => h.MissingReason is null).ToDictionary(h => h.Date, h => h.BuyerHashes);
        var firstWeek = DetailFacts.WeekStart(from);
        var stored = await new KpiDailyRepository(_storage.Tables, _catalog).DatesAsync(firstWeek, DetailFacts.WeekStart(to).AddDays(6), store.Id, ct).ConfigureAwait(false);
        var refunds = await RefundsAsync(store, firstWeek, to, scoring, ct).ConfigureAwait(false);
        var creators = (await _curated.ReadReferenceAsync(CuratedTables.Creators, store.Id, ct).ConfigureAwait(false) ?? [])
            .ToDictionary(c => c.CreatorId, c => c.ContentTypes, StringComparer.Ordinal);
        for (var week = firstWeek; week <= to; week = week.AddDays(7))
        {
            var buyers = new Dictionary<DateOnly, IReadOnlySet<string>>();
            var weekOrders = new Dictionary<DateOnly, IReadOnlyList<Order>>();
            for (var d = week; d < week.AddDays(7); d = d.AddDays(1))
            {
                var computed = d >= from && d <= to && loaded.ContainsKey(d);
                if (!computed && !stored.Contains(d))
                {
                    continue;
                }

                if (loaded.TryGetValue(d, out var hashes))
                {
                    buyers[d] = hashes;
                    weekOrders[d] = ordersByDay[d];
                }
                else if (await _curated.ReadAsync(CuratedTables.Orders, store.Id, d, ct).ConfigureAwait(false) is { } orders)
                {
                    buyers[d] = orders.Where(o => o.CountsAsGmv).Select(o => o.BuyerIdHash).ToHashSet(StringComparer.Ordinal);
                    weekOrders[d] = orders;
                }
            }

            if (DetailFacts.StoreWeek(store.Id, week, buyers) is { } row)
            {
                await _curated.WriteAsync(DetailFacts.StoreWeeks, store.Id, week, [row], ct).ConfigureAwait(false);
                // The creators' week covers the same days as the store's, so its GMV adds up to the days' affiliate_gmv.
                await _curated.WriteAsync(ScorecardFacts.CreatorWeeks, store.Id, week, Scorecard.CreatorWeek(
                    store.Id, store.Currency, _options.ReportingCurrency, week, weekOrders, refunds, to, creators, d => fx.Lookup(store.Currency, d).Rate), ct).ConfigureAwait(false);
            }
            else
            {
                await _storage.Blobs.DeleteIfExistsAsync(CuratedStore.PartitionPath(DetailFacts.StoreWeekDataset, store.Id, week), ct).ConfigureAwait(false);
                await _storage.Blobs.DeleteIfExistsAsync(CuratedStore.PartitionPath(ScorecardFacts.CreatorWeekDataset, store.Id, week), ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The refunds completed from <paramref name="from"/> to <paramref name="to"/>: those of the days loaded already and
    /// the curated ones of the days before them (a week's Monday can fall before the month the history starts in). A
    /// day without a refunds partition was not fetched and adds none.
    /// </summary>
    private async Task<IReadOnlyList<Refund>> RefundsAsync(Store store, DateOnly from, DateOnly to, ScoringInputs scoring, CancellationToken ct)
    {
        var refunds = new List<Refund>();
        for (var d = from; d <= to; d = d.AddDays(1))
        {
            if (scoring.Refunds.TryGetValue(d, out var loaded))
            {
                refunds.AddRange(loaded);
            }
            else if (await _curated.ReadAsync(CuratedTables.Refunds, store.Id, d, ct).ConfigureAwait(false) is { } read)
            {
                refunds.AddRange(read);
            }
        }

        return refunds;
    }

    /// <summary>
    /// kpi_product_day and kpi_live_session, a file per store and month (a file per store-day was a write and a flush to
    /// disk for a few rows) holding the days of the month that fact_store_day holds once this run's rows are saved: the
    /// days computed now and those an earlier run stored. Days read this run (the month-to-date history included) are
    /// made from their curated orders and LIVE sessions; a stored day this run did not read keeps the rows it had. A
    /// day whose LIVE sessions were not fetched has none (live_gmv is unknown that day, with the reason).
    /// </summary>
    private async Task WriteDetailMonthsAsync(
        Store store, DateOnly from, DateOnly to, IReadOnlyList<StoreDayMeasures> history, Dictionary<DateOnly, IReadOnlyList<Order>> ordersByDay,
        ScoringInputs scoring, ConcurrentBag<(string StoreId, DateOnly Month)> written, CancellationToken ct)
    {
        var loaded = history.Where(h => h.MissingReason is null).ToDictionary(h => h.Date);
        var repository = new KpiDailyRepository(_storage.Tables, _catalog);
        var zone = StoreCalendar.ResolveZone(store.TimeZone);
        for (var month = StoreCalendar.MonthStart(from); month <= to; month = month.AddMonths(1))
        {
            var end = month.AddMonths(1).AddDays(-1);
            var kept = (await repository.DatesAsync(month, end, store.Id, ct).ConfigureAwait(false)).ToHashSet();
            for (var d = from > month ? from : month; d <= to && d <= end; d = d.AddDays(1))
            {
                if (loaded.ContainsKey(d))
                {
                    kept.Add(d);
                }
            }

            var products = new List<ProductDayRow>();
            var lives = new List<LiveSessionScore>();
            var unread = kept.Where(d => !loaded.ContainsKey(d)).ToArray();
            if (unread.Length > 0)
            {
                products.AddRange((await _curated.ReadDaysAsync(DetailFacts.ProductDays, store.Id, unread, r => r.Date, ct).ConfigureAwait(false)).Values.SelectMany(r => r ?? []));
                lives.AddRange((await _curated.ReadDaysAsync(ScorecardFacts.LiveSessionScores, store.Id, unread, r => r.Date, ct).ConfigureAwait(false)).Values.SelectMany(r => r ?? []));
            }

            foreach (var date in kept.Where(loaded.ContainsKey))
            {
                var day = loaded[date];
                products.AddRange(DetailFacts.ProductDay(store.Id, date, ordersByDay[date], day.Fx.Rate));
                if (scoring.Live.TryGetValue(date, out var sessions))
                {
                    lives.AddRange(Scorecard.LiveSessions(store.Id, store.Currency, _options.ReportingCurrency, zone, date, sessions, day.Fx.Rate));
                }
            }

            await Task.WhenAll(
                _curated.WriteMonthAsync(DetailFacts.ProductDays, store.Id, month, [.. products.OrderBy(r => r.Date).ThenBy(r => r.SkuId, StringComparer.Ordinal)], ct),
                _curated.WriteMonthAsync(ScorecardFacts.LiveSessionScores, store.Id, month, [.. lives.OrderBy(l => l.Date).ThenBy(l => l.StartUtc).ThenBy(l => l.SessionId, StringComparer.Ordinal)], ct)).ConfigureAwait(false);
            written.Add((store.Id, month));
        }
    }

    /// <summary>
    /// The day's GMV and orders against the platform's own figures, like for like: curated orders paid on the day
    /// (placed that day or the day before, as payments land within hours), cancelled and refunded ones included,
    /// samples not. Null when the source gave no platform figures.
    /// </summary>
    private async Task<Reconciliation?> ReconcileAsync(Store store, DateOnly date, Dictionary<DateOnly, IReadOnlyList<Order>> ordersByDay, CancellationToken ct)
    {
        var platform = await _curated.ReadAsync(CuratedTables.PlatformDaily, store.Id, date, ct).ConfigureAwait(false);
        if (platform is not [var p])
        {
            return null;
        }

        var zone = StoreCalendar.ResolveZone(store.TimeZone);
        // The days' orders were read already to build the measures; only the day before the 1st is read here.
        var placed = ordersByDay.GetValueOrDefault(date) ?? [];
        var placedBefore = ordersByDay.TryGetValue(date.AddDays(-1), out var before)
            ? before
            : await _curated.ReadAsync(CuratedTables.Orders, store.Id, date.AddDays(-1), ct).ConfigureAwait(false);
        var paid = placed.Concat(placedBefore ?? []).Where(o => o.PaidUtc is { } at && StoreCalendar.LocalDate(at, zone) == date && !o.IsSampleOrTest).ToList();
        var gmv = paid.Sum(o => o.Subtotal);
        decimal? Gap(decimal ours, decimal theirs) => theirs == 0 ? null : KpiDailyRepository.Round(Math.Abs(ours - theirs) / theirs * 100);
        var gmvGap = Gap(gmv, p.Gmv);
        var orderGap = Gap(paid.Count, p.Orders);
        if (placedBefore is null)
        {
            return new Reconciliation(p.Gmv, gmv, p.Orders, paid.Count, gmvGap, false,
                string.Create(CultureInfo.InvariantCulture, $"not compared: {date.AddDays(-1):yyyy-MM-dd} was not fetched, so orders placed then and paid on this day are missing on the pipeline's side"));
        }

        var tolerance = _options.ReconcileTolerancePct;
        var flagged = gmvGap > tolerance || orderGap > tolerance || (p.Gmv == 0 && gmv != 0) || (p.Orders == 0 && paid.Count != 0);
        var note = flagged
            ? string.Create(CultureInfo.InvariantCulture, $"differs from the platform's figures by more than {tolerance} %: GMV {gmv} vs {p.Gmv} {p.Currency} ({gmvGap?.ToString("0.##", CultureInfo.InvariantCulture) ?? "n/a"} %), orders {paid.Count} vs {p.Orders} (orders paid that day, cancelled and refunded included)")
            : null;
        return new Reconciliation(p.Gmv, gmv, p.Orders, paid.Count, gmvGap, flagged, note);
    }

    /// <summary>The last day from <paramref name="to"/> to the month's end that has curated data (usually <paramref name="to"/> itself).</summary>
    private async Task<DateOnly> LastFetchedDayAsync(Store store, DateOnly to, DateOnly monthEnd, CancellationToken ct)
    {
        for (var day = monthEnd; day > to; day = day.AddDays(-1))
        {
            if (await _storage.Blobs.ExistsAsync(CuratedStore.PartitionPath(Datasets.Orders, store.Id, day), ct).ConfigureAwait(false))
            {
                return day;
            }
        }

        return to;
    }

    /// <summary>Evaluates one store-day in both currencies and rounds what is stored.</summary>
    private KpiDailyRow ToRow(KpiEngine engine, Store store, StoreDayMeasures day, IReadOnlyList<StoreDayMeasures> history)
    {
        var key = $"{store.Id}|{StoreCalendar.Format(day.Date)}";
        var local = engine.EvaluateGroup(key, [day], CurrencyBasis.Local, history);
        var reporting = engine.EvaluateGroup(key, [day], CurrencyBasis.Reporting, history);
        var cells = new Dictionary<string, KpiCell>(StringComparer.Ordinal);
        for (var i = 0; i < _catalog.Kpis.Count; i++)
        {
            var kpi = _catalog.Kpis[i];
            var l = local.Kpis[i];
            var r = reporting.Kpis[i];
            // The store's own thresholds, else its stage's, else the KPI's decide its status (and so its red alerts).
            cells[kpi.Id] = new KpiCell(
                KpiDailyRepository.Round(l.Value),
                kpi.IsMonetary ? KpiDailyRepository.Round(r.Value) : null,
                _catalog.ThresholdsFor(store, kpi)?.Classify(l.Value, kpi.Direction) ?? RagStatus.None,
                l.NullReason);
        }

        var measures = new Dictionary<string, decimal?>(StringComparer.Ordinal);
        foreach (var m in _catalog.Measures)
        {
            measures[m.Id] = KpiDailyRepository.Round(local.Measures[m.Id].Value);
        }

        // Tomorrow's nightly run fetches [today - LookbackDays, today]: the days of it that exist now may still change;
        // earlier days are final (no later run fetches them again).
        var today = StoreCalendar.LocalDate(_time.GetUtcNow(), StoreCalendar.ResolveZone(store.TimeZone));
        return new KpiDailyRow(store.Id, day.Date, store.Country, store.Currency, _options.ReportingCurrency,
            day.Fx.Rate, day.Fx.RateDate, day.Fx.Status, day.Fx.Reason, cells, measures)
        {
            Provisional = day.Date >= today.AddDays(-_options.LookbackDays),
        };
    }

    private async Task<IReadOnlyList<StoreDayMeasures>> LoadStoreDaysAsync(
        Store store, DateOnly from, DateOnly to, FxRateBook fx, Dictionary<DateOnly, IReadOnlyList<Order>> ordersByDay, ScoringInputs scoring, CancellationToken cancellationToken)
    {
        var costs = await _curated.ReadReferenceAsync(CuratedTables.ProductCosts, store.Id, cancellationToken).ConfigureAwait(false) ?? [];
        var targets = new TargetRepository(_storage.Tables);
        var window = _options.ResponseWindowFor(store.Country);
        var days = new List<StoreDayMeasures>();
        var monthTargets = new Dictionary<DateOnly, MonthlyTarget?>();
        // The next day is read while this one is taken in, so a store computed alone (the last, often the largest)
        // keeps both cores busy; its days are still taken in order, and at most ReadAhead days are in memory at once.
        var reading = new Queue<(DateOnly Date, Task<(StoreDayData? Data, StoreDayMeasures Measures)> Load)>();
        try
        {
            for (var date = from; date <= to || reading.Count > 0; date = date.AddDays(1))
            {
                if (date <= to)
                {
                    var month = StoreCalendar.MonthStart(date);
                    if (!monthTargets.TryGetValue(month, out var target))
                    {
                        target = await targets.GetAsync(store.Id, date, cancellationToken).ConfigureAwait(false);
                        monthTargets[month] = target;
                    }

                    var day = date;
                    reading.Enqueue((day, Task.Run(() => LoadMeasuresAsync(store, day, costs, target, window, fx, cancellationToken), cancellationToken)));
                    if (reading.Count < ReadAhead)
                    {
                        continue;
                    }
                }

                var (_, load) = reading.Dequeue();
                var (data, measures) = await load.ConfigureAwait(false);
                if (data is not null)
                {
                    ordersByDay[data.Date] = data.Orders;
                    scoring.Refunds[data.Date] = data.Refunds;
                    if (!data.NotFetched.ContainsKey(Datasets.LiveSessions))
                    {
                        scoring.Live[data.Date] = data.LiveSessions;
                    }
                }

                days.Add(measures);
            }
        }
        catch (Exception) when (reading.Count > 0)
        {
            // The days still being read finish before the error goes up, so none outlives the step.
            await Task.WhenAll(reading.Select(r => r.Load)).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).ConfigureAwait(false);
            throw;
        }

        return days;
    }

    /// <summary>One store-day read and measured: its curated data (null when not fetched) and its base measures.</summary>
    private async Task<(StoreDayData? Data, StoreDayMeasures Measures)> LoadMeasuresAsync(
        Store store, DateOnly date, IReadOnlyList<ProductCost> costs, MonthlyTarget? target, int window, FxRateBook fx, CancellationToken ct)
    {
        var data = await LoadDayAsync(store, date, costs, target, window, ct).ConfigureAwait(false);
        return (data, data is null ? NotFetched(store, date) : StoreDayMeasureBuilder.Build(data).WithFx(fx.Lookup(store.Currency, date)));
    }

    private async Task<StoreDayData?> LoadDayAsync(Store store, DateOnly date, IReadOnlyList<ProductCost> costs, MonthlyTarget? target, int window, CancellationToken ct)
    {
        var orders = await _curated.ReadAsync(CuratedTables.Orders, store.Id, date, ct).ConfigureAwait(false);
        if (orders is null)
        {
            return null;
        }

        var lines = await Read(CuratedTables.OrderLines, store, date, ct).ConfigureAwait(false);
        var linesByOrder = lines.GroupBy(l => l.OrderId, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => (IReadOnlyList<OrderLine>)[.. g.Select(l => new OrderLine(l.LineId, l.SkuId, l.ProductId, l.ProductName, l.Quantity, l.SalePrice, l.OriginalPrice))],
            StringComparer.Ordinal);
        var fullOrders = orders.Select(o => o with { Lines = linesByOrder.TryGetValue(o.OrderId, out var ls) ? ls : [] }).ToArray();
        var notFetched = await NotFetchedAsync(store, date, ct).ConfigureAwait(false);

        // A day curated before cancellations were has no partition: not fetched, not an error.
        IReadOnlyList<Cancellation> cancellations = [];
        if (!notFetched.ContainsKey(Datasets.Cancellations))
        {
            if (await _curated.ReadAsync(CuratedTables.Cancellations, store.Id, date, ct).ConfigureAwait(false) is { } read)
            {
                cancellations = read;
            }
            else
            {
                notFetched = new Dictionary<string, string>(notFetched, StringComparer.Ordinal)
                {
                    [Datasets.Cancellations] = string.Create(CultureInfo.InvariantCulture,
                        $"the day was fetched before cancellations were kept; re-fetch it (kpi run --store {store.Id} --from {date:yyyy-MM-dd} --to {date:yyyy-MM-dd})"),
                };
            }
        }

        async Task<IReadOnlyList<T>> ReadFetched<T>(CuratedTable<T> table) =>
            notFetched.ContainsKey(table.Name) ? [] : await Read(table, store, date, ct).ConfigureAwait(false);
        var traffic = await ReadFetched(CuratedTables.TrafficDaily).ConfigureAwait(false);
        var service = await ReadFetched(CuratedTables.ServiceDaily).ConfigureAwait(false);
        return new StoreDayData(
            store,
            date,
            fullOrders,
            await Read(CuratedTables.Refunds, store, date, ct).ConfigureAwait(false),
            traffic.Count > 0 ? traffic[0] : null,
            await ReadFetched(CuratedTables.LiveSessions).ConfigureAwait(false),
            await ReadFetched(CuratedTables.Videos).ConfigureAwait(false),
            await ReadFetched(CuratedTables.AdsDaily).ConfigureAwait(false),
            service.Count > 0 ? service[0] : null,
            await ReadFetched(CuratedTables.InventoryDaily).ConfigureAwait(false),
            costs,
            target,
            window)
        {
            NotFetched = notFetched,
            Cancellations = cancellations,
        };
    }

    private async Task<IReadOnlyDictionary<string, string>> NotFetchedAsync(Store store, DateOnly date, CancellationToken ct)
    {
        var stream = await _storage.Blobs.OpenReadAsync(CuratedStore.NotFetchedPath(store.Id, date), ct).ConfigureAwait(false);
        if (stream is null)
        {
            return new Dictionary<string, string>();
        }

        await using (stream.ConfigureAwait(false))
        {
            var refetch = string.Create(CultureInfo.InvariantCulture, $"re-fetch that store-day (kpi run --store {store.Id} --from {date:yyyy-MM-dd} --to {date:yyyy-MM-dd})");
            try
            {
                return await JsonSerializer.DeserializeAsync<Dictionary<string, string>>(stream, cancellationToken: ct).ConfigureAwait(false)
                    ?? throw new InvalidDataException($"{CuratedStore.NotFetchedPath(store.Id, date)} is empty; {refetch}.");
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{CuratedStore.NotFetchedPath(store.Id, date)} is not a JSON object of dataset names and reasons; {refetch}.", ex);
            }
        }
    }

    private async Task<IReadOnlyList<T>> Read<T>(CuratedTable<T> table, Store store, DateOnly date, CancellationToken ct) =>
        await _curated.ReadAsync(table, store.Id, date, ct).ConfigureAwait(false)
        ?? throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
            $"Partition {table.Name} for store {store.Id} on {date:yyyy-MM-dd} is missing although orders exist; re-fetch that store-day."));

    /// <summary>A stand-in for a store-day with no curated data: every measure null, saying why.</summary>
    private StoreDayMeasures NotFetched(Store store, DateOnly date)
    {
        var reason = string.Create(CultureInfo.InvariantCulture,
            $"store {store.Id} on {date:yyyy-MM-dd} has not been fetched; run a backfill that covers it (kpi run --from {date:yyyy-MM-dd})");
        return StoreDayMeasures.Missing(store.Id, store.Country, store.Currency, date, reason);
    }

    /// <summary>What the scorecards need of the loaded days besides their orders: refunds and the LIVE sessions fetched.</summary>
    private sealed class ScoringInputs
    {
        public Dictionary<DateOnly, IReadOnlyList<Refund>> Refunds { get; } = [];

        public Dictionary<DateOnly, IReadOnlyList<LiveSession>> Live { get; } = [];
    }
}
