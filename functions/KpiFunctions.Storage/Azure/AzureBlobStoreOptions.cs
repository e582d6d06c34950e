using global::Azure.Core;

namespace KpiFunctions.Storage.Azure;

/// <summary>Options of <see cref="AzureBlobStore"/> (retries, transport and diagnostics come from Azure.Core).</summary>
public sealed class AzureBlobStoreOptions : ClientOptions
{
    /// <summary>x-ms-version sent with every request (valid in Azure and every Azurite from 3.35).</summary>
    public string ServiceVersion { get; set; } = "2025-11-05";

    /// <summary>Blobs up to this size are written in one request; larger ones as 4 MiB blocks and one commit.</summary>
    public int SingleUploadLimit { get; set; } = 8 * 1024 * 1024;

    /// <summary>Block size for staged uploads.</summary>
    public int BlockSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Blobs per List Blobs page (the service's maximum is 5000).</summary>
    public int ListPageSize { get; set; } = 5000;

    /// <summary>Clock used to sign requests.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;
}
