using System.Runtime.CompilerServices;
using global::Azure;
using global::Azure.Storage;
using global::Azure.Storage.Blobs;
using global::Azure.Storage.Blobs.Models;
using global::Azure.Storage.Blobs.Specialized;
using KpiFunctions.Storage.Blobs;
using SdkUploadOptions = global::Azure.Storage.Blobs.Models.BlobUploadOptions;

namespace KpiFunctions.Storage.Azure;

/// <summary>
/// <see cref="IBlobStore"/> on one container of Azure Blob Storage (or Azurite) through the official SDK. Uploads over
/// <see cref="AzureStorageOptions.SingleUploadLimit"/> are staged as blocks and committed with one block list, so
/// readers never see half a blob; every request carries an MD5 the service checks, and every downloaded range is
/// checked against the MD5 the service sends.
/// </summary>
public sealed class AzureBlobStore : IBlobStore
{
    private readonly BlobContainerClient _container;
    private readonly AzureStorageOptions _options;
    private readonly SemaphoreSlim _createGate = new(1, 1);
    private volatile bool _containerReady;

    /// <summary>Creates a store over a container, from a connection string.</summary>
    public AzureBlobStore(string connectionString, string container, AzureStorageOptions? options = null)
        : this(StorageAccount.Parse(connectionString), container, options)
    {
    }

    /// <summary>Creates a store over a container of an account (key, SAS or token credential), with a client of its own.</summary>
    public AzureBlobStore(StorageAccount account, string container, AzureStorageOptions? options = null)
        : this((account ?? throw new ArgumentNullException(nameof(account))).CreateBlobServiceClient(options), container, options)
    {
    }

    /// <summary>Creates a store over a container of a shared service client.</summary>
    public AzureBlobStore(BlobServiceClient service, string container, AzureStorageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        ValidateContainer(container);
        _options = options ?? new AzureStorageOptions();
        _options.Validate();
        _container = service.GetBlobContainerClient(container);
    }

    /// <summary>The container.</summary>
    public string Container => _container.Name;

    /// <inheritdoc />
    /// <remarks>
    /// The SDK reads the content a block at a time and stages up to <see cref="AzureStorageOptions.UploadConcurrency"/>
    /// blocks at once under block ids unique to this upload, so memory stays near concurrency × block size and two
    /// uploads racing on one path never mix their blocks.
    /// </remarks>
    public async Task<BlobWriteResult> UploadAsync(string path, Stream content, Blobs.BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        BlobPath.Validate(path);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var upload = new SdkUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = options?.ContentType, ContentEncoding = options?.ContentEncoding },
            Conditions = new BlobRequestConditions
            {
                IfNoneMatch = options?.OnlyIfMissing == true ? ETag.All : null,
                IfMatch = options?.IfMatch is { } etag ? new ETag(etag) : null,
            },
            TransferOptions = new StorageTransferOptions
            {
                InitialTransferSize = _options.SingleUploadLimit,
                MaximumTransferSize = _options.BlockSize,
                MaximumConcurrency = _options.UploadConcurrency,
            },

