using System.Diagnostics;
using System.Globalization;
using System.Text;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Privacy;
using KpiFunctions.Secrets;
using KpiFunctions.Sources.Synthetic;
using KpiFunctions.Tests.Shared;
using KpiFunctions.TikTok;
using KpiFunctions.TikTok.Fake;

namespace KpiFunctions.Bench;

/// <summary>
/// Scenario runner for the TikTok client's pacing: N stores fetched at once through our fake with a page latency and
/// rate limits per shop and per app enforced by the fake (it answers 429 to anything beyond them and counts it).
/// Prints the achieved request rate against the binding limit, requests over a limit, and pages or records lost.
/// Usage: dotnet run -c Release -- tiktok [stores] [latency ms] [shop limit/s] [app limit/s]
/// </summary>
internal static class TikTokBench
{
    public static async Task RunAsync(string[] args)
    {
        var storeCount = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50;
        var latency = TimeSpan.FromMilliseconds(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100);
        var shopLimit = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 10;
        var appLimit = args.Length > 3 ? double.Parse(args[3], CultureInfo.InvariantCulture) : 50;
        var binding = Math.Min(appLimit, shopLimit * storeCount);

        // Enough pool threads up front keep a burst of 50 requests from queueing behind thread injection.
        ThreadPool.SetMinThreads(100, 100);

        var stores = DemoStores.Create(storeCount);
        using var dir = new TempDirectory();
        var secretsDir = Path.Combine(dir.Path, "secrets");
        var port = FreePort();

        // The fake runs in a process of its own (kpi fake-tiktok), so the client's work does not delay the fake's
        // clock on arrivals; it writes every store's tokens to a secret store the client then reads.
        using var fake = StartFake(port, storeCount, shopLimit, appLimit, latency, secretsDir);
        var baseUri = new Uri($"http://127.0.0.1:{port}/");
        await WaitForAsync(baseUri, fake);
        var secrets = new FileSecretStore(secretsDir);
        var world = new SyntheticWorld(42, stores, DateTimeOffset.UtcNow, new BuyerIdHasher(Encoding.UTF8.GetBytes("bench-world-salt-0123456789")));

        // The client runs 3 % under each limit: the fake counts arrivals in a sliding second, and arrival times
        // jitter by a few milliseconds around the send times.
        var options = new TikTokOptions
        {
            ApiBaseUri = baseUri,
            AuthBaseUri = baseUri,
            AppKey = "kpi-demo-app",
            AppSecret = "kpi-demo-secret",
            AppRequestsPerSecond = appLimit * 0.97,
            ShopRequestsPerSecond = shopLimit * 0.97,
            OrderPageSize = 20,
        };
        using var http = new HttpClient();
        var client = new TikTokApiClient(http, options, secrets);
        var api = new TikTokShopApi(client, options);
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; {storeCount} stores at once through the fake (its own process), {latency.TotalMilliseconds:N0} ms per page, limits {shopLimit}/s per shop and {appLimit}/s per app (binding: {binding}/s); client paced at 97 % of each; orders of one day per store, 20 per page");

        // As a real run does, every store's shops are looked up first (paced like everything else); this also opens
        // the connections, so the measured part does not include connection set-up. Then one quiet second.
        var ciphers = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        foreach (var batch in stores.Chunk(10))
        {
            await Task.WhenAll(batch.Select(async store => ciphers[store.Id] = (await api.GetAuthorizedShopsAsync(store.Id))[0].Cipher));
        }

        await Task.Delay(TimeSpan.FromSeconds(1.1));
        var expected = 0;
        var received = 0;
        var pages = 0;
        var clientBefore = client.RequestsSent;
        var started = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        var requestsBefore = (await StatsAsync(http, baseUri)).GetProperty("requests").GetInt64();
        // Demand exceeds the binding limit while enough stores still have pages to fetch (each store alone can go no
        // faster than its shop limit or one page per latency); the sustained rate is measured over that stretch.
        var perStore = Math.Min(shopLimit, 1 / latency.TotalSeconds);
        // Twice the stores that could just saturate the limit, since each one also loses time between pages.
        var needed = 2 * (int)Math.Ceiling(binding / perStore);
        var finished = 0;
        var sustainedRequests = 0L;
        var sustainedTime = TimeSpan.Zero;
        var results = await Task.WhenAll(stores.Select(async store =>
        {
            var zone = StoreCalendar.ResolveZone(store.TimeZone);
            var day = StoreCalendar.LocalDate(world.AsOf, zone).AddDays(-2);
            var (from, to) = StoreCalendar.DayBounds(day, zone);
            var result = await api.SearchOrdersAsync(store.Id, ciphers[store.Id], from, to);
            if (Interlocked.Increment(ref finished) == storeCount - needed + 1)
            {
                sustainedRequests = client.RequestsSent - clientBefore;
                sustainedTime = watch.Elapsed;
            }

            return (Expected: world.Day(store.Id, day).Orders.Count, result.Records.Count, result.Pages);
        }));
        watch.Stop();
        foreach (var (e, r, p) in results)
        {
            expected += e;
            received += r;
            pages += p;
        }

        var stats = await StatsAsync(http, baseUri);
        var requests = stats.GetProperty("requests").GetInt64() - requestsBefore;
        var overLimit = stats.GetProperty("over_limit").GetInt64();
        var served = stats.GetProperty("pages").GetInt64();
        var rate = sustainedRequests / sustainedTime.TotalSeconds;
        Console.WriteLine();
        Console.WriteLine("| what | figure | bar |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| requests | {requests:N0} in {watch.Elapsed.TotalSeconds:N1} s ({pages:N0} pages; {requests / watch.Elapsed.TotalSeconds:N1}/s overall, tail included) | |");
        Console.WriteLine($"| sustained rate (while ≥ {needed} stores still fetch) / binding limit | {sustainedRequests:N0} in {sustainedTime.TotalSeconds:N1} s = {rate:N1}/s of {binding}/s = {rate / binding:P1} | ≥ 95 % ({(rate / binding >= 0.95 ? "met" : "NOT met")}) |");
        Console.WriteLine($"| requests over a limit (answered 429 by the fake; shop look-ups included) | {overLimit} | 0 ({(overLimit == 0 ? "met" : "NOT met")}) |");
        Console.WriteLine($"| records lost (expected {expected:N0}, received {received:N0}) | {expected - received} | 0 ({(expected == received ? "met" : "NOT met")}) |");
        if (overLimit > 0)
        {
            Console.WriteLine("over-limit arrivals (UTC): " + string.Join(", ", stats.GetProperty("over_limit_at").EnumerateArray().Select(e => e.GetString())) + $"; run started {started:HH:mm:ss.fff}");
        }

        Console.WriteLine($"| pages served / pages the client read | {served:N0} / {pages:N0} | equal ({(served == pages ? "met" : "NOT met")}) |");
    }

