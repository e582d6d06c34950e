namespace KpiFunctions.Core.Domain;

/// <summary>What kind of cancellation (TikTok's <c>cancel_type</c>).</summary>
public enum CancellationType
{
    /// <summary>Cancelled by the seller or the platform.</summary>
    Cancel,
    /// <summary>A buyer's request, which the seller or the platform must agree to.</summary>
    BuyerCancel,
}
