namespace KpiFunctions.App;

/// <summary>Who reads a setting.</summary>
public enum SettingReader
{
    /// <summary>The app's own code, through <see cref="AppSettings.Guard"/>.</summary>
    App,

    /// <summary>The Functions host (bindings, storage, the Durable task hub, telemetry); the app's code never reads it.</summary>
    Host,
}

/// <summary>One app setting.</summary>
/// <param name="Name">The setting's name.</param>
/// <param name="ReadBy">The handler or the host.</param>
/// <param name="Meaning">What it sets, and its default.</param>
/// <param name="Secret">True for a secret: in Azure it is a Key Vault reference, never a literal.</param>
/// <param name="RequiredOnAzure">True when the app in Azure needs it set (infra/main.bicep must set it); false when a default applies or it only matters off Azure.</param>
public sealed record AppSetting(string Name, SettingReader ReadBy, string Meaning, bool Secret = false, bool RequiredOnAzure = false);

/// <summary>
/// Every setting the Functions app reads, in one place. The app's code reads its settings only through
/// <see cref="Guard"/>, which refuses a name missing here, so this list is what the app reads; tests check it
/// against infra/main.bicep and local.settings.sample.json.
/// </summary>
public static class AppSettings
{
    /// <summary>The registry.</summary>
    public static IReadOnlyList<AppSetting> All { get; } =
    [
        // Storage of the data and the run summary.
        new("KPI_STORAGE", SettingReader.App, "connection string (local, Azurite); unset in Azure, where the identity-based settings below are used; unset locally: the embedded store"),
        new("KPI_STORAGE__accountName", SettingReader.App, "storage account name for identity-based access (Azure)", RequiredOnAzure: true),
        new("KPI_STORAGE__blobServiceUri", SettingReader.App, "blob endpoint, overriding the account's default"),
        new("KPI_STORAGE__serviceUri", SettingReader.App, "blob endpoint (the host's older name for it)"),
        new("KPI_STORAGE__tableServiceUri", SettingReader.App, "table endpoint, overriding the account's default"),
        new("KPI_STORAGE__credential", SettingReader.App, "managedidentity in Azure; unset: the default Azure credential chain", RequiredOnAzure: true),
        new("KPI_STORAGE__clientId", SettingReader.App, "client id of a user-assigned identity; unset: the system-assigned one"),
        new("KPI_DATA_DIR", SettingReader.App, "folder of the embedded store and local secrets (.kpi-data)"),

        // What runs.
        new("KPI_SOURCE", SettingReader.App, "tiktok (default), csv or synthetic", RequiredOnAzure: true),
        new("KPI_REPORTING_CURRENCY", SettingReader.App, "currency HQ compares stores in (USD)"),
        new("KPI_LOOKBACK_DAYS", SettingReader.App, "days before yesterday the nightly run fetches again (3)"),
        new("KPI_FX_MAX_CARRY_DAYS", SettingReader.App, "days an FX rate may be carried forward (7)"),
        new("KPI_MAX_PARALLEL_STORES", SettingReader.App, "stores kpi run fetches at once (4; the app is bounded by host.json's durableTask maxConcurrentActivityFunctions)"),
        new("KPI_MAX_ATTEMPTS", SettingReader.App, "attempts per store, the first included, in the fetch's retry policy (3)"),
        new("KPI_RETRY_FIRST_SECONDS", SettingReader.App, "seconds before a failed store's first retry (30)"),
        new("KPI_RETRY_BACKOFF", SettingReader.App, "factor each later retry's wait grows by (2)"),
        new("KPI_RESPONSE_WINDOWS", SettingReader.App, "response-time window per country, e.g. MY=12,TH=12 (24 h elsewhere)"),
        new("KPI_SEMANTIC_RETENTION_DAYS", SettingReader.App, "days a superseded semantic dataset version is kept for readers that started on it (7)"),
        new("KPI_ALERT_RETENTION_DAYS", SettingReader.App, "days back from today alerts are kept in KpiAlerts (400)"),
        new("KPI_BACKFILL_CHUNK_DAYS", SettingReader.App, "most days a run fetches and computes at a time; a longer window goes in chunks, each also ending with its month, so a backfill's memory is one chunk's (31)"),
        new("KPI_POWERBI_WORKSPACE_ID", SettingReader.App, "Power BI workspace (GUID) whose model is refreshed after each publish; unset: no refresh"),
        new("KPI_POWERBI_DATASET_ID", SettingReader.App, "Power BI semantic model (dataset, GUID) to refresh; with KPI_POWERBI_WORKSPACE_ID"),
        new("KPI_POWERBI_API_URL", SettingReader.App, "Power BI REST API host (https://api.powerbi.com)"),
        new("KPI_ALERT_WEBHOOKS", SettingReader.App, "webhooks that hear of each run's alerts, comma-separated <channel>:<format> (teams, feishu, dingtalk, wecom, json); each URL in the secret store as alert-webhook-<channel>, a signing secret as alert-webhook-<channel>-sign; unset: none"),
        new("KPI_ALERT_WEBHOOK_LEVEL", SettingReader.App, "critical (default: critical alerts only) or warning (warnings too) in the webhook messages"),
        new("KPI_REPORT_BASE_URL", SettingReader.App, "address the reports folder is served from, prefixed to the weekly report's path for the messages' link; unset: the path alone"),
        new("KPI_RECONCILE_TOLERANCE_PCT", SettingReader.App, "percent our GMV may differ from the platform's before it is reported (0.5)"),

        // Secrets and the TikTok Shop API.
        new("KPI_BUYER_HASH_SALT", SettingReader.App, "base64 salt of the buyer-id hash; required in Azure (a Key Vault reference)", Secret: true, RequiredOnAzure: true),
        new("KPI_KEYVAULT_URI", SettingReader.App, "Key Vault holding the stores' TikTok tokens and the alert webhooks' URLs; unset: files under KPI_TIKTOK_SECRETS_DIR", RequiredOnAzure: true),
        new("KPI_TIKTOK_APP_KEY", SettingReader.App, "app key from TikTok Shop Partner Center (source tiktok)"),
        new("KPI_TIKTOK_APP_SECRET", SettingReader.App, "app secret from Partner Center (a Key Vault reference)", Secret: true),
        new("KPI_TIKTOK_API_URL", SettingReader.App, "API host (https://open-api.tiktokglobalshop.com)"),
        new("KPI_TIKTOK_AUTH_URL", SettingReader.App, "token host (https://auth.tiktok-shops.com)"),
        new("KPI_TIKTOK_SECRETS_DIR", SettingReader.App, "folder of token files when no Key Vault is set (<data dir>/secrets)"),
        new("KPI_TIKTOK_SHOP_RPS", SettingReader.App, "requests per second per shop (10)"),
        new("KPI_TIKTOK_APP_RPS", SettingReader.App, "requests per second per app (50)"),
        new("KPI_TIKTOK_LATE_CHANGE_DAYS", SettingReader.App, "days back late order changes are looked for (30)"),
        new("KPI_TIKTOK_FINANCE_LOOKBACK_DAYS", SettingReader.App, "days back, from a run's last day, order fees are read again for settlements (45)"),
        new("KPI_TIKTOK_ADS_APP_ID", SettingReader.App, "app id of the TikTok Business (Marketing) API app that reads ad spend; unset: ad spend is not fetched"),
        new("KPI_TIKTOK_ADS_APP_SECRET", SettingReader.App, "that app's secret (a Key Vault reference); only sent to refresh advertisers' tokens", Secret: true),
        new("KPI_TIKTOK_ADS_ADVERTISERS", SettingReader.App, "ad account ids to read, comma-separated; each one's tokens in the secret store as tiktok-ads-token-<advertiser id>"),
        new("KPI_TIKTOK_ADS_STORE_ADVERTISERS", SettingReader.App, "store=advertiser|advertiser;... : the ad accounts whose classic campaigns serve a store, instead of the GMV Max store lists"),
        new("KPI_TIKTOK_ADS_API_URL", SettingReader.App, "Business API root (https://business-api.tiktok.com/open_api/v1.3/)"),
        new("KPI_TIKTOK_ADS_RPS", SettingReader.App, "Business API requests per second for the app (10)"),

        // The host's.
        new("KPI_SCHEDULE", SettingReader.Host, "DailyRun's NCRONTAB schedule in UTC, e.g. 0 0 2 * * *", RequiredOnAzure: true),
        new("AzureWebJobsStorage", SettingReader.Host, "the host's own storage and the Durable task hub's, as a connection string (local only)"),
        new("AzureWebJobsStorage__accountName", SettingReader.Host, "the host's own storage and the Durable task hub's (KpiHub), identity-based (Azure)", RequiredOnAzure: true),
        new("AzureWebJobsStorage__credential", SettingReader.Host, "managedidentity (Azure)", RequiredOnAzure: true),
        new("FUNCTIONS_WORKER_RUNTIME", SettingReader.Host, "dotnet-isolated; local only (Core Tools): Flex Consumption takes the runtime from the app's configuration"),
        new("APPLICATIONINSIGHTS_CONNECTION_STRING", SettingReader.Host, "Application Insights (Azure)", RequiredOnAzure: true),
        new("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", SettingReader.Host, "Authorization=AAD: telemetry sent with the app's identity (Azure)", RequiredOnAzure: true),
    ];

    /// <summary>
    /// Wraps a settings lookup so that only registered settings the handler reads can be looked up: reading any other
    /// name is a bug, caught by the first test that starts the app.
    /// </summary>
    public static Func<string, string?> Guard(Func<string, string?> setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        var known = All.Where(s => s.ReadBy == SettingReader.App).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        return name => known.Contains(name)
            ? setting(name)
            : throw new InvalidOperationException($"The app read setting '{name}', which is not in {nameof(AppSettings)}.{nameof(All)}; register it (and add it to infra/main.bicep and local.settings.sample.json).");
    }
}
