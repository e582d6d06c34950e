using KpiFunctions.Core.Domain;
using KpiFunctions.Sources;

namespace KpiFunctions.Pipeline.Tests;

/// <summary>A source that fails every fetch of one store (and counts them), as a store whose API is down would.</summary>
internal sealed class FailingSource(IStoreSource inner, string failingStore) : IStoreSource
{
    private int _calls;

    public int Calls => _calls;

    public string Name => inner.Name;

    public Task<SourceBatch> FetchDayAsync(Store store, DateOnly date, CancellationToken cancellationToken = default)
    {
        if (store.Id == failingStore)
        {
            Interlocked.Increment(ref _calls);
            throw new HttpRequestException($"source unavailable for {store.Id}");
        }

        return inner.FetchDayAsync(store, date, cancellationToken);
    }

}
