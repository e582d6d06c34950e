namespace KpiFunctions.Core.Domain;

/// <summary>Where an order came from.</summary>
public enum SalesChannel
{
    /// <summary>The shop tab or a product card.</summary>
    ProductCard,
    /// <summary>The store's own LIVE stream (no measure reads it: LIVE GMV is the sessions' own figure).</summary>
    Live,
    /// <summary>The store's own short video.</summary>
    Video,
    /// <summary>An affiliate creator's content; the order carries the creator id.</summary>
    Affiliate,
    /// <summary>
    /// Not an affiliate's: the shop tab, a product card, or the store's own LIVE or video, which the source does not
    /// tell apart (TikTok's affiliate order search lists affiliate orders; its order search names no channel).
    /// </summary>
    Own,
}
