using KpiFunctions.Sources.Synthetic;

namespace KpiFunctions.TikTok.Fake;

/// <summary>What the fake serves and whom it accepts.</summary>
/// <param name="World">The synthetic world behind every answer.</param>
/// <param name="AppKey">The one app key accepted.</param>
/// <param name="AppSecret">That app's secret (signatures are checked with it).</param>
public sealed record FakeTikTokSetup(SyntheticWorld World, string AppKey, string AppSecret)
{
    /// <summary>Requests per second accepted from the app across shops (0: no limit).</summary>
    public double AppLimitPerSecond { get; init; }

    /// <summary>Requests per second accepted per shop (0: no limit).</summary>
    public double ShopLimitPerSecond { get; init; }

    /// <summary>The Business API app id accepted on token refresh.</summary>
    public string AdsAppId { get; init; } = "ads-app";

    /// <summary>That app's secret.</summary>
    public string AdsAppSecret { get; init; } = "ads-secret";

    /// <summary>The Business API's ad accounts; null: <see cref="FakeAdvertiser.DefaultPlan"/> over the world's stores.</summary>
    public IReadOnlyList<FakeAdvertiser>? Advertisers { get; init; }

    /// <summary>The fake's clock (timestamps, token lifetimes, rate windows).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Fixed UTC offsets (no daylight saving) by the shop's country that shop performance's daily GMV and order count
    /// use instead of the shop's own zone, as TikTok documents them for its Compass export (US −8, GB +0, ...); a
    /// country not listed keeps its shop's zone. Empty by default: every daily figure is on the shop's own days.
    /// </summary>
    public IReadOnlyDictionary<string, TimeSpan> PlatformDayOffsets { get; init; } = new Dictionary<string, TimeSpan>();
}
