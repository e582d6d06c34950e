namespace KpiFunctions.Storage.Blobs;

/// <summary>
/// A flat store of blobs addressed by '/'-separated paths. Writes are atomic: a reader sees the old blob or the
/// new one, never half of one.
/// </summary>
public interface IBlobStore
{
    /// <summary>Writes a blob, replacing any blob at the path unless the options' condition says otherwise.</summary>
    Task<BlobWriteResult> UploadAsync(string path, Stream content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Opens a blob for reading, or returns null when there is none.</summary>
    Task<Stream?> OpenReadAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens the bytes of a blob from <paramref name="offset"/>, at most <paramref name="length"/> of them (to the end
    /// when null), or returns null when there is no blob. A range that starts at or past the end reads as empty.
    /// </summary>
    Task<Stream?> OpenReadRangeAsync(string path, long offset, long? length = null, CancellationToken cancellationToken = default);

    /// <summary>True when a blob exists at the path.</summary>
    Task<bool> ExistsAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Every blob whose path starts with the prefix, in ordinal path order.</summary>
    IAsyncEnumerable<BlobItem> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Deletes a blob; false when there was none.</summary>
    Task<bool> DeleteIfExistsAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes an exclusive lease on the blob at the path for <paramref name="duration"/> (15 to 60 seconds, see
    /// <see cref="BlobLeaseDuration"/>), creating the blob empty when there is none; null when another holds it. A
    /// lease blob is for leasing only: nothing else writes or deletes it.
    /// </summary>
    Task<IBlobLease?> TryAcquireLeaseAsync(string path, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>Where a path lives, for people: a file path or a URL.</summary>
    string Describe(string path);
}
