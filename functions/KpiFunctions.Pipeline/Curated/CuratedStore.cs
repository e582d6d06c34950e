using System.IO.Compression;
using System.Text.Json;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Serialization;
using KpiFunctions.Storage.Blobs;

namespace KpiFunctions.Pipeline.Curated;

/// <summary>
/// Curated datasets in Hive-style partitions, <c>curated/&lt;dataset&gt;/date=&lt;yyyy-MM-dd&gt;/store=&lt;id&gt;/part-00000.&lt;ext&gt;</c>.
/// A write replaces the whole partition, so re-running a store-day is idempotent. Rows are stored as gzip JSON
/// lines until the Parquet library lands (issue 3); the paths and the one-partition-per-write rule stay.
/// </summary>
public sealed class CuratedStore
{
    /// <summary>File name of a partition's only part.</summary>
    public const string PartFile = "part-00000.jsonl.gz";

    /// <summary>How rows are serialised (the records' one JSON shape).</summary>
    public static JsonSerializerOptions Json => RecordJson.Options;

    private readonly IBlobStore _blobs;

    /// <summary>Creates the store over a blob store.</summary>
    public CuratedStore(IBlobStore blobs)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        _blobs = blobs;
    }

    /// <summary>The blob path of a store-day partition.</summary>
    public static string PartitionPath(string dataset, string storeId, DateOnly date) =>
        $"curated/{dataset}/date={StoreCalendar.Format(date)}/store={storeId}/{PartFile}";

    /// <summary>The blob path of a per-store reference dataset.</summary>
    public static string ReferencePath(string dataset, string storeId) => $"curated/{dataset}/store={storeId}/{PartFile}";

    /// <summary>Replaces a store-day partition.</summary>
    public Task WriteAsync<T>(string dataset, string storeId, DateOnly date, IReadOnlyList<T> rows, CancellationToken cancellationToken = default) =>
        WriteRowsAsync(PartitionPath(dataset, storeId, date), rows, cancellationToken);

    /// <summary>Reads a store-day partition, or null when it was never written.</summary>
    public Task<IReadOnlyList<T>?> ReadAsync<T>(string dataset, string storeId, DateOnly date, CancellationToken cancellationToken = default) =>
        ReadRowsAsync<T>(PartitionPath(dataset, storeId, date), cancellationToken);

    /// <summary>Replaces a per-store reference dataset.</summary>
    public Task WriteReferenceAsync<T>(string dataset, string storeId, IReadOnlyList<T> rows, CancellationToken cancellationToken = default) =>
        WriteRowsAsync(ReferencePath(dataset, storeId), rows, cancellationToken);

    /// <summary>Reads a per-store reference dataset, or null.</summary>
    public Task<IReadOnlyList<T>?> ReadReferenceAsync<T>(string dataset, string storeId, CancellationToken cancellationToken = default) =>
        ReadRowsAsync<T>(ReferencePath(dataset, storeId), cancellationToken);

    /// <summary>Serialises rows as gzip JSON lines.</summary>
    public static byte[] Encode<T>(IReadOnlyList<T> rows)
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

    private async Task WriteRowsAsync<T>(string path, IReadOnlyList<T> rows, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(Encode(rows));
        await _blobs.UploadAsync(path, content, new BlobUploadOptions { ContentType = "application/x-ndjson", ContentEncoding = "gzip" }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<T>?> ReadRowsAsync<T>(string path, CancellationToken cancellationToken)
    {
        var stream = await _blobs.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
        if (stream is null)
        {
            return null;
        }

        await using (stream.ConfigureAwait(false))
        {
            using var gzip = new GZipStream(stream, CompressionMode.Decompress);
            using var reader = new StreamReader(gzip);
            var rows = new List<T>();
            var lineNumber = 0;
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                lineNumber++;
                if (line.Length == 0)
                {
                    continue;
                }

                try
                {
                    rows.Add(JsonSerializer.Deserialize<T>(line, Json) ?? throw new InvalidDataException("null row"));
                }
                catch (JsonException ex)
                {
                    throw new InvalidDataException($"{_blobs.Describe(path)} line {lineNumber}: not a valid {typeof(T).Name} row ({ex.Message}).", ex);
                }
            }

            return rows;
        }
    }
}
