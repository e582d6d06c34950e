using KpiFunctions.Core.Domain;

namespace KpiFunctions.Sources;

/// <summary>A source that wants to know when a store's days were all fetched and curated (to archive what it read).</summary>
public interface ICompletingSource
{
    /// <summary>Called once every day from <paramref name="from"/> to <paramref name="to"/> of the store is curated.</summary>
    Task StoreFetchedAsync(Store store, DateOnly from, DateOnly to, CancellationToken cancellationToken = default);
}
