using KpiFunctions.Core.Domain;

namespace KpiFunctions.Sources.Synthetic;

public sealed partial class SyntheticWorld
{
    private const double MissingDailyShare = 0.005;
    private const long TwelveHours = 12 * 3600;
    private const long TwentyFourHours = 24 * 3600;

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

    /// <summary>
    /// Each session's product clicks: 2 % to 12 % of its views. Drawn from a stream of its own (10), so no figure the
    /// world made before moves.
    /// </summary>
    private static List<LiveSession> WithProductClicks(List<LiveSession> sessions, Random rng)
    {
        for (var i = 0; i < sessions.Count; i++)
        {
            sessions[i] = sessions[i] with { ProductClicks = (long)(sessions[i].Views * (0.02 + (rng.NextDouble() * 0.10))) };
        }

        return sessions;
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

    /// <summary>
    /// The day's service sessions, and its service figures made from them. The count of chats and the reviews come
    /// from the day's stream as before; each session (its opening time, its first response delay or none, the buyer's
    /// rating) comes from a stream of its own, so the draws of everything after it (inventory) keep their values.
    /// </summary>
    private (ServiceDaily? Service, IReadOnlyList<ServiceSession> Sessions) GenerateService(
        StoreProfile p, DateOnly date, Random rng, int orders, DateTimeOffset start, DateTimeOffset end, StoreDayTruth truth)
    {
        var missing = rng.NextDouble() < MissingDailyShare;
        var chats = (int)Math.Round(orders * 0.08) + rng.Next(6);

        // Drawn and unused since the figures come from sessions: the day's later draws keep their values.
        _ = rng.NextDouble();
        _ = rng.NextDouble();
        _ = rng.NextDouble();
        _ = rng.Next(20_000);
        var reviews = (int)Math.Round(orders * 0.05) + rng.Next(3);
        var negative = (int)Math.Round(reviews * rng.NextDouble() * 0.08);
        if (missing)
        {
            truth.HasService = false;
            return (null, []);
        }

        var sessions = GenerateSessions(p, date, chats, start, end);
        truth.HasService = true;
        truth.Chats = sessions.Count;
        truth.ChatsAnswered = 0;
        truth.AnsweredWithin12h = 0;
        truth.AnsweredWithin24h = 0;
        truth.FirstResponseSeconds = 0;
        foreach (var session in sessions)
        {
            if (session.FirstResponseSeconds is not { } seconds)
            {
                continue;
            }

            truth.ChatsAnswered++;
            truth.FirstResponseSeconds += seconds;
            truth.AnsweredWithin12h += seconds <= TwelveHours ? 1 : 0;
            truth.AnsweredWithin24h += seconds <= TwentyFourHours ? 1 : 0;
        }

        truth.Reviews = reviews;
        truth.NegativeReviews = negative;
        return (new ServiceDaily(p.Store.Id, date, truth.Chats, truth.ChatsAnswered, truth.AnsweredWithin12h, truth.AnsweredWithin24h, truth.FirstResponseSeconds, reviews, negative), sessions);
    }

    /// <summary>
    /// Sessions opened in [start, end) up to the as-of time, oldest first. Most are answered within minutes, some
    /// within hours, a few only after 12 or 24 hours or not at all, and a few exactly on the 12 and 24 hour marks (a
    /// window includes its end). A response due after the as-of time has not happened yet: the session is unanswered.
    /// </summary>
    private List<ServiceSession> GenerateSessions(StoreProfile p, DateOnly date, int count, DateTimeOffset start, DateTimeOffset end)
    {
        var rng = StableRandom.For(_seed, p.Key, date.DayNumber, 4);
        var unanswered = rng.NextDouble() * 0.08;
        var sessions = new List<ServiceSession>(count);
        for (var i = 0; i < count; i++)
        {
            var created = Between(rng, start, end);
            var delay = rng.NextDouble() < unanswered ? (long?)null : ResponseDelay(rng);
            var rating = rng.NextDouble();
            int? score = rating < 0.6 ? null : rating < 0.9 ? 5 : rating < 0.95 ? 4 : 1 + rng.Next(3);
            if (created > AsOf)
            {
                continue;
            }

            var response = delay is { } d && created.AddSeconds(d) <= AsOf ? created.AddSeconds(d) : (DateTimeOffset?)null;
            sessions.Add(new ServiceSession(Id("c", p.Key, date, i), created, response, response is null ? null : score));
        }

        sessions.Sort((a, b) => a.CreatedUtc != b.CreatedUtc ? a.CreatedUtc.CompareTo(b.CreatedUtc) : string.CompareOrdinal(a.SessionId, b.SessionId));
        return sessions;
    }

    /// <summary>Seconds to a first response: within minutes mostly, within hours often, past 12 or 24 hours rarely.</summary>
    private static long ResponseDelay(Random rng)
    {
        var kind = rng.NextDouble();
        return kind switch
        {
            < 0.01 => TwelveHours,
            < 0.02 => TwentyFourHours,
            < 0.77 => 20 + rng.Next(1_800),
            < 0.94 => 1_800 + rng.Next((int)TwelveHours - 1_800),
            < 0.98 => TwelveHours + 1 + rng.Next((int)TwelveHours - 1),
            _ => TwentyFourHours + 1 + rng.Next((int)TwentyFourHours),
        };
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
