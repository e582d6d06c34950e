namespace KpiFunctions.Core.Domain;

/// <summary>Where a refund or return stands.</summary>
public enum RefundStatus
{
    /// <summary>Asked for by the buyer.</summary>
    Requested,
    /// <summary>Approved, money not yet returned.</summary>
    Approved,
    /// <summary>Money returned to the buyer.</summary>
    Completed,
    /// <summary>Rejected by the seller or platform.</summary>
    Rejected,
    /// <summary>Withdrawn by the buyer.</summary>
    Cancelled,
}
