using KpiFunctions.Core.Domain;

namespace KpiFunctions.Sources;

/// <summary>
/// A source that can find the orders placed before a window that changed inside it (a cancellation, a payment, a
/// status move), so a late change corrects the day the order belongs to instead of being missed because that day is
/// no longer fetched.
/// </summary>
public interface ILateChangeSource
{
    /// <summary>
    /// Orders placed before the store-local day <paramref name="from"/> and updated from its start to the end of
    /// <paramref name="to"/>, each in its newest version, and the ones that could not be read;
    /// <paramref name="onRawPage"/> sees each page as it arrives, before anything else is done with it.
    /// </summary>
    Task<(IReadOnlyList<Order> Orders, IReadOnlyList<RejectedRecord> Rejected)> FetchLateChangesAsync(
        Store store, DateOnly from, DateOnly to, Func<RawPage, CancellationToken, Task> onRawPage, CancellationToken cancellationToken = default);
}
