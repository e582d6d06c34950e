using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using KpiFunctions.Core.Privacy;
using KpiFunctions.Secrets;
using KpiFunctions.Sources.Synthetic;
using KpiFunctions.TikTok;
using KpiFunctions.TikTok.Fake;
using Spectre.Console;

namespace KpiFunctions.Cli.Commands;

/// <summary><c>kpi fake-tiktok</c>: runs our fake of the TikTok Shop API on 127.0.0.1 until stopped.</summary>
internal static class FakeTikTokCommand
{
    /// <summary>The demo app key the fake accepts unless told otherwise.</summary>
    public const string DemoAppKey = "kpi-demo-app";

    /// <summary>The fake's app secret unless KPI_TIKTOK_APP_SECRET is set (a fake's secret, not a real one).</summary>
    public const string DemoAppSecret = "kpi-demo-secret";

    /// <summary>The Business API app id the fake accepts when KPI_TIKTOK_ADS_APP_ID is not set.</summary>
    public const string DemoAdsAppId = "kpi-demo-ads-app";

    /// <summary>The Business API app secret the fake accepts when KPI_TIKTOK_ADS_APP_SECRET is not set (a demo value, not a secret).</summary>
    public const string DemoAdsAppSecret = "kpi-demo-ads-secret";

    public static Command Create(CliContext context)
    {
        var port = CommonOptions.WholeNumber("--port", "Port on 127.0.0.1 (0: any free port).", 0, 65535, 8370);
        var stores = CommonOptions.WholeNumber("--stores", $"Demo stores served (1-{DemoStores.MaxCount}).", 1, DemoStores.MaxCount, DemoStores.BaseCount);
        var seed = CommonOptions.WholeNumber("--seed", "Seed of the synthetic world.", int.MinValue, int.MaxValue, 42);
        var appKey = new Option<string>("--app-key")
        {
            Description = "The app key accepted. Default: $KPI_TIKTOK_APP_KEY or " + DemoAppKey,
            DefaultValueFactory = _ => context.GetEnvironment("KPI_TIKTOK_APP_KEY") is { Length: > 0 } key ? key : DemoAppKey,
            CustomParser = result => CommonOptions.Value(result) is { Length: > 0 } key && key.All(c => char.IsAscii(c) && !char.IsWhiteSpace(c) && !char.IsControl(c))
                ? key
                : CommonOptions.Error<string>(result, $"--app-key '{CommonOptions.Value(result)}' is not an app key; allowed: letters, digits and punctuation, without spaces."),
        };
        var secretsDir = new Option<string>("--secrets-dir")
        {
            Description = "Folder where each store's tokens are written (a file secret store), where kpi run --source tiktok looks for them. Default: $KPI_TIKTOK_SECRETS_DIR, else <$KPI_DATA_DIR or ./.kpi-data>/secrets",
            DefaultValueFactory = _ => context.GetEnvironment("KPI_TIKTOK_SECRETS_DIR") is { Length: > 0 } dir ? dir : Path.Combine(CommonOptions.ResolveDataDir(null, context), "secrets"),
            CustomParser = result => CommonOptions.Folder(result, "--secrets-dir"),
        };
        var shopLimit = CommonOptions.NonNegativeNumber("--shop-limit", "Requests per second accepted per shop; beyond it 429 (0: no limit).");
        var appLimit = CommonOptions.NonNegativeNumber("--app-limit", "Requests per second accepted from the app (0: no limit).");
        var latency = CommonOptions.WholeNumber("--latency-ms", "Milliseconds added to every answer (0-60000).", 0, 60_000, 0);
        var faults = CommonOptions.Choice("--faults", "none, or all (429 bursts, 5xx, slow and malformed answers, token expiry, paging drift and repeats).", "none", "all");
        var command = new Command("fake-tiktok", "Run our fake of the TikTok Shop API (signed requests, tokens, paging, faults) serving the synthetic world, until Ctrl+C.")
        {
            port, stores, seed, appKey, secretsDir, shopLimit, appLimit, latency, faults,
        };
        command.SetAction(async (parse, ct) =>
        {
            var count = parse.GetValue(stores);
            var demo = DemoStores.Create(count);
            var world = new SyntheticWorld(parse.GetValue(seed), demo, context.Time.GetUtcNow(), new BuyerIdHasher(RandomNumberGenerator.GetBytes(32)));
            var secret = context.GetEnvironment("KPI_TIKTOK_APP_SECRET") is { Length: > 0 } s ? s : DemoAppSecret;
            await using var fake = await FakeTikTokServer.StartAsync(
                new FakeTikTokSetup(world, parse.GetValue(appKey)!, secret)
                {
                    ShopLimitPerSecond = parse.GetValue(shopLimit),
                    AppLimitPerSecond = parse.GetValue(appLimit),
                    AdsAppId = context.GetEnvironment("KPI_TIKTOK_ADS_APP_ID") is { Length: > 0 } adsApp ? adsApp : DemoAdsAppId,
                    AdsAppSecret = context.GetEnvironment("KPI_TIKTOK_ADS_APP_SECRET") is { Length: > 0 } adsSecret ? adsSecret : DemoAdsAppSecret,
                    Time = context.Time,
                },
                parse.GetValue(port),
                ct);
            var chosen = parse.GetValue(faults) == "all" ? FakeFaults.All() : new FakeFaults();
            chosen.Latency = TimeSpan.FromMilliseconds(parse.GetValue(latency));
            fake.Faults = chosen;
            var secrets = new FileSecretStore(parse.GetValue(secretsDir)!);
            foreach (var store in demo)
            {
                await secrets.SetAsync(TikTokToken.SecretName(store.Id), fake.Authorize(store.Id).ToJson(), ct);
            }

            foreach (var advertiser in fake.Advertisers)
            {
                await secrets.SetAsync(TikTokToken.AdsSecretName(advertiser.Id), fake.AuthorizeAdvertiser(advertiser.Id).ToJson(), ct);
            }

            var console = context.Console;
            console.MarkupLine($"Fake TikTok Shop API listening on [bold]{Markup.Escape(fake.BaseUri.ToString())}[/] (app key {Markup.Escape(parse.GetValue(appKey)!)}; faults: {parse.GetValue(faults)}).");
            console.MarkupLine($"Tokens of {count} stores written to {Markup.Escape(Path.GetFullPath(parse.GetValue(secretsDir)!))}. Press Ctrl+C to stop.");
            console.MarkupLine($"Business API (ad spend) at {Markup.Escape(fake.BusinessBaseUri.ToString())}: KPI_TIKTOK_ADS_ADVERTISERS={string.Join(',', fake.Advertisers.Select(a => a.Id))} (their tokens written beside the stores').");
            console.Profile.Out.Writer.Flush();
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"Stopped after {fake.Stats.Requests:N0} requests ({fake.Stats.OverLimit} over a limit, {fake.Stats.Faults} spoiled on purpose)."));
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
