using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Pipeline.Curated;
using KpiFunctions.Pipeline.Kpis;
using KpiFunctions.Pipeline.Registry;
using KpiFunctions.Storage.Blobs;
using KpiFunctions.Storage.Tables;

namespace KpiFunctions.Pipeline.Semantic;

/// <summary>
/// Publishes the semantic dataset: the star schema as Parquet under <c>semantic/v=&lt;version&gt;/</c>, that version's
/// manifest beside it, and last <c>semantic/manifest.json</c>, the one a reader starts from. The manifest is a single
/// blob written after every file it lists, so a reader always sees one whole version. A file whose bytes are the same
/// as the previous version's (a month of fact_store_day that did not change) is not written again: the new manifest
/// lists the previous version's file. Publishes take turns under the lease on <see cref="LockPath"/> (a backfill and
/// the nightly run are separate instances); under it, what a publish killed half way left is removed first, and
/// versions replaced longer ago than the retention last, except files a kept version lists.
/// </summary>
public sealed class SemanticPublisher
{
    /// <summary>The manifest readers start from.</summary>
    public const string ManifestPath = "semantic/manifest.json";

    /// <summary>The blob whose lease a publish holds: beside the versions, outside <c>semantic/v=</c> and every Parquet glob.</summary>
    public const string LockPath = "semantic/publish.lock";

    /// <summary>How long a publish waits for another to finish, unless told otherwise.</summary>
    public static readonly TimeSpan DefaultLockWait = TimeSpan.FromMinutes(10);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private readonly KpiStorage _storage;
    private readonly KpiCatalog _catalog;
    private readonly TimeSpan _retention;
    private readonly TimeProvider _time;
    private readonly TimeSpan _lockWait;

    /// <summary>Creates the publisher; a publish waits up to <paramref name="lockWait"/> (<see cref="DefaultLockWait"/>) for another to finish.</summary>
    public SemanticPublisher(KpiStorage storage, KpiCatalog catalog, TimeSpan retention, TimeProvider time, TimeSpan? lockWait = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(time);
        _storage = storage;
        _catalog = catalog;
        _retention = retention;
        _time = time;
        _lockWait = lockWait ?? DefaultLockWait;
        ArgumentOutOfRangeException.ThrowIfLessThan(_lockWait, TimeSpan.Zero, nameof(lockWait));
    }

