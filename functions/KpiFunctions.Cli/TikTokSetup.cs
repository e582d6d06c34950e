using System.Globalization;
using KpiFunctions.Core.Privacy;
using KpiFunctions.TikTok;
using KpiFunctions.TikTok.Secrets;

namespace KpiFunctions.Cli;

/// <summary>The TikTok source from the KPI_TIKTOK_* settings.</summary>
internal static class TikTokSetup
{
    public static TikTokSource Source(CliContext context, string dataDir, HttpClient http, BuyerIdHasher hasher)
    {
        string? Get(string name) => context.GetEnvironment(name) is { Length: > 0 } v ? v.Trim() : null;
        Uri Url(string name, Uri fallback) => Get(name) is { } text
            ? Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : throw new ArgumentException($"{name}='{text}' is not an http(s) URL.")
            : fallback;
        double Rate(string name, double fallback) => Get(name) is { } text
            ? double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : throw new ArgumentException($"{name}='{text}' is not a positive number of requests per second.")
            : fallback;

        var defaults = new TikTokOptions();
        var options = new TikTokOptions
        {
            ApiBaseUri = Url("KPI_TIKTOK_API_URL", defaults.ApiBaseUri),
            AuthBaseUri = Url("KPI_TIKTOK_AUTH_URL", Get("KPI_TIKTOK_API_URL") is not null ? Url("KPI_TIKTOK_API_URL", defaults.AuthBaseUri) : defaults.AuthBaseUri),
            AppKey = Get("KPI_TIKTOK_APP_KEY") ?? "",
            AppSecret = Get("KPI_TIKTOK_APP_SECRET") ?? "",
            ShopRequestsPerSecond = Rate("KPI_TIKTOK_SHOP_RPS", defaults.ShopRequestsPerSecond),
            AppRequestsPerSecond = Rate("KPI_TIKTOK_APP_RPS", defaults.AppRequestsPerSecond),
            Time = context.Time,
        };
        options.Validate();
        var secrets = new FileSecretStore(Get("KPI_TIKTOK_SECRETS_DIR") ?? Path.Combine(dataDir, "secrets"));
        return new TikTokSource(new TikTokShopApi(new TikTokApiClient(http, options, secrets), options), hasher, context.Time);
    }
}
