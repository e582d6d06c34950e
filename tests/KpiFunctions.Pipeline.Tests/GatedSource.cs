using KpiFunctions.Core.Domain;
using KpiFunctions.Sources;

namespace KpiFunctions.Pipeline.Tests;

/// <summary>A source whose fetches wait at a gate until released (a delivery that hangs mid-fetch), unless told to pass through.</summary>
internal sealed class GatedSource(IStoreSource inner) : IStoreSource
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the first fetch reached the gate.</summary>
    public Task Entered => _entered.Task;

    /// <summary>Later fetches do not wait.</summary>
    public bool PassThrough { get; set; }

    public string Name => inner.Name;

    public void Release() => _gate.TrySetResult();

    public async Task<SourceBatch> FetchDayAsync(Store store, DateOnly date, CancellationToken cancellationToken = default)
    {
        if (!PassThrough)
        {
            _entered.TrySetResult();
            await _gate.Task.WaitAsync(cancellationToken);
        }

        return await inner.FetchDayAsync(store, date, cancellationToken);
    }

}