    /// <summary>
    /// Writes a new version from what the tables hold now and makes it the current one, under the lease on
    /// <see cref="LockPath"/>: a publish that finds it held waits for the other to finish, and fails with
    /// <see cref="TimeoutException"/> after the wait it was given.
    /// </summary>
    public async Task<SemanticManifest> PublishAsync(string runId, CancellationToken cancellationToken = default)
    {
        var lease = await PublishLease.AcquireAsync(_storage.Blobs, LockPath, _lockWait, _time, cancellationToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            return await PublishLeasedAsync(runId, lease, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<SemanticManifest> PublishLeasedAsync(string runId, PublishLease lease, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var previous = await ReadManifestAsync(ManifestPath, cancellationToken).ConfigureAwait(false);
        await RemoveLeftoversAsync(previous, cancellationToken).ConfigureAwait(false);

        // The publish time, then a random tag: versions sort by time, and two publishes never share a folder.
        var stamp = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);

        // Published within the current version's millisecond (or with a clock behind it): extend its name, so this
        // version still sorts after the one it replaces (retention and the removal of leftovers read the order of
        // versions as the order they were current in).
        if (previous is not null && string.CompareOrdinal(previous.Version, stamp) >= 0)
        {
            stamp = previous.Version;
        }

        var version = stamp + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));

        var stores = await new StoreRegistry(_storage.Tables).ListAsync(false, cancellationToken).ConfigureAwait(false);
        // fact_store_day first, a month at a time (only the changed ones read), so a publish holds one month of rows: the
        // calendar and the watermark need only each month's span, gathered as its part is written.
        var writer = new VersionWriter(_storage.Blobs, version, previous, cancellationToken);
        var spans = new SortedDictionary<string, (string Marker, SemanticPartSpan Span)>(StringComparer.Ordinal);
        var storeDayTable = await writer.WriteAsync(SemanticTables.StoreDays(_catalog), StoreDayPartsAsync(previous, now, spans, cancellationToken),
            (part, file) => part is not null && spans.TryGetValue(part, out var a) ? file with { Marker = a.Marker, Span = a.Span } : file).ConfigureAwait(false);
        var storeDays = spans.Values.Select(a => a.Span).ToList();
        var targets = await ReadTargetsAsync(stores.ToDictionary(s => s.Id, s => s.Currency, StringComparer.Ordinal), cancellationToken).ConfigureAwait(false);

        // fact_alerts a month at a time too, only the months whose alerts changed read; the calendar needs their spans.
        var alertSpans = new SortedDictionary<string, (string Marker, SemanticPartSpan Span)>(StringComparer.Ordinal);
        var alertsTable = await writer.WriteAsync(SemanticTables.Alerts, AlertPartsAsync(previous, alertSpans, cancellationToken),
            (part, file) => part is not null && alertSpans.TryGetValue(part, out var a) ? file with { Marker = a.Marker, Span = a.Span } : file).ConfigureAwait(false);
        var dates = Calendar(storeDays, targets, [.. alertSpans.Values.Select(a => a.Span)]);

        var curated = new CuratedStore(_storage.Blobs);
        var products = new List<Core.Domain.ProductSku>();
        foreach (var store in stores.OrderBy(s => s.Id, StringComparer.Ordinal))
        {
            products.AddRange((await curated.ReadReferenceAsync(CuratedTables.Products, store.Id, cancellationToken).ConfigureAwait(false) ?? []).OrderBy(p => p.SkuId, StringComparer.Ordinal));
        }

        // The detail facts the compute step wrote beside the KPI rows (and the weeks they fall in), by month: a month
        // whose change mark has not moved since the previous version read it keeps that version's file unread.
        var marked = new Dictionary<string, string>(StringComparer.Ordinal);
        var productDays = MarkedMonthPartsAsync(DetailFacts.ProductDays, SemanticTables.ProductDays.Name, previous, marked,
            rs => rs.OrderBy(r => r.Date).ThenBy(r => r.StoreId, StringComparer.Ordinal).ThenBy(r => r.SkuId, StringComparer.Ordinal), cancellationToken);
        var weeks = MarkedMonthPartsAsync(DetailFacts.StoreWeeks, SemanticTables.StoreWeeks.Name, previous, marked,
            rs => rs.OrderBy(w => w.WeekStart).ThenBy(w => w.StoreId, StringComparer.Ordinal), cancellationToken);

        var creators = new List<Core.Domain.Creator>();
        foreach (var store in stores.OrderBy(s => s.Id, StringComparer.Ordinal))
        {
            creators.AddRange((await curated.ReadReferenceAsync(CuratedTables.Creators, store.Id, cancellationToken).ConfigureAwait(false) ?? []).OrderBy(c => c.CreatorId, StringComparer.Ordinal));
        }

        var creatorWeeks = MarkedMonthPartsAsync(ScorecardFacts.CreatorWeeks, SemanticTables.CreatorWeeks.Name, previous, marked,
            rs => rs.OrderBy(w => w.WeekStart).ThenBy(w => w.StoreId, StringComparer.Ordinal).ThenBy(w => w.Rank), cancellationToken);
        var liveSessions = MarkedMonthPartsAsync(ScorecardFacts.LiveSessionScores, SemanticTables.LiveSessions.Name, previous, marked,
            rs => rs.OrderBy(l => l.Date).ThenBy(l => l.StoreId, StringComparer.Ordinal).ThenBy(l => l.StartUtc).ThenBy(l => l.SessionId, StringComparer.Ordinal), cancellationToken);

        // Each file of the four records the mark its month had when it was read (keyed by table and part).
        SemanticFile Mark(string table, string? part, SemanticFile file) =>
            part is not null && marked.TryGetValue(table + "/" + part, out var mark) ? file with { Marker = mark } : file;

        var tables = new List<SemanticTableEntry>
        {
            await writer.WriteAsync(SemanticTables.Stores, [(null, stores.Select(s => new SemanticStore(s.Id, s.Name, s.Country, Region(s.TimeZone), s.Currency, s.Tags is { Count: > 0 } tags ? string.Join(',', tags) : null, s.TimeZone, s.Enabled, s.Stage)).OrderBy(s => s.StoreId, StringComparer.Ordinal).ToArray())]).ConfigureAwait(false),
            await writer.WriteAsync(SemanticTables.Dates, [(null, dates)]).ConfigureAwait(false),
            await writer.WriteAsync(SemanticTables.Products, [(null, products)]).ConfigureAwait(false),
            storeDayTable,
            await writer.WriteAsync(SemanticTables.ProductDays, productDays, (part, file) => Mark(SemanticTables.ProductDays.Name, part, file)).ConfigureAwait(false),
            await writer.WriteAsync(SemanticTables.StoreWeeks, weeks, (part, file) => Mark(SemanticTables.StoreWeeks.Name, part, file)).ConfigureAwait(false),
            await writer.WriteAsync(SemanticTables.Targets, [(null, targets)]).ConfigureAwait(false),
            await writer.WriteAsync(SemanticTables.Thresholds, [(null, [.. stores.OrderBy(s => s.Id, StringComparer.Ordinal)
                .SelectMany(s => _catalog.Kpis.Select(k => (Kpi: k, Thresholds: _catalog.ThresholdsFor(s, k), Source: _catalog.ThresholdSource(s, k)))
                    .Where(x => x.Thresholds is not null)
                    .Select(x => new SemanticThreshold(s.Id, x.Kpi.Id, x.Kpi.Direction.ToString(), x.Thresholds!.Green, x.Thresholds.Amber, x.Source)))])]).ConfigureAwait(false),
            alertsTable,
            await writer.WriteAsync(SemanticTables.Roles, [(null, SemanticRoles.Roles(_catalog))]).ConfigureAwait(false),
            await writer.WriteAsync(SemanticTables.RoleKpis, [(null, SemanticRoles.RoleKpis(_catalog))]).ConfigureAwait(false),
            await writer.WriteAsync(SemanticTables.Stages, [(null, SemanticRoles.Stages(_catalog))]).ConfigureAwait(false),
            await writer.WriteAsync(SemanticTables.StageKpis, [(null, SemanticRoles.StageKpis(_catalog))]).ConfigureAwait(false),
            await writer.WriteAsync(SemanticTables.Creators, [(null, creators)]).ConfigureAwait(false),
            await writer.WriteAsync(SemanticTables.CreatorWeeks, creatorWeeks, (part, file) => Mark(SemanticTables.CreatorWeeks.Name, part, file)).ConfigureAwait(false),
            await writer.WriteAsync(SemanticTables.LiveSessions, liveSessions, (part, file) => Mark(SemanticTables.LiveSessions.Name, part, file)).ConfigureAwait(false),
        };

        var manifest = new SemanticManifest(
            version,
            now,
            runId,
            new SemanticWatermark(
                storeDays.Count == 0 ? null : storeDays.Max(p => p.Last),
                storeDays.SelectMany(p => p.Provisional).Select(d => (DateOnly?)d).Min(),
                (int)storeDays.Sum(p => p.Rows)),
            tables);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest, Json);

