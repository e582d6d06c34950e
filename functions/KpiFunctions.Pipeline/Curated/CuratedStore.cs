using System.IO.Compression;
using System.Text.Json;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Serialization;
using KpiFunctions.Storage.Blobs;

namespace KpiFunctions.Pipeline.Curated;

/// <summary>
/// Curated datasets as Parquet in Hive-style partitions, <c>curated/&lt;dataset&gt;/date=&lt;yyyy-MM-dd&gt;/store=&lt;id&gt;/part-00000.parquet</c>.
/// A write replaces the whole partition, so re-running a store-day is idempotent.
/// </summary>
public sealed class CuratedStore
{
    /// <summary>File name of a partition's only part.</summary>
    public const string PartFile = "part-00000.parquet";

    /// <summary>File name of quarantine parts (gzip JSON lines: records as received, for people to read).</summary>
    public const string QuarantineFile = "part-00000.jsonl.gz";

    private readonly IBlobStore _blobs;

    /// <summary>Creates the store over a blob store.</summary>
    public CuratedStore(IBlobStore blobs)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        _blobs = blobs;
    }

    /// <summary>How quarantined records are serialised (the records' one JSON shape).</summary>
    public static JsonSerializerOptions Json => RecordJson.Options;

    /// <summary>The blob path of a store-day partition.</summary>
    public static string PartitionPath(string dataset, string storeId, DateOnly date) =>
        $"curated/{dataset}/date={StoreCalendar.Format(date)}/store={storeId}/{PartFile}";

    /// <summary>
    /// The store and day of a path <see cref="PartitionPath"/> made for <paramref name="dataset"/>; false for any other
    /// path (another dataset's, a reference file, a stray blob).
    /// </summary>
    public static bool TryParsePartitionPath(string dataset, string path, out string storeId, out DateOnly date)
    {
        date = default;
        return TrySplit(dataset, path, "date", out var day, out storeId) && StoreCalendar.TryParse(day, out date) && PartitionPath(dataset, storeId, date) == path;
    }

    /// <summary>
    /// The blob path of a store-month partition, <c>curated/&lt;dataset&gt;/month=&lt;yyyy-MM&gt;/store=&lt;id&gt;/part-00000.parquet</c>:
    /// for a dataset of one wide row per store-day (kpi_store_day), whose files a day at a time would be mostly footer.
    /// </summary>
    public static string MonthPartitionPath(string dataset, string storeId, DateOnly month) =>
        $"curated/{dataset}/month={StoreCalendar.MonthStart(month):yyyy-MM}/store={storeId}/{PartFile}";

    /// <summary>
    /// The store and month of a path <see cref="MonthPartitionPath"/> made for <paramref name="dataset"/> (the month's
    /// first day); false for any other path.
    /// </summary>
    public static bool TryParseMonthPartitionPath(string dataset, string path, out string storeId, out DateOnly month)
    {
        month = default;
        return TrySplit(dataset, path, "month", out var text, out storeId) && StoreCalendar.TryParse(text + "-01", out month) && MonthPartitionPath(dataset, storeId, month) == path;
    }

    /// <summary>
    /// Splits <c>curated/&lt;dataset&gt;/&lt;key&gt;=&lt;value&gt;/store=&lt;id&gt;/part-00000.parquet</c> into its value and store
    /// id; false for a path of another shape. The callers check the value and that the path is the one they would make.
    /// </summary>
    private static bool TrySplit(string dataset, string path, string key, out string value, out string storeId)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(path);
        value = "";
        storeId = "";
        var prefix = $"curated/{dataset}/{key}=";
        var suffix = "/" + PartFile;
        if (!path.StartsWith(prefix, StringComparison.Ordinal) || !path.EndsWith(suffix, StringComparison.Ordinal) || path.Length < prefix.Length + suffix.Length)
        {
            return false;
        }

        var middle = path[prefix.Length..^suffix.Length];
        var slash = middle.IndexOf("/store=", StringComparison.Ordinal);
        if (slash < 0 || slash + "/store=".Length >= middle.Length)
        {
            return false;
        }

        value = middle[..slash];
        storeId = middle[(slash + "/store=".Length)..];
        return true;
    }

    /// <summary>
    /// The blob listing the datasets a source did not fetch for a store-day, with reasons (JSON object); absent when
    /// the source fetched everything. Finance's Parquet readers skip it: it is not under a dataset's folder.
    /// </summary>
    public static string NotFetchedPath(string storeId, DateOnly date) =>
        $"curated/_not_fetched/date={StoreCalendar.Format(date)}/store={storeId}.json";

    /// <summary>The blob path of a per-store reference dataset.</summary>
    public static string ReferencePath(string dataset, string storeId) => $"curated/{dataset}/store={storeId}/{PartFile}";

    /// <summary>Replaces a store-day partition.</summary>
    public Task WriteAsync<T>(CuratedTable<T> table, string storeId, DateOnly date, IReadOnlyList<T> rows, CancellationToken cancellationToken = default) =>
        WriteRowsAsync(table, PartitionPath(table.Name, storeId, date), rows, cancellationToken);

    /// <summary>Reads a store-day partition, or null when it was never written.</summary>
    public Task<IReadOnlyList<T>?> ReadAsync<T>(CuratedTable<T> table, string storeId, DateOnly date, CancellationToken cancellationToken = default) =>
        ReadRowsAsync(table, PartitionPath(table.Name, storeId, date), cancellationToken);

    /// <summary>Replaces a store-month partition (<see cref="MonthPartitionPath"/>) with the month's rows.</summary>
    public Task WriteMonthAsync<T>(CuratedTable<T> table, string storeId, DateOnly month, IReadOnlyList<T> rows, CancellationToken cancellationToken = default) =>
        WriteRowsAsync(table, MonthPartitionPath(table.Name, storeId, month), rows, cancellationToken);

    /// <summary>Reads a store-month partition, or null when it was never written.</summary>
    public Task<IReadOnlyList<T>?> ReadMonthAsync<T>(CuratedTable<T> table, string storeId, DateOnly month, CancellationToken cancellationToken = default) =>
        ReadRowsAsync(table, MonthPartitionPath(table.Name, storeId, month), cancellationToken);

    /// <summary>
    /// The rows of a dataset kept a file per store-month (<see cref="MonthPartitionPath"/>) for each of
    /// <paramref name="days"/>, by day. A month with a file gives every day asked for its rows (none: an empty list).
    /// A month without one is read from the files a day each the compute step wrote before it kept months
    /// (<see cref="PartitionPath"/>), and a day with neither is null.
    /// </summary>
    public async Task<IReadOnlyDictionary<DateOnly, IReadOnlyList<T>?>> ReadDaysAsync<T>(
        CuratedTable<T> table, string storeId, IReadOnlyCollection<DateOnly> days, Func<T, DateOnly> dayOf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(days);
        ArgumentNullException.ThrowIfNull(dayOf);
        var result = new Dictionary<DateOnly, IReadOnlyList<T>?>();
        foreach (var month in days.GroupBy(StoreCalendar.MonthStart).OrderBy(m => m.Key))
        {
            if (await ReadMonthAsync(table, storeId, month.Key, cancellationToken).ConfigureAwait(false) is { } rows)
            {
                var byDay = rows.GroupBy(dayOf).ToDictionary(g => g.Key, g => (IReadOnlyList<T>)[.. g]);
                foreach (var day in month)
                {
                    result[day] = byDay.GetValueOrDefault(day) ?? [];
                }
            }
            else
            {
                foreach (var day in month)
                {
                    result[day] = await ReadAsync(table, storeId, day, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Removes the files a day each (<see cref="PartitionPath"/>) of the store-months in <paramref name="written"/>, now
    /// that each has a month file: the layout before a dataset was kept by month. Only the months written are listed.
    /// </summary>
    public async Task DeleteDayFilesAsync(string dataset, IReadOnlyCollection<(string StoreId, DateOnly Month)> written, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(written);
        var keys = written.Select(w => (w.StoreId, Month: StoreCalendar.MonthStart(w.Month))).ToHashSet();
        foreach (var month in keys.Select(k => k.Month).Distinct())
        {
            var doomed = new List<string>();
            await foreach (var blob in _blobs.ListAsync($"curated/{dataset}/date={month:yyyy-MM}-", cancellationToken).ConfigureAwait(false))
            {
                if (TryParsePartitionPath(dataset, blob.Path, out var store, out var date) && keys.Contains((store, StoreCalendar.MonthStart(date))))
                {
                    doomed.Add(blob.Path);
                }
            }

            foreach (var path in doomed)
            {
                await _blobs.DeleteIfExistsAsync(path, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Replaces a per-store reference dataset.</summary>
    public Task WriteReferenceAsync<T>(CuratedTable<T> table, string storeId, IReadOnlyList<T> rows, CancellationToken cancellationToken = default) =>
        WriteRowsAsync(table, ReferencePath(table.Name, storeId), rows, cancellationToken);

    /// <summary>Reads a per-store reference dataset, or null.</summary>
    public Task<IReadOnlyList<T>?> ReadReferenceAsync<T>(CuratedTable<T> table, string storeId, CancellationToken cancellationToken = default) =>
        ReadRowsAsync(table, ReferencePath(table.Name, storeId), cancellationToken);

    /// <summary>Serialises records as gzip JSON lines (quarantine files).</summary>
    public static byte[] EncodeJsonLines<T>(IReadOnlyList<T> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            foreach (var row in rows)
            {
                JsonSerializer.Serialize(gzip, row, Json);
                gzip.WriteByte((byte)'\n');
            }
        }

        return buffer.ToArray();
    }

    private async Task WriteRowsAsync<T>(CuratedTable<T> table, string path, IReadOnlyList<T> rows, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(await table.WriteAsync(rows, cancellationToken).ConfigureAwait(false));
        await _blobs.UploadAsync(path, content, new BlobUploadOptions { ContentType = "application/vnd.apache.parquet" }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<T>?> ReadRowsAsync<T>(CuratedTable<T> table, string path, CancellationToken cancellationToken)
    {
        var stream = await _blobs.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
        if (stream is null)
        {
            return null;
        }

        await using (stream.ConfigureAwait(false))
        {
            // Parquet reads its footer first, so it needs a seekable stream.
            var seekable = stream;
            if (!stream.CanSeek)
            {
                seekable = new MemoryStream();
                await stream.CopyToAsync(seekable, cancellationToken).ConfigureAwait(false);
                seekable.Position = 0;
            }

            return await table.ReadAsync(seekable, _blobs.Describe(path), cancellationToken).ConfigureAwait(false);
        }
    }
}
