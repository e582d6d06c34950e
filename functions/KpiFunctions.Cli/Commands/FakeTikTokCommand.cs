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

    public static Command Create(CliContext context)
    {
        var port = new Option<int>("--port") { Description = "Port on 127.0.0.1 (0: any free port).", DefaultValueFactory = _ => 8370 };
        var stores = new Option<int>("--stores") { Description = "Demo stores served (1-120).", DefaultValueFactory = _ => 12 };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic world.", DefaultValueFactory = _ => 42 };
        var appKey = new Option<string>("--app-key") { Description = "The app key accepted. Default: $KPI_TIKTOK_APP_KEY or " + DemoAppKey, DefaultValueFactory = _ => context.GetEnvironment("KPI_TIKTOK_APP_KEY") is { Length: > 0 } key ? key : DemoAppKey };
        var secretsDir = new Option<string>("--secrets-dir")
        {
            Description = "Folder where each store's tokens are written (a file secret store), where kpi run --source tiktok looks for them. Default: $KPI_TIKTOK_SECRETS_DIR, else <$KPI_DATA_DIR or ./.kpi-data>/secrets",
            DefaultValueFactory = _ => context.GetEnvironment("KPI_TIKTOK_SECRETS_DIR") is { Length: > 0 } dir ? dir : Path.Combine(CommonOptions.ResolveDataDir(null, context), "secrets"),
        };
        var shopLimit = new Option<double>("--shop-limit") { Description = "Requests per second accepted per shop; beyond it 429 (0: no limit)." };
        var appLimit = new Option<double>("--app-limit") { Description = "Requests per second accepted from the app (0: no limit)." };
        var latency = new Option<int>("--latency-ms") { Description = "Milliseconds added to every answer (default 0)." };
        var faults = new Option<string>("--faults") { Description = "none, or all (429 bursts, 5xx, slow and malformed answers, token expiry, paging drift and repeats).", DefaultValueFactory = _ => "none" };
        faults.AcceptOnlyFromAmong("none", "all");
        var command = new Command("fake-tiktok", "Run our fake of the TikTok Shop API (signed requests, tokens, paging, faults) serving the synthetic world, until Ctrl+C.")
        {
            port, stores, seed, appKey, secretsDir, shopLimit, appLimit, latency, faults,
        };
        command.SetAction(async (parse, ct) =>
        {
            var count = parse.GetValue(stores);
            if (count is < 1 or > 120)
            {
                throw new ArgumentException("--stores must be 1-120.");
            }

            var demo = DemoStores.Create(count);
            var world = new SyntheticWorld(parse.GetValue(seed), demo, context.Time.GetUtcNow(), new BuyerIdHasher(RandomNumberGenerator.GetBytes(32)));
            var secret = context.GetEnvironment("KPI_TIKTOK_APP_SECRET") is { Length: > 0 } s ? s : DemoAppSecret;
            await using var fake = await FakeTikTokServer.StartAsync(
                new FakeTikTokSetup(world, parse.GetValue(appKey)!, secret) { ShopLimitPerSecond = parse.GetValue(shopLimit), AppLimitPerSecond = parse.GetValue(appLimit), Time = context.Time },
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

            var console = context.Console;
            console.MarkupLine($"Fake TikTok Shop API listening on [bold]{Markup.Escape(fake.BaseUri.ToString())}[/] (app key {Markup.Escape(parse.GetValue(appKey)!)}; faults: {parse.GetValue(faults)}).");
            console.MarkupLine($"Tokens of {count} stores written to {Markup.Escape(Path.GetFullPath(parse.GetValue(secretsDir)!))}. Press Ctrl+C to stop.");
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
