using KpiFunctions.Core.Domain;

namespace KpiFunctions.Sources;

/// <summary>
/// A source that hands each page over the moment it arrives, so the page is stored (raw/) before anything else is
/// done with it: a fetch that fails half-way still leaves every page it received.
/// </summary>
public interface IRawPageStreamingSource : IStoreSource
{
    /// <summary>
    /// As <see cref="IStoreSource.FetchDayAsync"/>, calling <paramref name="onRawPage"/> with each page as it arrives;
    /// the returned batch then holds no raw pages (they were handed over already).
    /// </summary>
    Task<SourceBatch> FetchDayAsync(Store store, DateOnly date, Func<RawPage, CancellationToken, Task> onRawPage, CancellationToken cancellationToken = default);
}
