using KpiFunctions.Core.Domain;

namespace KpiFunctions.Sources;

/// <summary>
/// A source that gives the platform's fees per order apart from the orders themselves (TikTok: the finance API),
/// settled where the platform has settled the order, else estimated. Settlement comes weeks after the order, so the
/// fees of orders placed long before the fetched days still change: the reading covers a longer window of placing
/// days than the run fetches, and a fee that changed corrects the day its order was placed.
/// </summary>
public interface IFeeSource
{
    /// <summary>
    /// The fees, as known now, of the store's orders placed from the store-local day <see cref="FeeReading.PlacedFrom"/>
    /// (no later than <paramref name="from"/>; the source's own lookback may reach further back) to the end of
    /// <paramref name="to"/>; <paramref name="onRawPage"/> sees each page as it arrives, before anything else is done
    /// with it. A reading that cannot be made at all says why in <see cref="FeeReading.Unavailable"/>.
    /// </summary>
    Task<FeeReading> FetchFeesAsync(Store store, DateOnly from, DateOnly to, Func<RawPage, CancellationToken, Task> onRawPage, CancellationToken cancellationToken = default);
}

/// <summary>The platform's fee on one order.</summary>
/// <param name="OrderId">Order id.</param>
/// <param name="Currency">ISO 4217 currency of <paramref name="PlatformFee"/>.</param>
/// <param name="PlatformFee">Fees the platform charges on the order, as a positive amount (see the catalog's platform_fees).</param>
/// <param name="Settled">Settled (final) rather than an estimate for an order not settled yet.</param>
public sealed record OrderFee(string OrderId, string Currency, decimal PlatformFee, bool Settled);

/// <summary>A store's order fees over a window of placing days, as read now.</summary>
/// <param name="PlacedFrom">First store-local placing day the reading covers.</param>
/// <param name="Fees">Fees by order id; an order absent has no fee known yet.</param>
/// <param name="Rejected">Fee records that could not be read, with the reasons.</param>
public sealed record FeeReading(DateOnly PlacedFrom, IReadOnlyDictionary<string, OrderFee> Fees, IReadOnlyList<RejectedRecord> Rejected)
{
    /// <summary>Why no fees could be read (the fees curated before stay); null when they were read.</summary>
    public string? Unavailable { get; init; }

    /// <summary>What the source noticed while reading (a statement whose total the transactions do not add up to), a line each.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
