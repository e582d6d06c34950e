namespace KpiFunctions.Core.Domain;

/// <summary>
/// A cancellation of an order (or a buyer's request for one), with who started it and why. It is kept in the partition
/// of the store-local day its order was placed, beside the order, so a day's cancelled orders find their cancellations
/// in the same store-day.
/// </summary>
/// <param name="StoreId">Store.</param>
/// <param name="CancelId">Cancellation id.</param>
/// <param name="OrderId">The order it cancels.</param>
/// <param name="Type">A cancellation by the seller or the system, or a buyer's request.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="Role">Who started it.</param>
/// <param name="Reason">The platform's machine key for the reason (TikTok: e.g. <c>seller_cancel_paid_reason_address_not_deliver</c>).</param>
/// <param name="ReasonText">The reason as the platform words it for people; null when it gives none.</param>
/// <param name="CreatedUtc">When it was started.</param>
/// <param name="UpdatedUtc">Its last change.</param>
/// <param name="RefundTotal">What the buyer gets back, in <paramref name="Currency"/>; null when the source does not say (TikTok may omit it).</param>
/// <param name="Currency">ISO 4217 currency (the store's).</param>
public sealed record Cancellation(
    string StoreId,
    string CancelId,
    string OrderId,
    CancellationType Type,
    CancellationStatus Status,
    CancellationRole Role,
    string Reason,
    string? ReasonText,
    DateTimeOffset CreatedUtc,
    DateTimeOffset UpdatedUtc,
    decimal? RefundTotal,
    string Currency)
{
    /// <summary>Not withdrawn: it cancelled the order, or is on its way to (a withdrawn request cancelled nothing).</summary>
    public bool InEffect => Status != CancellationStatus.Withdrawn;
}