        // The version's own manifest first (retention reads it), the current one last: the switch to the new version,
        // made only while the lease is still this publish's (renewed just now, so it lasts the upload).
        await UploadAsync(VersionManifestPath(version), bytes, cancellationToken).ConfigureAwait(false);
        if (!await lease.StillHeldAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"The publish of version {version} lost its lease on {_storage.Blobs.Describe(LockPath)} (not renewed in time), so another publish may be under way: {ManifestPath} was not switched and readers stay on {previous?.Version ?? "no version"}. Publish again; the next publish removes this one's files.");
        }

        await UploadAsync(ManifestPath, bytes, cancellationToken).ConfigureAwait(false);
        await RemoveOldVersionsAsync(manifest, now, cancellationToken).ConfigureAwait(false);
        return manifest;
    }

    /// <summary>The current manifest, or null before the first publish.</summary>
    public Task<SemanticManifest?> CurrentAsync(CancellationToken cancellationToken = default) => ReadManifestAsync(ManifestPath, cancellationToken);

    /// <summary>The IANA area of a time zone ("Europe/London" → "Europe"); the whole id when it has none.</summary>
    public static string Region(string timeZone)
    {
        ArgumentNullException.ThrowIfNull(timeZone);
        var slash = timeZone.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 ? timeZone[..slash] : timeZone;
    }

    /// <summary>
    /// dim_date: every day of every month any fact refers to (a store-day, the Monday of its week, a target's month, an
    /// alert's day), so no fact row falls out of a visual sliced by date. A day is provisional when some store's row
    /// for it is. The store-days come as their months' spans, which is all the calendar needs of them: the first day's
    /// Monday is the earliest day they refer to and the last day the latest.
    /// </summary>
    private static SemanticDate[] Calendar(IReadOnlyList<SemanticPartSpan> storeDays, IReadOnlyList<SemanticTarget> targets, IReadOnlyList<SemanticPartSpan> alerts)
    {
        var referenced = storeDays.SelectMany(p => new[] { DetailFacts.WeekStart(p.First), p.Last })
            .Concat(targets.Select(t => t.Month))
            .Concat(alerts.SelectMany(p => new[] { p.First, p.Last }))
            .ToList();
        if (referenced.Count == 0)
        {
            return [];
        }

        var provisional = storeDays.SelectMany(p => p.Provisional).ToHashSet();
        var first = StoreCalendar.MonthStart(referenced.Min());
        var last = StoreCalendar.MonthStart(referenced.Max()).AddMonths(1).AddDays(-1);
        return [.. Enumerable.Range(first.DayNumber, last.DayNumber - first.DayNumber + 1)
            .Select(DateOnly.FromDayNumber)
            .Select(d => new SemanticDate(d, provisional.Contains(d)))];
    }

    /// <summary>
    /// fact_store_day's month parts, reading from KpiDaily only the months whose change mark (<see cref="MonthChanges"/>)
    /// differs from the one the previous version recorded on that month's file; the others keep the previous file and
    /// its span unread. Without a previous version, or one written before marks were recorded, every month is read,
    /// and a month that has rows but no mark yet (written before marks existed) is given one, so the next publish can
    /// tell. The marks are read before the rows, so a write that lands during the read moves a mark already read.
    /// </summary>
    private async IAsyncEnumerable<(string? Part, IReadOnlyList<KpiDailyRow>? Rows)> StoreDayPartsAsync(
        SemanticManifest? previous, DateTimeOffset now, SortedDictionary<string, (string Marker, SemanticPartSpan Span)> spans,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var repository = new KpiDailyRepository(_storage.Tables, _catalog);
        var changes = KpiDailyRepository.Changes(_storage.Tables);
        var marks = await changes.ReadAsync(cancellationToken).ConfigureAwait(false);
        var before = (previous?.Tables.FirstOrDefault(t => t.Name == SemanticTables.StoreDaysName)?.Files ?? [])
            .Where(f => f.Part is not null).ToDictionary(f => f.Part!, StringComparer.Ordinal);
        var tracked = previous is not null && before.Values.All(f => f.Marker is not null && f.Span is not null && marks.ContainsKey(MonthOf(f.Part!)));
        if (!tracked)
        {
            // Every month is read; which months have rows is found from the keys, one entity at a time, so the rows
            // themselves are read a month at a time below.
            var months = new SortedSet<string>(StringComparer.Ordinal);
            await foreach (var e in _storage.Tables.QueryAsync(TableNames.Daily, new TableQuery { PartitionKeyFrom = "2000-01-01", PartitionKeyTo = StoreCalendar.Format(DateOnly.FromDateTime(now.UtcDateTime).AddDays(2)) }, cancellationToken).ConfigureAwait(false))
            {
                months.Add(e.PartitionKey[..7]);
            }

            marks = await changes.MarksOfAsync([.. months], marks, cancellationToken).ConfigureAwait(false);
            before.Clear();
        }

        foreach (var (month, mark) in marks.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            var part = "month=" + month;
            if (before.TryGetValue(part, out var kept) && kept.Marker == mark)
            {
                spans[part] = (mark, kept.Span!);
                yield return (part, null);
                continue;
            }

            // A marked month without rows (its writes wrote none) has no file, and is read again next time: an empty query.
            var rows = await repository.QueryMonthAsync(month, cancellationToken).ConfigureAwait(false);
            if (rows.Count == 0)
            {
                continue;
            }

            var ordered = rows.OrderBy(r => r.Date).ThenBy(r => r.StoreId, StringComparer.Ordinal).ToArray();
            spans[part] = (mark, new SemanticPartSpan(ordered[0].Date, ordered[^1].Date, ordered.Length,
                [.. ordered.Where(r => r.Provisional).Select(r => r.Date).Distinct()]));
            yield return (part, ordered);
        }
    }

    /// <summary>
    /// fact_alerts' month parts, reading from KpiAlerts only the months whose change mark (<see cref="Alerts.AlertsStep.Changes"/>)
    /// differs from the one the previous version recorded on that month's file. Without a previous version of the table
    /// by month (the first publish, or one from before alerts were marked) every alert is read once, and months with
    /// alerts but no mark are given one. A month whose alerts the retention removed has no file.
    /// </summary>
    private async IAsyncEnumerable<(string? Part, IReadOnlyList<Core.Alerts.KpiAlert>? Rows)> AlertPartsAsync(
        SemanticManifest? previous, SortedDictionary<string, (string Marker, SemanticPartSpan Span)> spans, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var changes = Alerts.AlertsStep.Changes(_storage.Tables);
        var marks = await changes.ReadAsync(cancellationToken).ConfigureAwait(false);
        var entry = previous?.Tables.FirstOrDefault(t => t.Name == SemanticTables.Alerts.Name);
        var before = (entry?.Files ?? []).Where(f => f.Part is not null).ToDictionary(f => f.Part!, StringComparer.Ordinal);
        var tracked = entry is not null && entry.Files.All(f => f.Part is not null && f.Marker is not null && f.Span is not null && marks.ContainsKey(MonthOf(f.Part)));
        Dictionary<string, List<Core.Alerts.KpiAlert>>? all = null;
        if (!tracked)
        {
            all = (await Alerts.AlertsStep.ListAsync(_storage.Tables, cancellationToken).ConfigureAwait(false))
                .GroupBy(a => MonthChanges.Month(a.Date)).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
            marks = await changes.MarksOfAsync([.. all.Keys], marks, cancellationToken).ConfigureAwait(false);
            before.Clear();
        }

        foreach (var (month, mark) in marks.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            var part = "month=" + month;
            if (before.TryGetValue(part, out var kept) && kept.Marker == mark)
            {
                spans[part] = (mark, kept.Span!);
                yield return (part, null);
                continue;
            }

            var first = DateOnly.ParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
            IReadOnlyList<Core.Alerts.KpiAlert> rows = all is not null
                ? all[month]
                : await Alerts.AlertsStep.ListAsync(_storage.Tables, first, first.AddMonths(1).AddDays(-1), cancellationToken).ConfigureAwait(false);
            if (rows.Count == 0)
            {
                continue;
            }

            spans[part] = (mark, new SemanticPartSpan(rows[0].Date, rows[^1].Date, rows.Count, []));
            yield return (part, rows);
        }
    }

    private static string MonthOf(string part) => part.StartsWith("month=", StringComparison.Ordinal) ? part["month=".Length..] : part;

    private async Task<SemanticTarget[]> ReadTargetsAsync(IReadOnlyDictionary<string, string> currencies, CancellationToken cancellationToken)
    {
        var targets = new List<SemanticTarget>();
        await foreach (var e in _storage.Tables.QueryAsync(TableNames.Targets, new TableQuery(), cancellationToken).ConfigureAwait(false))
        {
            if (e.RowKey.StartsWith("gmv|", StringComparison.Ordinal) && e.GetDecimal("Gmv") is { } gmv && currencies.TryGetValue(e.PartitionKey, out var currency)
                && DateOnly.TryParseExact(e.RowKey[4..] + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month))
            {
                targets.Add(new SemanticTarget(e.PartitionKey, month, currency, gmv));
            }
        }

        return [.. targets.OrderBy(t => t.StoreId, StringComparer.Ordinal).ThenBy(t => t.Month)];
    }

    /// <summary>
    /// One part per month of a per-store-day curated dataset the compute step writes (its partitions read by the month
    /// of their day, a week's by its Monday's), reading only the months whose change mark (<see cref="MonthChanges"/>
    /// of the dataset) differs from the one the previous version recorded on that month's file; the others are null:
    /// keep the previous file. Only a changed month's partitions are listed (prefix <c>date=yyyy-MM-</c>, and <c>month=yyyy-MM/</c> for the datasets
    /// kept a file per store-month), so a nightly
    /// publish neither lists nor rereads two years of SKU-days. Without a previous version of the table, or one a file of
    /// which has no mark (written before marks, or its month's mark gone), the whole dataset is listed once to find its
    /// months, those without a mark are given one, and every month is read. The marks are read before any listing, so
    /// a write that lands during the read moves a mark already read. The mark of each part yielded goes into
    /// <paramref name="marked"/> under "table/part".
    /// </summary>
    private async IAsyncEnumerable<(string? Part, IReadOnlyList<T>? Rows)> MarkedMonthPartsAsync<T>(
        CuratedTable<T> table, string semanticTable, SemanticManifest? previous, Dictionary<string, string> marked,
        Func<IEnumerable<T>, IEnumerable<T>> order, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // kpi_product_day and kpi_live_session are a file per store-month (CuratedStore.MonthPartitionPath); a store-month
        // the compute step has not rewritten since may still be a file per day (the layout before), read as such.
        var byMonth = table.Name is DetailFacts.ProductDayDataset or ScorecardFacts.LiveSessionDataset;
        var changes = new MonthChanges(_storage.Tables, table.Name);
        var marks = await changes.ReadAsync(cancellationToken).ConfigureAwait(false);
        var entry = previous?.Tables.FirstOrDefault(t => t.Name == semanticTable);
        var before = (entry?.Files ?? []).Where(f => f.Part is not null).ToDictionary(f => f.Part!, StringComparer.Ordinal);
        var tracked = entry is not null && before.Values.All(f => f.Marker is not null && marks.ContainsKey(MonthOf(f.Part!)));
        if (!tracked)
        {
            var months = new SortedSet<string>(StringComparer.Ordinal);
            await foreach (var blob in _storage.Blobs.ListAsync($"curated/{table.Name}/", cancellationToken).ConfigureAwait(false))
            {
                if (CuratedStore.TryParsePartitionPath(table.Name, blob.Path, out _, out var date)
                    || (byMonth && CuratedStore.TryParseMonthPartitionPath(table.Name, blob.Path, out _, out date)))
                {
                    months.Add(MonthChanges.Month(date));
                }
            }

            marks = await changes.MarksOfAsync([.. months], marks, cancellationToken).ConfigureAwait(false);
            before.Clear();
        }

        var curated = new CuratedStore(_storage.Blobs);
        foreach (var (month, mark) in marks.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            var part = "month=" + month;
            if (before.TryGetValue(part, out var kept) && kept.Marker == mark)
            {
                marked[semanticTable + "/" + part] = mark;
                yield return (part, null);
                continue;
            }

            // The month's partitions only; a marked month with none (its weeks all deleted) has no file, and is listed
            // again next time: an empty listing.
            var rows = new List<T>();
            var monthStores = new HashSet<string>(StringComparer.Ordinal);
            if (byMonth)
            {
                var files = new List<(string Store, DateOnly Month)>();
                await foreach (var blob in _storage.Blobs.ListAsync($"curated/{table.Name}/month={month}/", cancellationToken).ConfigureAwait(false))
                {
                    if (CuratedStore.TryParseMonthPartitionPath(table.Name, blob.Path, out var store, out var first))
                    {
                        files.Add((store, first));
                    }
                }

                foreach (var (store, first) in files.OrderBy(f => f.Store, StringComparer.Ordinal))
                {
                    monthStores.Add(store);
                    rows.AddRange(await curated.ReadMonthAsync(table, store, first, cancellationToken).ConfigureAwait(false) ?? []);
                }
            }

            var keys = new List<(string Store, DateOnly Date)>();
            await foreach (var blob in _storage.Blobs.ListAsync($"curated/{table.Name}/date={month}-", cancellationToken).ConfigureAwait(false))
            {
                if (CuratedStore.TryParsePartitionPath(table.Name, blob.Path, out var store, out var date) && !monthStores.Contains(store))
                {
                    keys.Add((store, date));
                }
            }

            foreach (var (store, date) in keys.OrderBy(k => k.Date).ThenBy(k => k.Store, StringComparer.Ordinal))
            {
                rows.AddRange(await curated.ReadAsync(table, store, date, cancellationToken).ConfigureAwait(false) ?? []);
            }

            if (rows.Count > 0)
            {
                marked[semanticTable + "/" + part] = mark;
                yield return (part, [.. order(rows)]);
            }
        }
    }

    /// <summary>
    /// Removes what publishes killed half way left: version folders that no manifest made current, so no reader started
    /// on them. Under the lease no other publish is writing one, so a folder other than the current version's is such a
    /// leftover when it has no manifest of its own (killed while writing files) or sorts after the current version (its
    /// manifest written, the switch not). Files a kept manifest lists stay, to be safe.
    /// </summary>
    private async Task RemoveLeftoversAsync(SemanticManifest? current, CancellationToken cancellationToken)
    {
        var files = await VersionFilesAsync(cancellationToken).ConfigureAwait(false);
        var leftovers = files
            .Where(v => v.Key != current?.Version && (!v.Value.Contains(VersionManifestPath(v.Key)) || current is null || string.CompareOrdinal(v.Key, current.Version) > 0))
            .Select(v => v.Key)
            .ToHashSet(StringComparer.Ordinal);
        if (leftovers.Count == 0)
        {
            return;
        }

        var kept = (await ManifestsAsync(files, cancellationToken).ConfigureAwait(false)).Where(m => !leftovers.Contains(m.Version)).ToList();
        if (current is not null)
        {
            kept.Add(current);
        }

        await RemoveAsync(files, leftovers, kept, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes versions replaced longer ago than the retention, keeping the current one and every file a kept version
    /// lists (a file shared from an old version stays as long as someone lists it).
    /// </summary>
    private async Task RemoveOldVersionsAsync(SemanticManifest current, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var files = await VersionFilesAsync(cancellationToken).ConfigureAwait(false);

        // A version counts as old from when the next one replaced it (readers may have started on it until then), not
        // from when it was made: after a week without publishes the version just replaced stays its full retention.
        var ordered = (await ManifestsAsync(files, cancellationToken).ConfigureAwait(false)).OrderBy(m => m.Version, StringComparer.Ordinal).ToList();
        var kept = new List<SemanticManifest> { current };
        var expired = new List<string>();
        for (var i = 0; i < ordered.Count; i++)
        {
            if (ordered[i].Version == current.Version)
            {
                continue;
            }

            if (i + 1 < ordered.Count && now - ordered[i + 1].CreatedUtc >= _retention)
            {
                expired.Add(ordered[i].Version);
            }
            else
            {
                kept.Add(ordered[i]);
            }
        }

        await RemoveAsync(files, expired, kept, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every version folder's files, by version.</summary>
    private async Task<Dictionary<string, List<string>>> VersionFilesAsync(CancellationToken cancellationToken)
    {
        var files = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await foreach (var blob in _storage.Blobs.ListAsync("semantic/v=", cancellationToken).ConfigureAwait(false))
        {
            var version = blob.Path["semantic/v=".Length..].Split('/')[0];
            (files.TryGetValue(version, out var list) ? list : files[version] = []).Add(blob.Path);
        }

        return files;
    }

    /// <summary>The manifests of the version folders that have one of their own.</summary>
    private async Task<List<SemanticManifest>> ManifestsAsync(Dictionary<string, List<string>> files, CancellationToken cancellationToken)
    {
        var manifests = new List<SemanticManifest>();
        foreach (var (version, paths) in files)
        {
            if (paths.Contains(VersionManifestPath(version)) && await ReadManifestAsync(VersionManifestPath(version), cancellationToken).ConfigureAwait(false) is { } manifest)
            {
                manifests.Add(manifest);
            }
        }

        return manifests;
    }

    private static string VersionManifestPath(string version) => $"semantic/v={version}/manifest.json";

    /// <summary>
    /// Deletes the versions' files except those a kept manifest lists; each version's manifest last, so a version whose
    /// removal died half way is found again next time.
    /// </summary>
    private async Task RemoveAsync(Dictionary<string, List<string>> files, IEnumerable<string> versions, List<SemanticManifest> kept, CancellationToken cancellationToken)
    {
        var listed = kept.SelectMany(m => m.Tables).SelectMany(t => t.Files).Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var version in versions)
        {
            foreach (var path in files[version].Where(p => !listed.Contains(p)).OrderBy(p => p.EndsWith("/manifest.json", StringComparison.Ordinal)))
            {
                await _storage.Blobs.DeleteIfExistsAsync(path, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<SemanticManifest?> ReadManifestAsync(string path, CancellationToken cancellationToken)
    {
        var stream = await _storage.Blobs.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
        if (stream is null)
        {
            return null;
        }

        await using (stream.ConfigureAwait(false))
        {
            try
            {
                return await JsonSerializer.DeserializeAsync<SemanticManifest>(stream, Json, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidDataException($"{_storage.Blobs.Describe(path)} is empty.");
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{_storage.Blobs.Describe(path)} is not a semantic manifest: {ex.Message}", ex);
            }
        }
    }

    private async Task UploadAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(bytes);
        await _storage.Blobs.UploadAsync(path, content, new BlobUploadOptions { ContentType = "application/json" }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes one version's files, sharing any whose bytes equal the previous version's file of the same table and part.</summary>
    private sealed class VersionWriter(IBlobStore blobs, string version, SemanticManifest? previous, CancellationToken cancellationToken)
    {
        /// <summary>Writes the parts; a part with null rows keeps the previous version's file of that part (read by no one here).</summary>
        public Task<SemanticTableEntry> WriteAsync<T>(CuratedTable<T> table, IReadOnlyList<(string? Part, IReadOnlyList<T>? Rows)> parts) =>
            WriteAsync(table, Each(parts));

        /// <summary>
        /// Writes the parts as they come, so only one is held at a time; a part with null rows keeps the previous
        /// version's file of that part. <paramref name="annotate"/> adds what the table records per file (a change mark,
        /// a span) to each, kept or new, once its part has come.
        /// </summary>
        public async Task<SemanticTableEntry> WriteAsync<T>(CuratedTable<T> table, IAsyncEnumerable<(string? Part, IReadOnlyList<T>? Rows)> parts, Func<string?, SemanticFile, SemanticFile>? annotate = null)
        {
            annotate ??= (_, file) => file;
            var files = new List<SemanticFile>();
            var before = previous?.Tables.FirstOrDefault(t => t.Name == table.Name)?.Files ?? [];
            await foreach (var (part, maybeRows) in parts.ConfigureAwait(false))
            {
                if (maybeRows is not { } rows)
                {
                    var kept = before.FirstOrDefault(f => f.Part == part)
                        ?? throw new InvalidOperationException($"{table.Name} {part}: kept from the previous version, which has no such file.");
                    files.Add(annotate(part, kept));
                    continue;
                }

                var bytes = await table.WriteAsync(rows, cancellationToken).ConfigureAwait(false);
                var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
                if (before.FirstOrDefault(f => f.Part == part && f.Sha256 == hash) is { } same && await blobs.ExistsAsync(same.Path, cancellationToken).ConfigureAwait(false))
                {
                    files.Add(annotate(part, same));
                    continue;
                }

                var path = $"semantic/v={version}/{table.Name}/" + (part is null ? "" : part + "/") + CuratedStore.PartFile;
                using var content = new MemoryStream(bytes);
                await blobs.UploadAsync(path, content, new BlobUploadOptions { ContentType = "application/vnd.apache.parquet" }, cancellationToken).ConfigureAwait(false);
                files.Add(annotate(part, new SemanticFile(path, part, rows.Count, bytes.Length, hash)));
            }

            return Entry(table, files);
        }

        private static SemanticTableEntry Entry<T>(CuratedTable<T> table, List<SemanticFile> files) =>
            new(
                table.Name,
                table.Description,
                files.Sum(f => f.Rows),
                files,
                [.. table.Columns.Select(c => new SemanticColumn(c.Name, c.Type.ToString(), !c.Required, c.Meaning, c.Unit))]);

        private static async IAsyncEnumerable<(string? Part, IReadOnlyList<T>? Rows)> Each<T>(IReadOnlyList<(string? Part, IReadOnlyList<T>? Rows)> parts)
        {
            foreach (var part in parts)
            {
                yield return part;
            }

            await Task.CompletedTask.ConfigureAwait(false);
        }
    }
}

/// <summary>What a version of the semantic dataset holds; <c>semantic/manifest.json</c> is the current one.</summary>
/// <param name="Version">Version id (the publish time, yyyyMMddTHHmmssfffZ).</param>
/// <param name="CreatedUtc">When it was published.</param>
/// <param name="RunId">The run whose publish step wrote it.</param>
/// <param name="Watermark">How far the data goes.</param>
/// <param name="Tables">Its tables.</param>
public sealed record SemanticManifest(string Version, DateTimeOffset CreatedUtc, string RunId, SemanticWatermark Watermark, IReadOnlyList<SemanticTableEntry> Tables);

/// <summary>How far the data goes.</summary>
/// <param name="LastDate">The latest store-local day with figures.</param>
/// <param name="ProvisionalFrom">The earliest day whose figures may still change, or null.</param>
/// <param name="StoreDays">Rows of fact_store_day.</param>
public sealed record SemanticWatermark(DateOnly? LastDate, DateOnly? ProvisionalFrom, int StoreDays);

/// <summary>One table of a version.</summary>
/// <param name="Name">Table name.</param>
/// <param name="Description">What a row is.</param>
/// <param name="Rows">Rows over all its files.</param>
/// <param name="Files">Its Parquet files (some may be shared from an earlier version's folder).</param>
/// <param name="Schema">Its columns.</param>
public sealed record SemanticTableEntry(string Name, string Description, long Rows, IReadOnlyList<SemanticFile> Files, IReadOnlyList<SemanticColumn> Schema);

/// <summary>One Parquet file of a table.</summary>
/// <param name="Path">Blob path (container first, e.g. semantic/v=.../fact_store_day/month=2026-11/part-00000.parquet).</param>
/// <param name="Part">The partition it holds (month=yyyy-MM), or null for a one-file table.</param>
/// <param name="Rows">Rows in it.</param>
/// <param name="Bytes">Its size.</param>
/// <param name="Sha256">SHA-256 of its bytes, hex.</param>
public sealed record SemanticFile(string Path, string? Part, long Rows, long Bytes, string Sha256)
{
    /// <summary>
    /// The change mark of the source month this file was read from (<see cref="MonthChanges"/>), for a month part of a
    /// fact the publisher reads incrementally; null otherwise. The next publish reads the month again only when the
    /// mark has moved.
    /// </summary>
    public string? Marker { get; init; }

    /// <summary>The days the file's rows cover, for a month part of fact_store_day; null otherwise.</summary>
    public SemanticPartSpan? Span { get; init; }
}

/// <summary>The days a month part's rows cover: what the calendar and the watermark need of a month they do not read.</summary>
/// <param name="First">Its first day with a row.</param>
/// <param name="Last">Its last day with a row.</param>
/// <param name="Rows">Its rows.</param>
/// <param name="Provisional">Its days some row of which is provisional, in order.</param>
public sealed record SemanticPartSpan(DateOnly First, DateOnly Last, long Rows, IReadOnlyList<DateOnly> Provisional);

/// <summary>A column of a table.</summary>
/// <param name="Name">Column name.</param>
/// <param name="Type">Value type: Boolean, Int32, Int64, Decimal, String, Date or Timestamp.</param>
/// <param name="Nullable">Whether it may be null.</param>
/// <param name="Meaning">What it holds.</param>
/// <param name="Unit">Its unit.</param>
public sealed record SemanticColumn(string Name, string Type, bool Nullable, string Meaning, string Unit);