            // MD5, not CRC64: Azurite does not support the structured messages CRC64 needs, and without any checksum
            // the SDK's uploads were slower here.
            TransferValidation = new UploadTransferValidationOptions { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5 },
        };
        var conditional = options?.OnlyIfMissing == true || options?.IfMatch is not null;
        try
        {
            var written = await _container.GetBlobClient(path).UploadAsync(content, upload, cancellationToken).ConfigureAwait(false);
            return new BlobWriteResult(true, written.Value.ETag.ToString());
        }
        catch (RequestFailedException e) when ((e.Status == 409 && StorageErrors.ErrorCode(e) == "BlobAlreadyExists") || (e.Status == 412 && StorageErrors.ErrorCode(e) == "ConditionNotMet"))
        {
            // A lost condition is a value; any other 409 or 412 (a lease, a container being deleted) is a failure.
            return BlobWriteResult.ConditionNotMet;
        }
        catch (RequestFailedException e) when (StorageErrors.ErrorCode(e) == "InvalidBlockList")
        {
            // Another upload to this blob committed while ours was staging, and a commit discards every uncommitted
            // block it does not list: ours are gone. The blob is whole (the other upload's); nothing of ours was written.
            return conditional
                ? BlobWriteResult.ConditionNotMet // the blob changed under the condition, so it no longer holds
                : throw StorageErrors.Refused($"Put block list of {Container}/{path}: another upload to this blob committed first and discarded this upload's blocks, so nothing of it was written; upload again", e);
        }
        catch (RequestFailedException e)
        {
            throw StorageErrors.Refused($"Put blob {Container}/{path}", e);
        }
    }

    /// <inheritdoc />
    public Task<Stream?> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        BlobPath.Validate(path);
        return OpenAsync(path, 0, null, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Stream?> OpenReadRangeAsync(string path, long offset, long? length = null, CancellationToken cancellationToken = default)
    {
        BlobPath.Validate(path);
        BlobPath.ValidateRange(offset, length);
        return OpenAsync(path, offset, length, cancellationToken);
    }

    /// <summary>
    /// Reads in ranges of <see cref="AzureStorageOptions.BlockSize"/>, each checked against the MD5 the service computes
    /// for it, and pinned to the blob's ETag when opened: a blob replaced mid-read fails rather than mixing versions.
    /// </summary>
    private async Task<Stream?> OpenAsync(string path, long offset, long? length, CancellationToken cancellationToken)
    {
        var read = new BlobOpenReadOptions(allowModifications: false)
        {
            Position = offset,
            BufferSize = _options.BlockSize,
            TransferValidation = new DownloadTransferValidationOptions { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5, AutoValidateChecksum = true },
        };
        try
        {
            var stream = await _container.GetBlobClient(path).OpenReadAsync(read, cancellationToken).ConfigureAwait(false);
            return new CheckedBlobStream(stream, length ?? long.MaxValue, $"{Container}/{path}");
        }
        catch (RequestFailedException e) when (e.Status == 404 && StorageErrors.ErrorCode(e) is "BlobNotFound" or "ContainerNotFound")
        {
            return null;
        }
        catch (RequestFailedException e)
        {
            throw StorageErrors.Refused($"Get blob {Container}/{path}" + (offset == 0 ? "" : $" from byte {offset}"), e);
        }
        catch (InvalidDataException e)
        {
            // The first range is downloaded as the stream opens, and checked like every later one.
            throw CheckedBlobStream.Damaged($"{Container}/{path}", e);
        }
    }

    /// <inheritdoc />
    public async Task<bool> ExistsAsync(string path, CancellationToken cancellationToken = default)
    {
        BlobPath.Validate(path);
        try
        {
            return (await _container.GetBlobClient(path).ExistsAsync(cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e)
        {
            throw StorageErrors.Refused($"Head blob {Container}/{path}", e);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Blobs.BlobItem> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var pages = _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).AsPages(pageSizeHint: _options.ListPageSize);
        var page = pages.GetAsyncEnumerator(cancellationToken);
        await using var pageScope = page.ConfigureAwait(false);
        while (true)
        {
            try
            {
                if (!await page.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }
            }
            catch (RequestFailedException e) when (e.Status == 404 && StorageErrors.ErrorCode(e) == "ContainerNotFound")
            {
                yield break; // nothing was ever written here
            }
            catch (RequestFailedException e)
            {
                throw StorageErrors.Refused($"List blobs {Container}/{prefix}*", e);
            }

            foreach (var blob in page.Current.Values)
            {
                yield return new Blobs.BlobItem(blob.Name, blob.Properties.ContentLength ?? 0, blob.Properties.LastModified ?? DateTimeOffset.UnixEpoch, blob.Properties.ETag?.ToString() ?? "");
            }
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteIfExistsAsync(string path, CancellationToken cancellationToken = default)
    {
        BlobPath.Validate(path);
        try
        {
            return (await _container.GetBlobClient(path).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e)
        {
            throw StorageErrors.Refused($"Delete blob {Container}/{path}", e);
        }
    }

    /// <inheritdoc />
    /// <remarks>A blob lease of the service, under a lease id of its own; a lease being broken counts as held.</remarks>
    public async Task<IBlobLease?> TryAcquireLeaseAsync(string path, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        BlobPath.Validate(path);
        BlobLeaseDuration.Validate(duration);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var blob = _container.GetBlobClient(path);
        var lease = blob.GetBlobLeaseClient();
        try
        {
            try
            {
                await lease.AcquireAsync(duration, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 404 && StorageErrors.ErrorCode(e) == "BlobNotFound")
            {
                // Only a blob can be leased: create it empty unless another just did (and may hold it already), then ask again.
                try
                {
                    await blob.UploadAsync(BinaryData.Empty, overwrite: false, cancellationToken).ConfigureAwait(false);
                }
                catch (RequestFailedException exists) when (StorageErrors.ErrorCode(exists) is "BlobAlreadyExists" or "LeaseIdMissing")
                {
                }

                await lease.AcquireAsync(duration, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        catch (RequestFailedException e) when (e.Status == 409 && StorageErrors.ErrorCode(e) is "LeaseAlreadyPresent" or "LeaseIsBreakingAndCannotBeAcquired")
        {
            return null;
        }
        catch (RequestFailedException e)
        {
            throw StorageErrors.Refused($"Acquire lease on blob {Container}/{path}", e);
        }

        return new AzureLease(lease, $"{Container}/{path}");
    }

    /// <inheritdoc />
    public string Describe(string path) => _container.Uri.ToString().TrimEnd('/') + "/" + path;

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (_containerReady)
        {
            return;
        }

        await _createGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_containerReady)
            {
                // 409 ContainerAlreadyExists is the SDK's "exists"; any other refusal (ContainerBeingDeleted) throws.
                await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                _containerReady = true;
            }
        }
        catch (RequestFailedException e)
        {
            throw StorageErrors.Refused($"Create container {Container}", e);
        }
        finally
        {
            _createGate.Release();
        }
    }

    /// <summary>A lease of the service through its lease client; renewing and releasing a lease now another's is a value.</summary>
    private sealed class AzureLease(BlobLeaseClient lease, string name) : IBlobLease
    {
        private int _released;

        public async Task<bool> RenewAsync(CancellationToken cancellationToken = default)
        {
            if (Volatile.Read(ref _released) != 0)
            {
                return false;
            }

            try
            {
                await lease.RenewAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (Lost(e))
            {
                return false;
            }
            catch (RequestFailedException e)
            {
                throw StorageErrors.Refused($"Renew lease on blob {name}", e);
            }
        }

        public async Task ReleaseAsync(CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _released, 1) != 0)
            {
                return;
            }

            try
            {
                await lease.ReleaseAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (Lost(e))
            {
                // Lapsed and taken, broken, or the blob is gone: nothing of ours to give up.
            }
            catch (RequestFailedException e)
            {
                throw StorageErrors.Refused($"Release lease on blob {name}", e);
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await ReleaseAsync().ConfigureAwait(false);
            }
            catch (StorageRequestException)
            {
                // Disposing must not hide the error that got us here; the lease lapses within its duration.
            }
        }

        /// <summary>The service no longer holds the lease for this id: another's, none (broken or released), or no blob.</summary>
        private static bool Lost(RequestFailedException e) =>
            (e.Status == 404 && StorageErrors.ErrorCode(e) == "BlobNotFound")
            || (e.Status == 409 && StorageErrors.ErrorCode(e) is "LeaseIdMismatchWithLeaseOperation" or "LeaseNotPresentWithLeaseOperation" or "LeaseIsBrokenAndCannotBeRenewed");
    }

    private static void ValidateContainer(string container)
    {
        if (container is null || container.Length is < 3 or > 63 || !container.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            || container.StartsWith('-') || container.Contains("--", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Container name '{container}' must be 3-63 lower-case letters, digits and single hyphens.", nameof(container));
        }
    }
}
