namespace KpiFunctions.Core.Domain;

/// <summary>Who started a cancellation (TikTok's <c>role</c>; cancellations list no operator).</summary>
public enum CancellationRole
{
    /// <summary>The buyer asked for it.</summary>
    Buyer,
    /// <summary>The seller cancelled (out of stock, cannot ship, an address it cannot deliver to): the seller's fault.</summary>
    Seller,
    /// <summary>The platform cancelled (unpaid in time, not shipped in time, a risk check).</summary>
    System,
}
