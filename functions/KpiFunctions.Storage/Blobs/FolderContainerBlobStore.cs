using System.Runtime.CompilerServices;

namespace KpiFunctions.Storage.Blobs;

/// <summary>
/// One blob namespace over several containers: a path's first folder names its container and the rest is the blob's
/// name in it (<c>curated/orders/x.parquet</c> is blob <c>orders/x.parquet</c> in container <c>curated</c>). Each
/// kind of data gets a container of its own, so access can be granted per container (finance reads curated and
/// semantic, never raw) and lifecycle rules act per container. Only the folders it was given are accepted.
/// </summary>
public sealed class FolderContainerBlobStore : IBlobStore
{
    private readonly IReadOnlyDictionary<string, IBlobStore> _stores;

    /// <summary>Creates the store: <paramref name="storeFor"/> opens the container that holds folder <paramref name="folders"/>[i].</summary>
    public FolderContainerBlobStore(IEnumerable<string> folders, Func<string, IBlobStore> storeFor)
    {
        ArgumentNullException.ThrowIfNull(folders);
        ArgumentNullException.ThrowIfNull(storeFor);
        var stores = new SortedDictionary<string, IBlobStore>(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            if (string.IsNullOrEmpty(folder) || folder.Contains('/', StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{folder}' is not a top-level folder name.", nameof(folders));
            }

            stores[folder] = storeFor(folder);
        }

        _stores = stores;
    }

    /// <summary>The folders, each a container.</summary>
    public IReadOnlyCollection<string> Folders => [.. _stores.Keys];

    /// <inheritdoc />
    public Task<BlobWriteResult> UploadAsync(string path, Stream content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (store, name) = Route(path);
        return store.UploadAsync(name, content, options, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Stream?> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var (store, name) = Route(path);
        return store.OpenReadAsync(name, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Stream?> OpenReadRangeAsync(string path, long offset, long? length = null, CancellationToken cancellationToken = default)
    {
        var (store, name) = Route(path);
        return store.OpenReadRangeAsync(name, offset, length, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> ExistsAsync(string path, CancellationToken cancellationToken = default)
    {
        var (store, name) = Route(path);
        return store.ExistsAsync(name, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteIfExistsAsync(string path, CancellationToken cancellationToken = default)
    {
        var (store, name) = Route(path);
        return store.DeleteIfExistsAsync(name, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IBlobLease?> TryAcquireLeaseAsync(string path, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        var (store, name) = Route(path);
        return store.TryAcquireLeaseAsync(name, duration, cancellationToken);
    }

    /// <summary>
    /// Blobs whose path starts with <paramref name="prefix"/>, paths given back whole (folder included). A prefix
    /// inside one folder lists that container; a shorter one (even empty) lists every container it can match.
    /// </summary>
    public async IAsyncEnumerable<BlobItem> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var slash = prefix.IndexOf('/', StringComparison.Ordinal);
        var folders = slash >= 0 ? [Folder(prefix[..slash], prefix)] : _stores.Keys.Where(f => f.StartsWith(prefix, StringComparison.Ordinal)).ToArray();
        var inner = slash >= 0 ? prefix[(slash + 1)..] : "";
        foreach (var folder in folders)
        {
            await foreach (var item in _stores[folder].ListAsync(inner, cancellationToken).ConfigureAwait(false))
            {
                yield return item with { Path = folder + "/" + item.Path };
            }
        }
    }

    /// <inheritdoc />
    public string Describe(string path)
    {
        var (store, name) = Route(path);
        return store.Describe(name);
    }

    private (IBlobStore Store, string Name) Route(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == path.Length - 1)
        {
            throw new ArgumentException($"Blob path '{path}' has no folder and name; paths start with one of the folders {string.Join(", ", _stores.Keys)}.", nameof(path));
        }

        return (_stores[Folder(path[..slash], path)], path[(slash + 1)..]);
    }

    private string Folder(string folder, string path) =>
        _stores.ContainsKey(folder)
            ? folder
            : throw new ArgumentException($"Blob path '{path}' is in folder '{folder}', which has no container; the folders are {string.Join(", ", _stores.Keys)}.", nameof(path));
}
