using global::Azure.Core;

namespace KpiFunctions.Storage.Azure;

/// <summary>
/// How the project's Azure Storage adapters call the SDK: transfer sizes for blob uploads and listing pages, and a
/// hook for the SDK's own client options (retries, transport, diagnostics, extra pipeline policies).
/// </summary>
public sealed class AzureStorageOptions
{
    /// <summary>Blobs up to this many bytes are written in one request; larger ones as blocks of <see cref="BlockSize"/> and one commit.</summary>
    public int SingleUploadLimit { get; set; } = 8 * 1024 * 1024;

    /// <summary>Block size in bytes for staged uploads, and the unit a blob is downloaded and checked in.</summary>
    public int BlockSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Blocks of one staged upload sent at once.</summary>
    public int UploadConcurrency { get; set; } = 5;

    /// <summary>Blobs per List Blobs page (the service's maximum is 5000).</summary>
    public int ListPageSize { get; set; } = 5000;

    /// <summary>
    /// Applied to every SDK client's options after the project's own settings (retry, transport, extra policies):
    /// the same object is a <c>BlobClientOptions</c> or <c>TableClientOptions</c>.
    /// </summary>
    public Action<ClientOptions>? ConfigureClient { get; set; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(SingleUploadLimit, nameof(SingleUploadLimit));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BlockSize, nameof(BlockSize));
        // The service hashes a range for transfer validation only up to 4 MiB.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BlockSize, 4 * 1024 * 1024, nameof(BlockSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(UploadConcurrency, nameof(UploadConcurrency));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(UploadConcurrency, 64, nameof(UploadConcurrency));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ListPageSize, nameof(ListPageSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ListPageSize, 5000, nameof(ListPageSize));
    }
}
