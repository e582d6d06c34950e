using KpiFunctions.Core.Domain;

namespace KpiFunctions.Sources.Synthetic;

public sealed partial class SyntheticWorld
{
    private const double MissingDailyShare = 0.005;

    private List<(string Id, DateTimeOffset Start, int Duration, long Views, long Viewers, long Watch)> GenerateLive(
        StoreProfile p, DateOnly date, Random rng, DateTimeOffset start, DateTimeOffset end)
    {
        var count = Math.Max(0, p.LiveSessionsPerDay + rng.Next(-1, 2));
        var sessions = new List<(string, DateTimeOffset, int, long, long, long)>(count);
        for (var i = 0; i < count; i++)
        {
            var begin = Between(rng, start, end);
            var duration = 1800 + rng.Next(9000);
            var views = (long)(p.BaseOrders * (5 + (rng.NextDouble() * 40)));
            var viewers = (long)(views * (0.6 + (rng.NextDouble() * 0.3)));
            var watch = viewers * (20 + rng.Next(130));
            if (begin <= AsOf)
            {
                sessions.Add((Id("l", p.Key, date, i), begin, duration, views, viewers, watch));
            }
        }

        return sessions;
    }

    private static List<LiveSession> FinishLive(
        StoreProfile p, List<(string Id, DateTimeOffset Start, int Duration, long Views, long Viewers, long Watch)> sessions, StoreDayTruth truth)
    {
        // The GMV of the day's LIVE orders is split evenly over its sessions, each share rounded down to the currency's
        // unit and the last session taking the rest, so the sessions add up to it exactly and none is negative.
        if (sessions.Count == 0)
        {
            return truth.LiveGmv == 0 ? [] : throw new InvalidOperationException($"synthetic store {p.Store.Id} has LIVE orders on a day without a LIVE session");
        }

        var live = new List<LiveSession>(sessions.Count);
        var share = Math.Round(truth.LiveGmv / sessions.Count, p.Decimals, MidpointRounding.ToZero);
        for (var i = 0; i < sessions.Count; i++)
        {
            var s = sessions[i];
            var gmv = i < sessions.Count - 1 ? share : truth.LiveGmv - (share * (sessions.Count - 1));
            live.Add(new LiveSession(p.Store.Id, s.Id, s.Start, s.Duration, s.Views, s.Viewers, s.Watch, gmv, p.Store.Currency));
            truth.LiveViews += s.Views;
            truth.LiveViewers += s.Viewers;
            truth.LiveWatchSeconds += s.Watch;
        }

        return live;
    }

    private static TrafficDaily? GenerateTraffic(StoreProfile p, DateOnly date, Random rng, StoreDayTruth truth)
    {
        var missing = rng.NextDouble() < MissingDailyShare;
        var conversion = p.Conversion * (0.8 + (rng.NextDouble() * 0.4));
        var impressionsPerVisitor = 8 + rng.Next(13);
        var ctr = 0.015 + (rng.NextDouble() * 0.035);
        var atc = 0.04 + (rng.NextDouble() * 0.08);
        if (missing)
        {
            truth.HasTraffic = false;
            return null;
        }

        var visitors = Math.Max(truth.Buyers.Count + 10, (long)Math.Round(Math.Max(truth.GmvOrders, 1) / conversion));
        var impressions = visitors * impressionsPerVisitor;
        var clicks = (long)Math.Round(impressions * ctr);
        var addToCart = Math.Max(truth.Buyers.Count, (long)Math.Round(visitors * atc));
        truth.HasTraffic = true;
        truth.Impressions = impressions;
        truth.ProductClicks = clicks;
        truth.Visitors = visitors;
        truth.AddToCartUsers = addToCart;
        return new TrafficDaily(p.Store.Id, date, impressions, clicks, (long)Math.Round(visitors * 1.4), visitors, addToCart);
    }

    private List<VideoDaily> GenerateVideos(StoreProfile p, DateOnly date, Random rng, StoreDayTruth truth)
    {
        var count = Math.Max(1, p.VideosPerDay + rng.Next(-2, 3));
        var videos = new List<VideoDaily>(count);
        for (var i = 0; i < count; i++)
        {
            var views = (long)(p.BaseOrders * (3 + (rng.NextDouble() * 60)));
            var completed = (long)(views * (0.1 + (rng.NextDouble() * 0.35)));
            var gmv = p.Round(p.AverageOrderValue * (decimal)(rng.NextDouble() * p.BaseOrders * 0.05));
            videos.Add(new VideoDaily(p.Store.Id, Id("v", p.Key, date, i), date, views, completed, gmv, p.Store.Currency));
            truth.VideoViews += views;
            truth.VideoCompletedViews += completed;
        }

        return videos;
    }

    private static List<AdsDaily> GenerateAds(StoreProfile p, DateOnly date, Random rng, StoreDayTruth truth)
    {
        var ads = new List<AdsDaily>(p.Campaigns);
        for (var i = 0; i < p.Campaigns; i++)
        {
            var spend = p.Round(p.AverageOrderValue * p.BaseOrders * 0.04m * Noise(rng, 0.3));
            var roas = (decimal)(p.RoasCenter * (0.6 + (rng.NextDouble() * 0.8)));
            var attributed = p.Round(spend * roas);
            var impressions = (long)(p.BaseOrders * (50 + rng.Next(150)));
            var clicks = (long)(impressions * (0.005 + (rng.NextDouble() * 0.02)));
            ads.Add(new AdsDaily(p.Store.Id, $"{p.Store.Id}-cmp{i}", date, spend, attributed, p.Store.Currency, impressions, clicks));
            truth.AdSpend += spend;
            truth.AdsGmv += attributed;
        }

        return ads;
    }

    private static ServiceDaily? GenerateService(StoreProfile p, DateOnly date, Random rng, int orders, StoreDayTruth truth)
    {
        var missing = rng.NextDouble() < MissingDailyShare;
        var chats = (int)Math.Round(orders * 0.08) + rng.Next(6);
        var answered = (int)Math.Round(chats * (0.9 + (rng.NextDouble() * 0.1)));
        var within24 = (int)Math.Round(answered * (0.88 + (rng.NextDouble() * 0.12)));
        var within12 = (int)Math.Round(within24 * (0.75 + (rng.NextDouble() * 0.25)));
        var averageSeconds = 300 + rng.Next(20_000);
        var reviews = (int)Math.Round(orders * 0.05) + rng.Next(3);
        var negative = (int)Math.Round(reviews * rng.NextDouble() * 0.08);
        if (missing)
        {
            truth.HasService = false;
            return null;
        }

        truth.HasService = true;
        truth.Chats = chats;
        truth.ChatsAnswered = answered;
        truth.AnsweredWithin24h = within24;
        truth.AnsweredWithin12h = within12;
        truth.FirstResponseSeconds = (long)answered * averageSeconds;
        truth.Reviews = reviews;
        truth.NegativeReviews = negative;
        return new ServiceDaily(p.Store.Id, date, chats, answered, within12, within24, (long)answered * averageSeconds, reviews, negative);
    }

    private static List<InventorySnapshot> GenerateInventory(StoreProfile p, DateOnly date, Random rng, StoreDayTruth truth)
    {
        var snapshots = new List<InventorySnapshot>(p.Skus.Length);
        foreach (var sku in p.Skus)
        {
            var units = (long)Math.Round(sku.StockLevel * (0.5 + rng.NextDouble()));
            snapshots.Add(new InventorySnapshot(p.Store.Id, date, sku.SkuId, units));
            truth.UnitsOnHand += units;
        }

        return snapshots;
    }
}
