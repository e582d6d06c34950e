namespace KpiFunctions.Core.Domain;

/// <summary>A refund, or a return with refund, of (part of) an order.</summary>
/// <param name="StoreId">Store.</param>
/// <param name="RefundId">Refund or return id.</param>
/// <param name="OrderId">The order refunded.</param>
/// <param name="Amount">Amount refunded, in <paramref name="Currency"/>.</param>
/// <param name="Currency">ISO 4217 currency.</param>
/// <param name="Status">Status as of the fetch.</param>
/// <param name="RequestedUtc">When the buyer asked.</param>
/// <param name="CompletedUtc">When the money went back; a completed refund counts on this store-local day.</param>
/// <param name="IsReturn">The goods come back (a return), not only money.</param>
/// <param name="Reason">Reason given.</param>
public sealed record Refund(
    string StoreId,
    string RefundId,
    string OrderId,
    decimal Amount,
    string Currency,
    RefundStatus Status,
    DateTimeOffset RequestedUtc,
    DateTimeOffset? CompletedUtc,
    bool IsReturn,
    string Reason);
