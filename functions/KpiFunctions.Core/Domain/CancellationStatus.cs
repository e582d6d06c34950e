namespace KpiFunctions.Core.Domain;

/// <summary>Where a cancellation stands.</summary>
public enum CancellationStatus
{
    /// <summary>Asked for, waiting for the seller or the platform.</summary>
    Pending,
    /// <summary>Agreed; the refund may still be on its way.</summary>
    Success,
    /// <summary>Done, refund included.</summary>
    Complete,
    /// <summary>Withdrawn or turned down: the order was not cancelled by it.</summary>
    Withdrawn,
}
