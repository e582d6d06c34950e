namespace KpiFunctions.Core.Scorecards;

/// <summary>A LIVE session's scorecard, graded by <see cref="LiveTierRules"/>; it counts on the store-local day it started.</summary>
/// <param name="StoreId">Store.</param>
/// <param name="Date">Store-local day the session started.</param>
/// <param name="SessionId">Session id.</param>
/// <param name="StartUtc">Start.</param>
/// <param name="StartLocal">Start in the store's time zone, "yyyy-MM-dd HH:mm".</param>
/// <param name="DurationSeconds">Length of the stream.</param>
/// <param name="Views">Room entries.</param>
/// <param name="Viewers">Unique viewers.</param>
/// <param name="WatchSeconds">Seconds watched by all viewers.</param>
/// <param name="ProductClicks">Clicks on the products shown; null when the source does not give them.</param>
/// <param name="Currency">The store's currency.</param>
/// <param name="ReportingCurrency">Currency of the reporting-currency figures.</param>
/// <param name="Gmv">GMV the platform attributes to the session.</param>
/// <param name="GmvReporting">The same at the day's rate; null without one.</param>
/// <param name="Gpm">GMV per 1,000 views; null without views.</param>
/// <param name="GpmReporting">The same in the reporting currency; null without views or a rate.</param>
/// <param name="AvgWatchSeconds">Watch seconds per viewer; null without viewers.</param>
/// <param name="ClickRatePct">Product clicks per view, percent; null without views or clicks.</param>
/// <param name="Tier">Grade; null when a figure it needs is unknown.</param>
/// <param name="Reasons">Why figures are unknown, one clause each ("gpm: ..."); null when all are known.</param>
public sealed record LiveSessionScore(
    string StoreId,
    DateOnly Date,
    string SessionId,
    DateTimeOffset StartUtc,
    string StartLocal,
    int DurationSeconds,
    long Views,
    long Viewers,
    long WatchSeconds,
    long? ProductClicks,
    string Currency,
    string ReportingCurrency,
    decimal Gmv,
    decimal? GmvReporting,
    decimal? Gpm,
    decimal? GpmReporting,
    decimal? AvgWatchSeconds,
    decimal? ClickRatePct,
    ScoreTier? Tier,
    string? Reasons)
{
    /// <summary>The tier's bilingual label, null without a tier.</summary>
    public string? TierLabel => Tier is { } t ? LiveTierRules.Label(t) : null;
}
