using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Validation;
using KpiFunctions.Pipeline.Curated;
using KpiFunctions.Pipeline.Registry;
using KpiFunctions.Sources;
using KpiFunctions.Storage.Blobs;

namespace KpiFunctions.Pipeline.Steps;

/// <summary>
/// Fetches one store's days: raw pages to raw/, records validated, bad ones to quarantine/ with their reasons,
/// good ones to curated/ (each store-day partition replaced whole, so a re-run gives the same files).
/// </summary>
public sealed class FetchStoreStep
{
    private readonly KpiStorage _storage;
    private readonly IStoreSource _source;
    private readonly CuratedStore _curated;

    /// <summary>Creates the step.</summary>
    public FetchStoreStep(KpiStorage storage, IStoreSource source)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(source);
        _storage = storage;
        _source = source;
        _curated = new CuratedStore(storage.Blobs);
    }

    /// <summary>Fetches the message's days; reports each finished day.</summary>
    public async Task<StoreFetchResult> FetchAsync(FetchStoreMessage message, IProgress<DateOnly>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var store = await new StoreRegistry(_storage.Tables).GetAsync(message.StoreId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Store '{message.StoreId}' of run {message.RunId} is not in the registry; add it with 'kpi stores import <file>' and start the run again.");
        var zone = StoreCalendar.ResolveZone(store.TimeZone);

        // The product list comes first: the stock read with it is what a day's fetch keeps as that day's stock.
        var notes = new FetchNotes();
        var (rows, quarantined) = await FetchProductsAsync(message, store, notes, cancellationToken).ConfigureAwait(false);

        // Fees are read before the days, so each day is curated with them.
        var (fees, badFees) = await ReadFeesAsync(message, store, notes, cancellationToken).ConfigureAwait(false);
        quarantined += badFees;
        DateOnly? feesCorrectedFrom = null;
        var days = 0;
        var creators = new Dictionary<string, Creator>(StringComparer.Ordinal);
        for (var date = message.From; date <= message.To; date = date.AddDays(1))
        {
            cancellationToken.ThrowIfCancellationRequested();
            SourceBatch batch;
            if (_source is IRawPageStreamingSource streaming)
            {
                // Each page is stored the moment it arrives, before anything else is done with it.
                var day = date;
                batch = await streaming.FetchDayAsync(store, date, (page, ct) => WriteRawPageAsync(message.RunId, store.Id, day, page, ct), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                batch = await _source.FetchDayAsync(store, date, cancellationToken).ConfigureAwait(false);
            }

            await WriteRawAsync(message.RunId, batch, cancellationToken).ConfigureAwait(false);
            if (batch.NothingNew)
            {
                // Nothing for this day from the source: what is curated stays; a day never curated stays not fetched.
                days++;
                progress?.Report(date);
                continue;
            }

            foreach (var note in batch.Notes)
            {
                notes.Note(date, note);
            }

            if (_source is IFeeSource)
            {
                batch = batch with { Orders = await WithFeesAsync(store, date, batch.Orders, fees, notes, cancellationToken).ConfigureAwait(false) };
            }

            var (written, bad, seen) = await CurateAsync(message.RunId, store, zone, batch, notes, cancellationToken).ConfigureAwait(false);
            rows += written;
            quarantined += bad;
            foreach (var creator in seen)
            {
                creators[creator.CreatorId] = creators.TryGetValue(creator.CreatorId, out var known) ? known.Merge(creator) : creator;
            }

            days++;
            progress?.Report(date);
        }

        // Once per store, not per day; a fetch that fails before this leaves the dimension as it was, and running the
        // window again adds its creators.
        await MergeCreatorsAsync(store, creators.Values, cancellationToken).ConfigureAwait(false);

        // Last, so a store whose fetch fails earlier does not leave corrected days that nothing computes again.
        var late = await ApplyLateChangesAsync(message, store, zone, fees, cancellationToken).ConfigureAwait(false);
        if (fees is not null)
        {
            feesCorrectedFrom = await ApplyFeesToEarlierDaysAsync(message, store, fees, notes, cancellationToken).ConfigureAwait(false);
        }

        if (_source is ICompletingSource completing)
        {
            await completing.StoreFetchedAsync(store, message.From, message.To, cancellationToken).ConfigureAwait(false);
        }

        return new StoreFetchResult(store.Id, days, rows + late.Rows, quarantined + late.Quarantined)
        {
            CorrectedFrom = (late.CorrectedFrom, feesCorrectedFrom) switch
            {
                ({ } a, { } b) => a < b ? a : b,
                var (a, b) => a ?? b,
            },
            Notes = notes.Lines(),
        };
    }

    /// <summary>
    /// When the source can find them, orders placed before the window that changed inside it replace their old
    /// version on the day they were placed. A new version that fails validation removes the old one (as a re-fetch of
    /// that day would) and is quarantined. A change that moves a KPI (payment, cancellation, amounts, lines, sample
    /// flag, buyer) makes the day's KPIs be computed again: the earliest such day is returned. A day never fetched is
    /// left alone: a backfill of it reads it whole. If the run fails after this, running the same window again finds
    /// the same changes.
    /// </summary>
    private async Task<(long Rows, long Quarantined, DateOnly? CorrectedFrom)> ApplyLateChangesAsync(FetchStoreMessage message, Store store, TimeZoneInfo zone, FeeReading? fees, CancellationToken cancellationToken)
    {
        if (_source is not ILateChangeSource late)
        {
            return (0, 0, null);
        }

        var (changed, rejected) = await late.FetchLateChangesAsync(store, message.From, message.To, (page, ct) => WriteRawPageAsync(message.RunId, store.Id, message.To, page, ct), cancellationToken).ConfigureAwait(false);
        var quarantine = rejected.Select(r => Entry(message.RunId, store.Id, message.To, r)).ToList();
        long rows = 0;
        DateOnly? earliest = null;
        foreach (var day in changed.GroupBy(o => StoreCalendar.LocalDate(o.CreatedUtc, zone)).Where(g => g.Key < message.From).OrderBy(g => g.Key))
        {
            var orders = await _curated.ReadAsync(CuratedTables.Orders, store.Id, day.Key, cancellationToken).ConfigureAwait(false);
            if (orders is null)
            {
                continue;
            }

            var lines = await _curated.ReadAsync(CuratedTables.OrderLines, store.Id, day.Key, cancellationToken).ConfigureAwait(false) ?? [];
            var oldOrders = orders.ToDictionary(o => o.OrderId, StringComparer.Ordinal);
            var oldLines = lines.ToLookup(l => l.OrderId, StringComparer.Ordinal);
            var replaced = new HashSet<string>(StringComparer.Ordinal);
            var good = new List<Order>();
            var movesKpis = false;
            foreach (var changedOrder in day)
            {
                var old = oldOrders.GetValueOrDefault(changedOrder.OrderId);
                var order = _source is IFeeSource ? WithFee(changedOrder, old, fees) : changedOrder;
                var problems = RecordValidator.Validate(order, store);
                if (problems.Count > 0)
                {
                    quarantine.Add(new QuarantineEntry(message.RunId, Datasets.Orders, store.Id, day.Key, order.OrderId, problems, JsonSerializer.Serialize(order, CuratedStore.Json)));
                    movesKpis |= old is not null;
                    replaced.Add(order.OrderId);
                    continue;
                }

                var oldVersion = old is null ? null : old with { Lines = [.. oldLines[old.OrderId].Select(l => new OrderLine(l.LineId, l.SkuId, l.ProductId, l.ProductName, l.Quantity, l.SalePrice, l.OriginalPrice))] };
                if (oldVersion is not null && oldVersion with { UpdatedUtc = order.UpdatedUtc, Lines = order.Lines } == order && oldVersion.Lines.SequenceEqual(order.Lines))
                {
                    continue; // only its update time moved
                }

                movesKpis |= oldVersion is null || !SameForKpis(oldVersion, order);
                replaced.Add(order.OrderId);
                good.Add(order);
            }

            if (replaced.Count == 0)
            {
                continue;
            }

            var newLines = lines.Where(l => !replaced.Contains(l.OrderId)).Concat(good.SelectMany(LinesOf)).ToArray();
            var newOrders = orders.Where(o => !replaced.Contains(o.OrderId)).Concat(good.Select(o => o with { Lines = [] }))
                .OrderBy(o => o.CreatedUtc).ThenBy(o => o.OrderId, StringComparer.Ordinal).ToArray();

            // Lines first and orders last, as in a day's fetch.
            await _curated.WriteAsync(CuratedTables.OrderLines, store.Id, day.Key, newLines, cancellationToken).ConfigureAwait(false);
            await _curated.WriteAsync(CuratedTables.Orders, store.Id, day.Key, newOrders, cancellationToken).ConfigureAwait(false);
            rows += good.Count;
            if (movesKpis)
            {
                earliest ??= day.Key;
            }
        }

        await ReplaceQuarantineAsync($"quarantine/orders_changed/store={store.Id}/{CuratedStore.QuarantineFile}", quarantine, cancellationToken).ConfigureAwait(false);
        return (rows, quarantine.Count, earliest);
    }

    /// <summary>
    /// The order fees of a source that reads them apart from the orders, over its own window of placing days. Records
    /// it could not read are quarantined (under the window's last day); a reading that cannot be made at all leaves the
    /// fees curated before and says so.
    /// </summary>
    private async Task<(FeeReading? Fees, long Quarantined)> ReadFeesAsync(FetchStoreMessage message, Store store, FetchNotes notes, CancellationToken cancellationToken)
    {
        if (_source is not IFeeSource source)
        {
            return (null, 0);
        }

        var reading = await source.FetchFeesAsync(store, message.From, message.To, (page, ct) => WriteRawPageAsync(message.RunId, store.Id, message.To, page, ct), cancellationToken).ConfigureAwait(false);
        foreach (var line in reading.Notes)
        {
            notes.Note(message.To, line);
        }

        var quarantine = reading.Rejected.Select(r => Entry(message.RunId, store.Id, message.To, r)).ToList();
        await ReplaceQuarantineAsync($"quarantine/{Datasets.OrderFees}/store={store.Id}/{CuratedStore.QuarantineFile}", quarantine, cancellationToken).ConfigureAwait(false);
        if (reading.Unavailable is { } why)
        {
            notes.Add(Datasets.OrderFees, null, "not read, the fees curated before stay and new orders' fees are unknown (the next run within the finance lookback reads them again; check the store's authorisation has the finance scope): " + why);
            return (null, quarantine.Count);
        }

        return (reading, quarantine.Count);
    }

    /// <summary>
    /// A day's orders with their fees: the reading's where it lists the order, else the fee its curated version had
    /// (an order not listed now keeps what an earlier reading gave it). Estimates replaced by settlements are noted.
    /// </summary>
    private async Task<IReadOnlyList<Order>> WithFeesAsync(Store store, DateOnly date, IReadOnlyList<Order> orders, FeeReading? fees, FetchNotes notes, CancellationToken cancellationToken)
    {
        var curated = await _curated.ReadAsync(CuratedTables.Orders, store.Id, date, cancellationToken).ConfigureAwait(false) ?? [];
        var previous = new Dictionary<string, Order>(StringComparer.Ordinal);
        foreach (var order in curated)
        {
            previous.TryAdd(order.OrderId, order);
        }

        var result = orders.Select(o => WithFee(o, previous.GetValueOrDefault(o.OrderId), fees)).ToArray();
        NoteSettlements(store, date, curated, result, notes);
        return result;
    }

    /// <summary>
    /// The fee reading applied to the days it covers before the fetched ones: a day whose orders' fees changed is
    /// written again (orders only; lines stay), and the earliest day where a GMV order's fee moved is returned, so its
    /// KPIs are computed again. Days never fetched are left alone.
    /// </summary>
    private async Task<DateOnly?> ApplyFeesToEarlierDaysAsync(FetchStoreMessage message, Store store, FeeReading fees, FetchNotes notes, CancellationToken cancellationToken)
    {
        DateOnly? earliest = null;
        for (var day = fees.PlacedFrom; day < message.From; day = day.AddDays(1))
        {
            var orders = await _curated.ReadAsync(CuratedTables.Orders, store.Id, day, cancellationToken).ConfigureAwait(false);
            if (orders is null || !orders.Any(o => fees.Fees.ContainsKey(o.OrderId)))
            {
                continue;
            }

            var updated = orders.Select(o => WithFee(o, null, fees)).ToArray();
            if (updated.SequenceEqual(orders))
            {
                continue;
            }

            await _curated.WriteAsync(CuratedTables.Orders, store.Id, day, updated, cancellationToken).ConfigureAwait(false);
            if (NoteSettlements(store, day, orders, updated, notes))
            {
                earliest ??= day;
            }
        }

        return earliest;
    }

    /// <summary>The order with its fee from the reading, else the one its earlier version had.</summary>
    private static Order WithFee(Order order, Order? previous, FeeReading? fees) =>
        fees is not null && fees.Fees.TryGetValue(order.OrderId, out var fee)
            ? order with { PlatformFee = fee.PlatformFee, PlatformFeeSettled = fee.Settled }
            : order.PlatformFee is null && previous?.PlatformFee is not null
                ? order with { PlatformFee = previous.PlatformFee, PlatformFeeSettled = previous.PlatformFeeSettled }
                : order;

    /// <summary>
    /// Notes the GMV orders of a day whose estimated fee a settlement replaced, with the day's fees before and after;
    /// true when any GMV order's fee moved (the day's platform_fees changes).
    /// </summary>
    private static bool NoteSettlements(Store store, DateOnly day, IReadOnlyList<Order> before, IReadOnlyList<Order> after, FetchNotes notes)
    {
        var old = new Dictionary<string, Order>(StringComparer.Ordinal);
        foreach (var order in before.Where(o => o.CountsAsGmv))
        {
            old.TryAdd(order.OrderId, order);
        }

        var settled = 0;
        var moved = false;
        foreach (var order in after.Where(o => o.CountsAsGmv))
        {
            if (!old.TryGetValue(order.OrderId, out var was))
            {
                continue;
            }

            moved |= was.PlatformFee != order.PlatformFee;
            if (was.PlatformFeeSettled == false && order.PlatformFeeSettled == true && was.PlatformFee != order.PlatformFee)
            {
                settled++;
            }
        }

        if (settled > 0)
        {
            static string Sum(IEnumerable<Order> orders) => orders.Any(o => o.PlatformFee is null)
                ? "unknown"
                : orders.Sum(o => o.PlatformFee!.Value).ToString("0.00##", CultureInfo.InvariantCulture);
            notes.Note(day, string.Create(CultureInfo.InvariantCulture,
                $"platform fees of {settled} order(s) settled, replacing their estimates: the day's platform fees went from {Sum(before.Where(o => o.CountsAsGmv))} to {Sum(after.Where(o => o.CountsAsGmv))} {store.Currency}"));
        }

        return moved;
    }

    /// <summary>
    /// Whether two versions of an order give the same measures: a status move between shipping states changes
    /// nothing the catalog counts; payment, cancellation, amounts, lines, the sample flag and the buyer do.
    /// </summary>
    private static bool SameForKpis(Order a, Order b) =>
        a.PaidUtc == b.PaidUtc && (a.Status == OrderStatus.Cancelled) == (b.Status == OrderStatus.Cancelled) && (a.Status == OrderStatus.Unpaid) == (b.Status == OrderStatus.Unpaid)
        && a with { UpdatedUtc = b.UpdatedUtc, Status = b.Status, Lines = b.Lines } == b && a.Lines.SequenceEqual(b.Lines);

    private static QuarantineEntry Entry(string runId, string storeId, DateOnly date, RejectedRecord r) =>
        new(runId, r.Dataset, storeId, date, r.RecordKey, [r.Reason], r.Json);

    /// <summary>Writes a quarantine file, or removes the one an earlier fetch left when nothing is bad now.</summary>
    private async Task ReplaceQuarantineAsync(string path, IReadOnlyList<QuarantineEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count > 0)
        {
            await WriteQuarantineAsync(path, entries, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _storage.Blobs.DeleteIfExistsAsync(path, cancellationToken).ConfigureAwait(false);
        }
    }

    private static IEnumerable<CuratedOrderLine> LinesOf(Order o) => o.Lines.Select(l =>
        new CuratedOrderLine(o.StoreId, o.OrderId, l.LineId, l.SkuId, l.ProductId, l.ProductName, l.Quantity, l.SalePrice, l.OriginalPrice));

    /// <summary>
    /// The product dimension, when the source lists products: pages kept under the window's last day, bad SKUs
    /// quarantined, the rest replacing the store's products; the stock read with them becomes the inventory of the day
    /// it stands for (all of it, or none when a SKU's stock is bad). A source without a catalogue, or one whose list
    /// cannot be read now, leaves what is curated.
    /// </summary>
    private async Task<(long Rows, long Quarantined)> FetchProductsAsync(FetchStoreMessage message, Store store, FetchNotes notes, CancellationToken cancellationToken)
    {
        if (_source is not IProductCatalogSource catalog)
        {
            return (0, 0);
        }

        var listing = await catalog.FetchProductsAsync(store, (page, ct) => WriteRawPageAsync(message.RunId, store.Id, message.To, page, ct), cancellationToken).ConfigureAwait(false);
        if (listing.Unavailable is { } why)
        {
            notes.Add(Datasets.Products, null, "not read, the products curated before stay: " + why);
            return (0, 0);
        }

        var entries = listing.Rejected.Select(r => Entry(message.RunId, store.Id, message.To, r)).ToList();
        var good = new List<ProductSku>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sku in listing.Skus)
        {
            var problems = RecordValidator.Validate(sku, store);
            if (!seen.Add(sku.SkuId))
            {
                problems = [.. problems, $"duplicate SKU '{sku.SkuId}' in the product list (the first one is kept)"];
            }

            if (problems.Count == 0)
            {
                good.Add(sku);
            }
            else
            {
                entries.Add(new QuarantineEntry(message.RunId, Datasets.Products, store.Id, message.To, sku.SkuId, problems, JsonSerializer.Serialize(sku, CuratedStore.Json)));
            }
        }

        long stockRows = 0;
        if (listing.Stock is { } stock)
        {
            var stockSeen = new HashSet<string>(StringComparer.Ordinal);
            var badStock = 0;
            foreach (var snapshot in stock.Units)
            {
                var problems = RecordValidator.Validate(snapshot, store).ToList();
                if (snapshot.Date != stock.Day)
                {
                    problems.Add($"dated {snapshot.Date:yyyy-MM-dd}, not {stock.Day:yyyy-MM-dd}");
                }

                if (!stockSeen.Add(snapshot.SkuId))
                {
                    problems.Add($"duplicate SKU '{snapshot.SkuId}' in the stock reading");
                }

                if (problems.Count > 0)
                {
                    badStock++;
                    entries.Add(new QuarantineEntry(message.RunId, Datasets.InventoryDaily, store.Id, stock.Day, snapshot.SkuId, problems, JsonSerializer.Serialize(snapshot, CuratedStore.Json)));
                }
            }

            if (badStock == 0)
            {
                await _curated.WriteAsync(CuratedTables.InventoryDaily, store.Id, stock.Day, stock.Units, cancellationToken).ConfigureAwait(false);
                stockRows = stock.Units.Count;
            }
        }

        await ReplaceQuarantineAsync($"quarantine/{Datasets.Products}/store={store.Id}/{CuratedStore.QuarantineFile}", entries, cancellationToken).ConfigureAwait(false);
        await _curated.WriteReferenceAsync(CuratedTables.Products, store.Id, good, cancellationToken).ConfigureAwait(false);
        return (good.Count + stockRows, entries.Count);
    }

    /// <summary>
    /// The creators seen in this fetch merged into the store's creator dimension: one seen before keeps its earliest
    /// first day and gains the content types and last day seen now; one not seen now stays as it was.
    /// </summary>
    private async Task MergeCreatorsAsync(Store store, IEnumerable<Creator> seen, CancellationToken cancellationToken)
    {
        var fresh = seen.ToArray();
        if (fresh.Length == 0)
        {
            return;
        }

        var stored = await _curated.ReadReferenceAsync(CuratedTables.Creators, store.Id, cancellationToken).ConfigureAwait(false) ?? [];
        var merged = stored.ToDictionary(c => c.CreatorId, StringComparer.Ordinal);
        foreach (var creator in fresh)
        {
            merged[creator.CreatorId] = merged.TryGetValue(creator.CreatorId, out var known) ? known.Merge(creator) : creator;
        }

        await _curated.WriteReferenceAsync(CuratedTables.Creators, store.Id, [.. merged.Values.OrderBy(c => c.CreatorId, StringComparer.Ordinal)], cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteRawAsync(string runId, SourceBatch batch, CancellationToken cancellationToken)
    {
        foreach (var page in batch.RawPages)
        {
            await WriteRawPageAsync(runId, batch.Store.Id, batch.Date, page, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WriteRawPageAsync(string runId, string storeId, DateOnly date, RawPage page, CancellationToken cancellationToken)
    {
        var path = string.Create(CultureInfo.InvariantCulture,
            $"raw/{_source.Name}/{page.Stream}/store={storeId}/date={StoreCalendar.Format(date)}/{runId}-{page.Page:D5}.json.gz");
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(page.Json.Span);
        }

        buffer.Position = 0;
        await _storage.Blobs.UploadAsync(path, buffer, new BlobUploadOptions { ContentType = "application/json", ContentEncoding = "gzip" }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(long Rows, long Quarantined, IReadOnlyList<Creator> Creators)> CurateAsync(string runId, Store store, TimeZoneInfo zone, SourceBatch batch, FetchNotes notes, CancellationToken cancellationToken)
    {
        var date = batch.Date;
        var quarantine = new List<QuarantineEntry>();
        foreach (var rejected in batch.Rejected)
        {
            quarantine.Add(Entry(runId, store.Id, date, rejected));
        }

        List<T> Keep<T>(string dataset, IEnumerable<T> records, Func<T, string> key, Func<T, IReadOnlyList<string>> check)
        {
            var good = new List<T>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var record in records)
            {
                var problems = check(record);
                if (!seen.Add(key(record)))
                {
                    // A source that repeats a record (a page fetched twice) must not double GMV or stock.
                    problems = [.. problems, $"duplicate {dataset} id '{key(record)}' in this store-day (the first one is kept)"];
                }

                if (problems.Count == 0)
                {
                    good.Add(record);
                }
                else
                {
                    quarantine.Add(new QuarantineEntry(runId, dataset, store.Id, date, key(record), problems, JsonSerializer.Serialize(record, CuratedStore.Json)));
                }
            }

            return good;
        }

        IReadOnlyList<string> OnDay(IReadOnlyList<string> problems, DateTimeOffset instant, string what)
        {
            var local = StoreCalendar.LocalDate(instant, zone);
            return local == date ? problems : [.. problems, $"{what} {instant:O} is {local:yyyy-MM-dd} in {store.TimeZone}, not {date:yyyy-MM-dd}"];
        }

        IReadOnlyList<string> SameDay(IReadOnlyList<string> problems, DateOnly recordDate) =>
            recordDate == date ? problems : [.. problems, $"dated {recordDate:yyyy-MM-dd}, not {date:yyyy-MM-dd}"];

        var orders = Keep(Datasets.Orders, batch.Orders, o => o.OrderId, o => OnDay(RecordValidator.Validate(o, store), o.CreatedUtc, "created"));
        var refunds = Keep(Datasets.Refunds, batch.Refunds, r => r.RefundId, r => r.Status == RefundStatus.Completed && r.CompletedUtc is { } done
            ? OnDay(RecordValidator.Validate(r, store), done, "completed")
            : [.. RecordValidator.Validate(r, store), $"status {r.Status}: only completed refunds are curated (they count on the day the money went back)"]);
        // A cancellation is kept on the day its order was placed; one of an order placed another day is not this day's.
        var dayOrders = batch.Orders.Select(o => o.OrderId).ToHashSet(StringComparer.Ordinal);
        var cancellations = Keep(Datasets.Cancellations, batch.Cancellations, c => c.CancelId, c => dayOrders.Contains(c.OrderId)
            ? RecordValidator.Validate(c, store)
            : [.. RecordValidator.Validate(c, store), $"its order '{c.OrderId}' is not among the orders placed on {date:yyyy-MM-dd} (a cancellation is kept on its order's day)"]);
        var traffic = Keep<TrafficDaily>(Datasets.TrafficDaily, batch.Traffic is null ? [] : [batch.Traffic], _ => "traffic", t => SameDay(RecordValidator.Validate(t, store), t.Date));
        var productDays = Keep(Datasets.ProductDaily, batch.ProductDays, d => d.ProductId, d => SameDay(RecordValidator.Validate(d, store), d.Date));
        var live = Keep(Datasets.LiveSessions, batch.LiveSessions, s => s.SessionId, s => OnDay(RecordValidator.Validate(s, store), s.StartUtc, "started"));
        var videos = Keep(Datasets.Videos, batch.Videos, v => v.VideoId, v => SameDay(RecordValidator.Validate(v, store), v.Date));
        var ads = Keep(Datasets.AdsDaily, batch.Ads, a => a.CampaignId, a => SameDay(RecordValidator.Validate(a, store), a.Date));
        var service = Keep<ServiceDaily>(Datasets.ServiceDaily, batch.Service is null ? [] : [batch.Service], _ => "service", s => SameDay(RecordValidator.Validate(s, store), s.Date));
        var inventory = Keep(Datasets.InventoryDaily, batch.Inventory, i => i.SkuId, i => SameDay(RecordValidator.Validate(i, store), i.Date));

        var lines = orders.SelectMany(LinesOf).ToArray();
        var orderRows = orders.Select(o => o with { Lines = [] }).ToArray();

        // The creator dimension is made of the curated orders, so its key is always an orders.creator_id.
        var creators = orders.Where(o => !string.IsNullOrWhiteSpace(o.CreatorId)).GroupBy(o => o.CreatorId!, StringComparer.Ordinal)
            .Select(g => new Creator(store.Id, g.Key, Creator.JoinContentTypes(g.Select(o => batch.AffiliateContent.GetValueOrDefault(o.OrderId) ?? "")), date, date))
            .ToArray();

        // A dataset the source cannot read again keeps what is curated; with nothing curated it is not fetched.
        var notFetched = new Dictionary<string, string>(batch.NotFetched, StringComparer.Ordinal);
        var kept = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (dataset, reason) in batch.KeepIfCurated)
        {
            if (dataset is Datasets.Orders or Datasets.OrderLines or Datasets.Refunds || !Datasets.PerDay.Contains(dataset) || batch.NotFetched.ContainsKey(dataset))
            {
                throw new InvalidOperationException($"Source {_source.Name} asked to keep '{dataset}' of store {store.Id} on {date:yyyy-MM-dd} as curated; only traffic, LIVE, video, ads, service and inventory datasets can be kept, and not when also declared not fetched.");
            }

            if (await _storage.Blobs.ExistsAsync(CuratedStore.PartitionPath(dataset, store.Id, date), cancellationToken).ConfigureAwait(false))
            {
                kept.Add(dataset);
            }
            else
            {
                notFetched[dataset] = reason;
            }
        }

        // A dataset the source did not fetch gets no partition (an old one is removed) and is listed with its reason,
        // so its measures come out unknown rather than zero.
        async Task WriteAsync<T>(CuratedTable<T> table, IReadOnlyList<T> rows)
        {
            if (kept.Contains(table.Name))
            {
                return;
            }

            if (notFetched.ContainsKey(table.Name))
            {
                await _storage.Blobs.DeleteIfExistsAsync(CuratedStore.PartitionPath(table.Name, store.Id, date), cancellationToken).ConfigureAwait(false);
                return;
            }

            await _curated.WriteAsync(table, store.Id, date, rows, cancellationToken).ConfigureAwait(false);
        }

        foreach (var (dataset, reason) in notFetched)
        {
            notes.Add(dataset, date, reason);
        }

        var notFetchedPath = CuratedStore.NotFetchedPath(store.Id, date);
        if (notFetched.Count > 0)
        {
            using var manifest = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(notFetched.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value)));
            await _storage.Blobs.UploadAsync(notFetchedPath, manifest, new BlobUploadOptions { ContentType = "application/json" }, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _storage.Blobs.DeleteIfExistsAsync(notFetchedPath, cancellationToken).ConfigureAwait(false);
        }

        await WriteAsync(CuratedTables.OrderLines, lines).ConfigureAwait(false);
        await WriteAsync(CuratedTables.Refunds, refunds).ConfigureAwait(false);
        await WriteAsync(CuratedTables.Cancellations, cancellations).ConfigureAwait(false);
        await WriteAsync(CuratedTables.TrafficDaily, traffic).ConfigureAwait(false);
        await WriteAsync(CuratedTables.ProductDaily, productDays).ConfigureAwait(false);
        await WriteAsync(CuratedTables.LiveSessions, live).ConfigureAwait(false);
        await WriteAsync(CuratedTables.Videos, videos).ConfigureAwait(false);
        await WriteAsync(CuratedTables.AdsDaily, ads).ConfigureAwait(false);
        await WriteAsync(CuratedTables.ServiceDaily, service).ConfigureAwait(false);
        await WriteAsync(CuratedTables.InventoryDaily, inventory).ConfigureAwait(false);
        if (batch.Platform is { } platform)
        {
            await _curated.WriteAsync(CuratedTables.PlatformDaily, store.Id, date, [platform], cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _storage.Blobs.DeleteIfExistsAsync(CuratedStore.PartitionPath(Datasets.PlatformDaily, store.Id, date), cancellationToken).ConfigureAwait(false);
        }

        // The orders partition is what marks a store-day as fetched, so it is written last: a fetch that dies
        // half-way leaves the day looking unfetched, not fetched with missing pieces.
        await _curated.WriteAsync(CuratedTables.Orders, store.Id, date, orderRows, cancellationToken).ConfigureAwait(false);

        // A clean re-fetch clears what an earlier fetch of this store-day quarantined.
        await ReplaceQuarantineAsync($"quarantine/date={StoreCalendar.Format(date)}/store={store.Id}/{CuratedStore.QuarantineFile}", quarantine, cancellationToken).ConfigureAwait(false);

        long rows = orderRows.Length + lines.Length + refunds.Count + cancellations.Count + traffic.Count + productDays.Count + live.Count + videos.Count + ads.Count + service.Count + inventory.Count;
        return (rows, quarantine.Count, creators);
    }

    private async Task WriteQuarantineAsync(string path, IReadOnlyList<QuarantineEntry> entries, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(CuratedStore.EncodeJsonLines(entries));
        await _storage.Blobs.UploadAsync(path, content, new BlobUploadOptions { ContentType = "application/x-ndjson", ContentEncoding = "gzip" }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// What a store's fetch could not read, for the run's ledger: per dataset, the days it was not fetched and the first
    /// reason given (a line per dataset, so a month of missing LIVE data is one line, not thirty).
    /// </summary>
    private sealed class FetchNotes
    {
        private readonly SortedDictionary<string, (List<DateOnly> Days, string Reason)> _byDataset = new(StringComparer.Ordinal);

        public void Add(string dataset, DateOnly? day, string reason)
        {
            if (!_byDataset.TryGetValue(dataset, out var entry))
            {
                _byDataset[dataset] = entry = ([], reason);
            }

            if (day is { } d)
            {
                entry.Days.Add(d);
            }
        }

        private readonly List<string> _source = [];

        /// <summary>A line the source gave for a day (it says what it noticed), kept as given with its day.</summary>
        public void Note(DateOnly day, string line) => _source.Add($"{line} (on {StoreCalendar.Format(day)})");

        public IReadOnlyList<string> Lines() => [.. _byDataset.Select(p => p.Value.Days.Count switch
        {
            0 => $"{p.Key}: {p.Value.Reason}",
            1 => $"{p.Key} not fetched on {StoreCalendar.Format(p.Value.Days[0])}: {p.Value.Reason}",
            var n => string.Create(CultureInfo.InvariantCulture, $"{p.Key} not fetched on {n} days ({StoreCalendar.Format(p.Value.Days.Min())} to {StoreCalendar.Format(p.Value.Days.Max())}): {p.Value.Reason}"),
        }), .. _source];
    }
}
