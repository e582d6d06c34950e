using System.Globalization;
using Azure.Core;
using KpiFunctions.Core.Privacy;
using KpiFunctions.Secrets;
using KpiFunctions.Sources;

namespace KpiFunctions.TikTok;

/// <summary>The TikTok client and source from the KPI_TIKTOK_* settings (environment variables or app settings).</summary>
public static class TikTokSettings
{
    /// <summary>The client settings, checked: called before anything is opened or written.</summary>
    public static TikTokOptions Options(Func<string, string?> setting, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(setting);
        string? Get(string name) => setting(name) is { Length: > 0 } v ? v.Trim() : null;
        Uri Url(string name, Uri fallback) => Get(name) is { } text
            ? Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : throw new ArgumentException($"{name}='{text}' is not an http(s) URL.")
            : fallback;
        double Rate(string name, double fallback) => Get(name) is { } text
            ? double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw new ArgumentException($"{name}='{text}' is not a number of requests per second.")
            : fallback;

        var defaults = new TikTokOptions();
        var options = new TikTokOptions
        {
            ApiBaseUri = Url("KPI_TIKTOK_API_URL", defaults.ApiBaseUri),

            // The token host follows the API host when only that is set (as for our fake, which serves both).
            AuthBaseUri = Url("KPI_TIKTOK_AUTH_URL", Url("KPI_TIKTOK_API_URL", defaults.AuthBaseUri)),
            AppKey = Get("KPI_TIKTOK_APP_KEY") ?? "",
            AppSecret = Get("KPI_TIKTOK_APP_SECRET") ?? "",
            ShopRequestsPerSecond = Rate("KPI_TIKTOK_SHOP_RPS", defaults.ShopRequestsPerSecond),
            AppRequestsPerSecond = Rate("KPI_TIKTOK_APP_RPS", defaults.AppRequestsPerSecond),
            LateChangeDays = Get("KPI_TIKTOK_LATE_CHANGE_DAYS") is { } days
                ? int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : throw new ArgumentException($"KPI_TIKTOK_LATE_CHANGE_DAYS='{days}' is not a whole number of days.")
                : defaults.LateChangeDays,
            FinanceLookbackDays = Get("KPI_TIKTOK_FINANCE_LOOKBACK_DAYS") is { } financeDays
                ? int.TryParse(financeDays, NumberStyles.None, CultureInfo.InvariantCulture, out var f) ? f : throw new ArgumentException($"KPI_TIKTOK_FINANCE_LOOKBACK_DAYS='{financeDays}' is not a whole number of days.")
                : defaults.FinanceLookbackDays,
            ReconcileTolerancePct = Get("KPI_RECONCILE_TOLERANCE_PCT") is { } tolerance
                ? decimal.TryParse(tolerance, NumberStyles.Number, CultureInfo.InvariantCulture, out var pct) ? pct : throw new ArgumentException($"KPI_RECONCILE_TOLERANCE_PCT='{tolerance}' is not a number of percent.")
                : defaults.ReconcileTolerancePct,
            Time = time,
        };
        options.Validate();
        return options;
    }