    private static ChildProcess StartFake(int port, int stores, double shopLimit, double appLimit, TimeSpan latency, string secretsDir)
    {
        // The kpi command built beside this benchmark (same configuration).
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var kpi = Path.Combine(RepoRoot.Find(), "functions", "KpiFunctions.Cli", "bin", configuration, "net10.0", "kpi.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            kpi, "fake-tiktok", "--port", port.ToString(CultureInfo.InvariantCulture), "--stores", stores.ToString(CultureInfo.InvariantCulture),
            "--shop-limit", shopLimit.ToString(CultureInfo.InvariantCulture), "--app-limit", appLimit.ToString(CultureInfo.InvariantCulture),
            "--latency-ms", ((int)latency.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), "--secrets-dir", secretsDir,
        })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("KPI_TIKTOK_APP_SECRET");

        var process = Process.Start(start) ?? throw new InvalidOperationException("kpi fake-tiktok did not start.");
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return new ChildProcess(process);
    }

    /// <summary>A child process stopped when disposed.</summary>
    private sealed class ChildProcess(Process process) : IDisposable
    {
        public bool HasExited => process.HasExited;

        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }

            process.Dispose();
        }
    }

    private static async Task WaitForAsync(Uri baseUri, ChildProcess fake)
    {
        using var http = new HttpClient();
        for (var i = 0; i < 300 && !fake.HasExited; i++)
        {
            try
            {
                await StatsAsync(http, baseUri);
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException("kpi fake-tiktok did not answer within 30 s (build the solution in Release first).");
    }

    private static async Task<System.Text.Json.JsonElement> StatsAsync(HttpClient http, Uri baseUri) =>
        System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri(baseUri, "_fake/stats"))).RootElement.Clone();

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
