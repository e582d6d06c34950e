namespace KpiFunctions.Core.Domain;

/// <summary>Order status, as TikTok Shop names them (202309 API).</summary>
public enum OrderStatus
{
    /// <summary>Placed, not paid.</summary>
    Unpaid,
    /// <summary>Paid; the buyer may still cancel for about an hour.</summary>
    OnHold,
    /// <summary>Paid, waiting for the seller to ship.</summary>
    AwaitingShipment,
    /// <summary>Some packages shipped.</summary>
    PartiallyShipping,
    /// <summary>Waiting for the carrier.</summary>
    AwaitingCollection,
    /// <summary>With the carrier.</summary>
    InTransit,
    /// <summary>Delivered to the buyer.</summary>
    Delivered,
    /// <summary>Closed; no more returns or refunds.</summary>
    Completed,
    /// <summary>Cancelled by buyer, seller or system.</summary>
    Cancelled,
}
