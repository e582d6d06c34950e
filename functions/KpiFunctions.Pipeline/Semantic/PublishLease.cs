using System.Globalization;
using KpiFunctions.Storage.Blobs;

namespace KpiFunctions.Pipeline.Semantic;

/// <summary>
/// The lease that makes publishes take turns: taken with waiting, renewed in the background every third of its
/// duration while the publish works, released on dispose. A holder that dies lets go within the duration (on Azure; on
/// the embedded store when its process ends).
/// </summary>
internal sealed class PublishLease : IAsyncDisposable
{
    /// <summary>How long the lease lasts unrenewed: Azure's longest, so a slow renewal has the most slack.</summary>
    public static readonly TimeSpan Duration = BlobLeaseDuration.Max;

    /// <summary>How often a publish that found the lease held asks again.</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);

    private readonly IBlobLease _lease;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;
    private volatile bool _lost;

    private PublishLease(IBlobLease lease, TimeProvider time)
    {
        _lease = lease;
        _renewing = RenewAsync(time);
    }

    /// <summary>
    /// Takes the lease on <paramref name="path"/>, asking every <see cref="Poll"/> while another holds it; after
    /// <paramref name="wait"/> throws <see cref="TimeoutException"/> naming the lease blob.
    /// </summary>
    public static async Task<PublishLease> AcquireAsync(IBlobStore blobs, string path, TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + wait;
        while (true)
        {
            if (await blobs.TryAcquireLeaseAsync(path, Duration, cancellationToken).ConfigureAwait(false) is { } lease)
            {
                return new PublishLease(lease, time);
            }

            if (time.GetUtcNow() >= deadline)
            {
                throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                    $"Another publish holds the lease on {blobs.Describe(path)} and did not finish within {wait.TotalMinutes:0.#} min. A publish that died lets go of it within {Duration.TotalSeconds:0} s (on the embedded store, when its process ends): publish again then."));
            }

            await Task.Delay(Poll, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Renews the lease now; false when it was lost (not renewed in time and taken, or broken), so another publish may be under way.</summary>
    public async Task<bool> StillHeldAsync(CancellationToken cancellationToken) =>
        !_lost && await _lease.RenewAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Stops the renewals and releases the lease.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _renewing.ConfigureAwait(false);
        _stop.Dispose();
        await _lease.DisposeAsync().ConfigureAwait(false);
    }

    private async Task RenewAsync(TimeProvider time)
    {
        using var timer = new PeriodicTimer(Duration / 3, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    if (!await _lease.RenewAsync(_stop.Token).ConfigureAwait(false))
                    {
                        _lost = true;
                        return;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The lease has two thirds of its duration left: the next tick tries again, and the check before
                    // the switch renews it itself, failing the publish if it was lost meanwhile.
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }
}
