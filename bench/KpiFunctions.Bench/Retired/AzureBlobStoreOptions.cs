using global::Azure.Core;

namespace KpiFunctions.Bench.Retired;

/// <summary>Options of <see cref="AzureBlobStore"/> (retries, transport and diagnostics come from Azure.Core).</summary>
public sealed class AzureBlobStoreOptions : ClientOptions
{
    /// <summary>x-ms-version sent with every request (valid in Azure and every Azurite from 3.35).</summary>
    public string ServiceVersion { get; set; } = "2025-11-05";

    /// <summary>Blobs up to this many bytes are written in one request; larger ones as blocks of <see cref="BlockSize"/> and one commit.</summary>
    public int SingleUploadLimit { get; set; } = 8 * 1024 * 1024;

    /// <summary>Block size in bytes for staged uploads (and the unit the content is read in).</summary>
    public int BlockSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Blocks of one staged upload sent at once (the official SDKs' default is 5).</summary>
    public int UploadConcurrency { get; set; } = 5;

    /// <summary>Blobs per List Blobs page (the service's maximum is 5000).</summary>
    public int ListPageSize { get; set; } = 5000;

    /// <summary>Clock used to sign requests.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(SingleUploadLimit, nameof(SingleUploadLimit));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BlockSize, nameof(BlockSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BlockSize, 1024 * 1024 * 1024, nameof(BlockSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(UploadConcurrency, nameof(UploadConcurrency));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(UploadConcurrency, 64, nameof(UploadConcurrency));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ListPageSize, nameof(ListPageSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ListPageSize, 5000, nameof(ListPageSize));
    }
}
