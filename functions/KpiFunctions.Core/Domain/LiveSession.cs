namespace KpiFunctions.Core.Domain;

/// <summary>One LIVE stream of the store; it counts on the store-local day it started.</summary>
/// <param name="StoreId">Store.</param>
/// <param name="SessionId">Session id.</param>
/// <param name="StartUtc">Start.</param>
/// <param name="DurationSeconds">Length of the stream.</param>
/// <param name="Views">Room entries.</param>
/// <param name="Viewers">Unique viewers.</param>
/// <param name="WatchSeconds">Total seconds watched by all viewers.</param>
/// <param name="Gmv">GMV the platform attributes to the session; the <c>live_gmv</c> measure is the sum of these.</param>
/// <param name="Currency">ISO 4217 currency of <paramref name="Gmv"/>.</param>
public sealed record LiveSession(
    string StoreId,
    string SessionId,
    DateTimeOffset StartUtc,
    int DurationSeconds,
    long Views,
    long Viewers,
    long WatchSeconds,
    decimal Gmv,
    string Currency)
{
    /// <summary>Clicks on the products shown in the session (TikTok: <c>interaction_performance.product_clicks</c>); null when the source does not give them.</summary>
    public long? ProductClicks { get; init; }
}
