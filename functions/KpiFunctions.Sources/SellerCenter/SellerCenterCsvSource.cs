using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Privacy;
using KpiFunctions.Storage.Blobs;

namespace KpiFunctions.Sources.SellerCenter;

/// <summary>
/// Orders of stores without API access, from Seller Center order exports dropped as CSV files in
/// <c>inbox/&lt;store id&gt;/</c> of the blob store (a folder locally, a container in Azure). One row per order line;
/// the columns are <see cref="Columns"/> (the README lists them). A file covers the store-local days from its first
/// to its last order; a day no file covers has nothing new (what is curated stays). Bad rows are rejected with their
/// reasons (the whole order with them); personal columns are never read. After a store's fetch, each file whose
/// days all lay inside the fetched window moves to <c>archive/&lt;store id&gt;/</c> without its personal columns (the buyer only as a salted hash); a file reaching outside it stays
/// in the inbox for the run that covers those days.
/// </summary>
public sealed class SellerCenterCsvSource : IStoreSource, ICompletingSource
{
    /// <summary>The columns read; any others (recipient, phone, address, e-mail…) are ignored.</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        "Order ID", "Order Status", "Created Time", "Paid Time", "Buyer Username", "SKU ID", "Product ID", "Product Name", "Quantity",
        "SKU Unit Original Price", "SKU Unit Sale Price", "Shipping Fee", "Platform Discount", "Taxes", "Order Amount", "Is Sample",
    ];

    /// <summary>The archived export's stand-in for Buyer Username: its salted hash, so a replay counts the same buyers.</summary>
    public const string BuyerHashColumn = "Buyer Username Hash";

    private static readonly string[] TimeFormats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "dd/MM/yyyy HH:mm:ss", "yyyy/MM/dd HH:mm:ss"];
    private readonly IBlobStore _blobs;
    private readonly BuyerIdHasher _hasher;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Task<Inbox>> _inboxes = new(StringComparer.Ordinal);

    /// <summary>Creates the source over a blob store's inbox.</summary>
    public SellerCenterCsvSource(IBlobStore blobs, BuyerIdHasher hasher, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(hasher);
        ArgumentNullException.ThrowIfNull(time);
        _blobs = blobs;
        _hasher = hasher;
        _time = time;
    }

    /// <inheritdoc />
    public string Name => "seller-center-csv";

    /// <summary>Datasets a Seller Center order export does not hold.</summary>
    public static IReadOnlyDictionary<string, string> NotFetchedDatasets { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["traffic_daily"] = "Seller Center order exports hold no traffic",
        ["product_daily"] = "Seller Center order exports hold no per-product traffic",
        ["live_sessions"] = "Seller Center order exports hold no LIVE figures",
        ["videos"] = "Seller Center order exports hold no video figures",
        ["ads_daily"] = "Seller Center order exports hold no ad figures",
        ["service_daily"] = "Seller Center order exports hold no customer service figures",
        ["inventory_daily"] = "Seller Center order exports hold no inventory",
        ["cancellations"] = "Seller Center order exports, as this source reads them, hold no cancellation records (who cancelled an order and why)",
    };

    /// <inheritdoc />
    public async Task<SourceBatch> FetchDayAsync(Store store, DateOnly date, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var inbox = await _inboxes.GetOrAdd(store.Id, _ => LoadAsync(store, cancellationToken)).ConfigureAwait(false);
        var covering = inbox.Files.Where(f => f.Covers(date)).ToList();
        if (covering.Count == 0)
        {
            return new SourceBatch(store, date, [], [], [], null, [], [], [], null, [], []) { NothingNew = true };
        }

        // A later file (by name) replaces an earlier one's version of the same order.
        var orders = new Dictionary<string, Order>(StringComparer.Ordinal);
        var rejected = new List<RejectedRecord>();
        var repeated = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in covering)
        {
            foreach (var order in file.Orders.Where(o => o.Date == date))
            {
                if (orders.ContainsKey(order.Order.OrderId))
                {
                    repeated.Add(order.Order.OrderId);
                }

                orders[order.Order.OrderId] = order.Order;
            }

            rejected.AddRange(file.Rejected.Where(r => r.Date == date).Select(r => r.Record));
        }

        var pages = covering.Select((f, i) => new RawPage("orders_csv", i, JsonSerializer.SerializeToUtf8Bytes(new { file = f.Path, orders = f.Orders.Where(o => o.Date == date).Select(o => o.Order) }))).ToList();
        return new SourceBatch(store, date, pages, [.. orders.Values.OrderBy(o => o.CreatedUtc).ThenBy(o => o.OrderId, StringComparer.Ordinal)], [], null, [], [], [], null, [], rejected)
        {
            NotFetched = NotFetchedDatasets,
            Notes = repeated.Count == 0 ? [] :
            [
                string.Create(CultureInfo.InvariantCulture, $"orders: {repeated.Count} order(s) appear in more than one export ({string.Join(", ", repeated.Take(5))}{(repeated.Count > 5 ? ", …" : "")}); each is counted once, as the last file by name has it"),
            ],
        };
    }

    /// <inheritdoc />
    public async Task StoreFetchedAsync(Store store, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (!_inboxes.TryGetValue(store.Id, out var loading))
        {
            return;
        }

        var inbox = await loading.ConfigureAwait(false);
        var stamp = _time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        foreach (var file in inbox.Files.Where(f => f.First >= from && f.Last <= to))
        {
            var content = await _blobs.OpenReadAsync(file.Path, cancellationToken).ConfigureAwait(false);
            if (content is null)
            {
                continue;
            }

            string text;
            await using (content.ConfigureAwait(false))
            {
                using var bytes = new MemoryStream();
                await content.CopyToAsync(bytes, cancellationToken).ConfigureAwait(false);
                text = Decode(file.Path, bytes.GetBuffer().AsSpan(0, (int)bytes.Length));
            }

            // Copy first, delete after: a crash between the two leaves the file in both places, never in neither.
            using var archived = new MemoryStream(new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(WithoutPersonalData(text)));
            await _blobs.UploadAsync($"archive/{store.Id}/{stamp}-{file.Path[(file.Path.LastIndexOf('/') + 1)..]}", archived, new BlobUploadOptions { ContentType = "text/csv" }, cancellationToken).ConfigureAwait(false);
            await _blobs.DeleteIfExistsAsync(file.Path, cancellationToken).ConfigureAwait(false);
        }

        _inboxes.TryRemove(store.Id, out _);
    }

    private async Task<Inbox> LoadAsync(Store store, CancellationToken cancellationToken)
    {
        var files = new List<InboxFile>();
        await foreach (var item in _blobs.ListAsync($"inbox/{store.Id}/", cancellationToken).ConfigureAwait(false))
        {
            if (!item.Path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var content = await _blobs.OpenReadAsync(item.Path, cancellationToken).ConfigureAwait(false);
            if (content is not null)
            {
                await using (content.ConfigureAwait(false))
                {
                    using var bytes = new MemoryStream();
                    await content.CopyToAsync(bytes, cancellationToken).ConfigureAwait(false);
                    files.Add(Parse(store, item.Path, Decode(item.Path, bytes.GetBuffer().AsSpan(0, (int)bytes.Length))));
                }
            }
        }

        return new Inbox([.. files.OrderBy(f => f.Path, StringComparer.Ordinal)]);
    }

    /// <summary>
    /// The export's text: UTF-16 when its byte-order mark declares it, else UTF-8 (with or without a mark), checked
    /// strictly. A file in another encoding (a Latin-1 'CSV' from Excel) is refused naming its first bad line, never
    /// stored with its accents turned into replacement characters.
    /// </summary>
    internal static string Decode(string path, ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            var utf16 = new UnicodeEncoding(bigEndian: bytes[0] == 0xFE, byteOrderMark: true, throwOnInvalidBytes: true);
            try
            {
                return utf16.GetString(bytes[2..]);
            }
            catch (DecoderFallbackException e)
            {
                // Like a bad UTF-8 byte: the file is wrong in itself, so retrying cannot help.
                var before = bytes[2..Math.Clamp(e.Index + 2, 2, bytes.Length)];
                var line = 1;
                for (var i = 0; i + 1 < before.Length; i += 2)
                {
                    line += (bytes[0] == 0xFE ? before[i] == 0 && before[i + 1] == '\n' : before[i] == '\n' && before[i + 1] == 0) ? 1 : 0;
                }

                throw new SellerExportException(string.Create(CultureInfo.InvariantCulture,
                    $"{path} is not valid UTF-16: line {line} has a broken character (a cut or damaged export?). Export it again from Seller Center and drop it in the inbox again"), e);
            }
        }

        var body = bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? bytes[3..] : bytes;
        var chars = new char[body.Length];
        var status = System.Text.Unicode.Utf8.ToUtf16(body, chars, out var read, out var written, replaceInvalidSequences: false);
        if (status != System.Buffers.OperationStatus.Done)
        {
            var line = body[..read].Count((byte)'\n') + 1;
            throw new SellerExportException(string.Create(CultureInfo.InvariantCulture,
                $"{path} is not UTF-8: line {line} has the byte 0x{body[read]:X2}, which UTF-8 does not allow there (a Latin-1 or Windows-1252 export?). Save the export as UTF-8 (Excel: 'CSV UTF-8') and drop it in the inbox again"));
        }

        return new string(chars, 0, written);
    }

    /// <summary>
    /// The export as it is archived: only the columns this source reads, with Buyer Username replaced by its salted
    /// hash (<see cref="BuyerHashColumn"/>). Names, phones, addresses and e-mails never reach the archive, and a file
    /// moved back to the inbox gives the same orders and buyers.
    /// </summary>
    private string WithoutPersonalData(string text)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture) { DetectDelimiter = true, BadDataFound = null, MissingFieldFound = null };
        using var reader = new StringReader(text);
        using var csv = new CsvReader(reader, config);
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var writer = new CsvWriter(output, CultureInfo.InvariantCulture);
        if (!csv.Read() || !csv.ReadHeader())
        {
            return "";
        }

        var header = csv.HeaderRecord!;
        var kept = Columns.Where(c => c != "Buyer Username").Where(c => header.Contains(c, StringComparer.OrdinalIgnoreCase)).ToList();
        var hasBuyer = header.Contains("Buyer Username", StringComparer.OrdinalIgnoreCase) || header.Contains(BuyerHashColumn, StringComparer.OrdinalIgnoreCase);
        foreach (var column in kept.Append(hasBuyer ? BuyerHashColumn : null).OfType<string>())
        {
            writer.WriteField(column);
        }

        writer.NextRecord();
        while (csv.Read())
        {
            foreach (var column in kept)
            {
                writer.WriteField(csv.TryGetField<string>(column, out var value) ? value : "");
            }

            if (hasBuyer)
            {
                var hash = csv.TryGetField<string>(BuyerHashColumn, out var h) && !string.IsNullOrWhiteSpace(h) ? h
                    : csv.TryGetField<string>("Buyer Username", out var buyer) && !string.IsNullOrWhiteSpace(buyer) ? _hasher.Hash(buyer.Trim())
                    : "";
                writer.WriteField(hash);
            }

            writer.NextRecord();
        }

        writer.Flush();
        return output.ToString();
    }

    /// <summary>Reads one export: rows grouped by order id; an order with any bad row is rejected whole, with every reason.</summary>
    private InboxFile Parse(Store store, string path, string content)
    {
        var zone = StoreCalendar.ResolveZone(store.TimeZone);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture) { TrimOptions = TrimOptions.Trim, DetectDelimiter = true, BadDataFound = null };
        using var reader = new StringReader(content);
        using var csv = new CsvReader(reader, config);
        if (!csv.Read() || !csv.ReadHeader())
        {
            return InboxFile.Unreadable(path, $"{path} has no header row");
        }

        var missing = Columns.Where(c => c is not ("Product ID" or "Is Sample" or "Paid Time" or "Buyer Username") && !csv.HeaderRecord!.Contains(c, StringComparer.OrdinalIgnoreCase)).ToList();
        if (missing.Count > 0)
        {
            return InboxFile.Unreadable(path, $"{path} lacks the column(s) {string.Join(", ", missing)}; the README lists the columns of a Seller Center order export");
        }

        var rows = new List<Row>();
        while (csv.Read())
        {
            rows.Add(ReadRow(csv, path, zone));
        }

        var orders = new List<(DateOnly, Order)>();
        var rejected = new List<(DateOnly?, RejectedRecord)>();
        foreach (var group in rows.GroupBy(r => r.OrderId ?? "#" + r.Line.ToString(CultureInfo.InvariantCulture), StringComparer.Ordinal))
        {
            var first = group.First();
            var problems = group.SelectMany(r => r.Problems.Select(p => $"line {r.Line}: {p}")).ToList();
            if (group.Select(r => r.CreatedUtc).Distinct().Count() > 1)
            {
                problems.Add("the order's lines disagree on Created Time");
            }

            var date = first.CreatedUtc is { } c ? StoreCalendar.LocalDate(c, zone) : (DateOnly?)null;
            var json = JsonSerializer.Serialize(group.Select(r => r.Fields));
            if (first.CreatedUtc > _time.GetUtcNow().AddMinutes(5))
            {
                problems.Add($"Created Time {first.CreatedUtc:O} is in the future");
            }

            if (problems.Count > 0 || first.OrderId is null || date is null)
            {
                rejected.Add((date, new RejectedRecord("orders", first.OrderId ?? $"{path}#{first.Line}", string.Join("; ", problems), json)));
                continue;
            }

            var lines = group.Select(r => new OrderLine($"{r.OrderId}-{r.Line}", r.SkuId!, r.ProductId ?? r.SkuId!, r.ProductName ?? "", r.Quantity, r.SalePrice, r.OriginalPrice)).ToList();
            var subtotal = lines.Sum(l => l.SalePrice * l.Quantity);
            var sellerDiscount = lines.Sum(l => (l.OriginalPrice - l.SalePrice) * l.Quantity);
            var total = subtotal - first.PlatformDiscount + first.Shipping + first.Taxes;
            if (first.OrderAmount != total)
            {
                rejected.Add((date, new RejectedRecord("orders", first.OrderId, $"Order Amount {first.OrderAmount} is not the lines' {subtotal} - platform discount {first.PlatformDiscount} + shipping {first.Shipping} + taxes {first.Taxes} = {total}", json)));
                continue;
            }

            orders.Add((date.Value, new Order(
                store.Id, first.OrderId, first.CreatedUtc!.Value, first.PaidUtc, first.PaidUtc ?? first.CreatedUtc.Value, first.Status, store.Currency,
                subtotal, first.Shipping, sellerDiscount, first.PlatformDiscount, first.Taxes, total, first.IsSample,
                Channel: null, CreatorId: null, first.BuyerHash ?? _hasher.Hash(first.Buyer ?? "unknown:" + first.OrderId), PlatformFee: null, AffiliateCommission: null, lines)));
        }

        // The days a file covers come from its rows' days, but a row dated in the future (rejected) does not stretch them.
        var today = StoreCalendar.LocalDate(_time.GetUtcNow(), zone);
        var dates = orders.Select(o => o.Item1).Concat(rejected.Where(r => r.Item1 <= today).Select(r => r.Item1!.Value)).ToList();
        var undated = rejected.Where(r => r.Item1 is null || r.Item1 > today).Select(r => r.Item2).ToList();
        var firstDay = dates.Count > 0 ? dates.Min() : (DateOnly?)null;
        return new InboxFile(
            path,
            firstDay ?? DateOnly.MaxValue,
            dates.Count > 0 ? dates.Max() : DateOnly.MinValue,
            [.. orders.Select(o => new DatedOrder(o.Item1, o.Item2))],
            [.. rejected.Where(r => r.Item1 <= today).Select(r => new DatedRejection(r.Item1!.Value, r.Item2)),
             .. undated.Select(r => new DatedRejection(firstDay ?? DateOnly.MinValue, r))]);
    }

    private Row ReadRow(CsvReader csv, string path, TimeZoneInfo zone)
    {
        var problems = new List<string>();
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (csv.Parser.Count != csv.HeaderRecord!.Length)
        {
            // A stray separator shifts every later field: a row of another width is never read as if it fitted.
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"the line has {csv.Parser.Count} fields where the header has {csv.HeaderRecord.Length}"));
        }

        string? Get(string name)
        {
            var value = csv.TryGetField<string>(name, out var v) ? v : null;
            if (value is not null && name is not ("Buyer Username" or BuyerHashColumn))
            {
                fields[name] = value;
            }

            return string.IsNullOrWhiteSpace(value) ? null : value;
        }

        decimal Money(string name, bool required = true)
        {
            var text = Get(name);
            if (text is null)
            {
                if (required)
                {
                    problems.Add($"{name} is missing");
                }

                return 0;
            }

            if (!decimal.TryParse(text.Replace(",", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                problems.Add($"{name} '{text}' is not an amount");
                return 0;
            }

            if (value < 0)
            {
                problems.Add($"{name} {value} is negative");
            }

            return value;
        }

        DateTimeOffset? Time(string name, bool required)
        {
            var text = Get(name);
            if (text is null)
            {
                if (required)
                {
                    problems.Add($"{name} is missing");
                }

                return null;
            }

            if (!DateTime.TryParseExact(text, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            {
                problems.Add($"{name} '{text}' is not a time (yyyy-MM-dd HH:mm:ss, store-local)");
                return null;
            }

            // Seller Center shows store-local times; an ambiguous autumn hour is read as its first occurrence.
            return new DateTimeOffset(local, zone.GetUtcOffset(local));
        }

        var orderId = Get("Order ID");
        if (orderId is null)
        {
            problems.Add("Order ID is missing");
        }

        var statusText = Get("Order Status") ?? "";
        var status = statusText.Replace(" ", "_", StringComparison.Ordinal).ToUpperInvariant() switch
        {
            "UNPAID" => OrderStatus.Unpaid,
            "ON_HOLD" => OrderStatus.OnHold,
            "TO_SHIP" or "AWAITING_SHIPMENT" => OrderStatus.AwaitingShipment,
            "AWAITING_COLLECTION" => OrderStatus.AwaitingCollection,
            "SHIPPED" or "IN_TRANSIT" => OrderStatus.InTransit,
            "DELIVERED" => OrderStatus.Delivered,
            "COMPLETED" => OrderStatus.Completed,
            "CANCELED" or "CANCELLED" => OrderStatus.Cancelled,
            _ => (OrderStatus?)null,
        };
        if (status is null)
        {
            problems.Add($"Order Status '{statusText}' is not a status we know");
        }

        var quantityText = Get("Quantity");
        var quantity = 0;
        if (!int.TryParse(quantityText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out quantity) || quantity <= 0)
        {
            problems.Add($"Quantity '{quantityText}' is not a positive whole number");
        }

        var skuId = Get("SKU ID");
        if (skuId is null)
        {
            problems.Add("SKU ID is missing");
        }

        var created = Time("Created Time", required: true);
        var paid = Time("Paid Time", required: false);
        if (paid is not null && status == OrderStatus.Unpaid)
        {
            problems.Add("Order Status Unpaid but a Paid Time is set");
        }

        var sample = Get("Is Sample");
        return new Row(
            csv.Parser.Row, orderId, status ?? OrderStatus.Unpaid, created, paid, Get("Buyer Username"), Get(BuyerHashColumn), skuId, Get("Product ID"), Get("Product Name"), quantity,
            Money("SKU Unit Original Price"), Money("SKU Unit Sale Price"), Money("Shipping Fee", required: false), Money("Platform Discount", required: false),
            Money("Taxes", required: false), Money("Order Amount"), sample is not null && (sample.Equals("yes", StringComparison.OrdinalIgnoreCase) || sample.Equals("true", StringComparison.OrdinalIgnoreCase)),
            problems, fields);
    }

    private sealed record Row(
        int Line, string? OrderId, OrderStatus Status, DateTimeOffset? CreatedUtc, DateTimeOffset? PaidUtc, string? Buyer, string? BuyerHash, string? SkuId, string? ProductId,
        string? ProductName, int Quantity, decimal OriginalPrice, decimal SalePrice, decimal Shipping, decimal PlatformDiscount, decimal Taxes, decimal OrderAmount,
        bool IsSample, List<string> Problems, Dictionary<string, string> Fields);

    private sealed record DatedOrder(DateOnly Date, Order Order);

    private sealed record DatedRejection(DateOnly Date, RejectedRecord Record);

    private sealed record InboxFile(string Path, DateOnly First, DateOnly Last, IReadOnlyList<DatedOrder> Orders, IReadOnlyList<DatedRejection> Rejected)
    {
        public bool Covers(DateOnly date) => date >= First && date <= Last;

        public static InboxFile Unreadable(string path, string reason) =>
            throw new SellerExportException(reason);
    }

    private sealed record Inbox(IReadOnlyList<InboxFile> Files);
}
