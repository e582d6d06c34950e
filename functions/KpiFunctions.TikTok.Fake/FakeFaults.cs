namespace KpiFunctions.TikTok.Fake;

/// <summary>
/// What the fake does wrong, on purpose. Counters run over every API request the fake receives (token calls
/// included), so "every n" is deterministic for a given sequence of requests. Zero switches a fault off.
/// </summary>
public sealed class FakeFaults
{
    /// <summary>Every n-th request starts a burst of <see cref="TooManyRequestsBurst"/> answers of 429 (code 36009002, Retry-After 1).</summary>
    public int TooManyRequestsEvery { get; set; }

    /// <summary>Length of a 429 burst.</summary>
    public int TooManyRequestsBurst { get; set; } = 3;

    /// <summary>Retry-After, in whole seconds, sent with a fault's 429 (0: no header).</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Every n-th request is answered 503 (or 500 on odd ones), with the envelope.</summary>
    public int ServerErrorEvery { get; set; }

    /// <summary>Every n-th request waits <see cref="SlowDelay"/> before answering.</summary>
    public int SlowEvery { get; set; }

    /// <summary>How long a slow answer waits.</summary>
    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Every n-th request gets a 200 whose body is cut off mid-JSON.</summary>
    public int MalformedEvery { get; set; }

    /// <summary>After this many API requests with a shop's token, that token expires (105002) and must be refreshed.</summary>
    public int ExpireTokenAfter { get; set; }

    /// <summary>Each page after the first repeats a record of the page before with a later update time and a new status.</summary>
    public bool UpdateBetweenPages { get; set; }

    /// <summary>Each page after the first starts with the last record of the page before, unchanged.</summary>
    public bool DuplicateAcrossPages { get; set; }

    /// <summary>Store-days whose analytics GMV is off by a fraction (0.02: 2 % more than the orders give).</summary>
    public Dictionary<(string StoreId, DateOnly Date), decimal> PlatformGmvDrift { get; } = [];

    /// <summary>
    /// Store-days whose customer service performance counts this many sessions more than the session search lists
    /// (unanswered ones), so its count and 24-hour share disagree with the sessions.
    /// </summary>
    public Dictionary<(string StoreId, DateOnly Date), int> ServiceSessionCountDrift { get; } = [];

    /// <summary>The product performance list (202605) sends its counts as numeric strings ("12"), as some answers do.</summary>
    public bool CountsAsStrings { get; set; }

    /// <summary>
    /// The product performance list (202605) is refused with TikTok's invalid-version code (36009014), as for an app
    /// not allowed that version.
    /// </summary>
    public bool ProductVersionRefused { get; set; }

    /// <summary>Store-days whose product performance list sends one product with counts that cannot be read.</summary>
    public HashSet<(string StoreId, DateOnly Date)> UnreadableProductTraffic { get; } = [];

    /// <summary>A path answered 500 every time (an endpoint that is down).</summary>
    /// <summary>
    /// A path answered 500 every time (an endpoint that is down). A segment in braces stands for any one segment, so
    /// <c>/analytics/202509/shop_products/{product_id}/performance</c> takes down every product's.
    /// </summary>
    public string? DownPath { get; set; }

    /// <summary>Whether <paramref name="path"/> is <see cref="DownPath"/>.</summary>
    public bool IsDown(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (DownPath is null || DownPath == path)
        {
            return DownPath is not null;
        }

        var down = DownPath.Split('/');
        var asked = path.Split('/');
        return down.Length == asked.Length && down.Zip(asked).All(p => p.First == p.Second || (p.First.StartsWith('{') && p.First.EndsWith('}') && p.Second.Length > 0));
    }

    /// <summary>Every n-th Business API request is refused with code 40100 (too many requests), HTTP 200 as the envelope goes.</summary>
    public int AdsRateLimitedEvery { get; set; }

    /// <summary>Every n-th Business API request is answered HTTP 429 "App temporarily restricted" (even within the QPS tier).</summary>
    public int AdsRestrictedEvery { get; set; }

    /// <summary>After this many Business API requests with an advertiser's token, that token expires (40102) and must be refreshed.</summary>
    public int AdsExpireTokenAfter { get; set; }

    /// <summary>Store-days whose Business API report rows carry a cost that cannot be read.</summary>
    public HashSet<(string StoreId, DateOnly Date)> UnreadableAdCost { get; } = [];

    /// <summary>Latency added to every answer (the benchmark's page latency).</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Every switch on, at rates a test can live with.</summary>
    public static FakeFaults All() => new()
    {
        TooManyRequestsEvery = 19,
        TooManyRequestsBurst = 2,
        RetryAfterSeconds = 0,
        ServerErrorEvery = 23,
        SlowEvery = 29,
        SlowDelay = TimeSpan.FromMilliseconds(600),
        MalformedEvery = 31,
        ExpireTokenAfter = 37,
        UpdateBetweenPages = true,
        DuplicateAcrossPages = true,
        CountsAsStrings = true,
        AdsRateLimitedEvery = 13,
        AdsRestrictedEvery = 17,
        AdsExpireTokenAfter = 11,
    };
}