    /// <summary>
    /// The Business API settings (KPI_TIKTOK_ADS_*), checked; null when none of KPI_TIKTOK_ADS_APP_ID,
    /// KPI_TIKTOK_ADS_APP_SECRET and KPI_TIKTOK_ADS_ADVERTISERS is set (ad spend is then not fetched).
    /// </summary>
    public static TikTokBusinessOptions? BusinessOptions(Func<string, string?> setting, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(setting);
        string? Get(string name) => setting(name) is { Length: > 0 } v ? v.Trim() : null;
        if (Get("KPI_TIKTOK_ADS_APP_ID") is null && Get("KPI_TIKTOK_ADS_APP_SECRET") is null && Get("KPI_TIKTOK_ADS_ADVERTISERS") is null)
        {
            return Get("KPI_TIKTOK_ADS_STORE_ADVERTISERS") is null
                ? null
                : throw new ArgumentException("KPI_TIKTOK_ADS_STORE_ADVERTISERS is set but the Business API is not: set KPI_TIKTOK_ADS_APP_ID, KPI_TIKTOK_ADS_APP_SECRET and KPI_TIKTOK_ADS_ADVERTISERS too.");
        }

        var defaults = new TikTokBusinessOptions();
        var options = new TikTokBusinessOptions
        {
            ApiBaseUri = Get("KPI_TIKTOK_ADS_API_URL") is { } url
                ? Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : throw new ArgumentException($"KPI_TIKTOK_ADS_API_URL='{url}' is not an http(s) URL.")
                : defaults.ApiBaseUri,
            AppId = Get("KPI_TIKTOK_ADS_APP_ID") ?? "",
            AppSecret = Get("KPI_TIKTOK_ADS_APP_SECRET") ?? "",
            AdvertiserIds = [.. (Get("KPI_TIKTOK_ADS_ADVERTISERS") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)],
            StoreAdvertisers = Get("KPI_TIKTOK_ADS_STORE_ADVERTISERS") is { } map ? StoreAdvertisers(map) : defaults.StoreAdvertisers,
            RequestsPerSecond = Get("KPI_TIKTOK_ADS_RPS") is { } rps
                ? double.TryParse(rps, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) ? r : throw new ArgumentException($"KPI_TIKTOK_ADS_RPS='{rps}' is not a number of requests per second.")
                : defaults.RequestsPerSecond,
            Time = time,
        };
        options.Validate();
        return options;
    }

    /// <summary>Reads <c>store=advertiser|advertiser;store=advertiser</c>.</summary>
    private static Dictionary<string, IReadOnlyList<string>> StoreAdvertisers(string text)
    {
        var map = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var entry in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split('=', 2, StringSplitOptions.TrimEntries);
            var advertisers = parts.Length == 2 ? parts[1].Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
            if (parts.Length != 2 || parts[0].Length == 0 || advertisers.Length == 0)
            {
                throw new ArgumentException($"KPI_TIKTOK_ADS_STORE_ADVERTISERS entry '{entry}' is not store=advertiser[|advertiser...] (entries separated by ';', e.g. uk-main=7000000000000000001|7000000000000000002;us-west=7000000000000000003).");
            }

            if (!map.TryAdd(parts[0], [.. advertisers.Distinct(StringComparer.Ordinal)]))
            {
                throw new ArgumentException($"KPI_TIKTOK_ADS_STORE_ADVERTISERS names store '{parts[0]}' twice; give each store one entry.");
            }
        }

        return map;
    }

    /// <summary>
    /// Where the stores' tokens live: the Key Vault at KPI_KEYVAULT_URI (reached with <paramref name="credential"/>),
    /// or, without one, files in KPI_TIKTOK_SECRETS_DIR (default: the data folder's secrets/).
    /// </summary>
    public static ISecretStore SecretStore(Func<string, string?> setting, string dataDir, Func<TokenCredential> credential)
    {
        ArgumentNullException.ThrowIfNull(setting);
        ArgumentNullException.ThrowIfNull(credential);
        if (setting("KPI_KEYVAULT_URI") is { Length: > 0 } vault)
        {
            return Uri.TryCreate(vault.Trim(), UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
                ? new KeyVaultSecretStore(uri, credential())
                : throw new ArgumentException($"KPI_KEYVAULT_URI='{vault}' is not the https URL of a vault (https://<name>.vault.azure.net).");
        }

        return new FileSecretStore(setting("KPI_TIKTOK_SECRETS_DIR") is { Length: > 0 } dir ? dir.Trim() : Path.Combine(dataDir, "secrets"));
    }

    /// <summary>
    /// The source, its tokens in <paramref name="secrets"/>; with <paramref name="ads"/> it reads ad spend from the
    /// Business API too, converting advertisers' currencies with <paramref name="fx"/> (the run's rate source).
    /// </summary>
    public static TikTokSource Source(TikTokOptions options, ISecretStore secrets, HttpClient http, BuyerIdHasher hasher, TimeProvider time, TikTokBusinessOptions? ads = null, IFxRateSource? fx = null) =>
        new(new TikTokShopApi(new TikTokApiClient(http, options, secrets), options), hasher, time)
        {
            Ads = ads is null ? null : new TikTokAdsReader(new TikTokBusinessApi(new TikTokBusinessClient(http, ads, secrets)), fx),
        };
}
