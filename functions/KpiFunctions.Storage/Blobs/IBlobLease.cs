namespace KpiFunctions.Storage.Blobs;

/// <summary>
/// An exclusive lease on a blob, from <see cref="IBlobStore.TryAcquireLeaseAsync"/>. Disposing releases it; a lease
/// whose release fails lapses by itself once its duration passes unrenewed.
/// </summary>
public interface IBlobLease : IAsyncDisposable
{
    /// <summary>Extends the lease by its duration from now; false when it is no longer ours (released, or lapsed and taken by another).</summary>
    Task<bool> RenewAsync(CancellationToken cancellationToken = default);

    /// <summary>Gives the lease up, so the next to ask gets it at once; a lease already lost is no error.</summary>
    Task ReleaseAsync(CancellationToken cancellationToken = default);
}
