using System.Globalization;

namespace KpiFunctions.TikTok;

/// <summary>
/// Settings of the TikTok Business (Marketing) API v1.3 client, which reads ad spend. The app secret is held here and
/// never printed; the advertisers' tokens live in the secret store (<see cref="TikTokToken.AdsSecretName"/>).
/// </summary>
public sealed class TikTokBusinessOptions
{
    /// <summary>The API root, version included (KPI_TIKTOK_ADS_API_URL).</summary>
    public Uri ApiBaseUri { get; set; } = new("https://business-api.tiktok.com/open_api/v1.3/");

    /// <summary>The Marketing API app's id (KPI_TIKTOK_ADS_APP_ID; public).</summary>
    public string AppId { get; set; } = "";

    /// <summary>The Marketing API app's secret (KPI_TIKTOK_ADS_APP_SECRET): only sent to refresh a token; never logged.</summary>
    public string AppSecret { get; set; } = "";

    /// <summary>The advertisers (ad accounts) to read, by id (KPI_TIKTOK_ADS_ADVERTISERS).</summary>
    public IReadOnlyList<string> AdvertiserIds { get; set; } = [];

    /// <summary>
    /// Store id to the advertisers whose classic campaigns serve it (KPI_TIKTOK_ADS_STORE_ADVERTISERS). A store listed
    /// here takes its classic campaigns from these advertisers only, whatever the GMV Max store lists say; an advertiser
    /// may be named for one store only (its classic report cannot be split between stores).
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> StoreAdvertisers { get; set; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

    /// <summary>Requests per second across every advertiser (KPI_TIKTOK_ADS_RPS; the app's QPS tier).</summary>
    public double RequestsPerSecond { get; set; } = 10;

    /// <summary>How long to wait after TikTok answers that the app is temporarily restricted, before asking again.</summary>
    public TimeSpan RestrictedWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Attempts per request before giving up on 429, restrictions, 5xx, timeouts and malformed answers.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>First retry delay; each later one doubles, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan BaseRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait between two attempts (a restriction's own wait aside).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time one request may take before it counts as timed out and is retried.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An access token this close to its expiry is refreshed before use.</summary>
    public TimeSpan RefreshAhead { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Report rows per page (1-1000).</summary>
    public int PageSize { get; set; } = 1000;

    /// <summary>Clock for token expiry and pacing.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(AppId))
        {
            throw new ArgumentException("The TikTok Business API app id is missing; set KPI_TIKTOK_ADS_APP_ID to the id of the Marketing API app (TikTok API for Business portal, My Apps).");
        }

        if (string.IsNullOrWhiteSpace(AppSecret))
        {
            throw new ArgumentException("The TikTok Business API app secret is missing; set KPI_TIKTOK_ADS_APP_SECRET (from the TikTok API for Business portal; keep it in Key Vault or local secrets, never in files you commit).");
        }

        if (AdvertiserIds.Count == 0)
        {
            throw new ArgumentException("No advertiser to read; set KPI_TIKTOK_ADS_ADVERTISERS to the ad account ids, separated by commas (e.g. 7000000000000000001,7000000000000000002).");
        }

        foreach (var id in AdvertiserIds.Concat(StoreAdvertisers.Values.SelectMany(a => a)))
        {
            if (id.Length is 0 or > 32 || !id.All(char.IsAsciiDigit))
            {
                throw new ArgumentException($"Advertiser id '{id}' is not an ad account id (digits only) in KPI_TIKTOK_ADS_ADVERTISERS or KPI_TIKTOK_ADS_STORE_ADVERTISERS.");
            }
        }

        var owner = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (store, advertisers) in StoreAdvertisers)
        {
            foreach (var advertiser in advertisers)
            {
                if (!AdvertiserIds.Contains(advertiser, StringComparer.Ordinal))
                {
                    throw new ArgumentException($"KPI_TIKTOK_ADS_STORE_ADVERTISERS names advertiser {advertiser} for store {store}, but KPI_TIKTOK_ADS_ADVERTISERS does not list it; add it there (its token must be in the secret store).");
                }

                if (owner.TryGetValue(advertiser, out var other) && other != store)
                {
                    throw new ArgumentException($"KPI_TIKTOK_ADS_STORE_ADVERTISERS names advertiser {advertiser} for stores {other} and {store}; its classic campaign report cannot be split between stores, so name it for one store.");
                }

                owner[advertiser] = store;
            }
        }

        if (RequestsPerSecond is <= 0 or > 1000)
        {
            throw new ArgumentException($"KPI_TIKTOK_ADS_RPS must be above 0 and at most 1000 requests per second (it is {RequestsPerSecond.ToString(CultureInfo.InvariantCulture)}).");
        }

        if (MaxAttempts is < 1 or > 20)
        {
            throw new ArgumentException("MaxAttempts must be 1-20.");
        }

        if (PageSize is < 1 or > 1000)
        {
            throw new ArgumentException("Report pages hold 1-1000 rows.");
        }
    }
}
