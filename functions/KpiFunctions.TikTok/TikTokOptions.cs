namespace KpiFunctions.TikTok;

/// <summary>Settings of the TikTok Shop API client. The app secret is held here and never printed.</summary>
public sealed class TikTokOptions
{
    /// <summary>Open API host (the docs name one production host; kept configurable for regional hosts and our fake).</summary>
    public Uri ApiBaseUri { get; set; } = new("https://open-api.tiktokglobalshop.com");

    /// <summary>Host of the token endpoints (/api/v2/token/get and /refresh).</summary>
    public Uri AuthBaseUri { get; set; } = new("https://auth.tiktok-shops.com");

    /// <summary>The app key (public).</summary>
    public string AppKey { get; set; } = "";

    /// <summary>The app secret: signs every request; never logged, never part of a message.</summary>
    public string AppSecret { get; set; } = "";

    /// <summary>Requests per second across every shop of the app (the platform allows 50 per API per app+shop).</summary>
    public double AppRequestsPerSecond { get; set; } = 50;

    /// <summary>Requests per second to one shop.</summary>
    public double ShopRequestsPerSecond { get; set; } = 10;

    /// <summary>Attempts per request before giving up on 429, 5xx, timeouts and malformed answers.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>First retry delay; each later one doubles, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan BaseRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait between two attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time one request may take before it counts as timed out and is retried.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An access token this close to its expiry is refreshed before use.</summary>
    public TimeSpan RefreshAhead { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Orders per search page (1-100).</summary>
    public int OrderPageSize { get; set; } = 100;

    /// <summary>Returns per search page (10-50).</summary>
    public int ReturnPageSize { get; set; } = 50;

    /// <summary>
    /// How many days before a run's window the late-change search looks for orders placed then and changed inside the
    /// window (KPI_TIKTOK_LATE_CHANGE_DAYS; 1-365).
    /// </summary>
    public int LateChangeDays { get; set; } = 30;

    /// <summary>
    /// How many days back, from a run's last day, order fees are read again: TikTok settles an order weeks after it
    /// was placed, and the settlement replaces the estimate on the day the order was placed
    /// (KPI_TIKTOK_FINANCE_LOOKBACK_DAYS; 1-180).
    /// </summary>
    public int FinanceLookbackDays { get; set; } = 45;

    /// <summary>
    /// Largest gap between a day's customer service sessions and TikTok's own service performance before the run
    /// status says so: in percent of TikTok's session count, and in percentage points of the share answered within
    /// 24 hours (KPI_RECONCILE_TOLERANCE_PCT, as for GMV; 0-100).
    /// </summary>
    public decimal ReconcileTolerancePct { get; set; } = 0.5m;

    /// <summary>Clock for timestamps, token expiry and pacing.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(AppKey))
        {
            throw new ArgumentException("The TikTok app key is missing; set KPI_TIKTOK_APP_KEY to the app key from Partner Center.");
        }

        if (string.IsNullOrWhiteSpace(AppSecret))
        {
            throw new ArgumentException("The TikTok app secret is missing; set KPI_TIKTOK_APP_SECRET (from Partner Center; keep it in Key Vault or local secrets, never in files you commit).");
        }

        if (AppRequestsPerSecond is <= 0 or > 1000 || ShopRequestsPerSecond is <= 0 or > 1000)
        {
            throw new ArgumentException($"Request rates must be above 0 and at most 1000 requests per second (KPI_TIKTOK_APP_RPS is {AppRequestsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture)}, KPI_TIKTOK_SHOP_RPS is {ShopRequestsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
        }

        if (MaxAttempts is < 1 or > 20)
        {
            throw new ArgumentException("MaxAttempts must be 1-20.");
        }

        if (LateChangeDays is < 1 or > 365)
        {
            throw new ArgumentException($"KPI_TIKTOK_LATE_CHANGE_DAYS must be 1-365 days (it is {LateChangeDays.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
        }

        if (FinanceLookbackDays is < 1 or > 180)
        {
            throw new ArgumentException($"KPI_TIKTOK_FINANCE_LOOKBACK_DAYS must be 1-180 days (it is {FinanceLookbackDays.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
        }

        if (ReconcileTolerancePct is < 0 or > 100)
        {
            throw new ArgumentException($"KPI_RECONCILE_TOLERANCE_PCT must be 0-100 percent (it is {ReconcileTolerancePct.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
        }

        if (OrderPageSize is < 1 or > 100 || ReturnPageSize is < 10 or > 50)
        {
            throw new ArgumentException("Order pages hold 1-100 orders and return pages 10-50 returns.");
        }
    }
}
