using KpiFunctions.Core.Privacy;
using KpiFunctions.Pipeline;
using KpiFunctions.Pipeline.Activities;
using KpiFunctions.Pipeline.Notify;
using KpiFunctions.Pipeline.Registry;
using KpiFunctions.Sources;
using KpiFunctions.Sources.SellerCenter;
using KpiFunctions.Sources.Synthetic;
using KpiFunctions.Storage.Azure;
using KpiFunctions.TikTok;

namespace KpiFunctions.App;

/// <summary>
/// The app's parts from its settings (the host passes app settings as environment variables): storage from
/// KPI_STORAGE (a connection string, or the identity-based KPI_STORAGE__* settings; unset: the embedded store in
/// KPI_DATA_DIR, for local runs), the source from KPI_SOURCE (tiktok, csv or synthetic), the pipeline options, the
/// buyer-hash salt, the alert webhooks (KPI_ALERT_WEBHOOKS, their URLs in the secret store). Every setting is checked when the app starts, so a bad one fails the host's start-up with its
/// name rather than the first night's run.
/// </summary>
public sealed class AppServices : IDisposable
{
    private readonly Func<string, string?> _setting;
    private readonly TimeProvider _time;
    private readonly TikTokOptions? _tiktok;
    private readonly TikTokBusinessOptions? _ads;
    private readonly BuyerIdHasher _hasher;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(5) };
    private readonly Lazy<TikTokSource>? _tiktokSource;
    private readonly Func<IStoreSource, IStoreSource> _decorateSource;
    private readonly Pipeline.Semantic.PowerBiRefresher? _refresher;
    private readonly AlertWebhooks? _webhooks;
    private Task? _ready;

    /// <summary>Reads and checks the settings.</summary>
    /// <param name="setting">The app settings by name.</param>
    /// <param name="time">The clock.</param>
    /// <param name="decorateSource">Wraps the source the steps use (tests put faults in it); null leaves it as it is.</param>
    public AppServices(Func<string, string?> setting, TimeProvider time, Func<IStoreSource, IStoreSource>? decorateSource = null)
    {
        ArgumentNullException.ThrowIfNull(setting);
        ArgumentNullException.ThrowIfNull(time);
        // Every read goes through the registry's guard: a setting the app reads is a setting it documents.
        var guarded = AppSettings.Guard(setting);
        _setting = name => guarded(name) is { Length: > 0 } v ? v.Trim() : null;
        _time = time;
        _decorateSource = decorateSource ?? (s => s);
        Options = PipelineOptions.FromSettings(_setting);
        DataDir = _setting("KPI_DATA_DIR") ?? ".kpi-data";
        var account = StorageAccount.FromSettings("KPI_STORAGE", _setting);
        Storage = KpiStorage.Open(account, DataDir, time);
        SourceName = _setting("KPI_SOURCE") ?? "tiktok";
        if (SourceName is not ("tiktok" or "csv" or "synthetic"))
        {
            throw new ArgumentException($"KPI_SOURCE='{SourceName}' is not a source; use tiktok, csv or synthetic.");
        }

        _tiktok = SourceName == "tiktok" ? TikTokSettings.Options(_setting, time) : null;
        _ads = SourceName == "tiktok" ? TikTokSettings.BusinessOptions(_setting, time) : null;
        if (account is not null && _setting(BuyerSalt.EnvironmentVariable) is null)
        {
            // On Azure there is no data folder to keep a generated salt in: hashes would change with every instance.
            throw new ArgumentException($"{BuyerSalt.EnvironmentVariable} is not set; on Azure the buyer-hash salt comes from the app settings (a Key Vault reference).");
        }

        _refresher = (_setting("KPI_POWERBI_WORKSPACE_ID"), _setting("KPI_POWERBI_DATASET_ID")) switch
        {
            (null, null) => null,
            ({ } workspace, { } dataset) => new Pipeline.Semantic.PowerBiRefresher(
                _setting("KPI_POWERBI_API_URL") is { } api
                    ? Uri.TryCreate(api, UriKind.Absolute, out var apiUri) ? apiUri : throw new ArgumentException($"KPI_POWERBI_API_URL='{api}' is not a URL.")
                    : new Uri("https://api.powerbi.com"),
                workspace,
                dataset,
                StorageAccount.CredentialFromSettings("KPI_STORAGE", _setting)),
            _ => throw new ArgumentException("Set both KPI_POWERBI_WORKSPACE_ID and KPI_POWERBI_DATASET_ID to have Power BI refreshed after each publish, or neither."),
        };
        _hasher = new BuyerIdHasher(BuyerSalt.Resolve(_setting(BuyerSalt.EnvironmentVariable), DataDir));

        // One TikTok source for the process: its request pacing per app and shop must see every invocation's requests.
        var tiktok = _tiktok;
        var webhooks = AlertWebhookOptions.FromSettings(_setting);
        var secrets = tiktok is null && webhooks.Channels.Count == 0 ? null : TikTokSettings.SecretStore(_setting, DataDir, () => StorageAccount.CredentialFromSettings("KPI_STORAGE", _setting));
        _webhooks = webhooks.Channels.Count == 0 ? null : new AlertWebhooks(webhooks, secrets!, _http);
        // Advertisers' currencies are converted with the rates the runs use: the synthetic ones of seed 42, which depend on
        // the currency and the day only (a world of the demo's stores has every currency they use).
        var ads = _ads;
        _tiktokSource = tiktok is null ? null : new Lazy<TikTokSource>(() => TikTokSettings.Source(tiktok, secrets!, _http, _hasher, _time, ads,
            ads is null ? null : new SyntheticFxSource(new SyntheticWorld(42, DemoStores.Create(DemoStores.BaseCount), _time.GetUtcNow(), _hasher))));
    }

    /// <summary>The pipeline options.</summary>
    public PipelineOptions Options { get; }

    /// <summary>Where data lives.</summary>
    public KpiStorage Storage { get; }

    /// <summary>The data folder of the embedded store (and of local secrets).</summary>
    public string DataDir { get; }

    /// <summary>KPI_SOURCE.</summary>
    public string SourceName { get; }

    /// <summary>The clock.</summary>
    public TimeProvider Time => _time;

    /// <summary>
    /// The run's activities over the registered stores, for one invocation. FX rates come from the synthetic source for
    /// now (as for <c>kpi run</c>): no rates feed is connected yet.
    /// </summary>
    public async Task<RunActivities> ActivitiesAsync(CancellationToken cancellationToken = default)
    {
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var stores = await new StoreRegistry(Storage.Tables).ListAsync(false, cancellationToken).ConfigureAwait(false);
        var world = new SyntheticWorld(42, stores, _time.GetUtcNow(), _hasher);
        IStoreSource source = SourceName switch
        {
            "tiktok" => _tiktokSource!.Value,
            "csv" => new SellerCenterCsvSource(Storage.Blobs, _hasher, _time),
            _ => new SyntheticSource(world),
        };
        return new RunActivities(Storage, _decorateSource(source), new SyntheticFxSource(world), Options, _time) { Refresher = _refresher, Webhooks = _webhooks };
    }

    /// <summary>Creates the tables the app uses, once per process (a fresh account works from the first call).</summary>
    public Task EnsureReadyAsync(CancellationToken cancellationToken = default)
    {
        lock (_http)
        {
            if (_ready is null || _ready.IsFaulted || _ready.IsCanceled)
            {
                _ready = Storage.EnsureTablesAsync(cancellationToken);
            }

            return _ready;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
